"""Uploads are judged by their content; every refusal is a clear form error, never a 500."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from announcements.models import Announcement
from dpga.pictures.images import validate_image
from members.models import Member

from .files import animated_gif, encode, png_claiming_size, upload

pytestmark = pytest.mark.django_db

SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>'


def error_code(data, name="file.png"):
    with pytest.raises(ValidationError) as caught:
        validate_image(SimpleUploadedFile(name, data))
    return caught.value.code


def member_form(**overrides):
    return {
        "name": "Thoughtworks",
        "slug": "thoughtworks",
        "category": Member.Category.COMPANY,
        "joined_on": "2024-01-01",
        **overrides,
    }


def announcement_form(**overrides):
    return {
        "title": "A picture test",
        "slug": "a-picture-test",
        "summary": "Summary.",
        "body": "Body.",
        "tags": "",
        "status": Announcement.Status.DRAFT,
        "publish_at_0": "2026-01-05",
        "publish_at_1": "10:00:00",
        **overrides,
    }


def logo_errors(admin_client, data, name="logo.png"):
    response = admin_client.post(
        "/admin/members/member/add/", member_form(picture=upload(data, name, "image/png"))
    )
    assert response.status_code == 200, "a refused upload re-shows the form"
    assert not Member.objects.exists()
    return " ".join(response.context["adminform"].form.errors["picture"])


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "empty_file"),
        (b"just some text, not a picture", "invalid_image"),
        (SVG, "unsupported_format"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "unsupported_format"),
        (encode(Image.new("RGB", (10, 10)), "BMP"), "unsupported_format"),
        (encode(Image.new("RGB", (10, 10)), "TIFF"), "unsupported_format"),
        (encode(Image.new("RGB", (300, 300)), "JPEG")[:300], "invalid_image"),
        (png_claiming_size(30_000, 30_000), "too_many_pixels"),
        (png_claiming_size(21_000, 1_000), "bad_dimensions"),
        (png_claiming_size(5_000, 20), "bad_dimensions"),
        (png_claiming_size(7_000, 7_000), "too_many_pixels"),
    ],
    ids=[
        "empty",
        "text",
        "svg-xml",
        "svg-bare",
        "bmp",
        "tiff",
        "truncated-jpeg",
        "bomb-header",
        "side-too-long",
        "absurd-proportions",
        "over-40-megapixels",
    ],
)
def test_refusals_have_stable_codes(data, code):
    assert error_code(data) == code


def test_corrupt_pixel_data_is_refused():
    data = bytearray(encode(Image.effect_noise((200, 200), 50).convert("RGB"), "PNG"))
    data[200:260] = b"\x00" * 60  # damage the compressed pixels, keep the header
    assert error_code(bytes(data)) == "invalid_image"


def test_too_many_bytes_is_refused_before_decoding(settings):
    settings.IMAGE_MAX_BYTES = 1000
    data = encode(Image.effect_noise((200, 200), 50).convert("RGB"), "PNG")
    assert len(data) > 1000
    assert error_code(data) == "file_too_large"


def test_the_pixel_limit_is_a_setting(settings):
    settings.IMAGE_MAX_PIXELS = 10_000
    assert error_code(encode(Image.new("RGB", (101, 100)), "PNG")) == "too_many_pixels"
    validate_image(SimpleUploadedFile("ok.png", encode(Image.new("RGB", (100, 100)), "PNG")))


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "GIF"])
def test_the_four_formats_are_accepted_whatever_their_name(fmt):
    validate_image(SimpleUploadedFile("misnamed.txt", encode(Image.new("RGB", (40, 30)), fmt)))


def test_an_animated_gif_is_accepted():
    validate_image(SimpleUploadedFile("moving.gif", animated_gif()))


def test_the_admin_says_plainly_that_svg_is_refused(admin_client, storage):
    message = logo_errors(admin_client, SVG)
    assert "SVG pictures are not accepted" in message
    assert "JPEG, PNG, WebP or GIF" in message


def test_the_admin_says_a_truncated_file_is_damaged(admin_client, storage):
    data = encode(Image.effect_noise((400, 400), 50).convert("RGB"), "JPEG")
    message = logo_errors(admin_client, data[: len(data) // 2], "cut.jpg")
    assert "damaged" in message


def test_the_admin_names_the_limits(admin_client, storage, settings):
    settings.IMAGE_MAX_BYTES = 2048
    big = encode(Image.effect_noise((200, 200), 50).convert("RGB"), "PNG")
    assert "at most 2.0\xa0KB" in logo_errors(admin_client, big)
    assert "at most 40 megapixels" in logo_errors(admin_client, png_claiming_size(7_000, 7_000))
    assert "far too narrow or too wide" in logo_errors(admin_client, png_claiming_size(5_000, 20))


def test_html_named_jpg_is_refused_on_announcements_too(admin_client, storage):
    response = admin_client.post(
        "/admin/announcements/announcement/add/",
        announcement_form(
            picture=upload(b"<html><script>alert(1)</script></html>", "photo.jpg"),
            picture_alt="A photo",
        ),
    )
    assert response.status_code == 200
    assert "picture" in response.context["adminform"].form.errors
    assert not Announcement.objects.exists()
    assert storage.listdir("") == ([], [])


def test_a_picture_needs_alt_text_or_the_decorative_choice(admin_client, storage):
    picture = encode(Image.new("RGB", (60, 40), (0, 90, 0)), "PNG")
    response = admin_client.post(
        "/admin/announcements/announcement/add/",
        announcement_form(picture=upload(picture, "p.png", "image/png")),
    )
    assert "alt text is required" in str(response.context["adminform"].form.errors)
    response = admin_client.post(
        "/admin/announcements/announcement/add/",
        announcement_form(
            picture=upload(picture, "p.png", "image/png"),
            picture_alt="A green square",
            picture_decorative="on",
        ),
    )
    assert "decorative picture has no description" in str(response.context["adminform"].form.errors)
    response = admin_client.post(
        "/admin/announcements/announcement/add/",
        announcement_form(picture=upload(picture, "p.png", "image/png"), picture_decorative="on"),
    )
    assert response.status_code == 302
    assert Announcement.objects.get().picture_alt_text == ""


def test_a_pillow_level_bomb_never_reaches_the_decoder():
    # Even Pillow's own hard limit (far above ours) answers with our message, not a 500.
    with pytest.raises(ValidationError) as caught:
        validate_image(io.BytesIO(png_claiming_size(20_000, 20_000)))
    assert caught.value.code == "too_many_pixels"
