"""Renditions of stored pictures: made, described and removed through the storage API.

A model keeps what templates and feeds need in a JSON field, so a page view never
opens a file, asks a storage for a size, or touches a path:

    {
      "version": 1,
      "source": "announcements/2026/11/photo.jpg",   # the stored original
      "bytes": 123456, "type": "image/jpeg", "width": 4000, "height": 3000,
      "sets": {"main": [  # one entry per format; the last one is the <img> fallback
          {"type": "image/webp", "items": [{"name": ..., "width": 480, "height": 360}, ...]},
          {"type": "image/jpeg", "items": [...]}]},
      "card": {"name": ..., "width": 1200, "height": 630, "type": "image/png", "key": ...}
    }

Every file is written with ``storage.save`` and removed with ``storage.delete``
(the field's storage, i.e. ``default_storage``), so local disk and S3-compatible
object storage behave the same.
"""

import hashlib
import io
import logging
import posixpath
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image

from . import images

logger = logging.getLogger(__name__)

VERSION = 1
ROOT = "renditions"
WIDTHS = (480, 960, 1440)
# Logo tiles, in CSS pixels; each is made at 1x and 2x.
LOGO_TILES = {"small": 64, "large": 160}
LOGO_BACKGROUND = (255, 255, 255)


# Reading ------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    type: str
    srcset: str


@dataclass(frozen=True)
class Picture:
    """What ``includes/_picture.html`` needs: <source>s, and the <img> fallback."""

    sources: tuple
    src: str
    srcset: str
    width: int
    height: int


@dataclass(frozen=True)
class ShareImage:
    url: str
    width: int
    height: int
    type: str
    alt: str


def picture_from(data, set_name, storage, fallback_width=None):
    """A Picture for one rendition set, or None when there is none."""
    formats = (data or {}).get("sets", {}).get(set_name)
    if not formats:
        return None
    sources = tuple(
        Source(
            fmt["type"],
            ", ".join(f"{storage.url(item['name'])} {item['width']}w" for item in fmt["items"]),
        )
        for fmt in formats
    )
    fallback_items = formats[-1]["items"]
    chosen = fallback_items[0]
    for item in fallback_items:
        if fallback_width is None or item["width"] <= fallback_width:
            chosen = item
    return Picture(
        sources=sources[:-1],
        src=storage.url(chosen["name"]),
        srcset=sources[-1].srcset,
        width=chosen["width"],
        height=chosen["height"],
    )


def original_picture(fieldfile, width, height):
    """The stored original as a plain <img>, until its renditions are made."""
    return Picture(sources=(), src=fieldfile.url, srcset="", width=width, height=height)


def share_image_from(data, storage, alt):
    card = (data or {}).get("card")
    if not card:
        return None
    return ShareImage(storage.url(card["name"]), card["width"], card["height"], card["type"], alt)


def tile_share_image(data, set_name, storage, alt):
    """The largest item of a set's fallback format (PNG for logos) as a share image."""
    formats = (data or {}).get("sets", {}).get(set_name)
    if not formats:
        return None
    item = formats[-1]["items"][-1]
    return ShareImage(
        storage.url(item["name"]), item["width"], item["height"], formats[-1]["type"], alt
    )


def file_names(data):
    """Every rendition file a JSON description refers to (not the original)."""
    names = set()
    for formats in (data or {}).get("sets", {}).values():
        for fmt in formats:
            names.update(item["name"] for item in fmt["items"])
    card = (data or {}).get("card")
    if card:
        names.add(card["name"])
    return names


# Writing ------------------------------------------------------------------------


class MissingSource(Exception):
    """The stored original is gone (e.g. an old revision restored after it was replaced)."""


def rendition_dir(source_name):
    """renditions/<the original's full name>/: unique because the original's name is."""
    return posixpath.join(ROOT, source_name)


def save_encoded(storage, name, encoded):
    """Write bytes under exactly ``name`` (replacing a file already there)."""
    if storage.exists(name):
        storage.delete(name)
    return storage.save(name, ContentFile(encoded.data))


def describe(name, encoded):
    return {"name": name, "width": encoded.width, "height": encoded.height}


def read_source(fieldfile):
    """The stored original's bytes, cleaned in place first if it still has metadata.

    Uploads are cleaned before they are stored (``PictureFieldFile.save``); this
    catches files stored some other way (older uploads, a name set by hand).
    """
    storage = fieldfile.storage
    if not storage.exists(fieldfile.name):
        raise MissingSource(fieldfile.name)
    with storage.open(fieldfile.name, "rb") as handle:
        data = handle.read()
    if images.has_metadata(io.BytesIO(data)):
        cleaned = images.clean_image(io.BytesIO(data))
        stem, _ext = posixpath.splitext(fieldfile.name)
        storage.delete(fieldfile.name)
        fieldfile.name = storage.save(stem + cleaned.extension, ContentFile(cleaned.data))
        data = cleaned.data
    return data


def _source_facts(fieldfile, data):
    image = images.open_still(io.BytesIO(data))
    facts = {
        "source": fieldfile.name,
        "bytes": len(data),
        "type": images.ALLOWED_FORMATS[image.format],
        "width": image.width,
        "height": image.height,
    }
    return image, facts


def pending_renditions(fieldfile, previous):
    """What pages may show at once, before the renditions are made (by a task).

    Only files that exist: with the same original, everything made before is kept (a
    share card with an old title included, until the task replaces it); with a new
    original, its facts and nothing else, so pages serve the original at its size;
    with no picture, a title card made before (not a card of a removed picture).
    """
    previous = previous or {}
    if not fieldfile.name:
        if previous.get("card") and not previous.get("source"):
            return {"version": VERSION, "card": previous["card"]}
        return {}
    if previous.get("source") == fieldfile.name:
        return previous
    storage = fieldfile.storage
    if not storage.exists(fieldfile.name):
        raise MissingSource(fieldfile.name)
    with storage.open(fieldfile.name, "rb") as handle:
        data = handle.read()
    with Image.open(io.BytesIO(data), formats=list(images.ALLOWED_FORMATS)) as image:
        stored_format = images.ACCEPTED_AS.get(image.format, image.format)
        width, height = image.size  # read from the header: nothing is decoded
    return {
        "version": VERSION,
        "source": fieldfile.name,
        "bytes": len(data),
        "type": images.ALLOWED_FORMATS[stored_format],
        "width": width,
        "height": height,
    }


def _widths(width):
    chosen = [w for w in WIDTHS if w < width]
    if width <= WIDTHS[-1]:
        chosen.append(width)
    else:
        chosen.append(WIDTHS[-1])
    return chosen


def _formats(stored_format):
    """WebP first, then the stored original's own format (a GIF is stored as PNG)."""
    return ["WEBP"] if stored_format == "WEBP" else ["WEBP", stored_format]


def _build_width_set(storage, image, directory, formats):
    result = []
    resized = {width: images.resize_to_width(image, width) for width in _widths(image.width)}
    for fmt in formats:
        items = []
        for width, version in resized.items():
            encoded = images.encode(version, fmt)
            name = save_encoded(storage, f"{directory}/{width}w{encoded.extension}", encoded)
            items.append(describe(name, encoded))
        result.append({"type": images.ALLOWED_FORMATS[fmt], "items": items})
    return result


def _build_logo_set(storage, image, directory, label, side):
    result = []
    tiles = {factor: images.logo_tile(image, side * factor, LOGO_BACKGROUND) for factor in (1, 2)}
    for fmt in ("WEBP", "PNG"):
        items = []
        for tile in tiles.values():
            encoded = images.encode(tile, fmt)
            name = save_encoded(
                storage, f"{directory}/{label}-{tile.width}{encoded.extension}", encoded
            )
            items.append(describe(name, encoded))
        result.append({"type": images.ALLOWED_FORMATS[fmt], "items": items})
    return result


def _card_key(*parts):
    text = "\x1f".join(str(part) for part in (VERSION, *parts))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _up_to_date(previous, source_name, force):
    return (
        not force
        and previous
        and previous.get("version") == VERSION
        and previous.get("source") == source_name
        and previous.get("sets")  # not only the facts a save keeps until the task runs
    )


def _width_set(picture, previous, force):
    """(the description of the "main" width set, the opened picture or None when the
    previous description was kept)."""
    data = {"version": VERSION}
    image = None
    if picture.name:
        if _up_to_date(previous, picture.name, force):
            data.update({k: previous[k] for k in ("source", "bytes", "type", "width", "height")})
            data["sets"] = previous.get("sets", {})
        else:
            source = read_source(picture)
            image, facts = _source_facts(picture, source)
            data.update(facts)
            directory = rendition_dir(picture.name)
            data["sets"] = {
                "main": _build_width_set(picture.storage, image, directory, _formats(image.format))
            }
    return data, image


def width_renditions(picture, previous, force=False):
    """Sizes for phones and screens (WebP and the original's format), no share card:
    a picture in the library, shown inside a body."""
    return _width_set(picture, previous or {}, force)[0]


def announcement_renditions(picture, title, slug, previous, force=False):
    """Renditions and share card for an announcement; unchanged parts are kept."""
    storage = picture.storage
    previous = previous or {}
    data, image = _width_set(picture, previous, force)
    key = _card_key(picture.name or "", title, slug, settings.SITE_NAME)
    card = previous.get("card")
    if force or not card or card.get("key") != key or previous.get("version") != VERSION:
        if picture.name:
            if image is None:
                image = images.open_still(io.BytesIO(read_source(picture)))
            encoded = images.picture_card(image)
        else:
            encoded = images.title_card(title, settings.SITE_NAME)
        name = save_encoded(storage, f"{ROOT}/cards/{slug}-{key}{encoded.extension}", encoded)
        card = {**describe(name, encoded), "type": encoded.content_type, "key": key}
    data["card"] = card
    return data


def logo_renditions(logo, previous, force=False):
    """Normalised square tiles of a member's logo (small and large, 1x and 2x)."""
    if not logo.name:
        return {}
    if _up_to_date(previous, logo.name, force):
        return previous
    source = read_source(logo)
    image, data = _source_facts(logo, source)
    directory = rendition_dir(logo.name)
    data["version"] = VERSION
    data["sets"] = {
        label: _build_logo_set(logo.storage, image, directory, label, side)
        for label, side in LOGO_TILES.items()
    }
    return data


# Removing -----------------------------------------------------------------------


def delete_files(storage, names):
    for name in sorted(n for n in names if n):
        try:
            storage.delete(name)
        except Exception:  # a missing or locked file must not break a save
            logger.warning("Could not delete %s", name, exc_info=True)


def delete_after_commit(storage, names):
    """Delete files once the transaction commits (a rollback keeps them)."""
    names = {name for name in names if name}
    if names:
        transaction.on_commit(partial(delete_files, storage, names))


def stale_names(old_source, old_data, new_source, new_data):
    """Files the previous state had and the new state no longer uses."""
    old = file_names(old_data) | {old_source or "", (old_data or {}).get("source") or ""}
    new = file_names(new_data) | {new_source or ""}
    return old - new - {""}
