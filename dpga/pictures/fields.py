"""A picture field: checked by content on upload, stored without any metadata."""

import posixpath

from django import forms
from django.core.files.base import ContentFile
from django.db import models
from django.db.models.fields.files import ImageFieldFile

from .images import clean_image, validate_image


class PictureFormField(forms.ImageField):
    """Our content checks run first, so the editor reads what is wrong with the file
    (SVG, too large, cut short ...) rather than Django's generic "not a valid image"."""

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        validate_image(upload)
        return super().to_python(data)


class PictureFieldFile(ImageFieldFile):
    def save(self, name, content, save=True):
        """Store the cleaned picture: upright, first frame, no EXIF/GPS/ICC/XMP/comments."""
        cleaned = clean_image(content)
        stem, _ext = posixpath.splitext(name or "picture")
        super().save(stem + cleaned.extension, ContentFile(cleaned.data), save=save)


class PictureField(models.ImageField):
    attr_class = PictureFieldFile
    default_validators = [validate_image]

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PictureFormField, **kwargs})
