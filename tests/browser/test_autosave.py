"""Nothing lost while writing, in a real browser: an editor's text in the announcement
form is saved automatically, leaving the changed form asks first, and coming back
restores the text with a notice; the public page never shows it. Saving the form asks
nothing and turns the text into the pending change."""

import pytest

from dpga.review.models import WorkingCopy
from tests.factories import make_announcement

from .conftest import ensure_roles, screenshot
from .test_edit_conflicts import logged_in_page, person

expect = pytest.importorskip(
    "playwright.sync_api", reason="needs the Python package playwright: make install"
).expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editors_text_is_autosaved_kept_on_leaving_and_restored_on_return(
    live_server, new_context, site_urls
):
    ensure_roles()
    person("anna", "Editors", "Anna", "Author")
    live = make_announcement(title="Approved title", slug="approved", body="Approved body.")
    url = f"{live_server.url}/admin/announcements/announcement/{live.pk}/change/"

    anna = logged_in_page(new_context, live_server.url, "anna")
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.accept()

    anna.on("dialog", answer)
    anna.goto(url)
    with anna.expect_response(lambda r: r.url.endswith("/autosave/") and r.ok):
        anna.get_by_label("Body:").fill("Half-written careful text.")
    expect(anna.locator(".autosave__status")).to_contain_text("Saved automatically at")
    assert WorkingCopy.objects.autosaves().get().data["body"] == "Half-written careful text."

    # Leaving the changed form asks first; she leaves anyway.
    anna.get_by_role("link", name="Home").first.click()
    expect(anna.get_by_role("heading", name="Site administration")).to_be_visible()
    assert dialogs == ["beforeunload"]

    anna.goto(url)
    expect(anna.locator(".autosave__restored")).to_contain_text(
        "Restored your unsaved changes from"
    )
    expect(anna.get_by_label("Body:")).to_have_value("Half-written careful text.")
    screenshot(anna, "admin-autosave-restored-desktop")

    reader = new_context().new_page()
    reader.goto(f"{live_server.url}/news/approved/")
    expect(reader.locator("main")).to_contain_text("Approved body.")
    expect(reader.locator("main")).not_to_contain_text("Half-written")

    # Saving (Enter saves; it never discards) asks nothing: the text becomes the pending
    # change, the autosave goes.
    anna.get_by_label("Body:").fill("Finished careful text.")
    anna.get_by_label("Title:").press("Enter")
    expect(anna.locator(".messagelist")).to_contain_text("waits for a publisher's approval")
    assert dialogs == ["beforeunload"]
    assert WorkingCopy.objects.of(live).get().data["body"] == "Finished careful text."
    assert not WorkingCopy.objects.autosaves().exists()
    expect(anna.locator(".autosave__restored")).to_have_count(0)


def test_discard_returns_to_the_live_text(live_server, new_context, site_urls):
    ensure_roles()
    person("anna", "Editors", "Anna", "Author")
    draft = make_announcement(title="Draft", slug="draft", body="Saved body.", status="draft")
    url = f"{live_server.url}/admin/announcements/announcement/{draft.pk}/change/"
    anna = logged_in_page(new_context, live_server.url, "anna")
    anna.goto(url)
    with anna.expect_response(lambda r: r.url.endswith("/autosave/") and r.ok):
        anna.get_by_label("Body:").fill("Second thoughts.")
    anna.goto(url)  # a direct navigation: no leave prompt
    expect(anna.get_by_label("Body:")).to_have_value("Second thoughts.")
    anna.locator(".autosave__restored").get_by_role("button", name="Discard").click()
    expect(anna.locator(".messagelist")).to_contain_text("Your unsaved changes were discarded.")
    expect(anna.get_by_label("Body:")).to_have_value("Saved body.")
    assert not WorkingCopy.objects.autosaves().exists()
