"""An announcement's text in one more language."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from dpga.control_characters import multi_line, single_line
from dpga.languages.translations import Translation
from dpga.rendering import render_markdown

from .addresses import refuse_taken_slug
from .announcement import Announcement, validate_not_reserved


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
    title = models.CharField(_("title"), max_length=200, validators=[single_line])
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        allow_unicode=True,
        validators=[validate_not_reserved],
        help_text=_("The last part of the address in this language: /<language>/news/<slug>/."),
    )
    summary = models.CharField(_("summary"), max_length=300, validators=[single_line])
    body = models.TextField(
        _("body"), blank=True, validators=[multi_line], help_text=_("Markdown.")
    )
    body_html = models.TextField(editable=False, blank=True)
    picture_alt = models.CharField(
        _("picture description (alt text)"),
        max_length=250,
        blank=True,
        validators=[single_line],
    )

    picture_caption = models.CharField(
        _("picture caption"), max_length=300, blank=True, validators=[single_line]
    )

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
        if self.announcement_id and self.language and self.slug:
            # Not another announcement's address in this language (models/addresses.py).
            refuse_taken_slug(
                Announcement,
                self.slug,
                announcement_pk=self.announcement_id,
                language=self.language,
            )

    def save(self, *args, **kwargs):
        self.body_html = render_markdown(self.body)
        super().save(*args, **kwargs)
