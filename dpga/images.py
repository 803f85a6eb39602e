"""Checks for uploaded pictures, decided by the file's content, not its name."""

import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

ALLOWED_FORMATS = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "GIF": "image/gif",
}
MAX_SIDE = 20_000
MAX_ASPECT_RATIO = 50


def validate_image(upload):
    """Refuse anything that is not a sane JPEG, PNG, WebP or GIF picture."""
    if upload is None or getattr(upload, "_committed", False):
        # An already stored picture (a change form saved without a new upload) was
        # checked when it was uploaded; its file handle may even be closed by now.
        return
    size = getattr(upload, "size", None)
    if size is not None and size > settings.IMAGE_MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s; pictures may be at most %(limit)s."),
            code="file_too_large",
            params={
                "size": filesizeformat(size),
                "limit": filesizeformat(settings.IMAGE_MAX_BYTES),
            },
        )
    position = upload.tell() if hasattr(upload, "tell") else None
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                image_format = image.format
                width, height = image.size
                _check_dimensions(width, height)
                image.verify()
            upload.seek(0)
            with Image.open(upload) as image:
                image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("The picture has too many pixels; at most %(limit)s megapixels are accepted."),
            code="too_many_pixels",
            params={"limit": settings.IMAGE_MAX_PIXELS // 1_000_000},
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            _(
                "This file is not a picture we can use, or it is damaged. "
                "Upload a JPEG, PNG, WebP or GIF image."
            ),
            code="invalid_image",
        ) from None
    finally:
        if position is not None:
            upload.seek(position)
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(
            _("%(format)s pictures are not accepted. Upload a JPEG, PNG, WebP or GIF image."),
            code="unsupported_format",
            params={"format": image_format or _("This kind of")},
        )


def _check_dimensions(width, height):
    if width < 1 or height < 1 or width > MAX_SIDE or height > MAX_SIDE:
        raise ValidationError(
            _(
                "The picture is %(width)s×%(height)s pixels; each side must be "
                "between 1 and %(max)s pixels."
            ),
            code="bad_dimensions",
            params={"width": width, "height": height, "max": MAX_SIDE},
        )
    if max(width, height) / min(width, height) > MAX_ASPECT_RATIO:
        raise ValidationError(
            _("The picture is %(width)s×%(height)s pixels: far too narrow or too wide."),
            code="bad_dimensions",
            params={"width": width, "height": height},
        )
    if width * height > settings.IMAGE_MAX_PIXELS:
        raise ValidationError(
            _("The picture has too many pixels; at most %(limit)s megapixels are accepted."),
            code="too_many_pixels",
            params={"limit": settings.IMAGE_MAX_PIXELS // 1_000_000},
        )
