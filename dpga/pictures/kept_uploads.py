"""An uploaded picture survives a validation error on the rest of the form.

When a form with a picture field comes back with errors, a picture that passed its own
checks is stored, cleaned (no metadata), under ``pending/`` and named by a signed token
in a hidden input after the file input (``<field>_kept``); the field says it is kept. The next submission
without a new file uses the kept one; a new file replaces it; the "clear" box drops it.
What holds:

- A token names only a file under ``pending/`` this site wrote (signed, salted, at most
  ``MAX_AGE`` old); anything else is ignored, never an error page.
- A kept picture is stored cleaned, exactly as saving would store it.
- Once the form saves, the kept file is deleted after the commit (the saved picture is
  a new file of its own); an abandoned one is left under ``pending/`` for operators'
  clean-up (docs/operations.md).
"""

import posixpath
import secrets

from django.contrib.admin.widgets import AdminFileWidget
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils.html import format_html
from django.utils.translation import gettext as _

from . import renditions
from .images import clean_image

PENDING = "pending/"
SALT = "dpga.pictures.kept_uploads"
MAX_AGE = 2 * 24 * 3600


def keep(upload):
    """Store a checked upload, cleaned, under pending/; its signed token."""
    upload.seek(0)
    cleaned = clean_image(upload)
    stem = posixpath.splitext(posixpath.basename(upload.name or "picture"))[0] or "picture"
    name = default_storage.save(
        f"{PENDING}{secrets.token_hex(8)}/{stem}{cleaned.extension}", ContentFile(cleaned.data)
    )
    return signing.dumps(name, salt=SALT)


def kept_name(token):
    """The pending file a token names, or None (bad, old or foreign token; file gone)."""
    try:
        name = signing.loads(token or "", salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(name, str) or not name.startswith(PENDING) or ".." in name:
        return None
    return name if default_storage.exists(name) else None


class KeptFileWidget(AdminFileWidget):
    """The admin's file input, followed by the hidden token of a kept picture.

    The field's own label names the input on every Django version: on Django 6 the
    admin wraps its file input in a fieldset whose legend is the only label, which leaves
    the input itself unnamed while no file is set (axe: "Form elements must have labels").
    """

    kept_token = ""
    use_fieldset = False

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        if not self.kept_token:
            return html
        return format_html(
            '{}<input type="hidden" name="{}" value="{}">', html, kept_field(name), self.kept_token
        )


def kept_field(name):
    return f"{name}_kept"


class KeptUploadsFormMixin:
    """For a ModelForm with picture fields named in ``kept_upload_fields``."""

    kept_upload_fields = ("picture",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kept = {}
        for name in self.kept_upload_fields:
            field = self.fields.get(name)
            if field is None:
                continue
            field.widget = KeptFileWidget(attrs=field.widget.attrs)
            if self.is_bound and not self.files.get(name):
                token = self.data.get(kept_field(name), "")
                kept = kept_name(token)
                if kept:
                    self._keep(name, kept, token)
                    field.required = False

    def _keep(self, name, kept, token):
        self.kept[name] = kept
        field = self.fields[name]
        field.widget.kept_token = token
        note = format_html(
            "<strong>{}</strong>",
            _(
                "Kept from your last attempt: %(name)s (not saved yet). "
                "Choose another file to replace it."
            )
            % {"name": posixpath.basename(kept)},
        )
        # The admin shows help text as HTML: the note is escaped, the help text is the field's own.
        field.help_text = f"{note} {field.help_text}"
        self[name].help_text = field.help_text  # a bound field copies it when first made

    def clean(self):
        cleaned = super().clean()
        for name, kept in self.kept.items():
            if cleaned.get(name) is False:  # "clear" ticked: the kept picture goes too
                continue
            if isinstance(cleaned.get(name), UploadedFile):
                continue  # a new file replaces the kept one
            with default_storage.open(kept, "rb") as handle:
                cleaned[name] = ContentFile(handle.read(), name=posixpath.basename(kept))
        return cleaned

    def full_clean(self):
        super().full_clean()
        if not self.is_bound or not self.errors:
            return
        for name in self.kept_upload_fields:
            upload = self.files.get(name)
            if name in self.errors or not isinstance(upload, UploadedFile):
                continue
            token = keep(upload)
            self._keep(name, kept_name(token), token)

    def save(self, commit=True):
        instance = super().save(commit=commit)
        renditions.delete_after_commit(default_storage, set(self.kept.values()))
        return instance
