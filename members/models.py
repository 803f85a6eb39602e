from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dpga.images import validate_image
from dpga.rendering import render_markdown
from dpga.revisions import Revisions
from dpga.translations import Translatable, TranslatableQuerySet, Translation


class MemberQuerySet(TranslatableQuerySet):
    def listed(self):
        """Members shown to the public: they have joined and not left."""
        today = timezone.localdate()
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
    logo = models.ImageField(
        _("logo"), upload_to="members/logos/", blank=True, validators=[validate_image]
    )
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
        excluded_fields=["description_html"],
        history_change_reason_field=models.TextField(null=True),
    )

    REVISION_FIELDS = [
        "name", "short_name", "slug", "category", "is_board_member", "logo", "website",
        "country", "description", "joined_on", "left_on",
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
