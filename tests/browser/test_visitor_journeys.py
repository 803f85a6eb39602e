"""A visitor's journeys through the site, clicking as a person would."""

import re

import feedparser
import pytest

from announcements.models import Announcement
from members.models import Member
from tests.factories import make_announcement

from .conftest import screenshot

expect = pytest.importorskip(
    "playwright.sync_api", reason="needs the Python package playwright: make install"
).expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_to_news_to_announcement_to_tag_to_member_to_its_feed(demo_site, live_server, page):
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", level=1)).to_have_text("News from the alliance")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="News").click()
    expect(page).to_have_url(live_server.url + "/news/")
    expect(page.get_by_role("heading", level=1)).to_have_text("News")

    title = "The UN Office of Information and Communications Technology joins the alliance"
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(
        page.get_by_role("img", name="The alliance's name on a blue and green background.")
    ).to_be_visible()
    breadcrumb = page.get_by_role("navigation", name="Breadcrumb")
    expect(breadcrumb.get_by_role("link")).to_have_text(["Home", "News"])

    page.locator(".article-aside").get_by_role("link", name="United Nations", exact=True).click()
    expect(page).to_have_url(live_server.url + "/news/tags/united-nations/")
    expect(page.get_by_role("heading", level=1)).to_have_text("News tagged “United Nations”")
    expect(page.get_by_role("link", name=title)).to_be_visible()

    page.get_by_role("link", name="UNDP and UNICEF hold seats on the alliance's board").click()
    page.locator(".article-aside").get_by_role(
        "link", name="United Nations Children's Fund"
    ).click()
    expect(page).to_have_url(live_server.url + "/members/unicef/")
    expect(page.get_by_role("heading", level=1)).to_have_text("United Nations Children's Fund")

    feed_link = page.locator(".feed-links").get_by_role("link", name="RSS")
    href = feed_link.get_attribute("href")
    assert href == "/members/unicef/feed/rss/"
    advertised = page.locator('head link[rel="alternate"][type="application/rss+xml"]')
    assert href in [advertised.nth(i).get_attribute("href") for i in range(advertised.count())]
    response = page.request.get(live_server.url + href)
    assert response.ok and "xml" in response.headers["content-type"]
    feed = feedparser.parse(response.body())
    assert not feed.bozo
    about_unicef = Announcement.objects.published().about(Member.objects.get(slug="unicef"))
    assert [e.title for e in feed.entries] == [a.title for a in about_unicef.newest_first()]
    assert "UNDP and UNICEF hold seats on the alliance's board" in [e.title for e in feed.entries]


def test_search_from_the_header_with_and_without_results(demo_site, live_server, page):
    page.goto(live_server.url + "/members/")
    search = page.get_by_role("search").first.get_by_role("searchbox", name="Search the news")
    search.fill("board")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=board$"))
    expect(page.get_by_role("status")).to_have_text(
        re.compile(r"^\d+ announcements? found for “board”")
    )
    expect(
        page.get_by_role("link", name="UNDP and UNICEF hold seats on the alliance's board")
    ).to_be_visible()
    screenshot(page, "search-results-desktop")

    field = page.locator("main").get_by_role("searchbox")
    expect(field).to_have_value("board")
    field.fill("nothing matches these words")
    field.press("Enter")
    expect(page.get_by_role("status")).to_have_text(
        "0 announcements found for “nothing matches these words”."
    )
    expect(page.get_by_text("Try other words.")).to_be_visible()


def test_paging_through_the_news(demo_site, live_server, page):
    for n in range(12):
        make_announcement(title=f"Older paging item {n}", slug=f"paging-{n}")
    page.goto(live_server.url + "/news/")
    pages = page.get_by_role("navigation", name="Pages")
    expect(pages).to_contain_text("Page 1 of 2")
    expect(page.locator("main .card")).to_have_count(10)

    pages.get_by_role("link", name="Older").click()
    expect(page).to_have_url(live_server.url + "/news/?page=2")
    expect(page.get_by_role("navigation", name="Pages")).to_contain_text("Page 2 of 2")
    expect(page.locator("main .card")).to_have_count(8)
    assert page.locator('link[rel="canonical"]').get_attribute("href").endswith("/news/?page=2")

    page.get_by_role("navigation", name="Pages").get_by_role("link", name="Newer").click()
    expect(page).to_have_url(live_server.url + "/news/?page=1")
    expect(page.locator("main .card")).to_have_count(10)

    response = page.goto(live_server.url + "/news/?page=99")
    assert response.status == 404


def test_a_missing_page_says_so_and_leads_back(demo_site, live_server, page):
    response = page.goto(live_server.url + "/news/no-such-announcement/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page).to_have_title(re.compile("^Page not found"))
    assert page.locator('meta[name="robots"]').get_attribute("content") == "noindex"
    page.get_by_role("link", name="Go to the home page").click()
    expect(page).to_have_url(live_server.url + "/")
