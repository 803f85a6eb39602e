import datetime
import json
import logging
import os
import secrets
from typing import NamedTuple

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.core import signing
from django.core.exceptions import EmptyResultSet, ValidationError
from django.core.files.base import ContentFile
from django.db import connections, models
from django.db.models import (
    Aggregate,
    Count,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, JSONArray
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override
from simple_history.signals import pre_create_historical_record
from taggit.managers import TaggableManager
from taggit.models import Tag, TaggedItem
from taggit.utils import edit_string_for_tags

from dpga import content_version, fragments, renditions
from dpga.fields import PictureField
from dpga.lookups import like_pattern
from dpga.prepared import PreparedQuery
from dpga.rendering import render_markdown
from dpga.revisions import Revisions, one_revision
from dpga.routes import route_url
from dpga.translations import (
    Translatable,
    TranslatableQuerySet,
    Translation,
    current_language,
    language_codes,
)

logger = logging.getLogger(__name__)

# The text-search configuration of the PostgreSQL full-text index (see migration
# 0007_performance): stemming and stop words of this language.
SEARCH_CONFIG = "english"

# Related news is chosen among this many tagged neighbours on each side.
RELATED_CANDIDATES = 60
# Ranked search (PostgreSQL) ranks at most the newest this many matches: the cost
# of a search stays bounded however many items a common word matches.
SEARCH_RANKED_MATCHES = 1000

RESERVED_SLUGS = {"tags", "page", "feed", "feeds", "search", "archive", "preview"}


def validate_not_reserved(value):
    if value in RESERVED_SLUGS or value.isdigit():
        raise ValidationError(
            _("“%(slug)s” is reserved for the site's own addresses; choose another slug."),
            code="reserved_slug",
            params={"slug": value},
        )


# What a list card shows besides the row itself. to_attr: one query for the
# tags of a whole page, without a queryset built per item.
# Never shown on a card: left in the database when a list is fetched.
CARD_OMITS = ("body", "body_html", "content_digest")


def _newest_first(announcement):
    return (-announcement.publish_at.timestamp(), -announcement.pk)


class JSONList(Aggregate):
    """A group's values as one JSON array (JSONB_AGG; SQLite's JSON_GROUP_ARRAY)."""

    function = "JSONB_AGG"
    output_field = models.JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)


def _tag_rows():
    """Each announcement's tags as JSON -- [[tagged-item id, tag id, name, slug], ...]
    -- from a subquery in the announcement's own row (one index probe a row). The
    content type is named by its natural key: no id is baked into prepared SQL."""
    meta = Announcement._meta
    items = TaggedItem.objects.filter(
        content_type__app_label=meta.app_label,
        content_type__model=meta.model_name,
        object_id=OuterRef("pk"),
    )
    rows = JSONList(JSONArray("pk", "tag_id", "tag__name", "tag__slug"))
    return Subquery(items.order_by().values("object_id").annotate(rows=rows).values("rows"))


class ListedTag(NamedTuple):
    """A tag as pages and feeds show it: a page of cards shows dozens, and building
    a model instance for each costs more than the query that brought them."""

    pk: int
    name: str
    slug: str


def _listed_tags(rows):
    """Tags from _tag_rows()' JSON, in the order they were added."""
    if isinstance(rows, str):  # as the database gave it (a prepared query's raw row)
        rows = json.loads(rows)
    return [ListedTag(tag, name, slug) for _, tag, name, slug in sorted(rows or ())]


def search_words(query):
    """The words of a search (ten at most)."""
    return query.split()[:10]


def search_patterns(query):
    """The LIKE pattern of each word of a search (see matching())."""
    return [like_pattern(word) for word in search_words(query)]


def _text_matching(pattern):
    return (
        Q(title__icontains_pattern=pattern)
        | Q(summary__icontains_pattern=pattern)
        | Q(body__icontains_pattern=pattern)
    )


def _shown_as_original(language):
    """Announcements whose original is what a visitor reading `language` sees: written
    in it, or with no translation into it."""
    translated = AnnouncementTranslation.objects.filter(language=language)
    return Q(language=language) | ~Q(pk__in=translated.values("announcement"))


def _translations_matching(language, patterns):
    translations = AnnouncementTranslation.objects.filter(language=language).order_by()
    for pattern in patterns:
        translations = translations.filter(_text_matching(pattern))
    return translations


class AnnouncementQuerySet(TranslatableQuerySet):
    def published(self, now=None):
        """The one definition of public: live status and publish time passed
        (`now`, the current time unless given).

        Written "not after now" rather than "at or before now": the same rows,
        but SQLite then takes a query's own bound (older_than(): the neighbours)
        as the index range instead of scanning down from now.
        """
        return self.filter(status=Announcement.Status.PUBLISHED).exclude(
            publish_at__gt=now or timezone.now()
        )

    def scheduled(self):
        return self.filter(status=Announcement.Status.PUBLISHED, publish_at__gt=timezone.now())

    def awaiting_review(self):
        """Submitted by an editor, waiting for a publisher; oldest first."""
        return self.filter(status=Announcement.Status.REVIEW).order_by("updated_at", "pk")

    def stale_drafts(self, days=30):
        """Drafts nobody has touched for `days` days; oldest first."""
        cutoff = timezone.now() - datetime.timedelta(days=days)
        return self.filter(status=Announcement.Status.DRAFT, updated_at__lt=cutoff).order_by(
            "updated_at", "pk"
        )

    def next_scheduled_publish(self, now=None):
        """When the next scheduled announcement goes live, or None."""
        now = now or timezone.now()
        return self.filter(status=Announcement.Status.PUBLISHED, publish_at__gt=now).aggregate(
            next=Min("publish_at")
        )["next"]

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

    def newest_first(self):
        return self.order_by("-publish_at", "-pk")

    def for_listing(self, now=None):
        """Published, newest first, with what a list card shows, in the active language."""
        return self.published(now).newest_first().as_cards()

    def as_cards(self):
        """What a list card shows (not the body), with its tags, in the active language."""
        return self.defer(*CARD_OMITS).with_tag_lists().in_language()

    def with_tag_lists(self):
        """Each announcement fetched gets its tags as `listed_tags` (tag_list), in
        the same query (_tag_rows())."""
        return self.annotate(tag_rows=_tag_rows())

    def show_fetched(self, objs):
        objs = super().show_fetched(objs)
        for obj in objs:
            if "tag_rows" in obj.__dict__:
                obj.listed_tags = _listed_tags(obj.__dict__.pop("tag_rows"))
        return objs

    def tagged(self, tag, content_type=None):
        """Those with this tag (a Tag, its id, or its slug)."""
        # A correlated EXISTS, not a join: the database walks the newest-first
        # index and tests each row, instead of sorting every item of the tag
        # (and taggit's object_id is an integer where the primary key is a bigint).
        # By id, each test is one probe of taggit's (content type, item, tag) index.
        content_type = content_type or ContentType.objects.get_for_model(self.model).pk
        which = {"tag__slug": tag} if isinstance(tag, str) else {"tag_id": getattr(tag, "pk", tag)}
        items = TaggedItem.objects.filter(content_type=content_type, object_id=OuterRef("pk"))
        return self.filter(Exists(items.filter(**which)))

    def months_of(self, year):
        """The months of `year` (first days, in the site's time zone) with items in this set.

        One aggregate over the publish-time index range, instead of truncating
        every row's date (a per-row function call on SQLite): the cost of a year
        page stays small however much news the year holds.
        """
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

    def about(self, member):
        # EXISTS for the same reason as tagged().
        links = Announcement.members.through.objects.filter(
            announcement_id=OuterRef("pk"), member_id=getattr(member, "pk", member)
        )
        return self.filter(Exists(links))

    def search(self, query, language=None):
        """Announcements matching the query in the text a visitor reads: the
        translation in the visitor's language where there is one, else the
        original (which is what the page shows).

        On PostgreSQL the originals are searched with ranked full text (web-search
        syntax against the stored search document: title weighs most, then summary,
        then body), best match first, among the newest SEARCH_RANKED_MATCHES
        matches; elsewhere every word must appear (matching()), newest first.
        """
        words = search_words(query)
        if not words:
            return self.none()
        language = language or current_language()
        patterns = search_patterns(query)
        if not self.search_is_ranked():
            return self.matching(language, patterns)
        ranked = SearchQuery(" ".join(words), config=SEARCH_CONFIG, search_type="websearch")
        # A UNION of the two sets of matches, not an OR: the originals are found
        # through the GIN index (a rare word) or by walking the newest-first index
        # (a common one), instead of a scan of every row.
        originals = Announcement.objects.filter(
            _shown_as_original(language), search_document=ranked
        )
        translated = Announcement.objects.filter(
            pk__in=_translations_matching(language, patterns).values("announcement")
        )
        newest = [
            matches.published().order_by("-publish_at", "-pk").values("pk")
            for matches in (originals, translated)
        ]
        limit = self.ranked_search_limit()
        matches = newest[0][:limit].union(newest[1][:limit])
        ranked_ones = (
            Announcement.objects.filter(pk__in=matches)
            .order_by("-publish_at", "-pk")
            .values("pk")[:limit]
        )
        return (
            self.filter(pk__in=ranked_ones)
            .annotate(rank=SearchRank(F("search_document"), ranked))
            .order_by("-rank", "-publish_at", "-pk")
        )

    def around_period(self, since, until):
        """(the newest publish time before `since`, the oldest from `until` on) among
        the published, or None: one query of two index lookups."""
        published = self.published().order_by()
        older = published.filter(publish_at__lt=since).order_by("-publish_at")
        newer = published.filter(publish_at__gte=until).order_by("publish_at")
        # Asked on one row of the period itself (a period without news has no page).
        rows = (
            published.filter(publish_at__gte=since, publish_at__lt=until)
            .order_by("publish_at")
            .annotate(
                older=Subquery(older.values("publish_at")[:1]),
                newer=Subquery(newer.values("publish_at")[:1]),
            )
            .values_list("older", "newer")[:1]
        )
        return next(iter(rows), (None, None))

    def ranked_search_limit(self):
        """How many of the newest matches a ranked search ranks, or None (not ranked)."""
        return SEARCH_RANKED_MATCHES if self.search_is_ranked() else None

    def search_is_ranked(self):
        """Whether search() ranks its results (PostgreSQL) or lists them newest first."""
        return connections[self.db].vendor == "postgresql"

    def matching(self, language, patterns):
        """Those whose text in `language` (else the original's) matches every LIKE
        pattern (dpga.lookups.like_pattern()) in its title, summary or body."""
        matching_original = _shown_as_original(language)
        for pattern in patterns:
            matching_original &= _text_matching(pattern)
        translations = _translations_matching(language, patterns).values("announcement")
        return self.filter(matching_original | Q(pk__in=translations))

    def fingerprint(self):
        """What changes whenever this set of published items changes.

        Returns (etag, last_modified) from one aggregate query, so a
        conditional request can be answered without rendering anything; the
        answer is cached for the current content version, so repeated
        conditional requests cost no query at all.
        """
        try:
            sql = str(self.query)
        except EmptyResultSet:
            return self._fingerprint()
        return content_version.remember(
            f"fingerprint:{content_version.signature(self.db, sql)}", self._fingerprint
        )

    def _fingerprint(self):
        published = self.published()
        stats = published.aggregate(
            count=Count("pk"),
            pk_sum=Sum("pk"),
            newest_update=Max("updated_at"),
            newest_publish=Max("publish_at"),
        )
        etag = "{count}-{pk_sum}-{u}-{p}".format(
            count=stats["count"],
            pk_sum=stats["pk_sum"] or 0,
            u=stats["newest_update"].timestamp() if stats["newest_update"] else 0,
            p=stats["newest_publish"].timestamp() if stats["newest_publish"] else 0,
        )
        candidates = [d for d in (stats["newest_update"], stats["newest_publish"]) if d]
        return etag, max(candidates) if candidates else None


class TagSnapshot(models.Model):
    """Extra column of an announcement's revisions: its tags as they were."""

    tag_names = models.TextField(_("tags"), blank=True, default="")

    class Meta:
        abstract = True


class AnnouncementManager(models.Manager.from_queryset(AnnouncementQuerySet)):
    def get_queryset(self):
        # The search document is for the database's own search; pages never need it.
        return super().get_queryset().defer("search_document")


class Announcement(Translatable):
    TRANSLATED_FIELDS = ("title", "slug", "summary", "body_html", "picture_alt")
    DIGEST_FIELDS = ("title", "summary", "body", "picture_alt")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("Ready for review")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        validators=[validate_not_reserved],
        help_text=_("The last part of the address: /news/<slug>/."),
    )
    summary = models.CharField(
        _("summary"),
        max_length=300,
        help_text=_(
            "Plain text, at most 300 characters. Shown in lists, feeds and search results."
        ),
    )
    body = models.TextField(_("body"), blank=True, help_text=_("Markdown."))
    body_html = models.TextField(editable=False, blank=True)
    picture = PictureField(
        _("picture"),
        upload_to="announcements/%Y/%m/",
        blank=True,
        help_text=_(
            "JPEG, PNG, WebP or GIF (kept as a still). Location, camera details and other "
            "metadata are removed; smaller copies for phones and a share card are made on save."
        ),
    )
    picture_alt = models.CharField(
        _("picture description (alt text)"),
        max_length=250,
        blank=True,
        help_text=_("Describe the picture for people who cannot see it. Required with a picture."),
    )
    picture_decorative = models.BooleanField(
        _("decorative picture"),
        default=False,
        help_text=_(
            "Tick only when the picture adds nothing a reader needs: it is then "
            "skipped by screen readers (empty alt text) and needs no description."
        ),
    )
    picture_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    picture_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    picture_bytes = models.PositiveIntegerField(null=True, blank=True, editable=False)
    picture_type = models.CharField(max_length=40, blank=True, editable=False)
    # Renditions and share card: names, widths, heights, types (see dpga.renditions).
    picture_renditions = models.JSONField(default=dict, blank=True, editable=False)
    tags = TaggableManager(_("tags"), blank=True)
    members = models.ManyToManyField(
        "members.Member",
        verbose_name=_("members"),
        related_name="announcements",
        blank=True,
        help_text=_("The member organisations this announcement is about."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="announcements",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    publish_at = models.DateTimeField(
        _("publish at"),
        default=timezone.now,
        help_text=_("A time in the future schedules the announcement."),
    )
    featured = models.BooleanField(_("featured"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Kept up to date by a PostgreSQL trigger (migration 0007_performance) from
    # the title, summary and body; always empty on SQLite, which searches simply.
    search_document = SearchVectorField(null=True, editable=False)

    objects = AnnouncementManager()
    history = Revisions(
        m2m_fields=[members],
        # Renditions are derived from the picture and rebuilt on save; the search
        # document from the text.
        excluded_fields=["body_html", "picture_renditions", "search_document"],
        bases=[TagSnapshot],
        history_change_reason_field=models.TextField(null=True),
    )

    # What a revision shows, and what restoring one brings back. The publishing
    # state is left out of a restore: it changes only through the workflow.
    REVISION_FIELDS = [
        "title", "slug", "summary", "body", "picture", "picture_alt", "tags", "members",
        "featured", "status", "publish_at", "picture_decorative",
    ]  # fmt: skip
    RESTORE_FIELDS = [
        "title", "slug", "summary", "body", "picture", "picture_alt", "tags", "members",
        "featured", "picture_width", "picture_height", "picture_bytes", "picture_type",
        "picture_decorative",
    ]  # fmt: skip

    class Meta:
        ordering = ["-publish_at", "-pk"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        permissions = [("publish_announcement", _("Can publish announcements"))]
        indexes = [
            # Serves published() newest first, and the pages' keyset ranges.
            models.Index(fields=["status", "publish_at", "id"], name="announcement_live_idx"),
            models.Index(
                fields=["featured", "status", "publish_at"], name="announcement_featured_idx"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        """The address in the active language (with that language's slug)."""
        language = current_language()
        if getattr(self, "requested_language", None) == language:
            slug = self.slug
        else:
            slug = self.slug_in(language)
        return route_url("announcements:detail", slug=slug)

    def slug_in(self, language, slugs=None):
        """This announcement's slug in a language (the original's where untranslated).

        `slugs`: its translations' slugs by language, when already fetched.
        """
        if language != self.language:
            if slugs is None:
                slugs = {t.language: t.slug for t in self.translations.all()}
            if language in slugs:
                return slugs[language]
        return self.original_slug

    def listed_members(self):
        """The listed members this announcement is about: one prepared query."""
        return _LISTED_MEMBERS(pk=self.pk, today=timezone.localdate())

    def addresses(self):
        """(its address in each language, the languages its text exists in), for the
        language switcher and hreflang links: one prepared query (none when
        surroundings() kept them)."""
        if "_kept_addresses" in self.__dict__:
            return self._kept_addresses
        slugs = {t.language: t.slug for t in _TRANSLATION_SLUGS(pk=self.pk)}
        urls = {}
        for code in language_codes():
            with override(code):
                urls[code] = route_url("announcements:detail", slug=self.slug_in(code, slugs))
        return urls, self.available_languages(slugs)

    @property
    def original_slug(self):
        return self.__dict__.get("_original_slug", self.slug)

    def show_in(self, language, translation=None, fields=None):
        self._original_slug = self.slug
        super().show_in(language, translation, fields)

    @property
    def is_published(self):
        """Same rule as AnnouncementQuerySet.published(), for one object."""
        return self.status == self.Status.PUBLISHED and self.publish_at <= timezone.now()

    @property
    def is_scheduled(self):
        return self.status == self.Status.PUBLISHED and self.publish_at > timezone.now()

    def card_state(self):
        """Everything a list card shows, as fragment-cache key material (dpga.fragments)."""
        return fragments.state(
            "card",
            self.pk,
            self.updated_at.isoformat(),
            self.publish_at.isoformat(),
            self.title,
            self.slug,
            self.summary,
            self.picture.name,
            self.picture_renditions,
            self.picture_alt_text,
            self.content_language,
            self.is_fallback,
            [(tag.pk, tag.slug, tag.name) for tag in self.tag_list],
        )

    @property
    def tag_list(self):
        """The tags, from for_listing()'s prefetch when the item came from there."""
        try:
            return self.listed_tags
        except AttributeError:
            return list(self.tags.all())

    @property
    def byline(self):
        """The author's full name, or "" (from at_address()'s query when it came from there)."""
        if "author_first_name" in self.__dict__:
            names = (self.author_first_name or "", self.author_last_name or "")
            return " ".join(names).strip()
        return self.author.get_full_name() if self.author_id else ""

    @property
    def author_name(self):
        return self.byline or settings.SITE_NAME

    @classmethod
    def at_address(cls, slug, language, *, drafts=False):
        """The announcement whose address in `language` ends in `slug`, or None.

        That language's slug or the original's; should another announcement's
        original slug be the same as this language's slug of one, the latter
        wins. Published ones only, unless `drafts`. Shown in `language`, with
        its byline and tags (tag_list). Two prepared queries.

        Another language's slug finds it too (its `slug` then differs from the
        one asked for: the page redirects to this language's address).
        """
        values = {"slug": slug} if drafts else {"slug": slug, "now": timezone.now()}
        candidates = _AT_ADDRESS(language, drafts, **values)
        if candidates:
            found = min(candidates, key=lambda a: (a.slug != slug, a.content_language != language))
            return found
        announcements = Announcement.objects.all() if drafts else Announcement.objects.published()
        elsewhere = AnnouncementTranslation.objects.filter(slug=slug).values("announcement")
        return announcements.filter(pk__in=elsewhere).in_language(language).first()

    @property
    def feed_id(self):
        """A permanent item id (RFC 4151 tag URI): creation date and primary key."""
        created = self.created_at.astimezone(datetime.UTC).date()
        return f"tag:{settings.SITE_DOMAIN},{created.isoformat()}:announcement:{self.pk}"

    def surroundings(self):
        """What its page shows besides itself: {"around": published_around(),
        "members": listed_members()}, and its addresses() for the language links.

        For a published announcement all of it follows from the published content
        alone, so it is kept for the content state (dpga.content_version): one
        cache read instead of three queries.
        """

        def compute():
            return {
                "around": self.published_around(),
                "members": list(self.listed_members()),
                "addresses": self.addresses(),
            }

        if not self.is_published:
            return compute()
        kept = content_version.remember(f"surroundings:{self.pk}:{current_language()}", compute)
        self._kept_addresses = kept["addresses"]
        return kept

    def published_around(self, limit=3):
        """(previous, next, related) around this announcement, in one query.

        previous / next: the published announcements just before and after it.
        related: up to `limit` earlier published ones sharing the most of its
        tags (newest first among equals), chosen among the nearest
        RELATED_CANDIDATES earlier ones sharing a tag -- one index walk back in
        time, so the cost does not grow with the archive. The query's SQL is
        built once per process (see _around_query()); at most limit + 2 rows.
        """
        tag_ids = sorted(tag.pk for tag in self.tag_list)
        values = {"now": timezone.now(), "publish_at": self.publish_at, "pk": self.pk}
        if tag_ids:
            content_type = ContentType.objects.get_for_model(Announcement)
            values.update(tag_ids=tag_ids, content_type=content_type.pk)
        rows = _AROUND(current_language(), limit, **values)
        here = (self.publish_at, self.pk)
        earlier = sorted((a for a in rows if (a.publish_at, a.pk) < here), key=_newest_first)
        later = [a for a in rows if (a.publish_at, a.pk) > here]
        # Every earlier row is at most as new as the previous one, which is among them.
        previous = earlier[0] if earlier else None
        following = later[0] if later else None
        # A stable sort: newest first among those sharing as many tags.
        related = sorted((a for a in earlier if a.shared_tags), key=lambda a: -a.shared_tags)
        return previous, following, related[:limit]

    def publish(self):
        """Make live; a publish time already past means "now" (not backdated)."""
        now = timezone.now()
        if self.status != self.Status.PUBLISHED and self.publish_at <= now:
            self.publish_at = now
        self.status = self.Status.PUBLISHED

    def unpublish(self):
        self.status = self.Status.DRAFT

    @classmethod
    def membership_draft(cls, member, author=None):
        """A draft "<name> joins the alliance" about `member`, with its logo.

        Prefilled for an editor to finish; saved as a draft, never public.
        """
        title = _("%(name)s joins the alliance") % {"name": member.name}
        joined = date_format(member.joined_on, "j F Y") if member.joined_on else ""
        summary = _("%(name)s joined the %(site)s on %(date)s.") % {
            "name": member.display_name,
            "site": settings.SITE_NAME,
            "date": joined,
        }
        body = [str(summary)]
        if member.website:
            body.append(f"[{member.name}]({member.website})")
        announcement = cls(
            title=str(title)[:200],
            slug=cls.unused_slug(str(title)),
            summary=str(summary)[:300],
            body="\n\n".join(body),
            author=author,
            status=cls.Status.DRAFT,
        )
        if member.logo:
            try:
                with member.logo.open("rb") as logo:
                    content = logo.read()
            except OSError:
                content = None
            if content:
                announcement.picture.save(
                    os.path.basename(member.logo.name), ContentFile(content), save=False
                )
                announcement.picture_alt = str(_("Logo of %(name)s") % {"name": member.name})
        reason = _("Drafted for the new member %(name)s") % {"name": member.name}
        with one_revision(announcement, author, str(reason)):
            announcement.save()
            announcement.members.add(member)
        return announcement

    @classmethod
    def unused_slug(cls, text):
        base = (slugify(text) or "announcement")[:190].strip("-")
        if base in RESERVED_SLUGS or base.isdigit():
            base = f"{base}-news"
        slug, number = base, 1
        while cls._base_manager.filter(slug=slug).exists():
            number += 1
            slug = f"{base}-{number}"
        return slug

    # Pictures --------------------------------------------------------------------

    @property
    def picture_alt_text(self):
        """The alt attribute: the description, or "" for a decorative picture."""
        return "" if self.picture_decorative else self.picture_alt

    @property
    def picture_set(self):
        """Responsive renditions for <picture>, or the original when none exist yet."""
        storage = self._meta.get_field("picture").storage
        picture = renditions.picture_from(self.picture_renditions, "main", storage, 960)
        if picture is None and self.picture:
            picture = renditions.original_picture(
                self.picture, self.picture_width, self.picture_height
            )
        return picture

    @property
    def share_image(self):
        """The 1200×630 share card (og:image / twitter:image)."""
        alt = self.picture_alt_text if self.picture and self.picture_alt_text else self.title
        storage = self._meta.get_field("picture").storage
        return renditions.share_image_from(self.picture_renditions, storage, alt)

    def clean(self):
        super().clean()
        if self.picture and self.picture_decorative and self.picture_alt.strip():
            raise ValidationError(
                {
                    "picture_alt": _(
                        "A decorative picture has no description: clear the alt text, "
                        "or untick “decorative picture”."
                    )
                }
            )
        if self.picture and not self.picture_decorative and not self.picture_alt.strip():
            raise ValidationError(
                {
                    "picture_alt": _(
                        "Describe the picture: alt text is required when a picture is set "
                        "(or tick “decorative picture” if it carries no information)."
                    )
                }
            )

    PICTURE_INPUTS = {"picture", "title", "slug"}
    PICTURE_OUTPUTS = {
        "picture",
        "picture_renditions",
        "picture_width",
        "picture_height",
        "picture_bytes",
        "picture_type",
    }

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            update_fields = {*update_fields, "body_html"}
        stale = set()
        if update_fields is None or self.PICTURE_INPUTS & set(update_fields):
            stale = self.refresh_renditions()
            if update_fields is not None:
                update_fields = {*update_fields, *self.PICTURE_OUTPUTS}
        if update_fields is not None:
            kwargs["update_fields"] = update_fields
        super().save(*args, **kwargs)
        renditions.delete_after_commit(self.picture.storage, stale)

    def refresh_renditions(self, force=False):
        """Bring renditions, share card and picture facts up to date with the picture.

        Returns the names of files that are no longer used (the old original and
        old renditions), for deletion once the change is committed.
        """
        old_source, old_data = "", {}
        if self.pk:
            previous = (
                type(self).objects.filter(pk=self.pk).values_list("picture", "picture_renditions")
            )
            old_source, old_data = previous.first() or ("", {})
        if self.picture and not self.picture._committed:
            self.picture.save(self.picture.name, self.picture.file, save=False)
        previous = self.picture_renditions or old_data
        try:
            data = renditions.announcement_renditions(
                self.picture, self.title, self.slug, previous, force=force
            )
        except renditions.MissingSource as missing:
            # Its file was deleted when the picture was replaced or removed: an old
            # revision restored now comes back without it rather than broken.
            logger.warning("Picture %s is gone; %s is kept without it", missing, self.slug)
            self.picture = None
            data = renditions.announcement_renditions(
                self.picture, self.title, self.slug, previous, force=force
            )
        self.picture_renditions = data
        if self.picture:
            self.picture_width, self.picture_height = data["width"], data["height"]
            self.picture_bytes, self.picture_type = data["bytes"], data["type"]
        else:
            self.picture_width = self.picture_height = self.picture_bytes = None
            self.picture_type = ""
        return renditions.stale_names(old_source, old_data, self.picture.name, data)


def _around_query(language, limit, *, now, publish_at, pk, tag_ids=(), content_type=None):
    """Announcement.published_around()'s query: previous, next and the `limit` most related.

    Related: among the nearest RELATED_CANDIDATES earlier ones sharing a tag,
    those sharing the most (newest first among equals), ranked by the
    database. Each row has `shared_tags`, the number of the given tags it
    carries. Built by a PreparedQuery: every value from the database is a parameter.
    """
    published = Announcement.objects.published(now)
    older = published.older_than(publish_at, pk).newest_first()
    newer = published.newer_than(publish_at, pk).order_by("publish_at", "pk")
    # Scalar subqueries for the neighbours: primary-key lookups on every database.
    neighbours = Q(pk__in=[Subquery(older.values("pk")[:1]), Subquery(newer.values("pk")[:1])])
    wanted = Announcement.objects.filter(neighbours).order_by().values("pk")
    shared_tags = Value(0)
    if tag_ids:
        links = TaggedItem.objects.filter(
            content_type=content_type, object_id=OuterRef("pk"), tag_id__in=tag_ids
        )
        shared_tags = Subquery(links.values("object_id").annotate(n=Count("pk")).values("n")[:1])
        nearest = older.filter(Exists(links)).values("pk")[:RELATED_CANDIDATES]
        best = (
            Announcement.objects.filter(pk__in=nearest)
            .annotate(shared=shared_tags)
            .order_by("-shared", "-publish_at", "-pk")
            .values("pk")[:limit]
        )
        # A UNION, not an OR: PostgreSQL looks both sets up by primary key
        # instead of scanning the table for rows in either.
        wanted = wanted.union(Announcement.objects.filter(pk__in=best).order_by().values("pk"))
    return (
        Announcement.objects.filter(pk__in=wanted)
        .annotate(shared_tags=Coalesce(shared_tags, 0))
        .only("title", "slug", "publish_at", "language")
        .order_by()
        .in_language(language)
    )


_AROUND = PreparedQuery(_around_query)


def _at_address_query(language, drafts, *, slug, now=None):
    """Announcement.at_address()'s query: unordered, and this language's slug as a
    scalar subquery (the pair is unique), so both sides of the OR are index
    lookups at any size (PostgreSQL would otherwise walk the newest-first
    index through every published row)."""
    announcements = Announcement.objects.all() if drafts else Announcement.objects.published(now)
    in_language = AnnouncementTranslation.objects.filter(language=language, slug=slug)
    translated = Subquery(in_language.values("announcement")[:1])
    return (
        announcements.filter(Q(pk=translated) | Q(slug=slug))
        .annotate(
            author_first_name=F("author__first_name"), author_last_name=F("author__last_name")
        )
        .with_tag_lists()
        .order_by()
        .in_language(language)[:2]
    )


_AT_ADDRESS = PreparedQuery(_at_address_query)


_TRANSLATION_SLUGS = PreparedQuery(
    lambda *, pk: AnnouncementTranslation.objects.filter(announcement=pk).only("language", "slug")
)
_LISTED_MEMBERS = PreparedQuery(
    lambda *, pk, today: Announcement.members.field.related_model.objects.listed(today).filter(
        announcements=pk
    )
)


def tag_at(slug):
    """The tag whose address is `slug`, or None (one prepared query)."""
    return next(iter(_TAG_AT(slug=slug)), None)


_TAG_AT = PreparedQuery(lambda *, slug: Tag.objects.filter(slug=slug))


def cards_with_ids(ids, now=None):
    """The cards of these published announcements, in the order given (one prepared
    query, the same for every page of every list)."""
    if not ids:
        return []
    rows = _CARDS(current_language(), now=now or timezone.now(), ids=list(ids))
    by_id = {row.pk: row for row in rows}
    return [by_id[pk] for pk in ids if pk in by_id]


_CARDS = PreparedQuery(
    lambda language, *, now, ids: Announcement.objects.for_listing(now).filter(pk__in=ids),
    max_shapes=2000,
)


def front_page_ids(featured, latest, now=None):
    """The home page's news: the ids of up to `featured` featured announcements,
    newest first, and of the `latest` newest others (two queries on only ids)."""
    news = Announcement.objects.published(now).newest_first().values_list("pk", flat=True)
    top = list(news.filter(featured=True)[:featured])
    return top, list(news.exclude(pk__in=top)[:latest])


def front_page(ids, now=None):
    """front_page_ids()' (featured, latest), as cards (one query: cards_with_ids())."""
    top, rest = ids
    cards = cards_with_ids([*top, *rest], now)
    return [c for c in cards if c.pk in top], [c for c in cards if c.pk not in top]


@receiver(post_delete, sender=Announcement)
def delete_picture_files(sender, instance, **kwargs):
    """Deleting an announcement deletes its picture, renditions and share card."""
    names = renditions.file_names(instance.picture_renditions) | {instance.picture.name}
    renditions.delete_after_commit(instance.picture.storage, names)


class FeedState(models.Model):
    """One feed (all news, a tag, a member): when its content last changed, and
    what the WebSub hub was last told about it.

    `changed_at` is set after an edit that changed what the feed shows (an item
    published, edited while live, unpublished, retagged or deleted), so the
    feed's validators also move when an item *leaves* it. `announced_*` is what
    `manage.py ping_hubs` compares against, so it pings each change once.
    """

    key = models.CharField(_("feed"), max_length=60, unique=True)
    changed_at = models.DateTimeField(_("content changed"), null=True, blank=True)
    announced_fingerprint = models.CharField(max_length=64, blank=True)
    announced_at = models.DateTimeField(_("announced to the hub"), null=True, blank=True)

    class Meta:
        verbose_name = _("feed state")
        verbose_name_plural = _("feed states")

    def __str__(self):
        return self.key


def snapshot_tags(sender, instance, history_instance, **kwargs):
    """Keep the tags in each revision (taggit's tags are not a plain many-to-many)."""
    history_instance.tag_names = edit_string_for_tags(list(instance.tags.all()))


pre_create_historical_record.connect(
    snapshot_tags, sender=Announcement.history.model, dispatch_uid="announcement-tag-snapshot"
)


class Transition(models.Model):
    """One step of the workflow: who moved an announcement, when, and why."""

    announcement = models.ForeignKey(
        Announcement,
        verbose_name=_("announcement"),
        on_delete=models.CASCADE,
        related_name="transitions",
    )

    class Action(models.TextChoices):
        SUBMIT = "submit", _("Submit for review")
        PUBLISH = "publish", _("Publish or schedule")
        SEND_BACK = "send_back", _("Send back with a comment")
        UNPUBLISH = "unpublish", _("Unpublish (back to draft)")

    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=Announcement.Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Announcement.Status.choices)
    publish_at = models.DateTimeField(_("go-live time"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("workflow step")
        verbose_name_plural = _("workflow steps")
        indexes = [models.Index(fields=["announcement", "-at"])]

    def __str__(self):
        return f"{self.announcement}: {self.get_from_status_display()} → {self.get_to_status_display()}"


class PreviewLinkQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())

    def from_token(self, token):
        """The active link for a signed token, or None (bad, expired or revoked)."""
        signer = signing.TimestampSigner(salt=PreviewLink.SALT)
        try:
            signer.unsign(token)
        except signing.BadSignature:
            return None
        link = self.select_related("announcement").filter(token=token).first()
        if link is None or not link.is_active:
            return None
        try:
            signer.unsign(token, max_age=link.expires_at - link.created_at)
        except signing.BadSignature:
            return None
        return link


class PreviewLink(models.Model):
    """A signed, expiring, revocable link to a draft for a reviewer without an account."""

    SALT = "announcements.preview-link"

    announcement = models.ForeignKey(
        Announcement,
        verbose_name=_("announcement"),
        on_delete=models.CASCADE,
        related_name="preview_links",
    )
    token = models.CharField(_("token"), max_length=200, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("preview link")
        verbose_name_plural = _("preview links")

    def __str__(self):
        return str(_("Preview of “%(title)s”") % {"title": self.announcement})

    @classmethod
    def create_for(cls, announcement, user=None, hours=None):
        hours = settings.PREVIEW_LINK_HOURS if hours is None else hours
        now = timezone.now()
        token = signing.TimestampSigner(salt=cls.SALT).sign(secrets.token_urlsafe(12))
        return cls.objects.create(
            announcement=announcement,
            token=token,
            created_by=user,
            created_at=now,
            expires_at=now + datetime.timedelta(hours=hours),
        )

    def get_absolute_url(self):
        return reverse("announcements:preview", kwargs={"token": self.token})

    @property
    def is_active(self):
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def state(self):
        if self.revoked_at:
            return _("revoked")
        if self.expires_at <= timezone.now():
            return _("expired")
        return _("active")

    def revoke(self):
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])


class TagMerge(models.Model):
    """A record of tags merged into one (their old addresses redirect to it)."""

    into = models.ForeignKey(
        "taggit.Tag",
        verbose_name=_("merged into"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    into_name = models.CharField(_("merged into (name)"), max_length=100)
    merged_names = models.TextField(_("merged tags"))
    merged_slugs = models.TextField(_("their slugs"))
    items_moved = models.PositiveIntegerField(_("items re-tagged"), default=0)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("merged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    merged_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-merged_at", "-pk"]
        verbose_name = _("tag merge")
        verbose_name_plural = _("tag merges")

    def __str__(self):
        return f"{self.merged_names} → {self.into_name}"


class AnnouncementTranslation(Translation):
    """An announcement's title, address, summary, body and alt text in one more language.

    Publication is the announcement's: a translation is public exactly when
    its announcement is (AnnouncementQuerySet.published()).
    """

    SOURCE_FIELD = "announcement"

    announcement = models.ForeignKey(
        Announcement,
        verbose_name=_("announcement"),
        on_delete=models.CASCADE,
        related_name="translations",
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        allow_unicode=True,
        validators=[validate_not_reserved],
        help_text=_("The last part of the address in this language: /<language>/news/<slug>/."),
    )
    summary = models.CharField(_("summary"), max_length=300)
    body = models.TextField(_("body"), blank=True, help_text=_("Markdown."))
    body_html = models.TextField(editable=False, blank=True)
    picture_alt = models.CharField(_("picture description (alt text)"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("announcement translation")
        verbose_name_plural = _("announcement translations")
        ordering = ["announcement", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "language"], name="announcement_translation_once"
            ),
            models.UniqueConstraint(
                fields=["language", "slug"], name="announcement_translation_slug_unique"
            ),
        ]

    def __str__(self):
        return f"{self.title} [{self.language}]"

    def get_absolute_url(self):
        """This translation's page (the admin's "view on site")."""
        with override(self.language):
            return reverse("announcements:detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if self.announcement_id and self.language == self.announcement.language:
            raise ValidationError(
                {"language": _("The original is already in this language; edit it instead.")}
            )
        if (
            self.announcement_id
            and self.announcement.picture
            and self.announcement.picture_alt
            and not self.picture_alt.strip()
        ):
            raise ValidationError({"picture_alt": _("Describe the picture in this language too.")})

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        super().save(*args, **kwargs)
