"""Every read a public page makes of announcements, in one place.

Each function starts from ``Announcement.objects.published()`` (the one
definition of public) unless it says otherwise, and returns instances shown in
the active language (dpga.languages.translations), with what the templates use
already fetched: a page's reads can be counted here.
"""

from collections import defaultdict
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, Subquery
from django.utils import timezone
from taggit.models import TaggedItem

from members.models import Member

from .models import Announcement, AnnouncementTranslation

HOME_FEATURED = 3
HOME_LATEST = 10
RELATED = 3


class ListedTag(NamedTuple):
    """A tag as a card, a page or a feed item shows it."""

    pk: int
    name: str
    slug: str


def with_tags(announcements):
    """Give each announcement its tags as ``tag_list``, in the order they were added
    (one small query for all; taggit's prefetch costs several times more)."""
    content_type = ContentType.objects.get_for_model(Announcement)
    items = TaggedItem.objects.filter(
        content_type=content_type, object_id__in=[a.pk for a in announcements]
    ).order_by("pk")
    tags = defaultdict(list)
    for item, *tag in items.values_list("object_id", "tag_id", "tag__name", "tag__slug"):
        tags[item].append(ListedTag(*tag))
    for announcement in announcements:
        announcement.tag_list = tags[announcement.pk]
    return announcements


def in_order(rows, ids):
    by_id = {row.pk: row for row in rows}
    return [by_id[pk] for pk in ids if pk in by_id]


def cards(ids):
    """The cards of these published announcements, in the order given (two queries:
    the rows with their translations, and their tags)."""
    if not ids:
        return []
    rows = Announcement.objects.published().filter(pk__in=ids).as_cards().shown()
    return with_tags(in_order(rows, ids))


def front_page(featured=HOME_FEATURED, latest=HOME_LATEST):
    """The home page's news: (up to `featured` featured ones, the `latest` newest others)."""
    news = Announcement.objects.published().newest_first()
    top = list(news.filter(featured=True).values_list("pk", flat=True)[:featured])
    rest = list(news.exclude(pk__in=top).values_list("pk", flat=True)[:latest])
    shown = cards([*top, *rest])
    return shown[: len(top)], shown[len(top) :]


def announcement_at(slug, language, *, drafts=False):
    """The announcement whose address in `language` ends in `slug`, or None.

    That language's slug or the original's (should another announcement's
    original slug equal this language's slug of one, the latter wins); another
    language's slug finds it too (its ``slug`` then differs from the one asked
    for: the page redirects). Published ones only, unless `drafts`.
    """
    announcements = Announcement.objects.all() if drafts else Announcement.objects.published()
    announcements = announcements.select_related("author").prefetch_related("translations")
    translated = AnnouncementTranslation.objects.filter(language=language, slug=slug)
    here = Q(slug=slug) | Q(pk=Subquery(translated.values("announcement")[:1]))
    candidates = announcements.filter(here).shown(language)
    if not candidates:
        elsewhere = AnnouncementTranslation.objects.filter(slug=slug).values("announcement")
        candidates = announcements.filter(pk__in=elsewhere)[:1].shown(language)
    if not candidates:
        return None
    found = min(candidates, key=lambda a: (a.slug != slug, a.content_language != language))
    return with_tags([found])[0]


def surroundings(announcement, limit=RELATED):
    """What an announcement's page shows besides itself: the previous and next
    published ones, up to `limit` related ones (the newest earlier ones sharing a
    tag), and the listed members it is about."""
    rows = (
        Announcement.objects.published()
        .around(announcement, limit)
        .only("title", "slug", "publish_at", "language")
        .shown(fields=("title", "slug"))
    )
    here = (announcement.publish_at, announcement.pk)
    earlier = sorted(
        (a for a in rows if (a.publish_at, a.pk) < here),
        key=lambda a: (a.publish_at, a.pk),
        reverse=True,
    )
    later = [a for a in rows if (a.publish_at, a.pk) > here]
    related = [a for a in earlier if a.shares_a_tag]
    members = Member.objects.listed().filter(announcements=announcement).order_by("name")
    return {
        "previous_announcement": earlier[0] if earlier else None,
        "next_announcement": later[0] if later else None,
        "related": related[:limit],
        "members": list(members),
    }


def feed_items(pks):
    """A feed's items, in the order of `pks`, with their authors and tags."""
    rows = Announcement.objects.filter(pk__in=pks).select_related("author").shown()
    return with_tags(in_order(rows, pks))


def next_scheduled_publish(now=None):
    """When the next scheduled announcement goes live (the content state's end), or None."""
    return Announcement.objects.next_scheduled_publish(now or timezone.now())
