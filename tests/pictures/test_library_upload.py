"""Uploading a picture from the body editor's picture dialog: the library's add-page form
and checks behind a JSON answer (the new picture's Markdown, or the form's errors by
field), for those who may add library pictures only, by POST only."""

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from dpga.models import LibraryPicture
from tests.editorial import editor, logged_in, make_user

from .files import CAMERA_MAKE, has_location_or_camera, phone_jpeg, upload

pytestmark = pytest.mark.django_db

UPLOAD_URL = "/admin/dpga/librarypicture/upload/"


def fields(**changes):
    return {
        "picture": upload(phone_jpeg(), "harvest.jpg"),
        "picture_alt": "Farmers checking a harvest map",
        "caption": "Mapping the harvest",
        "credit": "Photo: FAO",
        **changes,
    }


def viewer():
    """Staff who may look at the library but not add to it."""
    user = make_user("vera")
    user.user_permissions.add(Permission.objects.get(codename="view_librarypicture"))
    return user


def test_the_upload_address_is_the_library_admins():
    assert reverse("admin:dpga_librarypicture_upload") == UPLOAD_URL


def test_an_upload_saves_one_clean_picture_and_answers_its_markdown(storage):
    author = editor()
    response = logged_in(author).post(UPLOAD_URL, fields())
    assert response.status_code == 201
    picture = LibraryPicture.objects.get()
    answer = response.json()
    assert answer["markdown"] == f"![Farmers checking a harvest map](picture:{picture.pk})"
    assert answer["caption"] == "Mapping the harvest"
    assert (picture.caption, picture.credit, picture.uploaded_by) == (
        "Mapping the harvest",
        "Photo: FAO",
        author,
    )
    with storage.open(picture.picture.name) as stored:
        data = stored.read()
    assert not has_location_or_camera(data) and CAMERA_MAKE.encode() not in data
    types = [fmt["type"] for fmt in picture.picture_renditions["sets"]["main"]]
    assert types == ["image/webp", "image/jpeg"]  # the renditions task ran
    entry = LogEntry.objects.get()  # in the admin's history like an add-page upload
    assert (entry.action_flag, entry.object_id, entry.user) == (ADDITION, str(picture.pk), author)


def test_a_file_that_is_not_a_picture_is_a_400_naming_the_problem(storage):
    response = logged_in(editor()).post(
        UPLOAD_URL, fields(picture=upload(b"just some notes, not pixels", "notes.png"))
    )
    assert response.status_code == 400
    (message,) = response.json()["errors"]["picture"]
    assert "not a picture we can use" in message
    assert "Upload a JPEG, PNG, WebP or GIF image." in message
    assert not LibraryPicture.objects.exists()


def test_an_svg_is_refused_by_name(storage):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    response = logged_in(editor()).post(UPLOAD_URL, fields(picture=upload(svg, "logo.svg")))
    assert response.status_code == 400
    assert "SVG pictures are not accepted" in response.json()["errors"]["picture"][0]
    assert not LibraryPicture.objects.exists()


def test_a_picture_without_description_is_a_400_on_the_alt_text(storage):
    response = logged_in(editor()).post(UPLOAD_URL, fields(picture_alt=""))
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == ["picture_alt"]
    assert errors["picture_alt"][0].startswith("Describe the picture: alt text is required")
    assert not LibraryPicture.objects.exists()


def test_a_decorative_picture_needs_no_description(storage):
    response = logged_in(editor()).post(
        UPLOAD_URL, fields(picture_alt="", picture_decorative="on", caption="A pattern")
    )
    assert response.status_code == 201
    assert LibraryPicture.objects.get().picture_alt_text == ""


def test_no_file_is_a_400_on_the_picture(storage):
    data = fields()
    del data["picture"]
    response = logged_in(editor()).post(UPLOAD_URL, data)
    assert response.status_code == 400
    assert response.json()["errors"]["picture"] == ["This field is required."]


def test_staff_who_may_not_add_pictures_get_a_403_and_no_upload_form(storage):
    client = logged_in(viewer())
    assert client.post(UPLOAD_URL, fields()).status_code == 403
    assert not LibraryPicture.objects.exists()
    listing = client.get(reverse("admin:dpga_librarypicture_choose")).json()
    assert "upload" not in listing


def test_the_upload_takes_posts_only(storage):
    response = logged_in(editor()).get(UPLOAD_URL)
    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_an_upload_without_the_csrf_token_is_refused(storage):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor())
    assert client.post(UPLOAD_URL, fields()).status_code == 403
    assert not LibraryPicture.objects.exists()


def test_someone_logged_out_is_sent_to_log_in(storage):
    response = Client().post(UPLOAD_URL, fields())
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_picture_dialog_offers_the_add_pages_fields_to_an_editor():
    listing = logged_in(editor()).get(reverse("admin:dpga_librarypicture_choose")).json()
    assert listing["upload"]["url"] == UPLOAD_URL
    described = {field["name"]: field for field in listing["upload"]["fields"]}
    assert list(described) == ["picture", "picture_alt", "picture_decorative", "caption", "credit"]
    assert described["picture"]["type"] == "file" and described["picture"]["required"]
    assert described["picture"]["attrs"] == {"accept": "image/*"}
    assert described["picture_alt"]["label"] == "Picture description (alt text):"
    assert described["picture_decorative"]["type"] == "checkbox"
    assert described["caption"]["help"] == "Shown under the picture wherever it is placed."
