"""RSS 2.0 and Atom 1.0 feeds: all news, one tag, one member.

Built on Django's syndication framework. Every feed answers conditional
requests (ETag / Last-Modified) from one aggregate query, before rendering.
"""

import hashlib
import re
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure, Rss201rev2Feed
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import condition
from taggit.models import Tag

from members.models import Member

from .models import Announcement

FEED_SIZE = 20

FEED_LINK_TYPES = (("rss", "application/rss+xml", "RSS"), ("atom", "application/atom+xml", "Atom"))


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


_RELATIVE_URL = re.compile(r'(?P<attr>\b(?:href|src))="(?P<url>/[^"]*)"')


def absolutise_urls(html, base_url):
    """Make root-relative href and src attributes absolute."""
    return _RELATIVE_URL.sub(
        lambda m: f'{m.group("attr")}="{urljoin(base_url, m.group("url"))}"', html
    )


class ContentRssFeed(Rss201rev2Feed):
    """RSS 2.0 with the full body in content:encoded."""

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": "http://purl.org/rss/1.0/modules/content/",
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content:encoded", item["content"])


class ContentAtomFeed(Atom1Feed):
    """Atom 1.0 with the full body as HTML content."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})


FEED_TYPES = {"rss": ContentRssFeed, "atom": ContentAtomFeed}


class NewsFeed(Feed):
    """All published news."""

    def __init__(self, format="rss"):
        self.format = format
        self.feed_type = FEED_TYPES[format]

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    # What the feed is about ------------------------------------------------
    def get_object(self, request, **kwargs):
        return None

    def announcements(self, obj):
        return Announcement.objects.all()

    def feed_route(self, obj):
        return reverse("feeds:news", kwargs={"format": self.format})

    # Channel ---------------------------------------------------------------
    def title(self, obj):
        return _("%(site)s: news") % {"site": settings.SITE_NAME}

    def link(self, obj):
        return reverse("announcements:list")

    def feed_url(self, obj):
        return self.feed_route(obj)

    def description(self, obj):
        return _("Announcements from the %(site)s.") % {"site": settings.SITE_NAME}

    def subtitle(self, obj):
        return self.description(obj)

    def feed_guid(self, obj):
        return self.request.build_absolute_uri(self.feed_route(obj))

    def feed_copyright(self, obj):
        return settings.SITE_NAME

    language = settings.LANGUAGE_CODE

    def items(self, obj):
        return (
            self.announcements(obj)
            .for_listing()
            .select_related("author")
            .prefetch_related("members")[:FEED_SIZE]
        )

    # Items -----------------------------------------------------------------
    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_guid(self, item):
        return item.feed_id

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return max(item.updated_at, item.publish_at)

    def item_author_name(self, item):
        return item.author_name

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]

    def item_enclosures(self, item):
        if not item.picture or not item.picture_bytes:
            return []
        url = self.request.build_absolute_uri(item.picture.url)
        return [Enclosure(url, str(item.picture_bytes), item.picture_type)]

    def item_extra_kwargs(self, item):
        base = self.request.build_absolute_uri("/")
        return {"content": absolutise_urls(item.body_html, base)}

    # Conditional requests ------------------------------------------------------
    def validators(self, request, **kwargs):
        """(etag, last_modified) for this feed, memoised on the request."""
        cached = getattr(request, "_feed_validators", None)
        if cached is None:
            obj = self.get_object(request, **kwargs)
            etag, last_modified = self.announcements(obj).fingerprint()
            version = f"{self.format}-{self.object_version(obj)}-{etag}"
            etag = hashlib.sha256(version.encode()).hexdigest()[:32]
            cached = request._feed_validators = (etag, last_modified)
        return cached

    def object_version(self, obj):
        return "all"


class TagFeed(NewsFeed):
    def get_object(self, request, slug):
        tag = get_object_or_404(Tag, slug=slug)
        get_object_or_404(Announcement.objects.published().tagged(slug)[:1])
        return tag

    def announcements(self, tag):
        return Announcement.objects.tagged(tag.slug)

    def feed_route(self, tag):
        return reverse("feeds:tag", kwargs={"slug": tag.slug, "format": self.format})

    def title(self, tag):
        return _("%(site)s: news tagged “%(tag)s”") % {"site": settings.SITE_NAME, "tag": tag.name}

    def link(self, tag):
        return reverse("announcements:tag", kwargs={"slug": tag.slug})

    def description(self, tag):
        return _("Announcements tagged “%(tag)s”.") % {"tag": tag.name}

    def object_version(self, tag):
        return f"tag{tag.pk}-{tag.name}"


class MemberFeed(NewsFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Member.objects.listed(), slug=slug)

    def announcements(self, member):
        return Announcement.objects.about(member)

    def feed_route(self, member):
        return reverse("feeds:member", kwargs={"slug": member.slug, "format": self.format})

    def title(self, member):
        return _("%(site)s: news about %(member)s") % {
            "site": settings.SITE_NAME,
            "member": member.name,
        }

    def link(self, member):
        return member.get_absolute_url()

    def description(self, member):
        return _("Announcements about %(member)s.") % {"member": member.name}

    def object_version(self, member):
        return f"member{member.pk}-{member.updated_at.timestamp()}"


def feed_view(feed_class):
    """A view that answers 304 from the feed's validators, else renders it."""

    def view(request, format, **kwargs):
        feed = feed_class(format)

        def etag(request, **kw):
            return feed.validators(request, **kw)[0]

        def last_modified(request, **kw):
            return feed.validators(request, **kw)[1]

        response = condition(etag_func=etag, last_modified_func=last_modified)(feed)(
            request, **kwargs
        )
        # The syndication framework sets Last-Modified from the items shown;
        # the validators cover the whole feed, so theirs is the one to send.
        newest = feed.validators(request, **kwargs)[1]
        if response.status_code == 200 and newest:
            response.headers["Last-Modified"] = http_date(newest.timestamp())
        return response

    return view


news_feed = feed_view(NewsFeed)
tag_feed = feed_view(TagFeed)
member_feed = feed_view(MemberFeed)
