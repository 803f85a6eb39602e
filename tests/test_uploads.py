"""Uploads that are not pictures, or only pretend to be by their name, are refused clearly."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from members.models import Member

from .factories import image_bytes, image_upload, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(make_user("root", superuser=True))
    return client


def member_form(**overrides):
    data = {
        "name": "Thoughtworks",
        "short_name": "",
        "slug": "thoughtworks",
        "category": Member.Category.COMPANY,
        "website": "https://www.thoughtworks.com",
        "country": "",
        "description": "",
        "joined_on": "2024-01-01",
    }
    data.update(overrides)
    return data


def post_logo(client, upload, **overrides):
    return client.post("/admin/members/member/add/", member_form(picture=upload, **overrides))


def errors_of(response):
    return response.context["adminform"].form.errors


def test_a_real_picture_is_accepted(admin_client):
    response = post_logo(admin_client, image_upload("logo.png"))
    assert response.status_code == 302
    assert Member.objects.get(slug="thoughtworks").picture


def test_a_text_file_is_refused_with_a_clear_message(admin_client):
    upload = SimpleUploadedFile("notes.png", b"just some text, not a picture", "image/png")
    response = post_logo(admin_client, upload)
    assert response.status_code == 200
    assert "picture" in errors_of(response)
    assert "valid image" in str(errors_of(response)["picture"]) or "not a picture" in str(
        errors_of(response)["picture"]
    )
    assert not Member.objects.exists()


def test_html_renamed_to_jpg_is_refused(admin_client):
    upload = SimpleUploadedFile(
        "photo.jpg", b"<html><script>alert(1)</script></html>", "image/jpeg"
    )
    response = post_logo(admin_client, upload)
    assert "picture" in errors_of(response)
    assert not Member.objects.exists()


def test_svg_is_refused_even_if_named_png(admin_client):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>'
    response = post_logo(admin_client, SimpleUploadedFile("logo.png", svg, "image/png"))
    assert "picture" in errors_of(response)


def test_a_truncated_picture_is_refused(admin_client):
    data = image_bytes("JPEG", size=(300, 300))
    response = post_logo(
        admin_client, SimpleUploadedFile("cut.jpg", data[: len(data) // 2], "image/jpeg")
    )
    assert "picture" in errors_of(response)
    assert not Member.objects.exists()


def test_an_unsupported_picture_format_is_refused_by_name(admin_client):
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "BMP")
    response = post_logo(
        admin_client, SimpleUploadedFile("logo.png", buffer.getvalue(), "image/png")
    )
    assert "BMP pictures are not accepted" in str(errors_of(response)["picture"])


def test_website_must_be_http_or_https(admin_client):
    response = admin_client.post(
        "/admin/members/member/add/", member_form(website="ftp://example.org/")
    )
    assert "website" in errors_of(response)
    response = admin_client.post(
        "/admin/members/member/add/", member_form(website="javascript:alert(1)")
    )
    assert "website" in errors_of(response)
    assert not Member.objects.exists()
