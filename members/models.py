from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from dpga.languages.translations import Translatable, TranslatableQuerySet, Translation
from dpga.pictures import renditions
from dpga.pictures.fields import PictureField
from dpga.rendering import render_markdown
from dpga.revisions import Revisions


class MemberQuerySet(TranslatableQuerySet):
    def listed(self, today=None):
        """Members shown to the public: they have joined and not left (by `today`)."""
        today = today or timezone.localdate()
        return self.filter(joined_on__lte=today).filter(
            Q(left_on__isnull=True) | Q(left_on__gt=today)
        )


class Member(Translatable):
    TRANSLATED_FIELDS = ("description_html",)
    DIGEST_FIELDS = ("description",)

    class Category(models.TextChoices):
        UN_ENTITY = "un", _("UN entity")
        GOVERNMENT = "government", _("Government")
        FOUNDATION = "foundation", _("Foundation")
        COMPANY = "company", _("Company")
        NON_PROFIT = "non_profit", _("Non-profit / civil society")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name or acronym"), max_length=40, blank=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.OTHER
    )
    is_board_member = models.BooleanField(_("board member"), default=False)
    logo = PictureField(
        _("logo"),
        upload_to="members/logos/",
        blank=True,
        help_text=_("JPEG, PNG, WebP or GIF. A transparent logo is shown on a white tile."),
    )
    logo_alt = models.CharField(
        _("logo description (alt text)"),
        max_length=250,
        blank=True,
        help_text=_("Leave empty for “Logo of <name>”."),
    )
    logo_decorative = models.BooleanField(
        _("decorative logo"),
        default=False,
        help_text=_("Tick to have screen readers skip the logo (empty alt text)."),
    )
    # Normalised tiles (small for the directory, large for the profile); see dpga.pictures.renditions.
    logo_renditions = models.JSONField(default=dict, blank=True, editable=False)
    website = models.URLField(
        _("website"),
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("Starting with https:// or http://."),
    )
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    description_html = models.TextField(editable=False, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = MemberQuerySet.as_manager()
    history = Revisions(
        excluded_fields=["description_html", "logo_renditions"],
        history_change_reason_field=models.TextField(null=True),
    )

    REVISION_FIELDS = [
        "name", "short_name", "slug", "category", "is_board_member", "logo", "website",
        "country", "description", "joined_on", "left_on", "logo_alt", "logo_decorative",
    ]  # fmt: skip
    RESTORE_FIELDS = REVISION_FIELDS

    class Meta:
        ordering = ["name"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True)
                | Q(joined_on__isnull=True)
                | Q(left_on__gte=models.F("joined_on")),
                name="member_left_after_joined",
            )
        ]
        indexes = [models.Index(fields=["category", "name"])]

    def __str__(self):
        return self.name

    @property
    def display_name(self):
        if self.short_name and self.short_name != self.name:
            return f"{self.name} ({self.short_name})"
        return self.name

    def get_absolute_url(self):
        return reverse("members:detail", kwargs={"slug": self.slug})

    @property
    def logo_alt_text(self):
        """The alt attribute: "" when decorative, else the description or "Logo of <name>"."""
        if self.logo_decorative:
            return ""
        return self.logo_alt.strip() or _("Logo of %(name)s") % {"name": self.name}

    def _logo_picture(self, tile):
        storage = self._meta.get_field("logo").storage
        picture = renditions.picture_from(self.logo_renditions, tile, storage, fallback_width=0)
        if picture is None and self.logo:
            side = renditions.LOGO_TILES[tile]
            picture = renditions.original_picture(self.logo, side, side)
        return picture

    @property
    def logo_small(self):
        """The logo tile for lists (64 CSS pixels)."""
        return self._logo_picture("small")

    @property
    def logo_large(self):
        """The logo tile for the profile (160 CSS pixels)."""
        return self._logo_picture("large")

    @property
    def share_image(self):
        """The large logo tile (320×320 PNG) for og:image on the member's profile."""
        storage = self._meta.get_field("logo").storage
        alt = self.logo_alt.strip() or _("Logo of %(name)s") % {"name": self.name}
        return renditions.tile_share_image(self.logo_renditions, "large", storage, alt)

    def clean(self):
        super().clean()
        if self.joined_on and self.left_on and self.left_on < self.joined_on:
            raise ValidationError({"left_on": _("A member cannot leave before it joined.")})
        if self.logo_decorative and self.logo_alt.strip():
            raise ValidationError(
                {
                    "logo_alt": _(
                        "A decorative logo has no description: clear the alt text, "
                        "or untick “decorative logo”."
                    )
                }
            )

    def save(self, *args, **kwargs):
        self.description_html = render_markdown(self.description)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "description" in update_fields:
            update_fields = {*update_fields, "description_html"}
        stale = set()
        if update_fields is None or "logo" in update_fields:
            stale = self.refresh_renditions()
            if update_fields is not None:
                update_fields = {*update_fields, "logo_renditions"}
        if update_fields is not None:
            kwargs["update_fields"] = update_fields
        super().save(*args, **kwargs)
        renditions.delete_after_commit(self.logo.storage, stale)

    def refresh_renditions(self, force=False):
        """Bring the logo tiles up to date; returns the names of files no longer used."""
        old_source, old_data = "", {}
        if self.pk:
            previous = type(self).objects.filter(pk=self.pk).values_list("logo", "logo_renditions")
            old_source, old_data = previous.first() or ("", {})
        if self.logo and not self.logo._committed:
            self.logo.save(self.logo.name, self.logo.file, save=False)
        try:
            data = renditions.logo_renditions(
                self.logo, self.logo_renditions or old_data, force=force
            )
        except renditions.MissingSource:
            self.logo = None  # deleted when replaced; a restored old revision comes back without
            data = {}
        self.logo_renditions = data
        return renditions.stale_names(old_source, old_data, self.logo.name, data)


def announcements_about(member, limit=5):
    """The titles of (up to `limit`) announcements about this member, and how many there are."""
    announcements = member.announcements.order_by("-publish_at")
    return list(announcements.values_list("title", flat=True)[:limit]), announcements.count()


def member_in_use_message(member):
    titles, count = announcements_about(member)
    names = ", ".join(f"“{title}”" for title in titles) + (" …" if count > len(titles) else "")
    return ngettext(
        "“%(member)s” cannot be deleted: %(count)d announcement is about it (%(names)s). "
        "Remove the member from it first, or set a “left on” date to take the member "
        "off the site while keeping the news intact.",
        "“%(member)s” cannot be deleted: %(count)d announcements are about it (%(names)s). "
        "Remove the member from them first, or set a “left on” date to take the member "
        "off the site while keeping the news intact.",
        count,
    ) % {"member": member.name, "count": count, "names": names}


class MemberTranslation(Translation):
    """A member's description in one more language."""

    SOURCE_FIELD = "member"

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="translations"
    )
    description = models.TextField(_("description"), help_text=_("Markdown."))
    description_html = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("member translation")
        verbose_name_plural = _("member translations")
        ordering = ["member", "language"]
        constraints = [
            models.UniqueConstraint(fields=["member", "language"], name="member_translation_once")
        ]

    def __str__(self):
        return f"{self.member} [{self.language}]"

    def clean(self):
        super().clean()
        if self.member_id and self.language == self.member.language:
            raise ValidationError(
                {"language": _("The original is already in this language; edit it instead.")}
            )

    def save(self, *args, **kwargs):
        self.description_html = render_markdown(self.description)
        super().save(*args, **kwargs)
