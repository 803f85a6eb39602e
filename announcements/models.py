import datetime
import os
import secrets

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.db.models import Count, Max, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override
from PIL import Image, UnidentifiedImageError
from simple_history.signals import pre_create_historical_record
from taggit.managers import TaggableManager
from taggit.utils import edit_string_for_tags

from dpga.images import ALLOWED_FORMATS, validate_image
from dpga.rendering import render_markdown
from dpga.revisions import Revisions, one_revision
from dpga.translations import Translatable, TranslatableQuerySet, Translation, current_language

RESERVED_SLUGS = {"tags", "page", "feed", "feeds", "search", "archive", "preview"}


def validate_not_reserved(value):
    if value in RESERVED_SLUGS or value.isdigit():
        raise ValidationError(
            _("“%(slug)s” is reserved for the site's own addresses; choose another slug."),
            code="reserved_slug",
            params={"slug": value},
        )


class AnnouncementQuerySet(TranslatableQuerySet):
    def published(self):
        """The one definition of public: live status and publish time passed."""
        return self.filter(status=Announcement.Status.PUBLISHED, publish_at__lte=timezone.now())

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

    def newest_first(self):
        return self.order_by("-publish_at", "-pk")

    def for_listing(self):
        """Published, newest first, with what a list card shows, in the active language."""
        return self.published().newest_first().prefetch_related("tags").in_language()

    def tagged(self, tag_slug):
        return self.filter(tags__slug=tag_slug)

    def about(self, member):
        return self.filter(members=member)

    def search(self, query, language=None):
        """Every word of the query in the title, summary or body a visitor reads.

        That is the translation in the visitor's language where there is one,
        else the original (which is what the page shows).
        """
        words = query.split()[:10]
        if not words:
            return self.none()
        language = language or current_language()
        in_language = AnnouncementTranslation.objects.filter(language=language)
        matching_original = Q(language=language) | ~Q(pk__in=in_language.values("announcement"))
        matching_translations = in_language
        for word in words:
            matching_original &= (
                Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
            )
            matching_translations = matching_translations.filter(
                Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
            )
        return self.filter(
            matching_original | Q(pk__in=matching_translations.values("announcement"))
        )

    def fingerprint(self):
        """What changes whenever this set of published items changes.

        Returns (etag, last_modified) from one aggregate query, so a
        conditional request can be answered without rendering anything.
        """
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
    picture = models.ImageField(
        _("picture"),
        upload_to="announcements/%Y/%m/",
        blank=True,
        validators=[validate_image],
        width_field="picture_width",
        height_field="picture_height",
    )
    picture_alt = models.CharField(
        _("picture description (alt text)"),
        max_length=250,
        blank=True,
        help_text=_("Describe the picture for people who cannot see it. Required with a picture."),
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

    objects = AnnouncementQuerySet.as_manager()
    history = Revisions(
        m2m_fields=[members],
        excluded_fields=["body_html"],
        bases=[TagSnapshot],
        history_change_reason_field=models.TextField(null=True),
    )

    # What a revision shows, and what restoring one brings back. The publishing
    # state is left out of a restore: it changes only through the workflow.
    REVISION_FIELDS = [
        "title", "slug", "summary", "body", "picture", "picture_alt", "tags", "members",
        "featured", "status", "publish_at",
    ]  # fmt: skip
    RESTORE_FIELDS = [
        "title", "slug", "summary", "body", "picture", "picture_alt", "tags", "members",
        "featured", "picture_width", "picture_height", "picture_bytes", "picture_type",
    ]  # fmt: skip

    class Meta:
        ordering = ["-publish_at", "-pk"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        permissions = [("publish_announcement", _("Can publish announcements"))]
        indexes = [
            models.Index(fields=["status", "publish_at"], name="announcement_live_idx"),
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
        return reverse("announcements:detail", kwargs={"slug": slug})

    def slug_in(self, language):
        """This announcement's slug in a language (the original's where untranslated)."""
        if language != self.language:
            for translation in self.translations.all():
                if translation.language == language:
                    return translation.slug
        return self.original_slug

    @property
    def original_slug(self):
        return self.__dict__.get("_original_slug", self.slug)

    def show_in(self, language, translation=None):
        self._original_slug = self.slug
        super().show_in(language, translation)

    @property
    def is_published(self):
        """Same rule as AnnouncementQuerySet.published(), for one object."""
        return self.status == self.Status.PUBLISHED and self.publish_at <= timezone.now()

    @property
    def is_scheduled(self):
        return self.status == self.Status.PUBLISHED and self.publish_at > timezone.now()

    @property
    def author_name(self):
        if self.author_id and self.author.get_full_name():
            return self.author.get_full_name()
        return settings.SITE_NAME

    @property
    def feed_id(self):
        """A permanent item id (RFC 4151 tag URI): creation date and primary key."""
        created = self.created_at.astimezone(datetime.UTC).date()
        return f"tag:{settings.SITE_DOMAIN},{created.isoformat()}:announcement:{self.pk}"

    def get_previous_published(self):
        return (
            Announcement.objects.published()
            .filter(
                Q(publish_at__lt=self.publish_at) | Q(publish_at=self.publish_at, pk__lt=self.pk)
            )
            .newest_first()
            .only("title", "slug", "publish_at", "language")
            .in_language()
            .first()
        )

    def get_next_published(self):
        return (
            Announcement.objects.published()
            .filter(
                Q(publish_at__gt=self.publish_at) | Q(publish_at=self.publish_at, pk__gt=self.pk)
            )
            .order_by("publish_at", "pk")
            .only("title", "slug", "publish_at", "language")
            .in_language()
            .first()
        )

    def related_published(self, limit=3):
        """Other published announcements sharing the most tags with this one."""
        tag_ids = [tag.pk for tag in self.tags.all()]
        if not tag_ids:
            return []
        return list(
            Announcement.objects.published()
            .filter(tags__in=tag_ids)
            .exclude(pk=self.pk)
            .annotate(shared_tags=Count("pk"))
            .order_by("-shared_tags", "-publish_at", "-pk")
            .in_language()[:limit]
        )

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

    def clean(self):
        super().clean()
        if self.picture and not self.picture_alt.strip():
            raise ValidationError(
                {
                    "picture_alt": _(
                        "Describe the picture: alt text is required when a picture is set."
                    )
                }
            )

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        self._record_picture_facts()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html"}
        super().save(*args, **kwargs)

    def _record_picture_facts(self):
        if not self.picture:
            self.picture_bytes = None
            self.picture_type = ""
            return
        if self.picture._committed and self.picture_bytes:
            return
        try:
            self.picture.seek(0) if not self.picture._committed else self.picture.open("rb")
            with Image.open(self.picture) as image:
                self.picture_type = ALLOWED_FORMATS.get(image.format, "")
            self.picture_bytes = self.picture.size
        except (OSError, UnidentifiedImageError, ValueError):
            self.picture_type = ""
            self.picture_bytes = None
        finally:
            if self.picture._committed:
                self.picture.close()
            else:
                self.picture.seek(0)


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
