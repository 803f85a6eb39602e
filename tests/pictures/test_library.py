"""The picture library: uploaded once, cleaned and sized like the lead picture, placed in
a body as a <figure> with its caption and credit, kept while a body shows it."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from announcements.feeds import absolutise_urls
from dpga.models import LibraryPicture
from dpga.pictures import renditions
from dpga.rendering import render_markdown
from tests.editorial import (
    admin_change_url,
    change_form_data,
    editor,
    logged_in,
    make_announcement,
)

from .files import has_location_or_camera, phone_jpeg, upload

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/dpga/librarypicture/add/"


def library_picture(**fields):
    defaults = {
        "picture": upload(phone_jpeg(), "harvest.jpg"),
        "picture_alt": "Farmers checking a harvest map on a tablet",
        "caption": "Mapping the harvest in Rwanda",
        "credit": "Photo: FAO",
    }
    return LibraryPicture.objects.create(**{**defaults, **fields})


def test_an_editor_uploads_a_picture_and_the_library_shows_its_markdown(storage):
    client = logged_in(editor())
    response = client.post(
        ADD_URL,
        {
            "picture": upload(phone_jpeg(), "harvest.jpg"),
            "picture_alt": "Farmers checking a harvest map",
            "caption": "Mapping the harvest",
            "credit": "Photo: FAO",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    picture = LibraryPicture.objects.get()
    with storage.open(picture.picture.name) as stored:
        assert not has_location_or_camera(stored.read())
    types = [fmt["type"] for fmt in picture.picture_renditions["sets"]["main"]]
    assert types == ["image/webp", "image/jpeg"]
    assert picture.markdown == f"![Farmers checking a harvest map](picture:{picture.pk})"
    listing = client.get("/admin/dpga/librarypicture/").content.decode()
    assert f"![Farmers checking a harvest map](picture:{picture.pk})" in listing
    page = client.get(f"/admin/dpga/librarypicture/{picture.pk}/change/").content.decode()
    assert f"(picture:{picture.pk})" in page


def test_a_library_picture_alone_in_a_paragraph_is_a_figure_with_caption_and_credit(storage):
    picture = library_picture()
    html = render_markdown(f"Before.\n\n{picture.markdown}\n\nAfter.")
    figure = re.search(r"<figure.*?</figure>", html).group(0)
    assert '<source type="image/webp" srcset="' in figure
    img = re.search(r"<img [^>]*>", figure).group(0)
    assert 'srcset="' in img and 'width="' in img and 'height="' in img
    assert 'alt="Farmers checking a harvest map on a tablet"' in img
    assert "<figcaption>" in figure
    assert "Mapping the harvest in Rwanda" in figure and "Photo: FAO" in figure
    assert "<p><figure" not in html  # a figure never sits inside a paragraph


def test_a_library_picture_inside_a_sentence_is_a_picture_without_figure(storage):
    picture = library_picture()
    html = render_markdown(f"See {picture.markdown} here.")
    assert "<picture>" in html and "<figure" not in html


def test_other_sites_images_become_links_and_the_sites_own_stay(storage):
    html = render_markdown(
        "![a chart](https://elsewhere.example/chart.png)\n\n![logo](/static/img/logo.png)"
    )
    assert "elsewhere.example" not in re.findall(r"<img [^>]*>", html).__str__()
    assert (
        '<a href="https://elsewhere.example/chart.png" rel="noopener noreferrer">a chart</a>'
        in html
    )
    assert '<img alt="logo" src="/static/img/logo.png">' in html


def test_an_unknown_library_picture_is_left_out():
    assert "<img" not in render_markdown("![gone](picture:999999)")


def test_no_editor_attribute_reaches_a_placed_picture(storage):
    picture = library_picture()
    html = render_markdown(
        f'<img src="picture:{picture.pk}" onerror="alert(1)" srcset="https://evil.example/x 1w">'
        f"\n\n[a link](picture:{picture.pk})"
    )
    assert "onerror" not in html and "evil.example" not in html
    assert "href=" not in html  # a library address is only ever an image's


def test_an_external_picture_in_the_body_is_flagged_before_saving(storage):
    announcement = make_announcement()
    client = logged_in(editor())
    body = "Intro.\n\n![map](https://maps.example/map.png)\n\n![gone](picture:424242)"
    response = client.post(
        admin_change_url(announcement), change_form_data(announcement, body=body)
    )
    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors["body"])
    assert "https://maps.example/map.png is on another site" in errors
    assert "no picture picture:424242 in the picture library" in errors
    announcement.refresh_from_db()
    assert announcement.body == "Some **Markdown** text."


def test_a_picture_in_use_is_not_deleted_and_the_page_says_where(storage):
    picture = library_picture()
    announcement = make_announcement(title="Harvest news", body=f"{picture.markdown}\n")
    client = logged_in(editor())
    url = f"/admin/dpga/librarypicture/{picture.pk}/delete/"
    page = client.get(url).content.decode()
    assert "Harvest news" in page and admin_change_url(announcement) in page
    client.post(url, {"post": "yes"})
    assert LibraryPicture.objects.filter(pk=picture.pk).exists()
    announcement.body = "No picture now."
    announcement.save()
    client.post(url, {"post": "yes"})
    assert not LibraryPicture.objects.filter(pk=picture.pk).exists()


def test_changing_a_caption_changes_every_body_that_shows_the_picture(
    storage, django_capture_on_commit_callbacks
):
    picture = library_picture()
    announcement = make_announcement(body=f"{picture.markdown}\n")
    with django_capture_on_commit_callbacks(execute=True):
        picture.caption = "The new caption"
        picture.save()
    announcement.refresh_from_db()
    assert "The new caption" in announcement.body_html


def test_the_picture_button_lists_library_pictures_with_their_markdown(storage):
    picture = library_picture()
    library_picture(picture_alt="A board meeting", caption="Board")
    client = logged_in(editor())
    url = reverse("admin:dpga_librarypicture_choose")
    found = client.get(url, {"q": "harvest"}).json()
    assert [item["markdown"] for item in found["pictures"]] == [picture.markdown]
    assert found["pictures"][0]["src"].startswith("/media/")
    assert len(client.get(url).json()["pictures"]) == 2


def test_feeds_make_a_placed_pictures_sizes_absolute():
    html = '<img srcset="/media/a-480.webp 480w, /media/a-960.webp 960w" src="/media/a.jpg">'
    result = absolutise_urls(html, "https://news.example/news/x/")
    assert 'srcset="https://news.example/media/a-480.webp 480w, ' in result
    assert "https://news.example/media/a-960.webp 960w" in result


def test_rebuild_renditions_makes_a_library_pictures_sizes_again(storage):
    picture = library_picture()
    names = renditions.file_names(picture.picture_renditions)
    for name in names:
        storage.delete(name)
    call_command("rebuild_renditions", only="library", stdout=io.StringIO())
    assert all(storage.exists(name) for name in names)


def test_the_lead_picture_shows_its_caption_and_credit(storage, client):
    announcement = make_announcement(
        status="published",
        picture=upload(phone_jpeg(), "lead.jpg"),
        picture_alt="A harvest",
        picture_caption="Harvest in Musanze",
        picture_credit="Photo: FAO",
    )
    page = client.get(announcement.get_absolute_url()).content.decode()
    figure = page[page.index('<figure class="announcement__picture"') :]
    figure = figure[: figure.index("</figure>")]
    assert '<span class="caption">Harvest in Musanze</span>' in figure
    assert '<span class="credit">Photo: FAO</span>' in figure
