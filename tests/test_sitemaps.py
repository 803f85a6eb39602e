"""The sitemap lists every published announcement, however many there are."""

import pytest

from announcements.sitemaps import AnnouncementSitemap

from .factories import make_announcement, make_draft
from .sitemap_helpers import HOST, sitemap_entries, sitemap_pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_a_page(monkeypatch):
    monkeypatch.setattr(AnnouncementSitemap, "limit", 2)


def test_the_index_lists_a_page_for_every_few_announcements_and_each_is_on_one(client, two_a_page):
    news = [make_announcement(slug=f"story-{n}") for n in range(5)]
    news[0].translations.create(language="fr", title="Histoire", slug="histoire", summary="R.")
    make_draft(slug="a-draft")
    pages = sitemap_pages(client)
    assert [p for p in pages if p.startswith("/sitemap-news")] == [
        "/sitemap-news.xml",
        "/sitemap-news.xml?p=2",
        "/sitemap-news.xml?p=3",
    ]
    listed = sitemap_entries(client)
    for n in range(5):
        assert f"{HOST}/news/story-{n}/" in listed
    assert f"{HOST}/fr/news/histoire/" in listed
    assert not any("a-draft" in address for address in listed)
    assert client.get("/sitemap-news.xml?p=4").status_code == 404
    assert client.get("/sitemap-news.xml?p=last-but-one").status_code == 404


def test_a_page_of_the_news_reads_only_its_own_announcements(
    client, two_a_page, django_assert_num_queries
):
    """Three queries whether the site has five announcements or fifty: the count,
    the page's announcements, their translations."""
    for n in range(50):
        make_announcement(slug=f"story-{n}")
    client.get("/sitemap.xml")  # (the content state, read once after a change)
    for page in ("/sitemap-news.xml", "/sitemap-news.xml?p=25"):
        with django_assert_num_queries(3):
            assert client.get(page).status_code == 200


def test_the_sitemap_is_served_from_the_page_cache_until_the_news_changes(
    client, django_assert_num_queries
):
    make_announcement(slug="first")
    for page in ["/sitemap.xml", *sitemap_pages(client)]:
        client.get(page)
        with django_assert_num_queries(0):
            assert client.get(page).status_code == 200
    make_announcement(slug="second")
    assert f"{HOST}/news/second/" in sitemap_entries(client)
