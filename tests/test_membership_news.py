"""After a member is added with a join date, the admin offers a prefilled draft."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from announcements.models import Announcement

from .editorial import editor, logged_in, make_member, make_user

pytestmark = pytest.mark.django_db


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (0, 120, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def member_form(**overrides):
    data = {
        "name": "Ministry of ICT and Innovation",
        "short_name": "MINICT",
        "slug": "minict",
        "category": "government",
        "website": "https://example.org/",
        "country": "Rwanda",
        "description": "",
        "joined_on": "2025-09-01",
        "left_on": "",
    }
    data.update(overrides)
    return data


def test_adding_a_member_with_a_join_date_offers_the_draft():
    client = logged_in(editor())
    logo = SimpleUploadedFile("logo.png", png_bytes(), content_type="image/png")
    response = client.post(
        "/admin/members/member/add/", {**member_form(), "picture": logo}, follow=True
    )
    page = response.content.decode()
    assert "Draft the announcement “Ministry of ICT and Innovation joins the alliance”" in page
    assert "/announce/" in page


def test_no_offer_without_a_join_date():
    response = logged_in(editor()).post(
        "/admin/members/member/add/", member_form(joined_on=""), follow=True
    )
    assert "Draft the announcement" not in response.content.decode()


def test_the_draft_is_prefilled_about_the_member_with_its_logo():
    edna = editor()
    logo = png_bytes()
    member = make_member(
        name="Ministry of ICT and Innovation",
        short_name="MINICT",
        slug="minict",
        website="https://example.org/",
        picture=SimpleUploadedFile("minict.png", logo, content_type="image/png"),
    )
    client = logged_in(edna)
    offer = client.get(f"/admin/members/member/{member.pk}/announce/")
    assert offer.status_code == 200
    assert "Create the draft" in offer.content.decode()

    response = client.post(f"/admin/members/member/{member.pk}/announce/")
    draft = Announcement.objects.get()
    assert response["Location"] == f"/admin/announcements/announcement/{draft.pk}/change/"
    assert draft.title == "Ministry of ICT and Innovation joins the alliance"
    assert draft.slug == "ministry-of-ict-and-innovation-joins-the-alliance"
    assert draft.status == Announcement.Status.DRAFT
    assert draft.author == edna
    assert list(draft.members.all()) == [member]
    assert "15 January 2024" in draft.summary
    assert "https://example.org/" in draft.body
    # The same picture as the logo (pixel for pixel); stored files are re-encoded
    # without metadata, so their bytes may differ.
    with draft.picture.open("rb") as picture:
        copied = Image.open(io.BytesIO(picture.read()))
    original = Image.open(io.BytesIO(logo))
    assert copied.size == original.size
    assert copied.convert("RGBA").tobytes() == original.convert("RGBA").tobytes()
    assert draft.picture_alt == "Logo of Ministry of ICT and Innovation"
    assert draft.picture_type == "image/png"
    assert not Announcement.objects.published().exists()
    revision = draft.history.get()
    assert (revision.history_user, revision.history_type) == (edna, "+")
    assert [row.member_id for row in revision.members.all()] == [member.pk]
    assert Client().get(draft.get_absolute_url()).status_code == 404


def test_a_second_draft_gets_its_own_slug():
    member = make_member(name="GitHub", slug="github")
    client = logged_in(editor())
    client.post(f"/admin/members/member/{member.pk}/announce/")
    client.post(f"/admin/members/member/{member.pk}/announce/")
    assert sorted(Announcement.objects.values_list("slug", flat=True)) == [
        "github-joins-the-alliance",
        "github-joins-the-alliance-2",
    ]


def test_only_people_who_may_write_news_get_the_offer():
    member = make_member()
    viewer = make_user("viewer")
    viewer.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_member", "change_member"])
    )
    client = logged_in(viewer)
    assert client.get(f"/admin/members/member/{member.pk}/announce/").status_code == 403
    assert client.post(f"/admin/members/member/{member.pk}/announce/").status_code == 403
    assert not Announcement.objects.exists()
    assert client.get("/admin/members/member/999999/announce/").status_code == 404
