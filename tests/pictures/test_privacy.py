"""Nothing private leaves the camera: no GPS, camera serial or comment is stored or served."""

import pytest

from dpga.pictures import renditions
from tests.factories import make_announcement, make_member

from .files import (
    has_location_or_camera,
    open_image,
    phone_jpeg,
    png_with_text,
    two_tone,
    upload,
)

pytestmark = pytest.mark.django_db


def stored_names(obj, field):
    data = getattr(obj, f"{field}_renditions")
    return [getattr(obj, field).name, *sorted(renditions.file_names(data))]


def test_the_generated_photo_really_carries_gps_and_camera_details():
    assert has_location_or_camera(phone_jpeg())


def test_gps_and_camera_details_are_gone_from_original_renditions_and_card(storage):
    announcement = make_announcement(
        picture=upload(phone_jpeg(), "IMG_2041.jpg"), picture_alt="A field at dawn"
    )
    names = stored_names(announcement, "picture")
    assert len(names) == 1 + 6 + 1  # original, 3 widths x (WebP, JPEG), share card
    for name in names:
        _image, data = open_image(storage, name)
        assert not has_location_or_camera(data), name


def test_a_rotated_phone_photo_comes_out_upright(storage):
    # Stored by the "phone" sideways (400x200, red on top) with orientation 6:
    # "turn 90° clockwise to view", so upright it is 200x400 with red on the right.
    data = phone_jpeg(two_tone((400, 200)), orientation=6)
    announcement = make_announcement(picture=upload(data, "sideways.jpg"), picture_alt="Red, blue")
    assert (announcement.picture_width, announcement.picture_height) == (200, 400)
    for name in stored_names(announcement, "picture")[:-1]:  # all but the share card
        image, _data = open_image(storage, name)
        width, height = image.size
        assert height > width, name
        assert image.getexif().get(0x0112) is None, "no orientation left to apply twice"
        red, green, blue = image.convert("RGB").getpixel((width - 3, height // 2))
        assert red > 150 and blue < 100, name
        red, green, blue = image.convert("RGB").getpixel((2, height // 2))
        assert blue > 150 and red < 100, name


def test_png_text_chunks_are_dropped(storage):
    member = make_member(picture=upload(png_with_text(), "logo.png", "image/png"))
    for name in stored_names(member, "picture"):
        image, data = open_image(storage, name)
        assert not has_location_or_camera(data), name
        assert "Comment" not in image.info and "Author" not in image.info


def test_a_stored_original_with_metadata_is_cleaned_when_renditions_are_made(storage):
    """Files stored some other way (before this cleaning existed) are cleaned too."""
    name = storage.save("announcements/2020/01/old.jpg", upload(phone_jpeg(), "old.jpg"))
    announcement = make_announcement()
    announcement.picture.name = name
    announcement.picture_alt = "An old picture"
    announcement.save()
    for stored in stored_names(announcement, "picture"):
        _image, data = open_image(storage, stored)
        assert not has_location_or_camera(data), stored
