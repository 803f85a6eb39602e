"""The picture library: pictures uploaded once and placed in any Markdown body.

What holds:

- A library picture is a ``PictureOwner`` (same checks on upload, no metadata, WebP
  renditions at phone and screen widths), with its alt text, caption and credit kept
  with it. It always has a picture.
- ``markdown`` is what places it in a body: ``![label](picture:<id>)``. Rendering
  (dpga/pictures/body.py) turns it into a ``<figure>`` from the picture's own alt text,
  caption and credit, so changing them here changes every body that shows it: saving a
  library picture renders those bodies again.
- Which bodies use a picture is found in the Markdown fields apps register with
  ``register_usage()`` in their ``AppConfig.ready()`` (this package imports no app).
  A picture in use is not deleted by the admin, which says where it is used.
"""

import re

from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from ..control_characters import single_line
from . import renditions
from .body import SCHEME
from .fields import PictureField
from .models import PictureOwner, picture_upload_to

# A reference's end: ")" or a space before a Markdown title; "picture:4" is not "picture:42".
REFERENCE_ENDS = (")", " ")

# (model, Markdown field, rendered HTML field) of every body that may show pictures.
USAGE_SOURCES = []


def register_usage(model, markdown_field, html_field):
    """Bodies of ``model`` may place library pictures (called in AppConfig.ready())."""
    source = (model, markdown_field, html_field)
    if source not in USAGE_SOURCES:
        USAGE_SOURCES.append(source)


class LibraryPicture(PictureOwner):
    """One picture of the library, with what placing it in a body needs."""

    PICTURE_UPLOAD_TO = "library/%Y/%m/"

    picture = PictureField(_("picture"), upload_to=picture_upload_to)
    caption = models.CharField(
        _("caption"),
        max_length=300,
        blank=True,
        validators=[single_line],
        help_text=_("Shown under the picture wherever it is placed."),
    )
    credit = models.CharField(
        _("credit"),
        max_length=200,
        blank=True,
        validators=[single_line],
        help_text=_("Who made the picture, as it should be printed (e.g. “Photo: UNDP”)."),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("library picture")
        verbose_name_plural = _("picture library")

    def __str__(self):
        return self.caption or self.picture_alt or _("Picture %(id)s") % {"id": self.pk}

    @property
    def reference(self):
        return f"{SCHEME}:{self.pk}"

    @property
    def markdown(self):
        """The Markdown that places this picture in a body."""
        label = re.sub(r"[\[\]\\\s]+", " ", self.picture_alt or self.caption).strip()
        return f"![{label}]({self.reference})"

    @property
    def picture_set(self):
        storage = self._meta.get_field("picture").storage
        picture = renditions.picture_from(self.picture_renditions, "main", storage, 960)
        if picture is None and self.picture:
            data = self.picture_renditions or {}
            picture = renditions.original_picture(
                self.picture, data.get("width"), data.get("height")
            )
        return picture

    def make_renditions(self, previous, force=False):
        return renditions.width_renditions(self.picture, previous, force=force)

    def usages(self):
        """Every object whose body places this picture."""
        found = []
        for model, markdown_field, _html_field in USAGE_SOURCES:
            condition = models.Q()
            for end in REFERENCE_ENDS:
                condition |= models.Q(**{f"{markdown_field}__contains": f"({self.reference}{end}"})
            found.extend(model._default_manager.filter(condition).order_by("pk"))
        return found

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        transaction.on_commit(self.render_bodies_again)

    def render_bodies_again(self):
        """The bodies that show this picture, rendered with its alt text, caption and
        credit as they are now (no revision: the bodies' text did not change)."""
        from ..caching import content_version
        from ..rendering import render_markdown

        changed = False
        for usage in self.usages():
            _model, markdown_field, html_field = next(
                source for source in USAGE_SOURCES if isinstance(usage, source[0])
            )
            html = render_markdown(getattr(usage, markdown_field))
            if html != getattr(usage, html_field):
                type(usage)._default_manager.filter(pk=usage.pk).update(**{html_field: html})
                changed = True
        if changed:
            content_version.bump()
