"""The cleaning step itself: what is stored is upright, still, metadata-free and stable."""

import io

import pytest
from PIL import Image

from dpga.pictures import images

from .files import animated_gif, encode, has_location_or_camera, phone_jpeg, photo, png_with_text


@pytest.mark.parametrize(
    ("data", "stored_format"),
    [
        (phone_jpeg(photo((200, 150))), "JPEG"),
        (png_with_text(), "PNG"),
        (encode(photo((200, 150)), "WEBP", exif=Image.Exif()), "WEBP"),
        (animated_gif(), "PNG"),
    ],
    ids=["jpeg", "png", "webp", "gif"],
)
def test_cleaned_files_have_no_metadata_and_stay_clean(data, stored_format):
    cleaned = images.clean_image(io.BytesIO(data))
    assert cleaned.format == stored_format
    assert not has_location_or_camera(cleaned.data)
    assert not images.has_metadata(io.BytesIO(cleaned.data)), "cleaning twice changes nothing"


def test_a_file_with_metadata_is_recognised():
    assert images.has_metadata(io.BytesIO(phone_jpeg(photo((50, 40)))))
    assert images.has_metadata(io.BytesIO(png_with_text()))
    assert images.has_metadata(io.BytesIO(animated_gif()))


def test_cmyk_and_palette_pictures_become_rgb():
    cmyk = encode(Image.new("CMYK", (40, 30), (0, 80, 160, 0)), "JPEG")
    assert images.open_still(io.BytesIO(cmyk)).mode == "RGB"
    palette = encode(Image.new("RGB", (40, 30), (9, 9, 9)).convert("P"), "PNG")
    assert images.open_still(io.BytesIO(palette)).mode == "RGB"


def test_a_colour_profile_is_converted_then_dropped():
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()
    data = encode(Image.new("RGB", (40, 30), (200, 100, 50)), "JPEG", icc_profile=profile)
    cleaned = images.clean_image(io.BytesIO(data))
    assert "icc_profile" not in Image.open(io.BytesIO(cleaned.data)).info
