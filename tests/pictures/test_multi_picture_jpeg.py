"""Multi-picture JPEGs (MPO: what many phone cameras write, a photo plus a depth map or
a second view) are JPEGs: accepted in the admin, kept as the first picture only, as a
plain JPEG without location or camera details."""

import io

import pytest
from django.core.files.storage import default_storage
from PIL import ExifTags, Image

from announcements.models import Announcement
from dpga.pictures.images import validate_image
from dpga.review.models import WorkingCopy
from members.models import Member
from tests.editorial import editor, logged_in, publisher

from .files import CAMERA_MAKE, GPS, has_location_or_camera, two_tone, upload
from .test_upload_checks import announcement_form, member_form

pytestmark = pytest.mark.django_db
RED, BLUE = (220, 20, 20), (20, 20, 220)


def phone_mpo(size=(320, 240)):
    """Two pictures in one file, the first with the phone's location and make."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = CAMERA_MAKE
    exif[ExifTags.IFD.GPSInfo] = GPS
    first = two_tone(size, top=RED, bottom=RED)
    second = Image.new("RGB", (size[0] // 2, size[1] // 2), BLUE)  # a depth map, say
    buffer = io.BytesIO()
    first.save(buffer, format="MPO", save_all=True, append_images=[second], exif=exif)
    data = buffer.getvalue()
    with Image.open(io.BytesIO(data)) as check:
        assert (check.format, check.n_frames) == ("MPO", 2), "a real multi-picture file"
    assert has_location_or_camera(data)
    return data


def stored(fieldfile):
    with default_storage.open(fieldfile.name, "rb") as handle:
        data = handle.read()
    image = Image.open(io.BytesIO(data))
    image.load()
    return image, data


def test_the_upload_check_accepts_it():
    validate_image(upload(phone_mpo(), "IMG_0001.JPG"))


def test_an_editor_uploads_one_as_an_announcements_picture():
    client = logged_in(editor())
    response = client.post(
        "/admin/announcements/announcement/add/",
        announcement_form(
            picture=upload(phone_mpo(), "IMG_0001.JPG"),
            picture_alt="A red square",
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    announcement = Announcement.objects.get()
    assert announcement.picture.name.endswith(".jpg")
    assert (announcement.picture_type, announcement.picture_width) == ("image/jpeg", 320)
    image, data = stored(announcement.picture)
    assert image.format == "JPEG" and getattr(image, "n_frames", 1) == 1
    assert image.size == (320, 240)
    red, _green, blue = image.getpixel((10, 10))
    assert red > 180 and blue < 60, "the first picture, not the second"
    assert not has_location_or_camera(data)


def test_an_editor_uploads_one_as_a_members_logo():
    client = logged_in(editor())
    response = client.post(
        "/admin/members/member/add/", member_form(picture=upload(phone_mpo(), "logo.jpg"))
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    # A member with a join date is public: a publisher approves the editor's new member.
    logged_in(publisher()).post(f"/admin/dpga/workingcopy/{WorkingCopy.objects.get().pk}/approve/")
    image, data = stored(Member.objects.get().picture)
    assert image.format == "JPEG" and getattr(image, "n_frames", 1) == 1
    assert not has_location_or_camera(data)
