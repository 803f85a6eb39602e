"""A chosen picture survives a validation error: kept on the server, said to be kept, used
on the next save; a forged token is ignored."""

import re

import pytest

from announcements.models import Announcement
from dpga.models import LibraryPicture
from tests.editorial import admin_change_url, change_form_data, editor, logged_in, make_announcement

from .files import all_files, has_location_or_camera, phone_jpeg, upload

pytestmark = pytest.mark.django_db


def kept_token(page):
    match = re.search(r'name="picture_kept" value="([^"]+)"', page)
    return match.group(1) if match else None


def test_a_picture_chosen_before_a_validation_error_is_kept_and_saved_next_time(
    storage, django_capture_on_commit_callbacks
):
    announcement = make_announcement()
    client = logged_in(editor())
    data = change_form_data(announcement, title="", picture_alt="A harvest map")
    first = client.post(
        admin_change_url(announcement), {**data, "picture": upload(phone_jpeg(), "harvest.jpg")}
    )
    assert first.status_code == 200  # the title is missing
    page = first.content.decode()
    assert "Kept from your last attempt: harvest.jpg" in page
    token = kept_token(page)
    assert token
    pending = [name for name in all_files(storage, "pending") if name.endswith(".jpg")]
    assert len(pending) == 1
    with storage.open(pending[0]) as kept:
        assert not has_location_or_camera(kept.read())  # kept cleaned, as saving would

    with django_capture_on_commit_callbacks(execute=True):
        second = client.post(
            admin_change_url(announcement),
            {**data, "title": "Harvest maps", "picture_kept": token},
        )
    assert second.status_code == 302
    announcement = Announcement.objects.get(pk=announcement.pk)
    assert announcement.picture.name.startswith("announcements/")
    assert announcement.picture_renditions["sets"]["main"]
    assert not [name for name in all_files(storage, "pending") if name.endswith(".jpg")]


def test_a_library_picture_is_kept_when_its_description_is_missing(storage):
    client = logged_in(editor())
    first = client.post(
        "/admin/dpga/librarypicture/add/",
        {"picture": upload(phone_jpeg(), "board.jpg"), "picture_alt": "", "caption": "Board"},
    )
    assert first.status_code == 200
    token = kept_token(first.content.decode())
    second = client.post(
        "/admin/dpga/librarypicture/add/",
        {"picture_kept": token, "picture_alt": "The board meeting", "caption": "Board"},
    )
    assert second.status_code == 302
    assert LibraryPicture.objects.get().picture_alt == "The board meeting"


def test_a_forged_or_foreign_token_is_ignored(storage):
    client = logged_in(editor())
    response = client.post(
        "/admin/dpga/librarypicture/add/",
        {"picture_kept": "announcements/2026/11/secret.jpg:forged", "picture_alt": "x"},
    )
    assert response.status_code == 200
    assert "picture" in response.context["adminform"].form.errors
    assert not LibraryPicture.objects.exists()


def test_tags_typed_before_a_validation_error_are_still_there(storage):
    announcement = make_announcement()
    client = logged_in(editor())
    data = change_form_data(announcement, title="", tags='Health, "open data"')
    page = client.post(admin_change_url(announcement), data).content.decode()
    tags = re.search(r'<input[^>]*name="tags"[^>]*>', page).group(0)
    assert 'value="Health, &quot;open data&quot;"' in tags and "data-tag-hint" in tags
