import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Max, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError
from taggit.managers import TaggableManager

from dpga.images import ALLOWED_FORMATS, validate_image
from dpga.rendering import render_markdown

RESERVED_SLUGS = {"tags", "page", "feed", "feeds", "search", "archive"}


def validate_not_reserved(value):
    if value in RESERVED_SLUGS or value.isdigit():
        raise ValidationError(
            _("“%(slug)s” is reserved for the site's own addresses; choose another slug."),
            code="reserved_slug",
            params={"slug": value},
        )


class AnnouncementQuerySet(models.QuerySet):
    def published(self):
        """The one definition of public: live status and publish time passed."""
        return self.filter(status=Announcement.Status.PUBLISHED, publish_at__lte=timezone.now())

    def scheduled(self):
        return self.filter(status=Announcement.Status.PUBLISHED, publish_at__gt=timezone.now())

    def newest_first(self):
        return self.order_by("-publish_at", "-pk")

    def for_listing(self):
        """Published, newest first, with what a list card shows."""
        return self.published().newest_first().prefetch_related("tags")

    def tagged(self, tag_slug):
        return self.filter(tags__slug=tag_slug)

    def about(self, member):
        return self.filter(members=member)

    def search(self, query):
        """Every word of the query in the title, summary or body."""
        words = query.split()[:10]
        result = self
        for word in words:
            result = result.filter(
                Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
            )
        return result if words else self.none()

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


class Announcement(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
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
        return reverse("announcements:detail", kwargs={"slug": self.slug})

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
            .only("title", "slug", "publish_at")
            .first()
        )

    def get_next_published(self):
        return (
            Announcement.objects.published()
            .filter(
                Q(publish_at__gt=self.publish_at) | Q(publish_at=self.publish_at, pk__gt=self.pk)
            )
            .order_by("publish_at", "pk")
            .only("title", "slug", "publish_at")
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
            .order_by("-shared_tags", "-publish_at", "-pk")[:limit]
        )

    def publish(self):
        """Make live; a publish time already past means "now" (not backdated)."""
        now = timezone.now()
        if self.status != self.Status.PUBLISHED and self.publish_at <= now:
            self.publish_at = now
        self.status = self.Status.PUBLISHED

    def unpublish(self):
        self.status = self.Status.DRAFT

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
