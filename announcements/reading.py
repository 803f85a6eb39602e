"""Every read a public page makes of announcements, in one place.

Each function starts from ``Announcement.objects.published()`` (the one
definition of public) unless it says otherwise, and returns instances shown in
the active language (dpga.languages.translations), with what the templates use
already fetched: a page's reads can be counted here.
"""

import datetime
from collections import defaultdict
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from dpga.caching import content_version
from dpga.languages.translations import current_language
from dpga.rendering import render_markdown
from members.models import Member, MemberTranslation

from .models import Announcement, AnnouncementTranslation, translated_tag_name

HOME_LATEST = 6  # fills whole rows of one, two or three columns
RELATED = 3
# What a related card or a previous/next link shows (not the body).
AROUND_FIELDS = (
    "title", "slug", "summary", "publish_at", "language", "picture", "picture_alt",
    "picture_decorative", "picture_renditions", "picture_width", "picture_height",
)  # fmt: skip


class ListedTag(NamedTuple):
    """A tag as a card, a page or a feed item shows it."""

    pk: int
    name: str
    slug: str


def with_tags(announcements, translated=True):
    """Give each announcement its tags as ``tag_list``, in the order they were added
    (one small query for all; taggit's prefetch costs several times more); a tag's
    name in the active language where it is translated (`translated`), else its own."""
    content_type = ContentType.objects.get_for_model(Announcement)
    items = TaggedItem.objects.filter(
        content_type=content_type, object_id__in=[a.pk for a in announcements]
    ).order_by("pk")
    name = "tag__name"
    if translated:
        items = items.annotate(
            shown_name=Coalesce(translated_tag_name(current_language(), "tag_id"), "tag__name")
        )
        name = "shown_name"
    tags = defaultdict(list)
    for item, *tag in items.values_list("object_id", "tag_id", name, "tag__slug"):
        tags[item].append(ListedTag(*tag))
    for announcement in announcements:
        announcement.tag_list = tags[announcement.pk]
    return announcements


def tag_at(slug):
    """The tag at this address, its name in the active language where translated, or 404."""
    shown_name = Coalesce(translated_tag_name(current_language()), "name")
    tag = get_object_or_404(Tag.objects.annotate(shown_name=shown_name), slug=slug)
    tag.name = tag.shown_name  # shown, never saved
    return tag


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


def front_page(latest=HOME_LATEST):
    """The home page's news: (the newest featured one, or None; the `latest` newest others)."""
    news = Announcement.objects.published().newest_first()
    top = list(news.filter(featured=True).values_list("pk", flat=True)[:1])
    rest = list(news.exclude(pk__in=top).values_list("pk", flat=True)[:latest])
    shown = cards([*top, *rest])
    return (shown[0] if top and shown else None), shown[len(top) :]


def filtered(announcements, tag=None, member=None, year=None):
    """These announcements with a tag, about a member (both by slug), in a year (the
    site's time zone); each filter is optional."""
    if tag:
        announcements = announcements.tagged_slug(tag)
    if member:
        announcements = announcements.about_slug(member)
    if year:
        zone = timezone.get_current_timezone()
        since = datetime.datetime(year, 1, 1, tzinfo=zone)
        announcements = announcements.in_period(since, since.replace(year=year + 1))
    return announcements


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
        .only(*AROUND_FIELDS)
        .shown(fields=("title", "slug", "summary", "picture_alt"))
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
        "members": members.shown(),
    }


class Period(NamedTuple):
    """A year of the archive with its address, and its months with news: [(first day,
    address)], newest first."""

    year: int
    url: str
    months: list


class Topic(NamedTuple):
    """A tag as the news list offers it: with its address and how many it tags."""

    name: str
    slug: str
    url: str
    count: int


def archive_periods():
    """The years and months with published news, newest first (one query; the
    addresses are made here, once per content state and language)."""
    months = {}
    for moment in Announcement.objects.published().datetimes("publish_at", "month", "DESC"):
        months.setdefault(moment.year, []).append(moment.date())
    return [
        Period(
            year,
            reverse("announcements:archive_year", kwargs={"year": year}),
            [
                (
                    day,
                    reverse(
                        "announcements:archive_month", kwargs={"year": year, "month": day.month}
                    ),
                )
                for day in days
            ],
        )
        for year, days in months.items()
    ]


def topics_and_members():
    """(every tag of published news with how many it tags, most first; the listed
    members' (slug, name) by name), in one query (a UNION)."""
    content_type = ContentType.objects.get_for_model(Announcement)
    published = Announcement.objects.published().values("pk")
    language = current_language()
    tags = (
        TaggedItem.objects.filter(content_type=content_type, object_id__in=published)
        .values_list(Coalesce(translated_tag_name(language, "tag_id"), "tag__name"), "tag__slug")
        .annotate(count=Count("pk"))
        .order_by()
    )
    member_names = MemberTranslation.objects.filter(member=OuterRef("pk"), language=language)
    shown_name = Coalesce(NullIf(Subquery(member_names.values("name")[:1]), Value("")), "name")
    members = (
        Member.objects.listed()
        .annotate(count=Value(0))
        .values_list(shown_name, "slug", "count")
        .order_by()
    )
    rows = sorted(tags.union(members, all=True), key=lambda row: (-row[2], row[0], row[1]))
    listed_topics = [
        Topic(name, slug, reverse("announcements:tag", kwargs={"slug": slug}), count)
        for name, slug, count in rows
        if count
    ]
    return listed_topics, [(slug, name) for name, slug, count in rows if not count]


def ways_through_news():
    """The archive's periods, the topics and the listed members (for search's
    filters), computed once per content state and read in one cache read."""
    found = content_version.cached_many(
        {"news-archive": archive_periods, "news-topics": topics_and_members}
    )
    topics, members = found["news-topics"]
    return {"archive": found["news-archive"], "topics": topics, "members": members}


def feed_items(pks):
    """A feed's items, in the order of `pks`, with their authors and tags."""
    rows = Announcement.objects.filter(pk__in=pks).select_related("author").shown()
    # Feeds keep tags' own names: a feed's validators follow its items and tag renames.
    return with_tags(in_order(rows, pks), translated=False)


def next_scheduled_publish(now=None):
    """When the next scheduled announcement goes live (the content state's end), or None."""
    return Announcement.objects.next_scheduled_publish(now or timezone.now())


def pending_announcement(pending):
    """A published announcement with its pending change (a dpga.review working copy)
    applied, as approving would make it: in memory, nothing saved; its Markdown
    rendered, its tags as proposed, its picture the original until approval makes
    the sizes."""
    announcement = pending.proposed()
    announcement.body_html = render_markdown(announcement.body)
    if "picture" in pending.data:
        announcement.picture_renditions = {}
    names = announcement.pending_relations.get("tags")
    if names is None:
        announcement.tag_list = list(announcement.tags.all())
    else:
        known = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
        announcement.tag_list = [known.get(n) or Tag(name=n, slug=slugify(n)) for n in names]
    return announcement
