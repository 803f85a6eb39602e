"""RSS 2.0, Atom 1.0 and JSON Feed 1.1: all news, one tag, one member.

Built on Django's syndication framework (generators in feedgenerators.py).

Each feed *document* (a subscription document, or one RFC 5005 archive page
``?page=N``) is chosen by ``FeedDocument`` from a few small queries, and its
validators come from exactly what the document shows:

* a strong ``ETag``: a hash of the format, language, host, the feed object's
  rendered fields and the (id, updated, published) of the items shown, plus the
  feed's last recorded change (``FeedState``, which catches removals and tag
  changes); so an edit under another tag leaves this feed's ETag alone;
* ``Last-Modified``: the newest change among those.

``feed_view`` answers ``304`` from them before anything is rendered.

Archives (RFC 5005, section 4): items are numbered oldest first and cut into
pages of ``ARCHIVE_PAGE_SIZE``; only complete pages are archives, so an archive
page never changes when news is published. The subscription document holds the
newest ``FEED_SIZE`` items and links ``prev-archive`` (and ``next``, for
readers that know paged feeds) to the newest archive page.
"""

import hashlib
import html
import re
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Count, Max, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.templatetags.static import static
from django.urls import reverse
from django.utils.feedgenerator import Enclosure
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import condition, require_safe
from taggit.models import Tag

from members.models import Member

from . import reading
from .feedgenerators import FEED_TYPES
from .models import Announcement, FeedState

FEED_SIZE = 20
ARCHIVE_PAGE_SIZE = 20  # at most FEED_SIZE, so subscription + archives hold every item
# Bump when the feed output changes shape, so every ETag changes with it.
FEED_FORMAT_VERSION = "3"
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


_URL_ATTRIBUTE = re.compile(r'(?P<attr>\b(?:href|src))="(?P<url>[^"]*)"')


def absolutise_urls(html, base_url):
    """Make every href and src absolute, resolved against base_url (the item's page)."""
    return _URL_ATTRIBUTE.sub(
        lambda m: f'{m.group("attr")}="{urljoin(base_url, m.group("url"))}"', html
    )


def hub_url():
    return getattr(settings, "WEBSUB_HUB_URL", "") or None


def parse_page(request):
    """The archive page asked for: None for the subscription document; junk is 404."""
    value = request.GET.get("page")
    if value is None:
        return None
    if not value.isascii() or not value.isdigit() or len(value) > 9 or int(value) < 1:
        raise Http404(_("No such archive page."))
    return int(value)


class FeedDocument:
    """Which published announcements one feed document shows, newest first.

    Two small queries (a count, with the feed's last recorded change when
    `state_key` names it, and a slice of ids and dates); nothing rendered.
    """

    def __init__(self, announcements, page=None, state_key=None):
        self.page = page
        self.total, self.state_changed_at, self.rows = self.facts(announcements, page, state_key)
        self.archive_pages = self.total // ARCHIVE_PAGE_SIZE
        if self.rows is None:
            raise Http404(_("No such archive page."))
        self.pks = [pk for pk, _updated, _published in self.rows]

    @staticmethod
    def facts(announcements, page, state_key):
        """(total, the feed's recorded change, rows of (pk, updated, published));
        rows is None for an archive page that does not exist."""
        published = announcements.published()
        recorded = FeedState.objects.filter(key=state_key).values("changed_at")[:1]
        totals = published.aggregate(total=Count("pk"), state_changed_at=Max(Subquery(recorded)))
        total = totals["total"]
        # With no published row the aggregate has no row to carry the state on.
        state_changed_at = totals["state_changed_at"]
        if not total and state_key is not None:
            state = FeedState.objects.filter(key=state_key)
            state_changed_at = state.values_list("changed_at", flat=True).first()
        if page is not None and page > total // ARCHIVE_PAGE_SIZE:
            return total, state_changed_at, None
        fields = ("pk", "updated_at", "publish_at")
        if page is None:
            rows = list(published.newest_first().values_list(*fields)[:FEED_SIZE])
        else:
            start = (page - 1) * ARCHIVE_PAGE_SIZE
            oldest_first = published.order_by("publish_at", "pk").values_list(*fields)
            rows = list(oldest_first[start : start + ARCHIVE_PAGE_SIZE])[::-1]
        return total, state_changed_at, rows

    @property
    def newest_change(self):
        return max((max(updated, published) for _pk, updated, published in self.rows), default=None)

    def fingerprint(self):
        """What identifies this document's items (format-independent)."""
        rows = ";".join(
            f"{pk},{updated.timestamp()},{published.timestamp()}"
            for pk, updated, published in self.rows
        )
        if self.page is None:
            links = f"archives={self.archive_pages}"
        else:  # an archive page links on only while a newer archive exists
            links = f"page={self.page},newest={self.page == self.archive_pages}"
        return f"{links}|{rows}"

    def items(self):
        """The announcements, with what a feed item shows, in the document's order."""
        return reading.feed_items(self.pks)


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
        self.state_changed_at = self.document.state_changed_at

    def content_updated(self):
        """The feed's own date (Atom updated, RSS lastBuildDate): only from what the ETag covers."""
        dates = [self.document.newest_change]
        if self.page is None:
            dates.append(self.state_changed_at)
        return max((d for d in dates if d), default=None)

    def validators(self):
        """(strong etag, last modified) of this document in this format."""
        parts = [
            FEED_FORMAT_VERSION,
            self.format,
            get_language(),
            self.request.scheme,
            self.request.get_host(),
            settings.SITE_NAME,
            hub_url() or "",
            static("img/feed-icon.png"),
            self.object_version(self.obj),
            self.document.fingerprint(),
        ]
        if self.page is None:
            # The feed's last recorded change catches what the rows cannot show
            # (an item retagged in place). Archive pages leave it out so that
            # they stay the same while news is published; their rows suffice.
            parts.append(self.state_changed_at.timestamp() if self.state_changed_at else "")
        etag = hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:40]
        # Last-Modified errs late, never early: it also counts the feed's last
        # recorded change (an item leaving an archive page) and the object's edits.
        candidates = [self.content_updated(), self.state_changed_at]
        candidates += self.extra_change_times(self.obj)
        last_modified = max((d for d in candidates if d), default=None)
        return etag, last_modified

    def extra_change_times(self, obj):
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

    def feed_extra_kwargs(self, obj):
        icon = self.request.build_absolute_uri(static("img/feed-icon.png"))
        return {
            "updated": self.content_updated(),
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

    view.feed_class = feed_class
    return view


news_feed = feed_view(NewsFeed)
tag_feed = feed_view(TagFeed)
member_feed = feed_view(MemberFeed)


# Scopes: what the WebSub pings and ping_hubs work on -------------------------
def scope_feed(key):
    """(feed class, object) for a FeedState key, or None if the object is gone."""
    kind, _sep, pk = key.partition(":")
    if kind == "news":
        return NewsFeed, None
    if kind == "tag":
        tag = Tag.objects.filter(pk=pk).first()
        return (TagFeed, tag) if tag else None
    if kind == "member":
        member = Member.objects.listed().filter(pk=pk).first()
        return (MemberFeed, member) if member else None
    return None


def scope_topics(key, base_url):
    """The absolute URLs (one per format) of a scope's subscription documents."""
    found = scope_feed(key)
    if found is None:
        return []
    feed_class, obj = found
    feed = feed_class()
    return [
        urljoin(base_url, reverse(feed.route, kwargs={**feed.route_kwargs(obj), "format": fmt}))
        for fmt in FEED_FORMATS
    ]


def scope_fingerprint(key):
    """A format-independent fingerprint of a scope's subscription document.

    None when the feed's object no longer exists (a deleted tag, a member no
    longer listed): there is no address left to announce.
    """
    found = scope_feed(key)
    if found is None:
        return None
    feed_class, obj = found
    feed = feed_class()
    document = FeedDocument(feed.announcements(obj))
    if feed.require_items(document):
        version = "gone"  # the feed's last item left it: the hub should hear of it too
    else:
        version = f"{feed.object_version(obj)}|{document.fingerprint()}"
    return hashlib.sha256(version.encode()).hexdigest()[:40]


def all_scope_keys():
    """Every feed that exists: all news, tags with published news, listed members."""
    keys = ["news"]
    tag_ids = (
        Tag.objects.filter(
            pk__in=Announcement.objects.published().values("tags__id").exclude(tags__id=None)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    keys += [f"tag:{pk}" for pk in tag_ids]
    keys += [
        f"member:{pk}" for pk in Member.objects.listed().order_by("pk").values_list("pk", flat=True)
    ]
    return keys


def scope_keys_for(tag_ids, member_ids):
    """The scopes an announcement with these tags and members appears in."""
    return {"news"} | {f"tag:{pk}" for pk in tag_ids} | {f"member:{pk}" for pk in member_ids}
