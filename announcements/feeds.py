"""RSS 2.0, Atom 1.0 and JSON Feed 1.1: all news, one tag, one member.

Built on Django's syndication framework (generators in feedgenerators.py).
``feed_view`` finds the feed's object and its ``FeedDocument``
(feed_documents.py: which items, and the validators) from a few small queries,
and answers ``304`` from the validators before anything is rendered; an
unknown tag or member, a tag with no published news, or an archive page out
of range is a 404. Items carry the full body with every link made absolute.
``feed_links()`` gives the ``<link rel="alternate">`` data of a feed in each
format, for every page; the WebSub scopes of these feeds are in feed_scopes.py.
"""

import html
import re
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.feedgenerator import Enclosure, Stylesheet
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_safe
from taggit.models import Tag

from members.models import Member

from .feed_documents import FeedDocument, parse_page
from .feedgenerators import FEED_TYPES
from .models import Announcement

# Feed ids are tag: URIs (RFC 4151) under SITE_DOMAIN; never change this year.
FEED_ID_YEAR = "2025"

FEED_LINK_TYPES = (
    ("rss", "application/rss+xml", "RSS"),
    ("atom", "application/atom+xml", "Atom"),
    ("json", "application/feed+json", "JSON Feed"),
)
FEED_FORMATS = tuple(fmt for fmt, _mime, _label in FEED_LINK_TYPES)


def feed_links(route, title, **kwargs):
    """The alternate links for one feed in each format."""
    return [
        {
            "href": reverse(route, kwargs={**kwargs, "format": fmt}),
            "type": mime,
            "title": f"{title} ({label})",
            "format": label,
        }
        for fmt, mime, label in FEED_LINK_TYPES
    ]


_URL_ATTRIBUTE = re.compile(r'(?P<attr>\b(?:href|src|srcset))="(?P<url>[^"]*)"')


def _absolute(attribute, value, base_url):
    if attribute != "srcset":
        return urljoin(base_url, value)
    # "url 480w, url 960w": each candidate's address, its descriptor kept.
    candidates = (candidate.strip().split(" ", 1) for candidate in value.split(","))
    return ", ".join(" ".join([urljoin(base_url, parts[0]), *parts[1:]]) for parts in candidates)


def absolutise_urls(html, base_url):
    """Make every href, src and srcset absolute, resolved against base_url (the item's page)."""
    return _URL_ATTRIBUTE.sub(
        lambda m: f'{m.group("attr")}="{_absolute(m.group("attr"), m.group("url"), base_url)}"',
        html,
    )


def hub_url():
    """The WebSub hub the feeds advertise with rel="hub", or None."""
    return getattr(settings, "WEBSUB_HUB_URL", "") or None


class NewsFeed(Feed):
    """All published news."""

    route = "feeds:news"
    language = None  # the active language
    item_guid_is_permalink = False

    def __init__(self, format="rss", page=None):
        self.format = format
        self.page = page
        self.feed_type = FEED_TYPES[format]

    # What the feed is about ------------------------------------------------
    def get_object(self, request, **kwargs):
        return None

    def announcements(self, obj):
        return Announcement.objects.all()

    def route_kwargs(self, obj):
        return {}

    def scope_key(self, obj):
        """The FeedState key shared by this feed's formats and pages."""
        return "news"

    def object_version(self, obj):
        """What of the object itself the feed shows (for the ETag)."""
        return "news"

    def require_items(self, document):
        """Whether a feed with no published items is a 404."""
        return False

    # Preparing, validators ---------------------------------------------------
    def prepare(self, request, **kwargs):
        """Find the object and the document (404s here); a few queries, no rendering."""
        self.request = request
        self.obj = self.get_object(request, **kwargs)
        self.document = FeedDocument(
            self.announcements(self.obj), self.page, state_key=self.scope_key(self.obj)
        )
        if self.require_items(self.document):
            raise Http404(_("This feed has no published items."))

    def validators(self):
        """(strong etag, last modified) of this document in this format."""
        etag = self.document.etag(
            self.format,
            get_language(),
            self.request.scheme,
            self.request.get_host(),
            settings.SITE_NAME,
            hub_url() or "",
            static("img/feed-icon.png"),
            self.object_version(self.obj),
        )
        return etag, self.document.last_modified(*self.extra_change_times(self.obj))

    def extra_change_times(self, obj):
        """When the object itself last changed, for Last-Modified."""
        return []

    def __call__(self, request, *args, **kwargs):
        """Render the prepared document (prepare() has run)."""
        feedgen = self.get_feed(self.obj, request)
        response = HttpResponse(content_type=feedgen.content_type)
        feedgen.write(response, "utf-8")
        return response

    # Channel ---------------------------------------------------------------
    def title(self, obj):
        return _("%(site)s: news") % {"site": settings.SITE_NAME}

    def link(self, obj):
        return reverse("announcements:list")

    def feed_route(self, obj, page=None):
        url = reverse(self.route, kwargs={**self.route_kwargs(obj), "format": self.format})
        return f"{url}?page={page}" if page else url

    def feed_url(self, obj):
        return self.feed_route(obj, self.page)

    def about(self, obj):
        """The feed in one plain-text sentence."""
        return _("Announcements from the %(site)s.") % {"site": settings.SITE_NAME}

    def description(self, obj):
        # RSS readers take the channel description as HTML: escape the plain text.
        return escape(self.about(obj))

    def subtitle(self, obj):
        return self.about(obj)  # Atom's subtitle is text

    def feed_guid(self, obj):
        return f"tag:{settings.SITE_DOMAIN},{FEED_ID_YEAR}:feed:{self.scope_key(obj)}"

    def feed_copyright(self, obj):
        return settings.SITE_NAME

    def author_name(self, obj):
        return settings.SITE_NAME

    def stylesheets(self, obj):
        """A browser shows RSS and Atom as a page explaining feeds (readers ignore it)."""
        if self.format in {"rss", "atom"}:
            return [Stylesheet(reverse("feeds:stylesheet"), mimetype="text/xsl")]
        return None

    def feed_extra_kwargs(self, obj):
        icon = self.request.build_absolute_uri(static("img/feed-icon.png"))
        return {
            "updated": self.document.updated,
            "icon": icon,
            "logo": self.request.build_absolute_uri(static("img/feed-logo.png")),
            "hub_url": hub_url(),
            "archive_links": self.archive_links(obj),
            "is_archive": self.page is not None,
        }

    def archive_links(self, obj):
        """RFC 5005 links: archives oldest first; 'next' goes one page older."""

        def url(page=None):
            return self.request.build_absolute_uri(self.feed_route(obj, page))

        newest_archive = self.document.archive_pages
        links = {}
        if self.page is None:
            if newest_archive:
                links["prev-archive"] = links["next"] = url(newest_archive)
            return links
        links["current"] = url()
        if self.page > 1:
            links["prev-archive"] = links["next"] = url(self.page - 1)
        if self.page < newest_archive:
            links["next-archive"] = links["previous"] = url(self.page + 1)
        else:
            links["previous"] = url()
        return links

    def items(self, obj):
        return self.document.items()

    # Items -----------------------------------------------------------------
    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # RSS descriptions and Atom summaries are HTML here; the summary is plain text.
        return html.escape(item.summary, quote=False)

    def item_guid(self, item):
        return item.feed_id

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return max(item.updated_at, item.publish_at)

    def item_author_name(self, item):
        return item.author_name

    def item_categories(self, item):
        return [tag.name for tag in item.tag_list]

    def item_picture_url(self, item):
        if not item.picture or not item.picture_bytes or not item.picture_type:
            return None
        return self.request.build_absolute_uri(item.picture.url)

    def item_enclosures(self, item):
        url = self.item_picture_url(item)
        if not url:
            return []
        return [Enclosure(url, str(item.picture_bytes), item.picture_type)]

    def item_extra_kwargs(self, item):
        page_url = self.request.build_absolute_uri(item.get_absolute_url())
        return {
            "content": absolutise_urls(item.body_html, page_url),
            "summary_text": item.summary,
            "image": self.item_picture_url(item),
            # An item not translated into the feed's language says which one it is in.
            "language": item.content_language if item.is_fallback else None,
        }


class TagFeed(NewsFeed):
    route = "feeds:tag"

    def get_object(self, request, slug):
        return get_object_or_404(Tag, slug=slug)

    def announcements(self, tag):
        return Announcement.objects.tagged(tag)

    def route_kwargs(self, tag):
        return {"slug": tag.slug}

    def scope_key(self, tag):
        return f"tag:{tag.pk}"

    def object_version(self, tag):
        return f"tag:{tag.pk}:{tag.slug}:{tag.name}"

    def require_items(self, document):
        return document.total == 0

    def title(self, tag):
        return _("%(site)s: news tagged “%(tag)s”") % {"site": settings.SITE_NAME, "tag": tag.name}

    def link(self, tag):
        return reverse("announcements:tag", kwargs={"slug": tag.slug})

    def about(self, tag):
        return _("Announcements tagged “%(tag)s”.") % {"tag": tag.name}


class MemberFeed(NewsFeed):
    route = "feeds:member"

    def get_object(self, request, slug):
        return get_object_or_404(Member.objects.listed(), slug=slug)

    def announcements(self, member):
        return Announcement.objects.about(member)

    def route_kwargs(self, member):
        return {"slug": member.slug}

    def scope_key(self, member):
        return f"member:{member.pk}"

    def object_version(self, member):
        return f"member:{member.pk}:{member.slug}:{member.name}"

    def extra_change_times(self, member):
        return [member.updated_at]

    def title(self, member):
        return _("%(site)s: news about %(member)s") % {
            "site": settings.SITE_NAME,
            "member": member.name,
        }

    def link(self, member):
        return member.get_absolute_url()

    def about(self, member):
        return _("Announcements about %(member)s.") % {"member": member.name}


def feed_view(feed_class):
    """A view that answers 304 from the document's validators, else renders it."""

    @require_safe
    def view(request, format, **kwargs):
        feed = feed_class(format, parse_page(request))
        feed.prepare(request, **kwargs)
        etag, last_modified = feed.validators()
        response = condition(
            etag_func=lambda request, **kw: etag,
            last_modified_func=lambda request, **kw: last_modified,
        )(feed)(request, **kwargs)
        response.headers["Access-Control-Allow-Origin"] = "*"
        return response

    return view


news_feed = feed_view(NewsFeed)
tag_feed = feed_view(TagFeed)
member_feed = feed_view(MemberFeed)


@require_safe
def stylesheet(request):
    """The XSL stylesheet RSS and Atom name: a browser shows the feed with it as a page
    in the feed's language (the address's, /fr/news/feed.xsl for /fr/news/feed/rss/)."""
    return render(request, "feeds/feed.xsl", content_type="application/xslt+xml; charset=utf-8")
