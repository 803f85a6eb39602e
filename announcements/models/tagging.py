"""Tag merges (a record of tags merged into one: their old addresses redirect to it),
and tag names in other languages.

A tag's translation keeps the name it was translated from (``source_name``): it is out
of date once the tag is renamed, until a translator saves it again, as announcements'
and members' translations are (dpga.languages.translations).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dpga.control_characters import single_line


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


class TagTranslationQuerySet(models.QuerySet):
    def out_of_date(self):
        """Translations of a tag renamed since they were saved."""
        return self.exclude(source_name=F("tag__name"))

    def up_to_date(self):
        return self.filter(source_name=F("tag__name"))


class TagTranslation(models.Model):
    """A tag's name in one more language."""

    SOURCE_FIELD = "tag"

    tag = models.ForeignKey(
        "taggit.Tag", verbose_name=_("tag"), on_delete=models.CASCADE, related_name="translations"
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    name = models.CharField(_("name"), max_length=100, validators=[single_line])
    source_name = models.CharField(max_length=100, editable=False, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = TagTranslationQuerySet.as_manager()

    class Meta:
        verbose_name = _("tag translation")
        verbose_name_plural = _("tag translations")
        ordering = ["tag__name", "language"]
        constraints = [
            models.UniqueConstraint(fields=["tag", "language"], name="tag_translation_once")
        ]

    def __str__(self):
        return f"{self.name} [{self.language}]"

    @property
    def is_out_of_date(self):
        return self.source_name != self.tag.name

    def save(self, *args, **kwargs):
        # Saving a translation means it was written against the tag's name as it is now.
        self.source_name = self.tag.name
        super().save(*args, **kwargs)


def translated_tag_name(language, tag_field="pk"):
    """The tag's name in `language`, or None: a subquery on `tag_field` (the tag's id)."""
    names = TagTranslation.objects.filter(tag=OuterRef(tag_field), language=language)
    return Subquery(names.values("name")[:1])
