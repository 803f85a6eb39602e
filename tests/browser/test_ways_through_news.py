"""Finding one's way through the news in a browser: from the news list to a year, a
month and a topic and back; search narrowed by topic, member and year; untranslated
cards marked "In English"; the language menu folded on a phone, without script."""

import re

import pytest

from .conftest import PHONE, screenshot

expect = pytest.importorskip(
    "playwright.sync_api", reason="needs the Python package playwright: make install"
).expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_from_the_news_list_to_a_year_a_month_a_topic_and_back(demo_site, live_server, page):
    page.goto(live_server.url + "/news/")
    archive = page.get_by_role("navigation", name="Archive")
    year = archive.get_by_role("link").first
    year_text = year.inner_text()
    year.click()
    expect(page).to_have_url(f"{live_server.url}/news/{year_text}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(year_text)
    page.get_by_role("link", name="All years").click()
    expect(page).to_have_url(live_server.url + "/news/#archive")

    month = archive.locator(".months a").first
    month_name = month.inner_text()
    month.click()
    expect(page).to_have_url(re.compile(rf"/news/{year_text}/\d\d/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(month_name)
    expect(page.locator("main .card").first).to_be_visible()

    page.goto(live_server.url + "/news/")
    topics = page.get_by_role("navigation", name="Topics")
    topic = topics.get_by_role("link", name=re.compile(r"^United Nations \d+$"))
    count = int(topic.locator(".count").inner_text())
    topic.click()
    expect(page).to_have_url(live_server.url + "/news/tags/united-nations/")
    expect(page.locator("main .card")).to_have_count(count)
    page.get_by_role("link", name="All topics").click()
    expect(page).to_have_url(live_server.url + "/news/#topics")


def test_search_narrowed_by_topic_member_and_year(demo_site, live_server, page):
    page.goto(live_server.url + "/search/")
    form = page.get_by_role("search")
    expect(page.get_by_role("search")).to_have_count(1)  # the header's search steps aside
    form.get_by_label("Topic").select_option(label="Governance")
    form.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"tag=governance"))
    titles = page.locator("main .card__title")
    expect(titles).to_have_count(1)
    expect(titles).to_have_text(["UNDP and UNICEF hold seats on the alliance's board"])
    expect(page.get_by_label("Topic")).to_have_value("governance")

    page.get_by_label("Topic").select_option(value="")
    page.get_by_label("Member").select_option(label="World Health Organization")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"member=who"))
    about_who = titles.count()
    assert about_who >= 1
    for card in page.locator("main .card__title a").all():
        assert card.get_attribute("href").startswith("/news/")

    year = page.get_by_label("Year").locator("option").nth(1).get_attribute("value")
    page.get_by_label("Year").select_option(year)
    page.get_by_label("Search the news").fill("alliance")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("status")).to_contain_text("found for “alliance”")
    assert titles.count() <= about_who
    screenshot(page, "search-filtered-desktop")


def test_untranslated_cards_say_in_english_in_the_pages_language(demo_site, live_server, page):
    page.goto(live_server.url + "/fr/news/")
    untranslated = page.locator('main .card[lang="en"]')
    assert untranslated.count() >= 1
    marker = untranslated.first.locator(".in-language")
    expect(marker).to_be_visible()
    expect(marker).to_have_text("En anglais")
    assert marker.get_attribute("lang") == "fr"
    # A card translated into French carries no marker.
    translated = page.locator("main .card:not([lang])")
    for n in range(translated.count()):
        expect(translated.nth(n).locator(".in-language")).to_have_count(0)


def test_the_language_menu_folds_on_a_phone_and_opens_without_script(
    demo_site, live_server, new_context
):
    page = new_context(viewport=PHONE, java_script_enabled=False).new_page()
    page.goto(live_server.url + "/news/")
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 140, header
    arabic = page.locator('.language-switcher a[lang="ar"]')
    expect(arabic).to_be_hidden()
    page.locator(".language-menu summary").click()
    expect(arabic).to_be_visible()
    screenshot(page, "language-menu-open-phone")
    arabic.click()
    expect(page).to_have_url(live_server.url + "/ar/news/")
    assert page.get_attribute("html", "dir") == "rtl"
