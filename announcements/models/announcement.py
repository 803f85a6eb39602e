"""The announcement: what editors write and visitors read.

Markdown is rendered to sanitised HTML on save (``body_html``); public reads go
through ``Announcement.objects.published()`` (models/queryset.py) and are composed
in announcements/reading.py. Its picture (alt text, renditions, files) is a
``dpga.pictures.models.PictureOwner``'s; an announcement adds responsive sizes, a
share card and the original's facts (``picture_width`` ...).
"""

import datetime

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override
from taggit.managers import TaggableManager

from dpga.control_characters import multi_line, single_line
from dpga.languages.translations import (
    Translatable,
    current_language,
    language_codes,
    text_digest,
)
from dpga.pictures import renditions
from dpga.pictures.models import PictureOwner
from dpga.rendering import render_markdown
from dpga.revisions import Revisions

from .addresses import address_holder, refuse_taken_slug
from .queryset import AnnouncementQuerySet

RESERVED_SLUGS = {"tags", "page", "feed", "feeds", "search", "archive", "preview"}


def validate_not_reserved(value):
    if value in RESERVED_SLUGS or value.isdigit():
        raise ValidationError(
            _("“%(slug)s” is reserved for the site's own addresses; choose another slug."),
            code="reserved_slug",
            params={"slug": value},
        )


class TagSnapshot(models.Model):
    """Extra column of an announcement's revisions: its tags as they were."""

    tag_names = models.TextField(_("tags"), blank=True, default="")

    class Meta:
        abstract = True


class AnnouncementManager(models.Manager.from_queryset(AnnouncementQuerySet)):
    def get_queryset(self):
        # The search document is for the database's own search; pages never need it.
        return super().get_queryset().defer("search_document")


class Announcement(PictureOwner, Translatable):
    TRANSLATED_FIELDS = ("title", "slug", "summary", "body_html", "picture_alt", "picture_caption")
    DIGEST_FIELDS = ("title", "summary", "body", "picture_alt")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("Ready for review")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200, validators=[single_line])
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
        validators=[single_line],
        help_text=_(
            "Plain text, at most 300 characters. Shown in lists, feeds and search results."
        ),
    )
    body = models.TextField(
        _("body"), blank=True, validators=[multi_line], help_text=_("Markdown.")
    )
    body_html = models.TextField(editable=False, blank=True)
    # picture, picture_alt, picture_decorative, picture_renditions: see PictureOwner.
    picture_caption = models.CharField(
        _("picture caption"),
        max_length=300,
        blank=True,
        validators=[single_line],
        help_text=_("Shown under the picture."),
    )
    picture_credit = models.CharField(
        _("picture credit"),
        max_length=200,
        blank=True,
        validators=[single_line],
        help_text=_("Who made the picture, as it should be printed (e.g. “Photo: UNDP”)."),
    )
    picture_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    picture_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    picture_bytes = models.PositiveIntegerField(null=True, blank=True, editable=False)
    picture_type = models.CharField(max_length=40, blank=True, editable=False)
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
        "title", "slug", "summary", "body", "picture", "picture_alt", "picture_caption",
        "picture_credit", "tags", "members",
        "featured", "status", "publish_at", "picture_decorative",
    ]  # fmt: skip
    RESTORE_FIELDS = [
        "title", "slug", "summary", "body", "picture", "picture_alt", "picture_caption",
        "picture_credit", "tags", "members",
        "featured", "picture_width", "picture_height", "picture_bytes", "picture_type",
        "picture_decorative", "picture_caption", "picture_credit",
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

    def compute_content_digest(self):
        # The caption counts once there is one (older digests stay as they were).
        digest = super().compute_content_digest()
        return text_digest(digest, self.picture_caption) if self.picture_caption else digest

    def get_absolute_url(self):
        """The address in the active language (with that language's slug)."""
        language = current_language()
        if getattr(self, "requested_language", None) == language:
            slug = self.slug
        else:
            slug = self.slug_in(language)
        return reverse("announcements:detail", kwargs={"slug": slug})

    def slug_in(self, language):
        """This announcement's slug in a language (the original's where untranslated)."""
        if language != self.language:
            for translation in self.translations.all():
                if translation.language == language:
                    return translation.slug
        return self.original_slug

    def addresses(self):
        """(its address in each language, the languages its text exists in), for the
        language switcher and hreflang links."""
        urls = {}
        for code in language_codes():
            with override(code):
                urls[code] = reverse("announcements:detail", kwargs={"slug": self.slug_in(code)})
        languages = [translation.language for translation in self.translations.all()]
        return urls, self.available_languages(languages)

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

    # Changed only by the workflow: never part of a pending change (dpga/review).
    WORKFLOW_FIELDS = ("status", "publish_at")

    def goes_public(self):
        """Public now or approved to be (scheduled): a non-publisher's change to it waits
        for a publisher's approval (dpga/review)."""
        return self.status == self.Status.PUBLISHED

    def pending_preview_url(self, working_copy):
        """Where its author and publishers see a pending change applied (dpga/review)."""
        return reverse("announcements:pending_preview", kwargs={"pk": working_copy.pk})

    @property
    def is_scheduled(self):
        return self.status == self.Status.PUBLISHED and self.publish_at > timezone.now()

    @cached_property
    def tag_list(self):
        """The tags (set for a whole page at once by reading.with_tags())."""
        return list(self.tags.all())

    @property
    def byline(self):
        """The author's full name, or ""."""
        return self.author.get_full_name() if self.author_id else ""

    @property
    def author_name(self):
        return self.byline or settings.SITE_NAME

    @property
    def feed_id(self):
        """A permanent item id (RFC 4151 tag URI): creation date and primary key."""
        created = self.created_at.astimezone(datetime.UTC).date()
        return f"tag:{settings.SITE_DOMAIN},{created.isoformat()}:announcement:{self.pk}"

    def publish(self):
        """Make live; a publish time already past means "now" (not backdated)."""
        now = timezone.now()
        if self.status != self.Status.PUBLISHED and self.publish_at <= now:
            self.publish_at = now
        self.status = self.Status.PUBLISHED

    def unpublish(self):
        self.status = self.Status.DRAFT

    @classmethod
    def unused_slug(cls, text):
        base = (slugify(text) or "announcement")[:190].strip("-")
        if base in RESERVED_SLUGS or base.isdigit():
            base = f"{base}-news"
        slug, number = base, 1
        while address_holder(cls, slug) is not None:
            number += 1
            slug = f"{base}-{number}"
        return slug

    def clean(self):
        errors = {}
        try:
            super().clean()
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if self.slug and "slug" not in errors:
            try:
                refuse_taken_slug(type(self), self.slug, announcement_pk=self.pk)
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    # Pictures (the rest is PictureOwner's) ---------------------------------------

    PICTURE_UPLOAD_TO = "announcements/%Y/%m/"
    # The share card shows the title and is named after the slug.
    PICTURE_INPUTS = frozenset({"picture", "title", "slug"})
    PICTURE_OUTPUTS = frozenset(
        {
            "picture",
            "picture_renditions",
            "picture_width",
            "picture_height",
            "picture_bytes",
            "picture_type",
        }
    )

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

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html"}
        super().save(*args, **kwargs)

    def make_renditions(self, previous, force=False):
        """Sizes for phones and screens, and the share card (the title's without a picture)."""
        return renditions.announcement_renditions(
            self.picture, self.title, self.slug, previous, force=force
        )

    def refresh_renditions(self, force=False, pending=False):
        """The renditions, share card and the original's facts, up to date with the picture."""
        stale = super().refresh_renditions(force=force, pending=pending)
        data = self.picture_renditions
        if self.picture:
            self.picture_width, self.picture_height = data["width"], data["height"]
            self.picture_bytes, self.picture_type = data["bytes"], data["type"]
        else:
            self.picture_width = self.picture_height = self.picture_bytes = None
            self.picture_type = ""
        return stale
