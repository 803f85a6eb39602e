"""axe-core on the pages editors work in: no WCAG 2.2 A/AA violation on the announcement
form (with its toolbar and picture dialog open, its upload form with and without errors,
and with a validation error), the dashboard, the tag list and the picture library."""

import pytest

from dpga.models import LibraryPicture
from tests.factories import image_upload, make_user

from .test_accessibility import RUN_AXE, WCAG_TAGS, describe
from .test_editor_journey import log_in

expect = pytest.importorskip(
    "playwright.sync_api", reason="needs the Python package playwright: make install"
).expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def violations(page, axe_source):
    page.evaluate(axe_source)
    result = page.evaluate(RUN_AXE, WCAG_TAGS)
    assert result["passes"] > 10, f"axe checked almost nothing on {page.url}"
    return describe(result["violations"])


def test_the_editors_pages_have_no_wcag_violation(demo_site, live_server, new_context, axe_source):
    make_user("pat", groups=["Publishers"])
    LibraryPicture.objects.create(
        picture=image_upload("fields.png", size=(400, 300)),
        picture_alt="Terraced fields",
        caption="Fields near Musanze",
    )
    # The checker is injected by the test, not served by the site: let it past any CSP.
    page = new_context(bypass_csp=True).new_page()
    log_in(page, live_server.url, "pat")
    failures = {}

    def check(name):
        found = violations(page, axe_source)
        if found:
            failures[name] = found

    check("dashboard")
    page.goto(live_server.url + "/admin/announcements/announcement/add/")
    page.get_by_role("button", name="Picture", exact=True).click()
    page.get_by_role("button", name="Fields near Musanze").wait_for()
    page.locator(".picture-upload").get_by_label("Picture:").wait_for()
    check("announcement form, picture dialog open with its upload form")
    page.get_by_role("button", name="Upload and insert").click()
    expect(page.locator(".picture-upload").get_by_label("Picture:")).to_be_focused()
    check("picture dialog's upload form with errors")
    page.keyboard.press("Escape")
    expect(page.get_by_role("button", name="Picture", exact=True)).to_be_focused()
    page.locator(".writing-bar").get_by_role("button", name="Save").click()
    page.locator(".errornote").wait_for()
    check("announcement form with errors")
    page.goto(live_server.url + "/admin/taggit/tag/")
    check("tag list")
    page.goto(live_server.url + "/admin/dpga/librarypicture/")
    check("picture library")
    assert not failures, "\n\n".join(f"{name}:\n{text}" for name, text in failures.items())
