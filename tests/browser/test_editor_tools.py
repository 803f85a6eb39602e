"""The admin's helpers for editors, in a real browser: the live Markdown preview beside
the body, how the tag text will be split, and completions of existing tags."""

import pytest

from tests.factories import make_user

from .conftest import PASSWORD, screenshot

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
