"""Hostile files uploaded through the admin: refused with a clear error, nothing stored."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from announcements.models import Announcement
from members.models import Member

from .factories import image_bytes, make_user

pytestmark = pytest.mark.django_db


def _png_chunk(kind, data):
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def decompression_bomb():
    """A tiny PNG that claims 30000×30000 pixels (900 megapixels) of zeros."""
    width = height = 30_000
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    row = b"\x00" + b"\x00" * (width // 8)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", data)
        + _png_chunk(b"IEND", b"")
    )


def polyglot():
    """A real GIF whose comment carries HTML and script: valid picture, hostile text."""
    buffer = io.BytesIO()
    Image.new("P", (4, 4)).save(
        buffer, "GIF", comment=b"<script>alert(document.cookie)</script><html>"
    )
    return buffer.getvalue() + b"<html><body><script>alert(1)</script></body></html>"


def one_by_hundred_thousand():
    buffer = io.BytesIO()
    Image.new("1", (1, 100_000)).save(buffer, "PNG")
    return buffer.getvalue()


HOSTILE = {
    "svg_with_script": (
        "logo.svg",
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(document.domain)</script><rect width='10' height='10'/></svg>",
        "image/svg+xml",
        "SVG pictures are not accepted",
    ),
    "html_renamed_to_jpg": (
        "photo.jpg",
        b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        "image/jpeg",
        "not a picture we can use",
    ),
    "decompression_bomb": (
        "huge.png",
        decompression_bomb(),
        "image/png",
        "pixels",
    ),
    "one_by_100000": ("strip.png", one_by_hundred_thousand(), "image/png", "100000 pixels"),
    "truncated_jpeg": (
        "cut.jpg",
        image_bytes("JPEG", size=(400, 300))[:1500],
        "image/jpeg",
        "damaged",
    ),
}


@pytest.fixture
def admin_client(client):
    client.force_login(make_user("root", superuser=True))
    return client


def stored_files(media_root):
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


def post_member(client, upload):
    return client.post(
        "/admin/members/member/add/",
        {
            "name": "Hostile upload test",
            "slug": "hostile",
            "category": Member.Category.OTHER,
            "joined_on": "2024-01-01",
            "picture": upload,
        },
    )


def post_announcement(client, upload):
    now = timezone.localtime()
    return client.post(
        "/admin/announcements/announcement/add/",
        {
            "title": "Hostile upload test",
            "slug": "hostile",
            "summary": "A summary.",
            "body": "",
            "picture": upload,
            "picture_alt": "A picture",
            "status": Announcement.Status.DRAFT,
            "publish_at_0": now.strftime("%Y-%m-%d"),
            "publish_at_1": now.strftime("%H:%M:%S"),
        },
    )


@pytest.mark.parametrize("case", sorted(HOSTILE))
@pytest.mark.parametrize(
    ("post", "field", "model"),
    [(post_member, "picture", Member), (post_announcement, "picture", Announcement)],
    ids=["member-logo", "announcement-picture"],
)
def test_hostile_upload_is_refused_clearly_and_nothing_is_stored(
    admin_client, media_root, case, post, field, model
):
    name, data, content_type, words = HOSTILE[case]
    response = post(admin_client, SimpleUploadedFile(name, data, content_type))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors
    message = " ".join(errors[field]).replace(",", "").replace("\u202f", "")
    # Django's image field speaks first for files Pillow cannot open at all;
    # the site's validator (dpga.pictures.images) names the problem for the rest.
    assert words in message or "either not an image or a corrupted image" in message, message
    assert "errorlist" in response.content.decode()
    assert not model.objects.exists()
    assert stored_files(media_root) == []


def test_a_polyglot_is_stored_only_as_a_clean_picture(admin_client, media_root):
    """A GIF carrying HTML is a real picture: accepted, but served as image/gif only, and
    its hostile trailer never reaches a page (pictures are shown with <img>, never inlined)."""
    response = post_member(admin_client, SimpleUploadedFile("logo.gif", polyglot(), "image/gif"))
    if response.status_code == 200:
        # Refusing it is fine too; then nothing may be stored.
        assert "picture" in response.context["adminform"].form.errors
        assert stored_files(media_root) == []
        return
    member = Member.objects.get()
    # Stored re-encoded as a still picture: the hostile trailer is gone from the file.
    with member.picture.open("rb") as stored:
        content = stored.read()
    assert content.startswith((b"\x89PNG", b"GIF8"))
    assert b"<script" not in content and b"alert(" not in content
    page = admin_client.get(member.get_absolute_url()).content.decode()
    assert "alert(" not in page
