"""Feed scopes: the feeds WebSub pings and `manage.py ping_hubs` work on.

A scope is one feed in every format: all news (``news``), one tag
(``tag:<pk>``) or one member (``member:<pk>``); the key is also the feed's
``FeedState`` key. A scope's topics are the absolute URLs of its subscription
documents, one per format; its fingerprint changes exactly when what the
subscription document shows changes, whatever the format.
"""

import hashlib
from urllib.parse import urljoin

from taggit.models import Tag

from members.models import Member

from .feed_documents import FeedDocument
from .feeds import FEED_FORMATS, MemberFeed, NewsFeed, TagFeed
from .models import Announcement


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
    return [urljoin(base_url, feed_class(fmt).feed_route(obj)) for fmt in FEED_FORMATS]


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
