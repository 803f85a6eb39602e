"""The editor's journey in the real admin: an editor writes and previews a draft with a
picture, tags and members; a publisher publishes it; the public sees it on the site
and in the feed."""

import re

import feedparser
import pytest
from django.utils import translation

from announcements.models import Announcement
from tests.factories import image_bytes, make_user

from .conftest import PASSWORD, screenshot

expect = pytest.importorskip(
    "playwright.sync_api", reason="needs the Python package playwright: make install"
).expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Open health data standard shared by WHO"


def log_in(page, base_url, username):
    page.goto(base_url + "/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()


def choose_member(page, field_id, search, option):
    """Pick a member in the admin's autocomplete (Select2) widget, as a person would."""
    page.locator(f"#{field_id} + .select2").click()
    page.locator(".select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=option).click()


def test_editor_drafts_and_previews_then_publisher_publishes(
    demo_site, live_server, new_context, tmp_path
):
    make_user("eddie", groups=["Editors"])
    make_user("pat", groups=["Publishers"])
    picture = tmp_path / "standard.jpg"
    picture.write_bytes(image_bytes("JPEG", size=(1200, 630), colour=(20, 90, 160)))

    # The editor writes a draft with a picture, tags and two members.
    editor = new_context().new_page()
    log_in(editor, live_server.url, "eddie")
    editor.get_by_role("rowheader", name="Announcements").get_by_role("link").click()
    expect(editor).to_have_url(live_server.url + "/admin/announcements/announcement/")
    editor.get_by_role("link", name=re.compile("Add announcement")).click()
    editor.get_by_label("Title:").press_sequentially(TITLE)  # typed: the slug follows it
    expect(editor.get_by_label("Slug:")).to_have_value("open-health-data-standard-shared-by-who")
    editor.get_by_label("Summary:").fill("WHO shares an open standard for health data.")
    editor.get_by_label("Body:").fill("## What it is\n\nThe **standard** is open to everyone.")
    editor.set_input_files("#id_picture", picture)
    editor.get_by_label("Picture description (alt text):").fill("A chart of the standard's parts.")
    editor.get_by_label("Tags:").fill("Health, Open data")
    choose_member(editor, "id_members", "World Health", "World Health Organization")
    choose_member(editor, "id_members", "Children", "United Nations Children's Fund")
    expect(editor.get_by_label("Status:")).to_have_value("draft")
    editor.get_by_role("button", name="Save and continue editing").click()
    expect(editor.locator(".messagelist")).to_contain_text("was added successfully")
    screenshot(editor, "admin-draft-desktop")

    announcement = Announcement.objects.get(slug="open-health-data-standard-shared-by-who")
    assert announcement.status == Announcement.Status.DRAFT
    assert announcement.picture_type == "image/jpeg"
    assert sorted(t.name for t in announcement.tags.all()) == ["Health", "Open data"]
    assert sorted(m.slug for m in announcement.members.all()) == ["unicef", "who"]

    # Preview: the admin's "View on site" shows the draft, marked as not public.
    editor.get_by_role("link", name="View on site").click()
    preview = editor
    with translation.override("en"):  # the English address, whatever an earlier test left
        address = announcement.get_absolute_url()
    expect(preview).to_have_url(live_server.url + address)
    expect(preview.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(preview.get_by_role("note")).to_have_text(
        "Draft preview: this announcement is not public."
    )
    expect(preview.get_by_role("img", name="A chart of the standard's parts.")).to_be_visible()
    # Measured once the stylesheet and the picture have loaded (the click that got here
    # does not wait for them; before the stylesheet the picture is as wide as its width
    # attribute, not as the page lays it out).
    preview.wait_for_load_state("load")
    # The browser picks a WebP rendition from the srcset, sharp at the width shown.
    shown = preview.locator('img[alt="A chart of the standard\'s parts."]').evaluate(
        "img => [img.currentSrc, img.naturalWidth, img.clientWidth * devicePixelRatio]"
    )
    assert shown[0].endswith(".webp") and "/renditions/" in shown[0]
    assert shown[2] <= shown[1] <= 1200

    # Nobody else sees it yet.
    visitor = new_context().new_page()
    assert visitor.goto(live_server.url + address).status == 404

    # The publisher publishes it.
    publisher = new_context().new_page()
    log_in(publisher, live_server.url, "pat")
    publisher.goto(live_server.url + "/admin/announcements/announcement/")
    publisher.get_by_role("link", name=TITLE).click()
    publisher.get_by_label("Status:").select_option("published")
    publisher.locator(".writing-bar").get_by_role("button", name="Save", exact=True).click()
    expect(publisher.locator(".messagelist")).to_contain_text("was changed successfully")
    announcement.refresh_from_db()
    assert announcement.is_published

    # The public finds it on the site and in the feed.
    visitor.goto(live_server.url + "/news/")
    visitor.get_by_role("link", name=TITLE).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(visitor.get_by_role("note")).to_have_count(0)
    expect(visitor.locator(".prose h2")).to_have_text("What it is")
    footer = visitor.locator(".article-aside")
    expect(footer.get_by_role("link", name="Health", exact=True)).to_be_visible()
    expect(footer.get_by_role("link", name="World Health Organization")).to_be_visible()
    og_image = visitor.locator('meta[property="og:image"]').get_attribute("content")
    announcement.refresh_from_db()  # its share card: the picture cropped to 1200×630
    assert og_image.endswith(announcement.share_image.url)
    screenshot(visitor, "announcement-published-desktop")

    feed = feedparser.parse(visitor.request.get(live_server.url + "/news/feed/rss/").body())
    assert feed.entries[0].title == TITLE
    assert feed.entries[0].enclosures[0].type == "image/jpeg"
    who_feed = feedparser.parse(
        visitor.request.get(live_server.url + "/members/who/feed/atom/").body()
    )
    assert who_feed.entries[0].title == TITLE
