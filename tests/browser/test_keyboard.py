"""Keyboard only: the skip link works, every interactive element is reached with a
visible focus indicator, in the order it is read."""

import re

import pytest

from .conftest import PHONE, screenshot

expect = pytest.importorskip(
    "playwright.sync_api", reason="needs the Python package playwright: make install"
).expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Everything a keyboard user should be able to reach, in document order (what a closed
# <details> holds once it is opened).
FOCUSABLE = """() => Array.from(document.querySelectorAll(
  'a[href], summary, button:not([disabled]), input:not([type=hidden]):not([disabled]), select, textarea, [tabindex]'
)).filter((el) => el.tabIndex >= 0 && el.getClientRects().length > 0
                 && !(el.closest('details:not([open])') && !el.closest('summary')))
  .map((el) => el.outerHTML.slice(0, 120))"""

POSITIVE_TABINDEX = '() => document.querySelectorAll(\'[tabindex]:not([tabindex="0"]):not([tabindex="-1"])\').length'

FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    html: el.outerHTML.slice(0, 120),
    tag: el.tagName.toLowerCase(),
    id: el.id,
    outline: style.outlineStyle !== "none" ? parseFloat(style.outlineWidth) : 0,
    inView: box.bottom > 0 && box.top < window.innerHeight && box.right > 0 && box.left < window.innerWidth,
    width: box.width, height: box.height,
  };
}"""


def tab_through(page, limit=250):
    """Press Tab until focus leaves the page; what was focused, in order."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["tag"] == "body" or (seen and focused["html"] == seen[0]["html"]):
            break
        seen.append(focused)
    return seen


@pytest.mark.parametrize(
    "path", ["/", "/news/oict-joins-the-alliance/", "/members/unicef/", "/search/?q=alliance"]
)
def test_tab_reaches_everything_in_reading_order_with_visible_focus(
    demo_site, live_server, page, path
):
    page.goto(live_server.url + path)
    assert page.evaluate(POSITIVE_TABINDEX) == 0, "a positive tabindex breaks the reading order"
    expected = page.evaluate(FOCUSABLE)
    assert len(expected) > 5
    focused = tab_through(page)
    assert [f["html"] for f in focused] == expected
    for f in focused:
        assert f["outline"] >= 2, f"no visible focus indicator on {f['html']}"
        assert f["inView"], f"focused but off screen: {f['html']}"
        assert f["width"] >= 24 and f["height"] >= 16, f"target too small: {f['html']}"


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_skip_link_is_first_shows_on_focus_and_moves_focus_to_the_content(
    demo_site, live_server, new_context, viewport
):
    page = new_context(**({"viewport": PHONE} if viewport == "phone" else {})).new_page()
    page.goto(live_server.url + "/news/oict-joins-the-alliance/")
    skip = page.get_by_role("link", name="Skip to main content")
    assert not page.evaluate(
        "el => el.getBoundingClientRect().bottom > 0", skip.element_handle()
    ), "the skip link shows only when focused"

    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    assert page.evaluate(FOCUSED)["inView"]
    screenshot(page, f"skip-link-focused-{viewport}")

    page.keyboard.press("Enter")
    # Following an in-page link completes asynchronously: wait for it (up to 5 s).
    expect(page).to_have_url(re.compile(r"#main$"))
    expect(page.locator("#main")).to_be_focused()
    page.keyboard.press("Tab")
    # The next stop is the first link in the content (the breadcrumb), not the header.
    assert page.evaluate("() => document.activeElement.closest('main') !== null")
    expect(
        page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Home")
    ).to_be_focused()


def test_search_works_from_the_keyboard_alone(demo_site, live_server, page):
    page.goto(live_server.url + "/")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.id") == "site-search-q":
            break
    page.keyboard.type("governments")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("found for “governments”")
    expect(page.get_by_role("link", name="Three governments in the alliance")).to_be_visible()
