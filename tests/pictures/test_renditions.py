"""Renditions: right sizes and formats, smaller than the original, used by the pages."""

import re

import pytest
from django.core.files.storage import default_storage
from django.utils.html import escape
from PIL import ImageChops

from dpga.pictures import renditions
from tests.factories import make_announcement, make_member

from .files import animated_gif, encode, open_image, phone_jpeg, photo, transparent_logo, upload

pytestmark = pytest.mark.django_db


def main_set(announcement):
    return {fmt["type"]: fmt["items"] for fmt in announcement.picture_renditions["sets"]["main"]}


def test_renditions_at_three_widths_in_webp_and_the_original_format(storage):
    original = phone_jpeg(photo((1800, 1200)))
    announcement = make_announcement(picture=upload(original, "wide.jpg"), picture_alt="Wide")
    sets = main_set(announcement)
    assert list(sets) == ["image/webp", "image/jpeg"]
    stored_size = announcement.picture_bytes
    for content_type, items in sets.items():
        assert [(item["width"], item["height"]) for item in items] == [
            (480, 320),
            (960, 640),
            (1440, 960),
        ]
        for item in items:
            image, data = open_image(storage, item["name"])
            assert image.size == (item["width"], item["height"])
            assert Image_mime(image) == content_type
            assert len(data) < stored_size < len(original)
    webp_960 = storage.size(sets["image/webp"][1]["name"])
    jpeg_960 = storage.size(sets["image/jpeg"][1]["name"])
    assert webp_960 < jpeg_960


def Image_mime(image):
    return {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}[image.format]


def test_a_small_picture_is_never_upscaled(storage):
    announcement = make_announcement(
        picture=upload(encode(photo((300, 200)), "PNG"), "small.png", "image/png"),
        picture_alt="Small",
    )
    sets = main_set(announcement)
    assert list(sets) == ["image/webp", "image/png"]
    for items in sets.values():
        assert [(item["width"], item["height"]) for item in items] == [(300, 200)]


def test_a_gif_is_kept_as_a_still_png(storage):
    announcement = make_announcement(
        picture=upload(animated_gif(), "moving.gif", "image/gif"), picture_alt="Colours"
    )
    assert announcement.picture.name.endswith(".png")
    image, data = open_image(storage, announcement.picture.name)
    assert image.format == "PNG" and not getattr(image, "is_animated", False)
    assert image.getpixel((5, 5))[:3] == (255, 0, 0), "the first frame"
    assert announcement.picture_type == "image/png"
    assert announcement.picture_bytes == len(data)


def test_the_detail_page_serves_a_responsive_picture(client, storage):
    announcement = make_announcement(
        picture=upload(phone_jpeg(photo((1800, 1200))), "wide.jpg"), picture_alt="A wide field"
    )
    html = client.get(announcement.get_absolute_url()).content.decode()
    sets = main_set(announcement)
    webp_srcset = ", ".join(
        f"{storage.url(item['name'])} {item['width']}w" for item in sets["image/webp"]
    )
    assert f'<source type="image/webp" srcset="{webp_srcset}"' in html
    img = re.search(r"<img [^>]*alt=\"A wide field\"[^>]*>", html).group(0)
    assert 'width="960" height="640"' in img
    assert "480w" in img and "1440w" in img and ".jpg" in img
    assert 'loading="eager"' in img and 'fetchpriority="high"' in img
    assert 'sizes="' in img


def test_the_first_picture_of_a_list_is_eager_and_the_rest_lazy(client, storage):
    for n in range(3):
        make_announcement(
            picture=upload(encode(photo((600, 400)), "JPEG"), f"p{n}.jpg"), picture_alt=f"P{n}"
        )
    html = client.get("/news/").content.decode()
    imgs = re.findall(r"<img [^>]*>", html)
    assert len(imgs) == 3
    assert 'fetchpriority="high"' in imgs[0] and 'loading="eager"' in imgs[0]
    for img in imgs[1:]:
        assert 'loading="lazy"' in img and "fetchpriority" not in img


def test_pages_and_feeds_never_touch_the_files(
    client, storage, monkeypatch, django_assert_max_num_queries
):
    announcement = make_announcement(
        picture=upload(encode(photo((600, 400)), "JPEG"), "p.jpg"), picture_alt="P"
    )
    member = make_member(picture=upload(transparent_logo(), "logo.png", "image/png"))
    announcement.members.add(member)

    def forbidden(*args, **kwargs):
        raise AssertionError("a page opened or inspected a stored file")

    for method in ("open", "exists", "size", "listdir", "get_modified_time"):
        monkeypatch.setattr(type(default_storage._wrapped), method, forbidden)
    for url in (
        "/",
        "/news/",
        announcement.get_absolute_url(),
        "/members/",
        member.get_absolute_url(),
        "/news/feed/rss/",
        "/news/feed/atom/",
        "/news/feed/json/",
        "/members.json",
    ):
        assert client.get(url).status_code == 200, url


def test_pictures_cost_no_extra_queries(client, storage, django_assert_num_queries):
    make_announcement()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as without:
        client.get("/news/")
    make_announcement(picture=upload(encode(photo((600, 400)), "JPEG"), "p.jpg"), picture_alt="P")
    with CaptureQueriesContext(connection) as with_picture:
        client.get("/news/")
    assert len(with_picture) == len(without)


def test_share_card_from_the_picture(client, storage):
    announcement = make_announcement(
        picture=upload(phone_jpeg(photo((800, 800))), "square.jpg"), picture_alt="A square"
    )
    card = announcement.picture_renditions["card"]
    image, _data = open_image(storage, card["name"])
    assert image.size == (1200, 630) == (card["width"], card["height"])
    assert image.format == "JPEG"
    html = client.get(announcement.get_absolute_url()).content.decode()
    absolute = f"http://testserver{storage.url(card['name'])}"
    assert f'<meta property="og:image" content="{absolute}">' in html
    assert f'<meta name="twitter:image" content="{absolute}">' in html
    assert '<meta property="og:image:width" content="1200">' in html
    assert '<meta property="og:image:height" content="630">' in html
    assert '<meta property="og:image:alt" content="A square">' in html


def test_share_card_from_the_title_when_there_is_no_picture(client, storage):
    announcement = make_announcement(title="Estonia & Rwanda join the alliance")
    card = announcement.picture_renditions["card"]
    image, _data = open_image(storage, card["name"])
    assert image.size == (1200, 630)
    assert image.getpixel((5, 5))[:3] == (11, 83, 148), "the alliance's blue"
    html = client.get(announcement.get_absolute_url()).content.decode()
    assert f'<meta property="og:image:alt" content="{escape(announcement.title)}">' in html

    old_card = card["name"]
    announcement.title = "A new title"
    announcement.save()
    assert announcement.picture_renditions["card"]["name"] != old_card
    assert storage.exists(announcement.picture_renditions["card"]["name"])


def test_a_very_long_title_still_fits_the_card(storage):
    announcement = make_announcement(title="Open " * 30 + "X" * 48)
    image, _data = open_image(storage, announcement.picture_renditions["card"]["name"])
    assert image.size == (1200, 630)


def test_the_feed_enclosure_describes_the_served_file(client, storage):
    original = phone_jpeg(photo((1200, 900)))
    announcement = make_announcement(picture=upload(original, "feed.jpg"), picture_alt="Feed")
    stored = storage.size(announcement.picture.name)
    assert stored == announcement.picture_bytes != len(original)
    rss = client.get("/news/feed/rss/").content.decode()
    assert f'length="{stored}" type="image/jpeg"' in rss
    assert storage.url(announcement.picture.name) in rss


def test_logo_tiles_are_square_and_transparent_logos_sit_on_white(storage):
    member = make_member(picture=upload(transparent_logo((300, 100)), "logo.png", "image/png"))
    sets = member.picture_renditions["sets"]
    expected = {"small": [64, 128], "large": [160, 320]}
    for tile, sides in expected.items():
        for fmt in sets[tile]:
            assert [(i["width"], i["height"]) for i in fmt["items"]] == [(s, s) for s in sides]
            for item in fmt["items"]:
                image, _data = open_image(storage, item["name"])
                assert image.size == (item["width"], item["height"])
                assert image.mode == "RGB"
                assert image.getpixel((0, 0)) == (255, 255, 255)
                assert image.getpixel((image.width - 1, image.height - 1)) == (255, 255, 255)
    # aspect kept: the logo's 150x50 red block is still three times as wide as high
    large, _data = open_image(storage, sets["large"][1]["items"][1]["name"])
    left, top, right, bottom = ImageChops.invert(large).getbbox()
    assert 2.8 < (right - left) / (bottom - top) < 3.2


def test_logo_alt_text_default_custom_and_decorative(client, storage):
    member = make_member(
        name="United Nations Development Programme",
        picture=upload(transparent_logo(), "undp.png", "image/png"),
    )
    pages = ("/members/", member.get_absolute_url())
    for url in pages:
        html = client.get(url).content.decode()
        assert 'alt="Logo of United Nations Development Programme"' in html
        assert "small-64.webp 64w" in html or "large-160.webp 160w" in html
    member.picture_alt = "UNDP"
    member.save()
    assert 'alt="UNDP"' in client.get(member.get_absolute_url()).content.decode()
    member.picture_alt = ""
    member.picture_decorative = True
    member.save()
    for url in pages:
        html = client.get(url).content.decode()
        assert re.search(r'<img [^>]*undp\.png/small-64\.png"[^>]*alt=""', html) or re.search(
            r'<img [^>]*undp\.png/large-160\.png"[^>]*alt=""', html
        )


def test_renditions_are_described_without_local_paths(storage):
    announcement = make_announcement(
        picture=upload(encode(photo((600, 400)), "JPEG"), "p.jpg"), picture_alt="P"
    )
    for name in renditions.file_names(announcement.picture_renditions):
        assert not name.startswith("/") and storage.exists(name)
