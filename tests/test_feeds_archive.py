"""RFC 5005 archives: a subscriber can back-fill every item by following the links."""

import datetime
import json

import feedparser
import pytest
from django.utils import timezone

from .factories import make_announcement, make_member
from .feed_helpers import atom_schema_errors, parse_json_feed

pytestmark = pytest.mark.django_db

# Small pages keep the tests quick; the site's sizes are checked below.
ARCHIVE_PAGE_SIZE = FEED_SIZE = 4
TOTAL = 2 * ARCHIVE_PAGE_SIZE + 3  # two complete archive pages and three more


def test_the_sites_page_sizes_are_sane():
    from announcements import feed_documents

    assert 10 <= feed_documents.ARCHIVE_PAGE_SIZE <= feed_documents.FEED_SIZE <= 50


@pytest.fixture
def many(monkeypatch):
    monkeypatch.setattr("announcements.feed_documents.ARCHIVE_PAGE_SIZE", ARCHIVE_PAGE_SIZE)
    monkeypatch.setattr("announcements.feed_documents.FEED_SIZE", FEED_SIZE)
    who = make_member(slug="who")
    start = timezone.now() - datetime.timedelta(days=TOTAL + 1)
    return [
        make_announcement(
            title=f"Item {n:02d}",
            tags=["Health"],
            members=[who],
            publish_at=start + datetime.timedelta(days=n),
        )
        for n in range(TOTAL)
    ]


def links(feed):
    return {link.rel: link.href for link in feed.feed.links}


def test_the_subscription_document_shows_the_newest_items_and_links_the_newest_archive(
    client, many
):
    feed = feedparser.parse(client.get("/news/feed/atom/").content)
    assert not feed.bozo
    assert len(feed.entries) == FEED_SIZE
    assert feed.entries[0].title == f"Item {TOTAL - 1:02d}"
    rels = links(feed)
    assert rels["prev-archive"] == "http://testserver/news/feed/atom/?page=2"
    assert rels["next"] == rels["prev-archive"]


@pytest.mark.parametrize(
    "start", ["/news/feed/{fmt}/", "/news/tags/health/feed/{fmt}/", "/members/who/feed/{fmt}/"]
)
@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_following_prev_archive_back_fills_every_item_exactly(client, many, start, fmt):
    url = "http://testserver" + start.format(fmt=fmt)
    seen, visited = [], 0
    while url:
        response = client.get(url.removeprefix("http://testserver"))
        assert response.status_code == 200
        feed = feedparser.parse(response.content)
        assert not feed.bozo
        if fmt == "atom":
            assert atom_schema_errors(response.content) == []
        seen += [entry.id for entry in feed.entries]
        url = links(feed).get("prev-archive")
        visited += 1
    assert visited == 3
    assert set(seen) == {item.feed_id for item in many}


def test_archive_pages_are_marked_and_linked_both_ways(client, many):
    response = client.get("/news/feed/atom/?page=1")
    assert b"<fh:archive" in response.content
    feed = feedparser.parse(response.content)
    rels = links(feed)
    assert rels["current"] == "http://testserver/news/feed/atom/"
    assert rels["next-archive"] == "http://testserver/news/feed/atom/?page=2"
    assert rels["self"] == "http://testserver/news/feed/atom/?page=1"
    assert "prev-archive" not in rels
    assert [e.title for e in feed.entries] == [
        f"Item {n:02d}" for n in reversed(range(ARCHIVE_PAGE_SIZE))
    ]
    rels = links(feedparser.parse(client.get("/news/feed/atom/?page=2").content))
    assert rels["prev-archive"] == "http://testserver/news/feed/atom/?page=1"
    assert "next-archive" not in rels


def test_an_archive_page_does_not_change_when_news_is_published(
    client, many, django_capture_on_commit_callbacks
):
    first = client.get("/news/feed/rss/?page=1")
    with django_capture_on_commit_callbacks(execute=True):
        make_announcement(title="Brand new", tags=["Health"])
    again = client.get("/news/feed/rss/?page=1", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert client.get("/news/feed/rss/?page=1").content == first.content
    assert client.get("/news/feed/rss/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_json_feed_pages_with_next_url(client, many):
    document = parse_json_feed(client.get("/news/feed/json/"))
    assert document["next_url"] == "http://testserver/news/feed/json/?page=2"
    older = parse_json_feed(client.get("/news/feed/json/?page=2"))
    assert older["next_url"] == "http://testserver/news/feed/json/?page=1"
    oldest = json.loads(client.get("/news/feed/json/?page=1").content)
    assert "next_url" not in oldest
    assert oldest["_rfc5005"]["archive"] is True
    ids = {item["id"] for doc in (document, older, oldest) for item in doc["items"]}
    assert ids == {item.feed_id for item in many}


@pytest.mark.parametrize("page", ["0", "3", "-1", "abc", "1.5", "", "99999999999999", "٣", "2 "])
def test_pages_out_of_range_or_malformed_are_404(client, many, page):
    for fmt in ("rss", "atom", "json"):
        assert client.get(f"/news/feed/{fmt}/?page={page}").status_code == 404


def test_a_small_feed_has_no_archive(client):
    make_announcement()
    feed = feedparser.parse(client.get("/news/feed/atom/").content)
    assert "prev-archive" not in links(feed)
    assert client.get("/news/feed/atom/?page=1").status_code == 404
