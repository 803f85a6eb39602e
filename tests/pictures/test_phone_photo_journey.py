"""Tried as a new editor would: a large phone photo with GPS, uploaded in the admin,
is served to the public as small WebP renditions without any location data."""

import html
import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from PIL import Image

from announcements.models import Announcement

from .files import has_location_or_camera, phone_jpeg, photo, upload
from .test_upload_checks import announcement_form

pytestmark = pytest.mark.django_db


def test_a_phone_photo_is_served_as_small_webp_without_location(admin_client, client, media_root):
    original = phone_jpeg(photo((4032, 3024)), orientation=6, quality=88)
    assert 2_000_000 < len(original) < settings.IMAGE_MAX_BYTES
    assert has_location_or_camera(original)

    response = admin_client.post(
        "/admin/announcements/announcement/add/",
        announcement_form(
            title="Field visit",
            slug="field-visit",
            status=Announcement.Status.PUBLISHED,
            publish_at_0="2026-01-05",
            picture=upload(original, "IMG_20260105_101500.jpg"),
            picture_alt="Volunteers mapping a village with open-source tools",
        ),
    )
    assert response.status_code == 302
    announcement = Announcement.objects.get(slug="field-visit")
    assert (announcement.picture_width, announcement.picture_height) == (3024, 4032), "upright"

    page = client.get("/news/field-visit/").content.decode()
    source = re.search(r'<source type="image/webp" srcset="([^"]+)"', page)
    assert source, "the page offers WebP renditions"
    candidates = [part.strip().rsplit(" ", 1) for part in html.unescape(source[1]).split(",")]
    assert [width for _url, width in candidates] == ["480w", "960w", "1440w"]
    for url, width in candidates:
        name = url.removeprefix(settings.MEDIA_URL)
        with default_storage.open(name) as handle:
            data = handle.read()
        image = Image.open(io.BytesIO(data))
        assert image.format == "WEBP" and f"{image.width}w" == width
        assert image.height > image.width, "portrait, as the phone held it"
        assert len(data) < len(original) / 5
        if width == "480w":
            assert len(data) < 60_000, "what a phone on a slow network downloads"
        assert not has_location_or_camera(data)

    # Nothing anywhere under MEDIA_ROOT still carries the position or the camera.
    stored = [path for path in Path(media_root).rglob("*") if path.is_file()]
    assert len(stored) == 1 + 6 + 1
    for path in stored:
        assert not has_location_or_camera(path.read_bytes()), path
