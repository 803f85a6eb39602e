"""Pictures: checks on upload (by content, never by name) and the Pillow work.

Everything here works on bytes and file-like objects; nothing touches a file
path or a storage backend (that is ``dpga.pictures.renditions``' job). A
multi-picture JPEG (MPO) is accepted as a JPEG and kept as its first picture.

Error codes raised by ``validate_image`` are stable, for tests and callers:
``empty_file``, ``file_too_large``, ``unsupported_format`` (SVG, BMP, ...),
``invalid_image`` (not a picture, truncated or corrupt), ``bad_dimensions``
(absurd sizes or proportions) and ``too_many_pixels`` (decompression bombs).
"""

import functools
import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "GIF": "image/gif",
}
EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "GIF": ".gif"}
# What Pillow names a format we accept as another: a multi-picture JPEG (MPO, written
# by many phone cameras: the photo, then a depth map or a second view) is a JPEG.
ACCEPTED_AS = {"MPO": "JPEG"}
MAX_SIDE = 20_000
MAX_ASPECT_RATIO = 50
SNIFF_BYTES = 1024

# How each stored format is written. Nothing in these options carries metadata:
# no exif=, no icc_profile=, no comment=, no xmp=.
ENCODE_OPTIONS = {
    "JPEG": {"quality": 85, "optimize": True, "progressive": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 80, "method": 4},
}
# What Pillow reports for files it wrote itself; anything else is metadata.
HARMLESS_INFO = {
    "dpi",
    "jfif",
    "jfif_version",
    "jfif_unit",
    "jfif_density",
    "progressive",
    "progression",
    "adobe",
    "adobe_transform",
    "aspect",
    "gamma",
    "transparency",
    # WebP container defaults Pillow reports for every file
    "loop",
    "background",
    "duration",
    "timestamp",
}
ACCEPTED_MESSAGE = _("Upload a JPEG, PNG, WebP or GIF image.")


def _invalid():
    return ValidationError(
        _(
            "This file is not a picture we can use, or it is damaged (for example cut short). %(hint)s"
        ),
        code="invalid_image",
        params={"hint": ACCEPTED_MESSAGE},
    )


def _too_many_pixels():
    return ValidationError(
        _("The picture has too many pixels; at most %(limit)s megapixels are accepted."),
        code="too_many_pixels",
        params={"limit": settings.IMAGE_MAX_PIXELS // 1_000_000},
    )


def _unsupported(name):
    return ValidationError(
        _("%(format)s pictures are not accepted. %(hint)s"),
        code="unsupported_format",
        params={"format": name, "hint": ACCEPTED_MESSAGE},
    )


def _looks_like_svg(head):
    """SVG is XML text that can carry scripts; say so plainly instead of "not a picture"."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith((b"<?xml", b"<svg", b"<!doctype svg", b"<!--")) and b"<svg" in text


def validate_image(upload):
    """Refuse anything that is not a sane JPEG, PNG, WebP or GIF picture.

    The checks run in order of cost: size in bytes, what the first bytes say,
    the header (format and dimensions, before any pixel is decoded), then a
    full decode of the first frame (catches truncated and corrupt files).
    """
    if upload is None or getattr(upload, "_committed", False) is True:
        return  # nothing uploaded, or a file already stored (it was checked then)
    size = getattr(upload, "size", None)
    if size == 0:
        raise ValidationError(_("The file is empty."), code="empty_file")
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
        head = upload.read(SNIFF_BYTES)
        if not head:
            raise ValidationError(_("The file is empty."), code="empty_file")
        if _looks_like_svg(head):
            raise _unsupported("SVG")
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                image_format = ACCEPTED_AS.get(image.format, image.format)
                if image_format not in ALLOWED_FORMATS:
                    raise _unsupported(image_format or _("This kind of"))
                _check_dimensions(*image.size)
                image.verify()
            upload.seek(0)
            # Decode for real, with only the four accepted decoders allowed.
            with Image.open(upload, formats=list(ALLOWED_FORMATS)) as image:
                image.load()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise _invalid() from None
    finally:
        if position is not None:
            upload.seek(position)


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
        raise _too_many_pixels()


# Cleaning: what is stored --------------------------------------------------------


@dataclass(frozen=True)
class EncodedImage:
    """Picture bytes as stored or served, with the facts templates and feeds need."""

    data: bytes
    format: str  # Pillow's name: JPEG, PNG, WEBP
    width: int
    height: int

    @property
    def content_type(self):
        return ALLOWED_FORMATS[self.format]

    @property
    def extension(self):
        return EXTENSIONS[self.format]

    def __len__(self):
        return len(self.data)


def open_still(source):
    """Open a picture as one upright still image, fully decoded.

    The EXIF orientation is applied to the pixels, an animated GIF or WebP (or a
    multi-picture JPEG) becomes its first frame, and palette or CMYK modes become RGB(A).
    """
    if hasattr(source, "seek"):
        source.seek(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(source, formats=list(ALLOWED_FORMATS)) as image:
            source_format = ACCEPTED_AS.get(image.format, image.format)
            image.seek(0)
            upright = ImageOps.exif_transpose(image)
            upright.load()
    upright = _to_srgb(_to_rgb_mode(upright), upright.info.get("icc_profile"))
    upright.info = {}  # EXIF, ICC, XMP, comments, GPS ... nothing is carried over
    upright.format = source_format
    return upright


def _to_rgb_mode(image):
    if image.mode in {"RGB", "RGBA"}:
        return image
    has_alpha = image.mode in {"LA", "PA", "La"} or "transparency" in image.info
    return image.convert("RGBA" if has_alpha else "RGB")


def _to_srgb(image, icc_profile):
    """Convert colours from an embedded profile (Display P3, Adobe RGB) to sRGB,
    so the profile itself can be dropped without the colours shifting."""
    if not icc_profile:
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        return ImageCms.profileToProfile(
            image, source, ImageCms.createProfile("sRGB"), outputMode=image.mode
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image


def has_transparency(image):
    if image.mode != "RGBA":
        return False
    low, _high = image.getchannel("A").getextrema()
    return low < 255


def encode(image, fmt):
    """Write an image without any metadata; JPEG gets no alpha channel."""
    if fmt == "JPEG" and image.mode not in {"RGB", "L"}:
        image = flatten(image)
    buffer = io.BytesIO()
    image.save(buffer, fmt, **ENCODE_OPTIONS[fmt])
    return EncodedImage(buffer.getvalue(), fmt, image.width, image.height)


def stored_format(source_format):
    """The format a cleaned original is kept in: GIF is kept as a still PNG."""
    return "PNG" if source_format == "GIF" else source_format


def clean_image(source):
    """The upload as it is stored: upright, first frame only, no metadata at all."""
    image = open_still(source)
    return encode(image, stored_format(image.format))


def has_metadata(source):
    """True when a stored file still needs cleaning: metadata, an EXIF rotation,
    several frames, or a format we do not store (GIF)."""
    if hasattr(source, "seek"):
        source.seek(0)
    with Image.open(source) as image:
        extra = set(image.info) - HARMLESS_INFO
        animated = getattr(image, "n_frames", 1) > 1
        return (
            bool(extra) or bool(image.getexif()) or animated or image.format not in ENCODE_OPTIONS
        )


def flatten(image, background=(255, 255, 255)):
    """The image on an opaque background (used for JPEG and for logos)."""
    if image.mode == "RGB":
        return image
    rgba = image.convert("RGBA")
    canvas = Image.new("RGB", rgba.size, background)
    canvas.paste(rgba, mask=rgba.getchannel("A"))
    return canvas


def resize_to_width(image, width):
    """A copy ``width`` pixels wide (never wider than the image), aspect kept."""
    width = min(width, image.width)
    if width == image.width:
        return image.copy()
    height = max(1, round(image.height * width / image.width))
    return image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)


def logo_tile(image, side, background):
    """A square tile: the logo fitted inside with a margin, aspect kept.

    A transparent logo is laid on the neutral ``background``.
    """
    margin = max(1, side // 16)
    inner = side - 2 * margin
    logo = ImageOps.contain(image.convert("RGBA"), (inner, inner), Image.Resampling.LANCZOS)
    canvas = Image.new("RGB", (side, side), background)
    offset = ((side - logo.width) // 2, (side - logo.height) // 2)
    canvas.paste(logo, offset, mask=logo.getchannel("A"))
    return canvas


# Share cards ---------------------------------------------------------------------

CARD_SIZE = (1200, 630)
CARD_BACKGROUND = (11, 83, 148)  # the site's brand blue (--brand in site.css)
CARD_ACCENT = (0, 128, 96)
CARD_INK = (255, 255, 255)


def card_font(size):
    return _card_font(getattr(settings, "SHARE_CARD_FONT", ""), size)


@functools.lru_cache(maxsize=16)
def _card_font(path, size):
    if path:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            pass
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow built without FreeType
        return ImageFont.load_default()


def picture_card(image):
    """The picture cropped (centred) to exactly 1200×630."""
    fitted = ImageOps.fit(flatten(image), CARD_SIZE, Image.Resampling.LANCZOS)
    return encode(fitted, "JPEG")


def title_card(title, site_name):
    """The title set on the alliance's colours, with its name underneath."""
    width, height = CARD_SIZE
    image = Image.new("RGB", CARD_SIZE, CARD_BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, height - 24, width, height), fill=CARD_ACCENT)
    margin = 80
    for size in (72, 60, 50, 42):
        font = card_font(size)
        lines = wrap_text(draw, title, font, width - 2 * margin, max_lines=4)
        if lines is not None:
            break
    else:
        lines = wrap_text(draw, title, font, width - 2 * margin, max_lines=4, shorten=True)
    line_height = round(size * 1.25)
    y = margin
    for line in lines:
        draw.text((margin, y), line, fill=CARD_INK, font=font)
        y += line_height
    name_font = card_font(36)
    draw.text((margin, height - 24 - margin), site_name, fill=CARD_INK, font=name_font, anchor="ls")
    # Flat colours and text stay crisp in PNG; zlib's default level is quick enough
    # to run on every save (optimize=True would cost about four times as much).
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return EncodedImage(buffer.getvalue(), "PNG", width, height)


def wrap_text(draw, text, font, max_width, max_lines, shorten=False):
    """Greedy word wrap; None when it does not fit (unless ``shorten``: then "…")."""
    words = text.split()
    lines, current = [], ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if draw.textlength(candidate, font=font) <= max_width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    too_wide = any(draw.textlength(line, font=font) > max_width for line in lines)
    if len(lines) <= max_lines and not too_wide:
        return lines
    if not shorten:
        return None
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] += "…"
    return [_shorten_line(draw, line, font, max_width) for line in lines]


def _shorten_line(draw, line, font, max_width):
    if draw.textlength(line, font=font) <= max_width:
        return line
    while line and draw.textlength(line + "…", font=font) > max_width:
        line = line[:-1]
    return line.rstrip() + "…"
