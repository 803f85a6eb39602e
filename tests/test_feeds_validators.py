"""Per-feed validators: a strong ETag and Last-Modified that move only with that feed."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.http import http_date, parse_http_date

from announcements.feedgenerators import ContentAtomFeed, ContentRssFeed, JsonFeed
from announcements.models import Announcement, FeedState

from .factories import make_announcement
from .feed_helpers import ALL_FEEDS, make_newsroom

pytestmark = pytest.mark.django_db

HEALTH = "/news/tags/health/feed/{fmt}/"
FOOD = "/news/tags/food/feed/{fmt}/"


@pytest.fixture
def newsroom(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return make_newsroom()


def commit(django_capture_on_commit_callbacks, change):
    """Run a change as the admin does: in a transaction whose commit hooks run."""
    with django_capture_on_commit_callbacks(execute=True):
        change()


@pytest.mark.parametrize("url", ALL_FEEDS)
def test_a_strong_etag_and_last_modified_then_304_for_either(client, newsroom, url):
    response = client.get(url)
    etag = response["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert response["Last-Modified"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 304
    both = client.get(
        url, HTTP_IF_NONE_MATCH=etag, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]
    )
    assert both.status_code == 304
    assert both["ETag"] == etag


def test_a_feed_rendered_again_is_the_same_and_costs_a_few_queries(client, newsroom, settings):
    settings.PAGE_CACHE_ENABLED = False
    url = HEALTH.format(fmt="atom")
    first = client.get(url)
    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)
    assert again.content == first.content and again["ETag"] == first["ETag"]
    # The tag, the count and recorded change, the items' ids, the items, their tags.
    assert len(queries) <= 5


def test_equal_etags_mean_equal_bytes(client, newsroom):
    for fmt in ("rss", "atom", "json"):
        first, second = client.get(f"/news/feed/{fmt}/"), client.get(f"/news/feed/{fmt}/")
        assert first["ETag"] == second["ETag"]
        assert first.content == second.content


def test_a_member_edit_the_feed_does_not_show_keeps_etag_and_bytes(client, newsroom):
    url = "/members/who/feed/atom/"
    first = client.get(url)
    member = newsroom["who"]
    member.description = "A longer description that no feed shows."
    member.save()
    again = client.get(url)
    assert again["ETag"] == first["ETag"]
    assert again.content == first.content


def test_formats_and_feeds_have_different_etags(client, newsroom):
    etags = {client.get(url)["ETag"] for url in ALL_FEEDS}
    assert len(etags) == len(ALL_FEEDS)


@pytest.mark.parametrize("fmt", ["rss", "atom", "json"])
def test_editing_an_item_under_another_tag_leaves_this_feed_at_304(
    client, newsroom, fmt, django_capture_on_commit_callbacks
):
    health = client.get(HEALTH.format(fmt=fmt))
    food = client.get(FOOD.format(fmt=fmt))
    news = client.get(f"/news/feed/{fmt}/")

    def edit_food():
        item = newsroom["food"]
        item.title = "Food news, corrected"
        item.save()

    commit(django_capture_on_commit_callbacks, edit_food)
    assert (
        client.get(
            HEALTH.format(fmt=fmt),
            HTTP_IF_NONE_MATCH=health["ETag"],
            HTTP_IF_MODIFIED_SINCE=health["Last-Modified"],
        ).status_code
        == 304
    )
    member = client.get(f"/members/who/feed/{fmt}/")
    assert (
        client.get(f"/members/who/feed/{fmt}/", HTTP_IF_NONE_MATCH=member["ETag"]).status_code
        == 304
    )
    changed_food = client.get(FOOD.format(fmt=fmt), HTTP_IF_NONE_MATCH=food["ETag"])
    assert changed_food.status_code == 200 and changed_food["ETag"] != food["ETag"]
    changed_news = client.get(f"/news/feed/{fmt}/", HTTP_IF_NONE_MATCH=news["ETag"])
    assert changed_news.status_code == 200


def test_drafts_and_scheduled_items_do_not_change_any_feed(
    client, newsroom, django_capture_on_commit_callbacks
):
    before = {url: client.get(url)["ETag"] for url in ALL_FEEDS}

    def edit_unpublished():
        newsroom["draft"].title = "Draft, edited"
        newsroom["draft"].save()
        newsroom["scheduled"].title = "Scheduled, edited"
        newsroom["scheduled"].save()
        make_announcement(status=Announcement.Status.DRAFT, tags=["Health"])

    commit(django_capture_on_commit_callbacks, edit_unpublished)
    for url, etag in before.items():
        assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304, url


def test_last_modified_is_this_feeds_newest_change(client, newsroom):
    response = client.get(FOOD.format(fmt="atom"))
    food = newsroom["food"]
    food.refresh_from_db()
    # The food item's last change, or the moment that change was recorded for the feed.
    recorded = FeedState.objects.get(key=f"tag:{food.tags.get().pk}").changed_at
    newest = max(food.updated_at, food.publish_at, recorded)
    assert recorded - food.updated_at < datetime.timedelta(seconds=5)
    assert parse_http_date(response["Last-Modified"]) == int(newest.timestamp())
    later = make_announcement(tags=["Health"])
    health = client.get(HEALTH.format(fmt="atom"))
    assert parse_http_date(health["Last-Modified"]) >= int(later.updated_at.timestamp())
    assert parse_http_date(client.get(FOOD.format(fmt="atom"))["Last-Modified"]) == int(
        newest.timestamp()
    )


@pytest.mark.parametrize(
    "change",
    ["unpublish", "untag", "delete", "reschedule"],
)
@pytest.mark.parametrize("page_cache", [True, False])  # off: the kept feed document
def test_an_item_leaving_the_feed_moves_both_validators(
    client, newsroom, change, django_capture_on_commit_callbacks, settings, page_cache
):
    """Even a reader that only sends If-Modified-Since sees the item go."""
    settings.PAGE_CACHE_ENABLED = page_cache
    url = HEALTH.format(fmt="rss")
    first = client.get(url)
    item = newsroom["old"]
    later = timezone.now() + datetime.timedelta(seconds=5)

    def leave():
        if change == "unpublish":
            item.unpublish()
            item.save()
        elif change == "untag":
            item.tags.remove("Health")
        elif change == "delete":
            item.delete()
        else:
            item.publish_at = timezone.now() + datetime.timedelta(days=1)
            item.save()

    import time_machine

    with time_machine.travel(later, tick=False):
        commit(django_capture_on_commit_callbacks, leave)
    after = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert after.status_code == 200
    assert b"Old health news" not in after.content
    assert after["ETag"] != first["ETag"]
    assert parse_http_date(after["Last-Modified"]) > parse_http_date(first["Last-Modified"])


def test_computing_a_304_does_not_render_the_feed(client, newsroom, monkeypatch):
    url = HEALTH.format(fmt="atom")
    etag = client.get(url)["ETag"]

    def refuse(*args, **kwargs):
        raise AssertionError("the feed was rendered for a 304")

    for generator in (ContentRssFeed, ContentAtomFeed, JsonFeed):
        monkeypatch.setattr(generator, "write", refuse)
    monkeypatch.setattr("announcements.feeds.NewsFeed.get_feed", refuse)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    # The tag, the count, the ids and dates of the items shown, the feed's state.
    assert len(queries) <= 4, [q["sql"] for q in queries]


def test_rendering_a_feed_takes_a_fixed_number_of_queries(client, newsroom):
    for _ in range(15):
        make_announcement(tags=["Health"], members=[newsroom["who"]])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(HEALTH.format(fmt="json")).status_code == 200
    # Tag, items, their tags, their translations, feed state and page index.
    assert len(queries) <= 8, [q["sql"] for q in queries]


@pytest.mark.parametrize("url", ALL_FEEDS)
def test_head_answers_like_get_without_a_body(client, newsroom, url):
    get = client.get(url)
    head = client.head(url)
    assert head.status_code == 200
    assert head["ETag"] == get["ETag"]
    assert head["Content-Type"] == get["Content-Type"]
    assert head.content == b""
    assert client.head(url, HTTP_IF_NONE_MATCH=get["ETag"]).status_code == 304


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_IF_NONE_MATCH": 'garbage"'},
        {"HTTP_IF_NONE_MATCH": '"unterminated'},
        {"HTTP_IF_NONE_MATCH": "W/"},
        {"HTTP_IF_NONE_MATCH": ","},
        {"HTTP_IF_MODIFIED_SINCE": "not a date"},
        {"HTTP_IF_MODIFIED_SINCE": "Mon, 99 Foo 99999 99:99:99 GMT"},
        {"HTTP_IF_MODIFIED_SINCE": "Sun, 06 Nov 1994 08:49:37 GMT; length=12"},
        {"HTTP_IF_MODIFIED_SINCE": "9" * 400},
        {"HTTP_IF_NONE_MATCH": "\x00\x01", "HTTP_IF_MODIFIED_SINCE": "\x00"},
    ],
)
def test_malformed_conditional_headers_are_ignored(client, newsroom, headers):
    for url in ("/news/feed/rss/", HEALTH.format(fmt="json")):
        response = client.get(url, **headers)
        assert response.status_code == 200, (url, headers)
        assert response.content


def test_a_future_if_modified_since_is_not_trusted_over_the_etag(client, newsroom):
    response = client.get("/news/feed/atom/")
    future = http_date((timezone.now() + datetime.timedelta(days=1)).timestamp())
    stale = client.get(
        "/news/feed/atom/", HTTP_IF_NONE_MATCH='"other"', HTTP_IF_MODIFIED_SINCE=future
    )
    assert stale.status_code == 200  # If-None-Match wins over If-Modified-Since
    assert stale["ETag"] == response["ETag"]


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_feeds_are_read_only(client, newsroom, method):
    assert getattr(client, method)("/news/feed/rss/").status_code == 405


def test_feeds_may_be_read_by_any_website(client, newsroom):
    assert client.get("/news/feed/json/")["Access-Control-Allow-Origin"] == "*"
