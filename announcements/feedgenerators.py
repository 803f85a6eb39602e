"""The three feed formats: RSS 2.0, Atom 1.0 and JSON Feed 1.1.

Django's generators, extended with what a feed reader needs and Django leaves
out: the full body, an icon and logo, RFC 5005 archive links, a WebSub hub, and
a feed date that comes from the items (never "now", so that equal content is
byte-for-byte equal and a strong ETag is honest).

Feed-level extra keyword arguments understood by every format:
  updated       datetime of the newest change (else the newest item's date)
  icon, logo    absolute URLs of square and wide images
  hub_url       the WebSub hub, or None
  archive_links {"current": url, "prev-archive": url, "next-archive": url,
                 "next": url, "previous": url}; only those that exist
  is_archive    True for an archive document (RFC 5005 fh:archive)
Item extra keyword arguments: content (absolute-URL HTML), summary_text (plain
text), image (absolute URL of the picture or None).

Every string a feed writes (titles, descriptions, content, categories, author
names, links, in the feed and in each item) is stripped of the characters XML
1.0 forbids (``xml_text``): an editor's pasted control character never makes a
feed fail or a reader refuse it, whatever is stored.
"""

import datetime
import io
import json
import re

from django.utils.feedgenerator import (
    Atom1Feed,
    Enclosure,
    Rss201rev2Feed,
    SyndicationFeed,
    rfc3339_date,
)

HISTORY_NS = "http://purl.org/syndication/history/1.0"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
# What XML 1.0 forbids (https://www.w3.org/TR/xml/#charsets): the C0 control
# characters but tab, line feed and carriage return; surrogates; U+FFFE, U+FFFF.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value):
    """`value` with every string in it (in lists, tuples, dicts, enclosures) fit for XML."""
    if isinstance(value, str):
        return NOT_XML.sub("", value)
    if isinstance(value, dict):
        return {key: xml_text(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(xml_text(item) for item in value)
    if isinstance(value, Enclosure):
        return Enclosure(xml_text(value.url), xml_text(value.length), xml_text(value.mime_type))
    return value


class XmlTextMixin:
    """Every string of the feed and of each item is made fit for XML as it is added.

    JSON could carry any character, but a JSON Feed reader shows the same text
    as an RSS one: the three formats say the same thing.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.feed = xml_text(self.feed)

    def add_item(self, *args, **kwargs):
        super().add_item(*args, **kwargs)
        self.items[-1] = xml_text(self.items[-1])


class DeterministicDateMixin:
    def latest_post_date(self):
        """The feed's date: given, or the newest item's; never the clock."""
        if self.feed.get("updated"):
            return self.feed["updated"]
        if self.items:
            return super().latest_post_date()
        return EPOCH


class ContentRssFeed(XmlTextMixin, DeterministicDateMixin, Rss201rev2Feed):
    """RSS 2.0 with content:encoded, an image, atom:link hub and archive links."""

    def rss_attributes(self):
        attributes = {**super().rss_attributes(), "xmlns:content": CONTENT_NS}
        if self.feed.get("is_archive") or self.feed.get("archive_links"):
            attributes["xmlns:fh"] = HISTORY_NS
        return attributes

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        if self.feed.get("icon"):
            handler.startElement("image", {})
            handler.addQuickElement("url", self.feed["icon"])
            handler.addQuickElement("title", self.feed["title"])
            handler.addQuickElement("link", self.feed["link"])
            handler.endElement("image")
        if self.feed.get("hub_url"):
            handler.addQuickElement("atom:link", None, {"rel": "hub", "href": self.feed["hub_url"]})
        for rel, href in (self.feed.get("archive_links") or {}).items():
            handler.addQuickElement("atom:link", None, {"rel": rel, "href": href})
        if self.feed.get("is_archive"):
            handler.addQuickElement("fh:archive", None)

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content:encoded", item["content"])


class ContentAtomFeed(XmlTextMixin, DeterministicDateMixin, Atom1Feed):
    """Atom 1.0 with HTML content, icon, logo, hub and archive links."""

    def root_attributes(self):
        attributes = super().root_attributes()
        if self.feed.get("is_archive") or self.feed.get("archive_links"):
            attributes["xmlns:fh"] = HISTORY_NS
        return attributes

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        if self.feed.get("icon"):
            handler.addQuickElement("icon", self.feed["icon"])
        if self.feed.get("logo"):
            handler.addQuickElement("logo", self.feed["logo"])
        if self.feed.get("hub_url"):
            handler.addQuickElement("link", "", {"rel": "hub", "href": self.feed["hub_url"]})
        for rel, href in (self.feed.get("archive_links") or {}).items():
            handler.addQuickElement("link", "", {"rel": rel, "href": href})
        if self.feed.get("is_archive"):
            handler.addQuickElement("fh:archive", "")

    def write(self, outfile, encoding):
        """Django writes RSS's stylesheets only: Atom's go after the XML declaration too."""
        if not self.feed.get("stylesheets"):
            return super().write(outfile, encoding)
        document = io.StringIO()
        super().write(document, encoding)
        declaration, end, rest = document.getvalue().partition("?>\n")
        instructions = "".join(f"<?xml-stylesheet {sheet}?>" for sheet in self.feed["stylesheets"])
        outfile.write(declaration + end + instructions + rest)
        return None

    def item_attributes(self, item):
        """An entry in another language than the feed's (untranslated) says so."""
        attributes = super().item_attributes(item)
        if item.get("language"):
            attributes["xml:lang"] = item["language"]
        return attributes

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


class JsonFeed(XmlTextMixin, DeterministicDateMixin, SyndicationFeed):
    """JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/)."""

    content_type = "application/feed+json; charset=utf-8"

    def document(self):
        feed = self.feed
        document = {
            "version": JSON_FEED_VERSION,
            "title": feed["title"],
            "home_page_url": feed["link"],
            "feed_url": feed["feed_url"],
            "description": feed["description"],
        }
        if feed.get("icon"):
            document["icon"] = feed["icon"]
            document["favicon"] = feed["icon"]
        if feed.get("author_name"):
            document["authors"] = [{"name": feed["author_name"]}]
        if feed.get("language"):
            document["language"] = feed["language"]
        if feed.get("hub_url"):
            document["hubs"] = [{"type": "WebSub", "url": feed["hub_url"]}]
        links = feed.get("archive_links") or {}
        if links.get("next"):
            document["next_url"] = links["next"]
        if links:
            # RFC 5005's archive relations, as a JSON Feed extension.
            document["_rfc5005"] = {"archive": bool(feed.get("is_archive")), "links": links}
        document["items"] = [self.item_document(item) for item in self.items]
        return document

    def item_document(self, item):
        entry = {"id": item["unique_id"], "url": item["link"], "title": item["title"]}
        if item.get("content"):
            entry["content_html"] = item["content"]
        else:
            entry["content_text"] = item.get("summary_text") or item["title"]
        if item.get("summary_text"):
            entry["summary"] = item["summary_text"]
        if item.get("image"):
            entry["image"] = item["image"]
        if item["pubdate"]:
            entry["date_published"] = rfc3339_date(item["pubdate"])
        if item["updateddate"]:
            entry["date_modified"] = rfc3339_date(item["updateddate"])
        if item["author_name"]:
            entry["authors"] = [{"name": item["author_name"]}]
        if item["categories"]:
            entry["tags"] = list(item["categories"])
        if item.get("language"):
            entry["language"] = item["language"]
        if item["enclosures"]:
            entry["attachments"] = [
                {
                    "url": enclosure.url,
                    "mime_type": enclosure.mime_type,
                    "size_in_bytes": int(enclosure.length),
                }
                for enclosure in item["enclosures"]
            ]
        return entry

    def write(self, outfile, encoding):
        outfile.write(json.dumps(self.document(), ensure_ascii=False, indent=1))


FEED_TYPES = {"rss": ContentRssFeed, "atom": ContentAtomFeed, "json": JsonFeed}
