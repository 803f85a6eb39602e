"""The admin's helpers for editors, in a real browser: the live Markdown preview beside
the body, how the tag text will be split, completions of existing tags, and the picture
dialog's upload when something goes wrong."""

import re

import pytest

from dpga.models import LibraryPicture
from tests.factories import make_user

from .conftest import PASSWORD, ensure_roles, screenshot
from .test_editor_journey import log_in

expect = pytest.importorskip(
    "playwright.sync_api", reason="needs the Python package playwright: make install"
).expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_live_preview_and_tag_hints_while_typing(demo_site, live_server, new_context):
    make_user("eddie", groups=["Editors"])
    page = new_context().new_page()
    page.goto(live_server.url + "/admin/")
    page.get_by_label("Username").fill("eddie")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(live_server.url + "/admin/announcements/announcement/add/")

    # The preview shows what the public page will, cleaned by the same sanitiser.
    page.get_by_label("Body:").fill(
        "## The plan\n\nA **bold** step. <script>alert(1)</script> [x](javascript:alert(2))"
    )
    preview = page.locator(".markdown-preview__body")
    expect(preview.locator("h2")).to_have_text("The plan")
    expect(preview.locator("strong")).to_have_text("bold")
    expect(preview.locator("script")).to_have_count(0)
    expect(preview.locator('a[href^="javascript"]')).to_have_count(0)

    # Tags: how the text will be split, existing names as stored, completions.
    tags = page.get_by_label("Tags:")
    tags.fill("open source")
    hint = page.locator(".tag-hint")
    expect(hint).to_contain_text("Will be saved as 2 tags:")
    tags.fill("united nations, op")
    expect(hint).to_contain_text("United Nations")
    expect(hint).to_contain_text("op (new)")
    options = page.locator("datalist option")
    expect(options).to_have_count(3)
    assert sorted(options.evaluate_all("list => list.map(o => o.value)")) == [
        'united nations, "Open AI models"',
        'united nations, "Open data"',
        'united nations, "Open source"',
    ]
    screenshot(page, "admin-editor-tools-desktop")


def test_the_picture_dialog_says_what_went_wrong_and_keeps_the_text(
    live_server, new_context, site_urls, tmp_path
):
    ensure_roles()
    make_user("eddie", groups=["Editors"])
    page = new_context().new_page()
    log_in(page, live_server.url, "eddie")
    add_url = live_server.url + "/admin/announcements/announcement/add/"
    page.goto(add_url)
    body = page.get_by_label("Body:")
    with page.expect_response(lambda r: r.url.endswith("/autosave/") and r.ok):
        body.fill("My careful text.")
    page.get_by_role("button", name="Picture", exact=True).click()
    search = page.get_by_role("searchbox", name="Search the picture library")
    expect(search).to_be_focused()
    search.press("Enter")  # searches: the announcement is not submitted
    upload = page.locator(".picture-upload")

    # A file that is not a picture: the dialog names the problem beside the field.
    notes = tmp_path / "notes.png"
    notes.write_bytes(b"minutes of the meeting, not pixels")
    chosen = upload.get_by_label("Picture:")
    chosen.set_input_files(notes)
    upload.get_by_label("Picture description (alt text):").fill("A chart")
    upload.get_by_role("button", name="Upload and insert").click()
    expect(chosen).to_be_focused()
    expect(chosen).to_have_accessible_description(re.compile("not a picture we can use"))

    # An answer that is not the form's (a proxy's error page): the dialog says so.
    page.route(
        "**/librarypicture/upload/",
        lambda route: route.fulfill(
            status=502, body="<h1>Bad gateway</h1>", content_type="text/html"
        ),
    )
    upload.get_by_role("button", name="Upload and insert").click()
    problem = upload.locator(".errorlist.nonfield")
    expect(problem).to_be_focused()
    expect(problem).to_have_text(
        "The picture could not be uploaded. Try again, or upload it in the picture library."
    )
    expect(chosen).not_to_have_attribute("aria-invalid", "true")  # the old error is gone

    # Escape closes the dialog; nothing was inserted, saved or lost.
    page.keyboard.press("Escape")
    expect(page.locator(".picture-chooser")).to_be_hidden()
    expect(page.get_by_role("button", name="Picture", exact=True)).to_be_focused()
    expect(body).to_have_value("My careful text.")
    assert page.url == add_url
    assert not LibraryPicture.objects.exists()

    # Typing in the dialog alone is no unsaved change to the announcement: leaving asks nothing.
    page.goto(add_url)
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.accept()))
    page.get_by_role("button", name="Picture", exact=True).click()
    page.get_by_role("searchbox", name="Search the picture library").fill("harvest")
    upload.get_by_label("Caption:").fill("A caption never uploaded")
    page.get_by_role("link", name="Home").first.click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    assert asked == []
