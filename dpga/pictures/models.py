"""The abstract picture owner: a model with one picture, its alt text and its renditions.

Announcements and members inherit it. What holds for every subclass:

- ``picture`` is stored cleaned (``PictureField``: no metadata, upright, one frame);
  uploads go under the subclass's ``PICTURE_UPLOAD_TO`` (strftime codes allowed).
- ``picture_renditions`` describes the files made from the stored picture (see
  ``dpga.pictures.renditions``). Saving brings it up to date whenever a field in
  ``PICTURE_INPUTS`` may have changed; which files are made is the subclass's
  ``make_renditions()``. A save stores the picture and keeps only what can be shown
  at once (the original at its size, files made before for the same original); a
  background task (``dpga.pictures.tasks.make_renditions``) makes the rest, so the
  editor never waits for resizing and no page points to a file not yet made.
  Files no longer used are deleted once the save commits.
- The alt text: ``picture_alt_text`` is "" for a decorative picture, else the
  description, else the subclass's ``default_picture_alt()``. ``clean()`` refuses a
  described decorative picture and, unless ``PICTURE_ALT_REQUIRED`` is false, an
  undescribed one.
- Deleting a row deletes its picture and renditions after the commit
  (``delete_picture_files``, connected once for every concrete subclass by
  ``connect_file_cleanup()``, called by dpga/apps.py; connected per model, so other
  models keep Django's fast bulk deletes).

Nothing here imports an app.
"""

import datetime
import logging
import posixpath

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _

from ..control_characters import single_line
from ..tasks import TaskResultStatus, enqueue
from . import renditions
from .fields import PictureField

logger = logging.getLogger(__name__)


def picture_upload_to(instance, filename):
    """Where an upload is stored: the owner's folder, dated as a string ``upload_to`` is."""
    folder = datetime.datetime.now().strftime(instance.PICTURE_UPLOAD_TO)
    return posixpath.join(folder, filename)


class PictureOwner(models.Model):
    """One picture per row, with what serving it to every reader needs."""

    PICTURE_UPLOAD_TO = "pictures/"
    # Saving with update_fields naming any of these brings the renditions up to date,
    # and then also saves PICTURE_OUTPUTS (what refresh_renditions() sets).
    PICTURE_INPUTS = frozenset({"picture"})
    PICTURE_OUTPUTS = frozenset({"picture", "picture_renditions"})
    # A picture needs a description or the decorative flag; False where
    # default_picture_alt() says something true of any picture of this owner.
    PICTURE_ALT_REQUIRED = True
    # What clean() says, worded for what the picture is (a subclass may say "logo").
    DECORATIVE_DESCRIBED_MESSAGE = _(
        "A decorative picture has no description: clear the alt text, "
        "or untick “decorative picture”."
    )
    UNDESCRIBED_MESSAGE = _(
        "Describe the picture: alt text is required when a picture is set "
        "(or tick “decorative picture” if it carries no information)."
    )

    picture = PictureField(_("picture"), upload_to=picture_upload_to, blank=True)
    picture_alt = models.CharField(
        _("picture description (alt text)"),
        max_length=250,
        blank=True,
        validators=[single_line],
    )
    picture_decorative = models.BooleanField(_("decorative picture"), default=False)
    # Names, sizes and types of the files made from the picture (see renditions.py).
    picture_renditions = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        abstract = True

    # Alt text ---------------------------------------------------------------------

    def default_picture_alt(self):
        """The alt text of a picture nobody described (none by default)."""
        return ""

    @property
    def picture_alt_text(self):
        """The alt attribute: "" when decorative, else the description or the default."""
        if self.picture_decorative:
            return ""
        return self.picture_alt.strip() or self.default_picture_alt()

    def clean(self):
        super().clean()
        if not self.picture:
            return  # nothing to describe
        described = bool(self.picture_alt.strip())
        if self.picture_decorative and described:
            raise ValidationError({"picture_alt": self.DECORATIVE_DESCRIBED_MESSAGE})
        if self.PICTURE_ALT_REQUIRED and not self.picture_decorative and not described:
            raise ValidationError({"picture_alt": self.UNDESCRIBED_MESSAGE})

    # Renditions -------------------------------------------------------------------

    def make_renditions(self, previous, force=False):
        """The description of the renditions of the stored picture (``{}`` or the
        subclass's own files when there is none); parts of ``previous`` that are still
        right are kept unless ``force``. Raises renditions.MissingSource when the stored
        original is gone."""
        raise NotImplementedError(f"{type(self).__name__} must say which renditions it makes")

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        stale = set()
        inputs_changed = update_fields is None or self.PICTURE_INPUTS & set(update_fields)
        if inputs_changed:
            # Only what can be shown at once: a background task makes the renditions.
            stale = self.refresh_renditions(pending=True)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, *self.PICTURE_OUTPUTS}
        super().save(*args, **kwargs)
        renditions.delete_after_commit(self.picture.storage, stale)
        if inputs_changed:
            self.request_renditions()

    def request_renditions(self):
        """Enqueue the task that makes the renditions; with a backend that ran it at
        once (the tests'), this instance shows them too."""
        from .tasks import make_renditions

        result = enqueue(make_renditions, self._meta.label_lower, self.pk)
        if result is not None and result.status == TaskResultStatus.SUCCESSFUL:
            self.refresh_from_db(fields=sorted(self.PICTURE_OUTPUTS))

    def refresh_renditions(self, force=False, pending=False):
        """Bring the renditions up to date with the picture (``pending``: only what can
        be shown at once, see ``renditions.pending_renditions``; the task makes the rest).

        Returns the names of files that are no longer used (the old original and
        old renditions), for deletion once the change is committed.
        """
        old_source, old_data = "", {}
        if self.pk:
            stored = (
                type(self).objects.filter(pk=self.pk).values_list("picture", "picture_renditions")
            )
            old_source, old_data = stored.first() or ("", {})
        # A new upload is stored now (as saving would): renditions are made from the stored file.
        self._meta.get_field("picture").pre_save(self, add=self.pk is None)
        previous = self.picture_renditions or old_data
        if pending and old_data:
            # What is stored may be newer than this instance's copy (the task's work).
            previous = old_data

        def make():
            if pending:
                return renditions.pending_renditions(self.picture, previous)
            return self.make_renditions(previous, force=force)

        try:
            data = make()
        except renditions.MissingSource as missing:
            # Its file was deleted when the picture was replaced or removed: an old
            # revision restored now comes back without it rather than broken.
            logger.warning("Picture %s is gone; %s is kept without it", missing, self)
            self.picture = None
            data = make()
        self.picture_renditions = data
        return renditions.stale_names(old_source, old_data, self.picture.name, data)


def delete_picture_files(sender, instance, **kwargs):
    """Deleting a picture owner deletes its picture and renditions (after the commit)."""
    names = renditions.file_names(instance.picture_renditions) | {instance.picture.name}
    renditions.delete_after_commit(instance.picture.storage, names)


def connect_file_cleanup():
    """Connect delete_picture_files for every concrete picture owner (once all models are
    loaded). Their revisions are other models: deleting one keeps the files."""
    for model in apps.get_models():
        if issubclass(model, PictureOwner):
            label = model._meta.label_lower
            post_delete.connect(
                delete_picture_files, sender=model, dispatch_uid=f"dpga.pictures.files.{label}"
            )
