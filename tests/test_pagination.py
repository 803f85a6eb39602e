"""Pages of news found by their ids in the cached page index (announcements/pagination.py):
the same pages as OFFSET paging, at any depth, and nothing kept for a page that does not exist."""

import datetime

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from taggit.models import Tag

from announcements import pagination, reading
from announcements.models import Announcement
from announcements.pagination import PageIndexPaginator
from announcements.views import PAGE_SIZE

from .factories import make_announcement

pytestmark = pytest.mark.django_db


@pytest.fixture
def ties():
    """Announcements sharing publish times, so the key's tie-break matters."""
    moment = timezone.now() - datetime.timedelta(days=1)
    for i in range(23):
        make_announcement(
            slug=f"tie-{i}",
            tags=["Health"] if i % 2 else [],
            publish_at=moment - datetime.timedelta(minutes=i // 4),
        )


def index_paginator(listing, per_page, name="test"):
    return PageIndexPaginator(listing, per_page, index_name=(name, per_page), rows=reading.cards)


@pytest.mark.parametrize("per_page", [1, 3, 10])
def test_pages_from_the_page_index_hold_exactly_what_offset_pages_hold(ties, per_page, monkeypatch):
    monkeypatch.setattr(pagination, "INDEX_CHUNK", 2)  # the index is cached in several chunks
    listing = Announcement.objects.published().newest_first()
    offset = Paginator(listing, per_page)
    for _ in range(2):  # computing, then from the cache
        paginator = index_paginator(listing, per_page)
        assert paginator.count == offset.count == 23
        assert paginator.num_pages == offset.num_pages
        for number in reversed(offset.page_range):
            assert list(paginator.page(number)) == list(offset.page(number)), number


def test_pages_of_a_tag_hold_what_offset_pages_hold(ties):
    health = Tag.objects.get(slug="health")
    listing = Announcement.objects.published().newest_first().tagged(health)
    paginator, offset = index_paginator(listing, 4, "tag"), Paginator(listing, 4)
    assert paginator.count == 11
    for number in offset.page_range:
        assert list(paginator.page(number)) == list(offset.page(number))


def test_a_deep_page_is_found_by_key_not_by_offset(client, ties, settings):
    settings.PAGE_CACHE_ENABLED = False
    client.get("/news/?page=2")  # the page index is cached for the content version
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/news/?page=3")
    assert response.status_code == 200
    rows = [q["sql"] for q in queries if q["sql"].startswith('SELECT "announcements_announcement"')]
    assert len(rows) == 1 and "OFFSET" not in rows[0].upper()
    expected = Paginator(Announcement.objects.published().newest_first(), PAGE_SIZE).page(3)
    assert list(response.context["announcements"]) == list(expected)


def test_an_empty_list_is_one_empty_page(client):
    response = client.get("/news/")
    assert response.status_code == 200
    assert list(response.context["announcements"]) == []


@pytest.mark.parametrize("page", ["4", "0", "-1", "abc", "99999999999999999999"])
def test_a_page_that_does_not_exist_is_404(client, ties, page):
    assert client.get(f"/news/?page={page}").status_code == 404


@pytest.mark.parametrize("per_page", [1, 3, 10])
def test_a_list_in_an_order_of_its_own_is_paged_as_offset_pages_are(ties, per_page, monkeypatch):
    """A list in an order of its own (ranked search results) is paged from its cached
    page index: the same pages as OFFSET paging, in every chunk."""
    monkeypatch.setattr(pagination, "INDEX_CHUNK", 2)
    listing = Announcement.objects.published().order_by("title", "-pk")
    offset = Paginator(listing, per_page)
    for _ in range(2):  # computing, then from the cache
        ranked = index_paginator(listing, per_page, "ranked")
        assert ranked.count == offset.count == 23
        for number in reversed(offset.page_range):
            assert list(ranked.page(number)) == list(offset.page(number)), number


def test_a_page_past_the_end_of_a_kept_list_counts_nothing_again(client, ties, settings):
    settings.PAGE_CACHE_ENABLED = False
    assert client.get("/news/").status_code == 200  # the page index is kept
    for page in ("4", "250", "99999"):  # past the end, and past the index's first chunks
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/news/?page={page}").status_code == 404
        assert not [q for q in queries if "announcements_announcement" in q["sql"]], page
