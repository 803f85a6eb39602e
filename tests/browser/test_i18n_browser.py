"""The issue's "done when", in a real browser: from an English news page, the switcher
leads to an Arabic page laid out right to left, and to a Russian page whose untranslated
body is shown in English with a notice."""

import re

import pytest

from .conftest import screenshot

expect = pytest.importorskip(
    "playwright.sync_api", reason="needs the Python package playwright: make install"
).expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OICT = "/news/oict-joins-the-alliance/"

BOXES = """() => {
  const box = (selector) => {
    const r = document.querySelector(selector).getBoundingClientRect();
    return {left: r.left, right: r.right};
  };
  const doc = document.documentElement;
  return {
    width: doc.clientWidth, scrollWidth: doc.scrollWidth,
    siteName: box('.site-name'), search: box('.site-search'), heading: box('main h1'),
    main: box('main'), headingAlign: getComputedStyle(document.querySelector('main h1')).textAlign,
  };
}"""


def test_switching_a_news_page_to_arabic_and_to_russian(demo_site, live_server, new_context):
    page = new_context(extra_http_headers={"Accept-Language": "en"}).new_page()
    page.goto(live_server.url + OICT)
    assert page.get_attribute("html", "dir") == "ltr"
    english = page.evaluate(BOXES)
    assert english["siteName"]["left"] < english["width"] / 2  # left to right: name on the left

    page.click(".language-menu summary")  # the menu opens without script (<details>)
    page.click('.language-switcher a[lang="ar"]')
    expect(page).to_have_url(re.compile("/ar/news/"))  # waits for the redirects to finish
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "ar"
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.get_attribute("main h1", "lang") == "ar"
    assert "مكتب تكنولوجيا المعلومات" in page.inner_text("main h1")
    arabic = page.evaluate(BOXES)
    # Right to left: the site's name on the right, the search on the left, the heading
    # starting at the right edge of the content; nothing scrolls sideways.
    assert arabic["siteName"]["right"] > arabic["width"] / 2
    assert arabic["search"]["left"] < arabic["width"] / 2
    assert abs(arabic["heading"]["right"] - arabic["main"]["right"]) < 40
    assert arabic["scrollWidth"] <= arabic["width"]
    assert page.locator(".notice--translation").count() == 0
    screenshot(page, "i18n-announcement-ar")

    page.click(".language-menu summary")
    page.click('.language-switcher a[lang="ru"]')
    expect(page).to_have_url(re.compile(re.escape("/ru" + OICT) + "$"))
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "ru"
    assert page.get_attribute("html", "dir") == "ltr"
    assert "ещё не переведён" in page.inner_text(".notice--translation")
    assert page.get_attribute(".prose", "lang") == "en"
    assert "has become the newest member" in page.inner_text(".prose")
    assert page.inner_text(".skip-link") == "Перейти к основному содержанию"
    screenshot(page, "i18n-announcement-ru-fallback")


def test_a_browser_preferring_arabic_lands_on_the_arabic_page(demo_site, live_server, new_context):
    page = new_context(extra_http_headers={"Accept-Language": "ar-EG,ar;q=0.9"}).new_page()
    page.goto(live_server.url + OICT)
    assert "/ar/news/" in page.url
    assert page.get_attribute("html", "dir") == "rtl"
    # Choosing English with the switcher sticks, although the browser prefers Arabic.
    page.click(".language-menu summary")
    page.click('.language-switcher a[lang="en"]')
    expect(page).to_have_url(live_server.url + OICT)
    page.wait_for_load_state()
    page.goto(live_server.url + "/news/")
    assert page.get_attribute("html", "lang") == "en"
