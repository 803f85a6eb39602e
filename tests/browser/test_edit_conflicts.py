"""Two people editing at once, in two real browser sessions: the second save, from a form
opened before the first, is refused with the first person's name and what they changed,
and the second person's text stays in the form to merge. And an editor's change to
published news waits until a publisher approves it on the same page."""

import pytest

from announcements.models import Announcement
from tests.factories import make_announcement, make_draft, make_user

from .conftest import PASSWORD, ensure_roles, screenshot

expect = pytest.importorskip(
    "playwright.sync_api", reason="needs the Python package playwright: make install"
).expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def person(username, group, first, last):
    user = make_user(username, groups=[group])
    user.first_name, user.last_name = first, last
    user.save()
    return user


def logged_in_page(new_context, base_url, username):
    page = new_context().new_page()
    page.goto(base_url + "/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Site administration")).to_be_visible()
    return page


def test_the_second_save_is_refused_with_who_and_what_and_keeps_the_text(
    live_server, new_context, site_urls
):
    ensure_roles()
    person("anna", "Editors", "Anna", "Author")
    person("paul", "Publishers", "Paul", "Publisher")
    draft = make_draft(title="First title", body="First body.")
    url = f"{live_server.url}/admin/announcements/announcement/{draft.pk}/change/"

    anna = logged_in_page(new_context, live_server.url, "anna")
    paul = logged_in_page(new_context, live_server.url, "paul")
    anna.goto(url)
    paul.goto(url)

    paul.get_by_label("Title:").fill("Paul's title")
    paul.get_by_role("button", name="Save and continue editing").click()
    expect(paul.locator(".messagelist")).to_contain_text("was changed successfully")

    anna.get_by_label("Body:").fill("Anna's careful body.")
    anna.get_by_role("button", name="Save", exact=True).first.click()
    errors = anna.locator(".errorlist.nonfield")
    expect(errors).to_contain_text("Paul Publisher saved this page at")
    expect(errors).to_contain_text("Title: “First title” → “Paul's title”")
    expect(anna.get_by_label("Body:")).to_have_value("Anna's careful body.")
    screenshot(anna, "admin-edit-conflict-desktop")
    draft.refresh_from_db()
    assert (draft.title, draft.body) == ("Paul's title", "First body.")

    # She merges Paul's title into her form and saves again: nothing of either is lost.
    anna.get_by_label("Title:").fill("Paul's title")
    anna.get_by_role("button", name="Save", exact=True).first.click()
    expect(anna.locator(".messagelist")).to_contain_text("was changed successfully")
    draft.refresh_from_db()
    assert (draft.title, draft.body) == ("Paul's title", "Anna's careful body.")


def test_an_editors_change_to_published_news_waits_for_the_publishers_approval(
    live_server, new_context, site_urls
):
    ensure_roles()
    person("anna", "Editors", "Anna", "Author")
    person("paul", "Publishers", "Paul", "Publisher")
    live = make_announcement(title="Approved title", slug="approved")
    url = f"{live_server.url}/admin/announcements/announcement/{live.pk}/change/"

    anna = logged_in_page(new_context, live_server.url, "anna")
    anna.goto(url)
    anna.get_by_label("Title:").fill("Proposed title")
    anna.get_by_role("button", name="Save", exact=True).first.click()
    expect(anna.locator(".messagelist")).to_contain_text("waits for a publisher's approval")
    expect(anna.get_by_label("Title:")).to_have_value("Proposed title")
    reader = new_context().new_page()
    reader.goto(f"{live_server.url}/news/approved/")
    expect(reader.locator("h1")).to_have_text("Approved title")

    paul = logged_in_page(new_context, live_server.url, "paul")
    paul.goto(url)
    panel = paul.locator(".pending-change")
    expect(panel).to_contain_text("Proposed by")
    expect(panel).to_contain_text("Proposed title")
    screenshot(paul, "admin-pending-change-desktop")
    # Pressing Enter in the form saves it; it never approves the pending change.
    paul.get_by_label("Title:").press("Enter")
    expect(paul.locator(".messagelist")).to_contain_text("was changed successfully")
    assert Announcement.objects.get(pk=live.pk).title == "Approved title"
    paul.goto(url)
    panel = paul.locator(".pending-change")
    panel.get_by_role("button", name="Approve: make it live").click()
    expect(paul.locator(".messagelist")).to_contain_text("approved and live")
    assert Announcement.objects.get(pk=live.pk).title == "Proposed title"
    # A new reader (the first one's browser may reuse its copy for a minute).
    reader = new_context().new_page()
    reader.goto(f"{live_server.url}/news/approved/")
    expect(reader.locator("h1")).to_have_text("Proposed title")
