"""Member organisations of the alliance, and their descriptions in other languages.

The public sees ``Member.objects.listed()`` (joined, not left). A member's logo is its
``dpga.pictures.models.PictureOwner`` picture, served as square tiles; its alt text
is optional ("Logo of <name>" by default). A member that announcements are about
is never deleted (members/signals.py).
"""

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from dpga.control_characters import multi_line, single_line
from dpga.languages.translations import Translatable, TranslatableQuerySet, Translation
from dpga.pictures import renditions
from dpga.pictures.models import PictureOwner
from dpga.rendering import render_markdown
from dpga.revisions import Revisions


class MemberQuerySet(TranslatableQuerySet):
    def listed(self, today=None):
        """Members shown to the public: they have joined and not left (by `today`)."""
        today = today or timezone.localdate()
        return self.filter(joined_on__lte=today).filter(
            Q(left_on__isnull=True) | Q(left_on__gt=today)
        )


class Member(PictureOwner, Translatable):
    TRANSLATED_FIELDS = ("name", "short_name", "description_html")
    DIGEST_FIELDS = ("name", "short_name", "description")

    class Category(models.TextChoices):
        UN_ENTITY = "un", _("UN entity")
        GOVERNMENT = "government", _("Government")
        FOUNDATION = "foundation", _("Foundation")
        COMPANY = "company", _("Company")
        NON_PROFIT = "non_profit", _("Non-profit / civil society")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200, validators=[single_line])
    short_name = models.CharField(
        _("short name or acronym"), max_length=40, blank=True, validators=[single_line]
    )
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.OTHER
    )
    is_board_member = models.BooleanField(_("board member"), default=False)
    # The logo: picture, picture_alt, picture_decorative and picture_renditions
    # (square tiles, small for the directory, large for the profile); see PictureOwner.
    website = models.URLField(
        _("website"),
        blank=True,
        validators=[URLValidator(schemes=["http", "https"]), single_line],
        help_text=_("Starting with https:// or http://."),
    )
    description = models.TextField(
        _("description"), blank=True, validators=[multi_line], help_text=_("Markdown.")
    )
    description_html = models.TextField(editable=False, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True, validators=[single_line])
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = MemberQuerySet.as_manager()
    history = Revisions(
        excluded_fields=["description_html", "picture_renditions"],
        history_change_reason_field=models.TextField(null=True),
    )

    REVISION_FIELDS = [
        "name", "short_name", "slug", "category", "is_board_member", "picture", "website",
        "country", "description", "joined_on", "left_on", "picture_alt", "picture_decorative",
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

    def goes_public(self):
        """Listed now or from its join date: a non-publisher's change to it (or a new
        member with a join date) waits for a publisher's approval (dpga/review)."""
        return self.joined_on is not None

    def show_in(self, language, translation=None, fields=None):
        """As Translatable's, but a name or acronym a translation leaves blank stays
        the original's (``name_language`` says which language the name is in)."""
        original = {field: getattr(self, field) for field in ("name", "short_name")}
        super().show_in(language, translation, fields)
        for field, value in original.items():
            if not getattr(self, field):
                setattr(self, field, value)
        if translation is not None and translation.name:
            self._name_language = translation.language

    @property
    def name_language(self):
        """The language of the name as shown (a translation's, or the original's)."""
        return self.__dict__.get("_name_language", self.language)

    # The logo (the rest is PictureOwner's) -----------------------------------------

    PICTURE_UPLOAD_TO = "members/logos/"
    PICTURE_ALT_REQUIRED = False  # "Logo of <name>" is true of any logo
    DECORATIVE_DESCRIBED_MESSAGE = _(
        "A decorative logo has no description: clear the alt text, or untick “decorative logo”."
    )

    def default_picture_alt(self):
        return _("Logo of %(name)s") % {"name": self.name}

    def logo_tile(self, tile):
        """One of the logo's tiles ("small", "large"), or the original until they exist."""
        storage = self._meta.get_field("picture").storage
        picture = renditions.picture_from(self.picture_renditions, tile, storage, fallback_width=0)
        if picture is None and self.picture:
            side = renditions.LOGO_TILES[tile]
            picture = renditions.original_picture(self.picture, side, side)
        return picture

    @property
    def logo_small(self):
        """The logo tile for lists (64 CSS pixels)."""
        return self.logo_tile("small")

    @property
    def logo_large(self):
        """The logo tile for the profile (160 CSS pixels)."""
        return self.logo_tile("large")

    @property
    def share_image(self):
        """The large logo tile (320×320 PNG) for og:image on the member's profile."""
        storage = self._meta.get_field("picture").storage
        alt = self.picture_alt.strip() or self.default_picture_alt()
        return renditions.tile_share_image(self.picture_renditions, "large", storage, alt)

    def make_renditions(self, previous, force=False):
        """Square tiles, small and large, at 1x and 2x (none without a logo)."""
        return renditions.logo_renditions(self.picture, previous, force=force)

    def clean(self):
        super().clean()
        if self.joined_on and self.left_on and self.left_on < self.joined_on:
            raise ValidationError({"left_on": _("A member cannot leave before it joined.")})

    def save(self, *args, **kwargs):
        self.description_html = render_markdown(self.description)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "description" in update_fields:
            kwargs["update_fields"] = {*update_fields, "description_html"}
        super().save(*args, **kwargs)


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
    """A member's name, acronym and description in one more language (a blank name or
    acronym: the original's is shown)."""

    SOURCE_FIELD = "member"

    member = models.ForeignKey(
        Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="translations"
    )
    name = models.CharField(
        _("name"),
        max_length=200,
        blank=True,
        validators=[single_line],
        help_text=_("Leave blank to show the original name."),
    )
    short_name = models.CharField(
        _("short name or acronym"),
        max_length=40,
        blank=True,
        validators=[single_line],
        help_text=_("Leave blank to show the original."),
    )
    description = models.TextField(
        _("description"), validators=[multi_line], help_text=_("Markdown.")
    )
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
