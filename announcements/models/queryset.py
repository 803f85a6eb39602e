"""What can be asked of announcements: `published()` is the one definition of public.

Every public surface (lists, detail, tag, archive, member, search, feeds,
sitemap, home) starts from ``Announcement.objects.published()``; the reads a
page makes are composed in announcements/reading.py.
"""

import datetime

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connections
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, Subquery, Value
from django.utils import timezone
from taggit.models import TaggedItem

from dpga.languages.translations import TranslatableQuerySet, current_language

# The text-search configuration of the PostgreSQL full-text index (see migration
# 0007_performance): stemming and stop words of this language.
SEARCH_CONFIG = "english"
# Ranked search (PostgreSQL) ranks at most the newest this many matches: the cost
# of a search stays bounded however many items a common word matches.
SEARCH_RANKED_MATCHES = 1000
# Never shown on a card: left in the database when a list is fetched.
CARD_OMITS = ("body", "body_html", "content_digest")


def search_words(query):
    """The words of a search (ten at most)."""
    return query.split()[:10]


def _text_matching(word):
    return Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)


def _shown_as_original(model, language):
    """`model`'s originals that a visitor reading `language` sees: written in it, or
    with no translation into it."""
    translated = model.translation_model().objects.filter(language=language)
    return Q(language=language) | ~Q(pk__in=translated.values("announcement"))


def _translations_matching(model, language, words):
    translations = model.translation_model().objects.filter(language=language).order_by()
    for word in words:
        translations = translations.filter(_text_matching(word))
    return translations


class AnnouncementQuerySet(TranslatableQuerySet):
    def published(self, now=None):
        """The one definition of public: live status and publish time passed
        (`now`, the current time unless given).

        Written "not after now" rather than "at or before now": the same rows, but
        SQLite then takes a query's own bound on the publish time (older_than(): the
        neighbours) as the index range instead of scanning down from now.
        """
        return self.filter(status=self.model.Status.PUBLISHED).exclude(
            publish_at__gt=now or timezone.now()
        )

    def scheduled(self):
        return self.filter(status=self.model.Status.PUBLISHED, publish_at__gt=timezone.now())

    def awaiting_review(self):
        """Submitted by an editor, waiting for a publisher; oldest first."""
        return self.filter(status=self.model.Status.REVIEW).order_by("updated_at", "pk")

    def drafts_of(self, user):
        """A person's drafts, last changed first, each with its latest workflow step
        (``last_step``, ``last_comment``, ``last_at``): one whose last step was
        "send back" was sent back to its author for changes."""
        # The workflow's steps, through the reverse relation (workflow.py imports this module's model).
        steps = self.model._meta.get_field("transitions").related_model.objects
        latest = steps.filter(announcement=OuterRef("pk")).order_by("-at", "-pk")
        return (
            self.filter(author=user, status=self.model.Status.DRAFT)
            .annotate(
                last_step=Subquery(latest.values("action")[:1]),
                last_comment=Subquery(latest.values("comment")[:1]),
                last_at=Subquery(latest.values("at")[:1]),
            )
            .order_by("-updated_at", "-pk")
        )

    def stale_drafts(self, days=30):
        """Drafts nobody has touched for `days` days; oldest first."""
        cutoff = timezone.now() - datetime.timedelta(days=days)
        return self.filter(status=self.model.Status.DRAFT, updated_at__lt=cutoff).order_by(
            "updated_at", "pk"
        )

    def next_scheduled_publish(self, now=None):
        """When the next scheduled announcement goes live, or None."""
        return self.scheduled_after(now or timezone.now()).aggregate(next=Min("publish_at"))["next"]

    def scheduled_after(self, now):
        return self.filter(status=self.model.Status.PUBLISHED, publish_at__gt=now)

    def newest_first(self):
        return self.order_by("-publish_at", "-pk")

    def older_than(self, publish_at, pk):
        """After (publish_at, pk) in newest-first order: one index range, then a tie-break."""
        return self.filter(publish_at__lte=publish_at).filter(
            Q(publish_at__lt=publish_at) | Q(pk__lt=pk)
        )

    def newer_than(self, publish_at, pk):
        """Before (publish_at, pk) in newest-first order."""
        return self.filter(publish_at__gte=publish_at).filter(
            Q(publish_at__gt=publish_at) | Q(pk__gt=pk)
        )

    def as_cards(self):
        """What a list card shows: not the body (its tags: reading.with_tags())."""
        return self.defer(*CARD_OMITS)

    def tagged(self, tag):
        """Those with this tag (a Tag or its id).

        A correlated EXISTS, not a join: the database walks the newest-first index
        and tests each row, instead of sorting every item of the tag.
        """
        content_type = ContentType.objects.get_for_model(self.model)
        items = TaggedItem.objects.filter(
            content_type=content_type, object_id=OuterRef("pk"), tag_id=getattr(tag, "pk", tag)
        )
        return self.filter(Exists(items))

    def tagged_slug(self, slug):
        """Those with the tag at this slug (as tagged())."""
        content_type = ContentType.objects.get_for_model(self.model)
        items = TaggedItem.objects.filter(
            content_type=content_type, object_id=OuterRef("pk"), tag__slug=slug
        )
        return self.filter(Exists(items))

    def about_slug(self, slug):
        """Those about the member at this slug (as about())."""
        links = self.model.members.through.objects.filter(
            announcement_id=OuterRef("pk"), member__slug=slug
        )
        return self.filter(Exists(links))

    def about(self, member):
        """Those about this member (EXISTS, for the same reason as tagged())."""
        links = self.model.members.through.objects.filter(
            announcement_id=OuterRef("pk"), member_id=getattr(member, "pk", member)
        )
        return self.filter(Exists(links))

    def in_period(self, since, until):
        return self.filter(publish_at__gte=since, publish_at__lt=until)

    def months_of(self, year):
        """The months of `year` (first days, in the site's time zone) with items in this set."""
        zone = timezone.get_current_timezone()
        starts = [datetime.datetime(year, month, 1, tzinfo=zone) for month in range(1, 13)]
        ends = [*starts[1:], datetime.datetime(year + 1, 1, 1, tzinfo=zone)]
        counts = self.order_by().aggregate(
            **{
                f"m{start.month}": Count("pk", filter=Q(publish_at__gte=start, publish_at__lt=end))
                for start, end in zip(starts, ends, strict=True)
            }
        )
        return [start.date() for start in starts if counts[f"m{start.month}"]]

    def around_period(self, since, until):
        """(the newest publish time before `since`, the oldest from `until` on) among
        these, or None when the period itself has none: one query."""
        older = self.filter(publish_at__lt=since).order_by("-publish_at")
        newer = self.filter(publish_at__gte=until).order_by("publish_at")
        rows = (
            self.in_period(since, until)
            .order_by()
            .annotate(
                older=Subquery(older.values("publish_at")[:1]),
                newer=Subquery(newer.values("publish_at")[:1]),
            )
            .values_list("older", "newer")[:1]
        )
        return next(iter(rows), None)

    def around(self, announcement, limit=3):
        """The previous, the next and the `limit` related ones of these around
        `announcement`, in one query: at most limit + 2 rows, each with
        `shares_a_tag`.

        Related: the newest earlier ones sharing a tag with it.
        """
        here = (announcement.publish_at, announcement.pk)
        older = self.older_than(*here).newest_first().values("pk")
        newer = self.newer_than(*here).order_by("publish_at", "pk").values("pk")
        neighbours = [Subquery(older[:1]), Subquery(newer[:1])]
        wanted = self.model.objects.filter(pk__in=neighbours).order_by().values("pk")
        tag_ids = [tag.pk for tag in announcement.tag_list]
        shares_a_tag = Value(False)
        if tag_ids:
            content_type = ContentType.objects.get_for_model(self.model)
            shares_a_tag = Exists(
                TaggedItem.objects.filter(
                    content_type=content_type, object_id=OuterRef("pk"), tag_id__in=tag_ids
                )
            )
            related = older.filter(shares_a_tag)[:limit]
            # A UNION, not an OR: PostgreSQL looks both sets up by primary key.
            wanted = wanted.union(self.model.objects.filter(pk__in=related).order_by().values("pk"))
        return (
            self.model.objects.filter(pk__in=wanted).annotate(shares_a_tag=shares_a_tag).order_by()
        )

    def search(self, query, language=None):
        """Those matching the query in the text a visitor reads: the translation in
        the visitor's language where there is one, else the original.

        On PostgreSQL the originals are searched with ranked full text (web-search
        syntax against the stored search document: title weighs most, then
        summary, then body), best match first, among the newest
        SEARCH_RANKED_MATCHES matches; elsewhere every word must appear, newest first.
        """
        words = search_words(query)
        if not words:
            return self.none()
        language = language or current_language()
        if not self.search_is_ranked():
            matching_original = _shown_as_original(self.model, language)
            for word in words:
                matching_original &= _text_matching(word)
            translations = _translations_matching(self.model, language, words).values(
                "announcement"
            )
            return self.filter(matching_original | Q(pk__in=translations)).newest_first()
        ranked = SearchQuery(" ".join(words), config=SEARCH_CONFIG, search_type="websearch")
        # A UNION of the two sets of matches, not an OR: the originals are found
        # through the GIN index or by walking the newest-first index.
        originals = self.model.objects.filter(
            _shown_as_original(self.model, language), search_document=ranked
        )
        translated = self.model.objects.filter(
            pk__in=_translations_matching(self.model, language, words).values("announcement")
        )
        newest = [
            matches.published().newest_first().values("pk")[:SEARCH_RANKED_MATCHES]
            for matches in (originals, translated)
        ]
        ranked_ones = (
            self.model.objects.filter(pk__in=newest[0].union(newest[1]))
            .newest_first()
            .values("pk")[:SEARCH_RANKED_MATCHES]
        )
        return (
            self.filter(pk__in=ranked_ones)
            .annotate(rank=SearchRank(F("search_document"), ranked))
            .order_by("-rank", "-publish_at", "-pk")
        )

    def ranked_search_limit(self):
        """How many of the newest matches a ranked search ranks, or None (not ranked)."""
        return SEARCH_RANKED_MATCHES if self.search_is_ranked() else None

    def search_is_ranked(self):
        """Whether search() ranks its results (PostgreSQL) or lists them newest first."""
        return connections[self.db].vendor == "postgresql"

    def newest_change(self):
        """The newest publish or edit time among the published, or None (sitemap lastmod)."""
        times = self.published().aggregate(updated=Max("updated_at"), published=Max("publish_at"))
        return max((t for t in times.values() if t), default=None)
