"""Phones and desktops: no horizontal scrolling, readable text, and screenshots of every
page type (saved by the run in test-artifacts/screenshots/); the dark scheme, reduced
motion and the print stylesheet."""

import pytest

from .conftest import DESKTOP, PHONE, public_page_types, screenshot

expect = pytest.importorskip(
    "playwright.sync_api", reason="needs the Python package playwright: make install"
).expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MEASURE = """() => {
  const doc = document.documentElement;
  const small = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!node.textContent.trim() || !el || !el.getClientRects().length) continue;
    if (el.closest('.visually-hidden, .skip-link')) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < 14) small.push(`${el.tagName.toLowerCase()} ${size}px: ${node.textContent.trim().slice(0, 40)}`);
  }
  const wide = Array.from(document.querySelectorAll('body *'))
    .filter((el) => el.getBoundingClientRect().right > doc.clientWidth + 1
                    && getComputedStyle(el).position !== 'absolute'
                    && !el.closest('pre, table'))
    .map((el) => el.outerHTML.slice(0, 80));
  return {scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth, small, wide,
          bodyFont: parseFloat(getComputedStyle(document.body).fontSize)};
}"""

VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP, "narrow-320": {"width": 320, "height": 640}}


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_no_horizontal_scrolling_and_readable_text_on_every_page_type(
    demo_site, live_server, new_context, viewport
):
    page = new_context(viewport=VIEWPORTS[viewport]).new_page()
    problems = []
    for name, path in public_page_types():
        page.goto(live_server.url + path)
        m = page.evaluate(MEASURE)
        if m["scrollWidth"] > m["clientWidth"] or m["wide"]:
            problems.append(
                f"{path}: scrolls sideways ({m['scrollWidth']} > {m['clientWidth']}) {m['wide'][:3]}"
            )
        if m["bodyFont"] < 16 or m["small"]:
            problems.append(f"{path}: text too small: body {m['bodyFont']}px {m['small'][:3]}")
        if viewport != "narrow-320":
            screenshot(page, f"{name}-{viewport}")
    assert not problems, "\n".join(problems)


def test_the_site_follows_a_dark_colour_scheme(demo_site, live_server, new_context):
    background = "() => getComputedStyle(document.body).backgroundColor"
    light = new_context(color_scheme="light").new_page()
    light.goto(live_server.url + "/")
    dark = new_context(color_scheme="dark").new_page()
    dark.goto(live_server.url + "/")
    assert light.evaluate(background) == "rgb(255, 255, 255)"
    assert dark.evaluate(background) == "rgb(16, 21, 27)"
    screenshot(dark, "home-desktop-dark")
    dark.set_viewport_size(PHONE)
    screenshot(dark, "home-phone-dark")


def test_motion_is_only_used_when_the_visitor_has_not_asked_for_less(
    demo_site, live_server, new_context
):
    # Never smooth scrolling: it would also animate every scroll to a focused element.
    styles = """() => ({
      scroll: getComputedStyle(document.documentElement).scrollBehavior,
      transition: getComputedStyle(document.querySelector('main a')).transitionDuration,
    })"""
    moving = new_context(reduced_motion="no-preference").new_page()
    moving.goto(live_server.url + "/")
    motion = moving.evaluate(styles)
    assert motion["scroll"] == "auto" and motion["transition"] != "0s"
    still = new_context(reduced_motion="reduce").new_page()
    still.goto(live_server.url + "/")
    assert still.evaluate(styles) == {"scroll": "auto", "transition": "0s"}


def test_an_announcement_prints_without_the_site_furniture(demo_site, live_server, page):
    page.goto(live_server.url + "/news/oict-joins-the-alliance/")
    page.emulate_media(media="print")
    hidden = """() => ['.site-header', '.site-footer', '.breadcrumbs', '.site-search', '.pagination']
      .filter((s) => document.querySelector(s))
      .every((s) => getComputedStyle(document.querySelector(s)).display === 'none')"""
    assert page.evaluate(hidden)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator(".prose")).to_be_visible()
    link_suffix = "() => getComputedStyle(document.querySelector('.prose a'), '::after').content"
    assert "/members/undp/" in page.evaluate(link_suffix)
    assert page.evaluate("() => getComputedStyle(document.body).color") == "rgb(0, 0, 0)"
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000
