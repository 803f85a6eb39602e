"""The page cache: anonymous readers get cached pages and feeds, never a stale or private one."""

import datetime

import pytest
import time_machine
from django.core.cache import cache, caches
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.http import parse_http_date

from announcements.models import Announcement
from dpga.caching import content_version, page_cache
from dpga.environment import local_page_copies

from .editorial import publisher
from .factories import make_announcement, make_draft, make_scheduled
from .page_cache_helpers import newsroom

pytestmark = pytest.mark.django_db

PAGES = ["/", "/news/", "/news/live-story/", "/news/tags/health/", "/members/", "/members/unicef/"]
FEEDS = ["/news/feed/rss/", "/news/feed/atom/", "/news/tags/health/feed/rss/"]


@pytest.fixture
def world():
    return newsroom()


@pytest.mark.parametrize("url", PAGES + FEEDS + ["/search/?q=story"])
def test_a_repeated_anonymous_request_is_served_from_the_cache(
    client, world, url, django_assert_num_queries
):
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second.status_code == 200
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]


def test_pages_cached_before_a_deploy_are_not_served_after_it(client, world, monkeypatch):
    """New code or templates (a new release) draw the page again, content unchanged."""
    first = client.get("/news/")
    monkeypatch.setattr("dpga.caching.content_version.release", lambda: "a-new-release")
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/news/")
    assert again.status_code == 200 and len(queries) > 0  # drawn again, not from the cache
    assert again.content == first.content


@pytest.mark.parametrize("url", PAGES + FEEDS)
def test_public_responses_carry_validators_and_cache_lifetimes(client, world, noon, url):
    for response in (client.get(url), client.get(url)):  # rendered, then from the cache
        cache_control = response["Cache-Control"]
        assert "public" in cache_control
        assert "max-age=60" in cache_control
        assert "stale-while-revalidate=300" in cache_control
        assert response["ETag"].startswith(('"', 'W/"'))
        assert response.has_header("Last-Modified")
        assert "Cookie" in response["Vary"]


@pytest.mark.parametrize("url", ["/", "/members/", "/news/feed/atom/"])
def test_http_caches_may_not_keep_a_page_past_local_midnight(client, world, noon, url):
    """Members join and leave on their day: the content renews at local midnight, and
    no CDN or browser may serve the day's page, stale or not, after it."""
    midnight = timezone.make_aware(
        datetime.datetime.combine(
            timezone.localdate() + datetime.timedelta(days=1), datetime.time()
        )
    )
    noon.move_to(midnight - datetime.timedelta(minutes=3))
    for response in (client.get(url), client.get(url)):  # rendered, then from the cache
        assert "max-age=60" in response["Cache-Control"]
        assert "stale-while-revalidate=120" in response["Cache-Control"]
    noon.move_to(midnight - datetime.timedelta(seconds=40))
    response = client.get(url)
    assert "max-age=40" in response["Cache-Control"]
    assert "stale-while-revalidate=0" in response["Cache-Control"]


@pytest.mark.parametrize("url", PAGES + FEEDS)
def test_a_matching_etag_gets_304_without_a_query(client, world, url, django_assert_num_queries):
    etag = client.get(url)["ETag"]
    with django_assert_num_queries(0):
        response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


@pytest.mark.parametrize("url", ["/news/", "/news/feed/rss/"])
def test_if_modified_since_gets_304_until_the_content_changes(client, world, url):
    last_modified = client.get(url)["Last-Modified"]
    assert client.get(url, headers={"if-modified-since": last_modified}).status_code == 304
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=2)):
        make_announcement(title="Breaking story", tags=["Health"])
        response = client.get(url, headers={"if-modified-since": last_modified})
    assert response.status_code == 200
    assert b"Breaking story" in response.content


def test_a_304_is_answered_for_a_page_rendered_with_the_cache_off(client, world, settings):
    settings.PAGE_CACHE_ENABLED = False
    etag = client.get("/news/")["ETag"]
    assert client.get("/news/", headers={"if-none-match": etag}).status_code == 304


def test_a_revalidation_with_another_etag_gets_the_whole_page(client, world):
    page = client.get("/news/")
    response = client.get("/news/", headers={"if-none-match": '"an-etag-of-another-page"'})
    assert response.status_code == 200
    assert response.content == page.content and response["ETag"] == page["ETag"]


def test_a_page_whose_validators_were_evicted_is_still_answered_304(client, world):
    """The caches may drop either entry of a page: the page alone answers too."""
    etag = client.get("/news/")["ETag"]
    key, _language = page_cache.page_key(RequestFactory().get("/news/"))
    assert cache.delete(page_cache.validators_key(key))
    assert caches["local"].delete(page_cache.validators_key(key))
    assert client.get("/news/", headers={"if-none-match": etag}).status_code == 304


def test_a_stale_etag_gets_the_new_page(client, world):
    etag = client.get("/news/")["ETag"]
    world["live"].title = "Live story, corrected"
    world["live"].save()
    response = client.get("/news/", headers={"if-none-match": etag})
    assert response.status_code == 200
    assert response["ETag"] != etag
    assert b"Live story, corrected" in response.content


# Who never gets, and never fills, the cache --------------------------------------


def test_staff_are_never_served_a_cached_page(client, world, django_assert_max_num_queries):
    client.get("/news/")  # anonymous: cached
    staff = type(client)()
    staff.force_login(publisher())
    response = staff.get("/news/")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_a_staff_request_never_fills_the_cache(client, world, django_assert_num_queries):
    staff = type(client)()
    staff.force_login(publisher())
    staff.get("/news/")
    staff.get("/news/")
    # The anonymous reader after them still gets a freshly rendered page.
    response = client.get("/news/")
    assert response.status_code == 200
    with django_assert_num_queries(0):
        client.get("/news/")  # ... which is now cached


def test_a_session_cookie_or_a_pending_message_bypasses_the_cache(client, world, settings):
    client.get("/news/")
    for cookie in (settings.SESSION_COOKIE_NAME, "messages"):
        visitor = type(client)()
        visitor.cookies[cookie] = "anything"
        response = visitor.get("/news/")
        assert response.status_code == 200
        assert "private" in response["Cache-Control"], cookie


def test_no_draft_leaks_through_a_cached_page(client, world):
    make_draft(title="Secret draft", slug="secret-draft", tags=["Health"])
    staff = type(client)()
    staff.force_login(publisher())
    preview = staff.get("/news/secret-draft/")
    assert preview.status_code == 200
    assert "no-cache" in preview["Cache-Control"]
    assert client.get("/news/secret-draft/").status_code == 404
    for url in PAGES + FEEDS:
        assert b"Secret draft" not in client.get(url).content, url


def test_a_not_found_page_is_not_cached(client, world):
    assert client.get("/news/not-yet/").status_code == 404
    make_announcement(title="Not yet", slug="not-yet")
    assert client.get("/news/not-yet/").status_code == 200


def test_the_admin_and_other_private_pages_are_never_cached(client, world):
    response = client.get("/admin/login/")
    assert "public" not in response.get("Cache-Control", "")
    assert client.get("/robots.txt").get("ETag") is None


def test_a_lost_content_version_makes_a_new_one(client, world):
    client.get("/news/")
    old = content_version.current_version()
    from django.core.cache import cache

    cache.delete(content_version.VERSION_KEY)
    assert content_version.current_version() != old
    assert b"Live story" in client.get("/news/").content


def test_each_host_name_has_its_own_cached_page(client, world, settings):
    settings.ALLOWED_HOSTS = ["news.example.org", "testserver"]
    client.get("/news/")
    response = client.get("/news/", headers={"host": "news.example.org"})
    assert b'href="http://news.example.org/news/"' in response.content


def test_head_is_answered_from_the_cache(client, world, django_assert_num_queries):
    client.get("/news/")
    with django_assert_num_queries(0):
        response = client.head("/news/")
    assert response.status_code == 200


def test_last_modified_is_not_older_than_the_last_change(client, world):
    client.get("/news/")
    later = timezone.now() + datetime.timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        live = Announcement.objects.get(slug="live-story")
        live.summary = "A changed summary."
        live.save()
        response = client.get("/news/")
    assert parse_http_date(response["Last-Modified"]) >= int(later.timestamp())


def test_a_state_kept_for_another_version_is_never_used(client, world, noon, settings):
    """The content state is kept under one key, read with the version in one round
    trip: a reader that computed it for the version before a change, and wrote it
    back after the change, must not make the new version's pages follow the old
    state (here: miss a scheduled publish time that the old state did not know)."""
    settings.PAGE_CACHE_ENABLED = False
    start = timezone.now()
    with content_version.one_state_per_request():
        old_state = content_version.content_state()
    make_scheduled(title="Future story", slug="future-story", hours_ahead=1)  # a bump
    # The slow reader, after the bump, keeps its state as long as it holds.
    lifetime = content_version.timeout_until(old_state["valid_until"], timezone.now())
    cache.set(content_version.STATE_KEY, old_state, lifetime)
    assert b"Future story" not in client.get("/news/").content
    noon.move_to(start + datetime.timedelta(hours=1, seconds=1))
    assert b"Future story" in client.get("/news/").content
    with content_version.one_state_per_request():
        assert content_version.content_state()["version"] != old_state["version"]


def test_each_process_keeps_copies_of_1000_pages_unless_told_otherwise():
    assert local_page_copies({})["OPTIONS"] == {"MAX_ENTRIES": 1000}
    copies = local_page_copies({"DJANGO_LOCAL_PAGE_ENTRIES": "250"})
    assert copies["OPTIONS"] == {"MAX_ENTRIES": 250}


@pytest.mark.parametrize("value", ["-1", "ten", "1.5", "²"])
def test_a_number_of_copies_that_cannot_work_is_refused_with_what_to_write(value):
    with pytest.raises(ImproperlyConfigured, match="whole number, 0 or more"):
        local_page_copies({"DJANGO_LOCAL_PAGE_ENTRIES": value})


def test_with_no_copies_kept_pages_come_from_the_shared_cache(
    client, world, settings, django_assert_num_queries
):
    settings.CACHES = {
        **settings.CACHES,
        "local": local_page_copies({"DJANGO_LOCAL_PAGE_ENTRIES": "0"}),
    }
    page = client.get("/news/")
    with django_assert_num_queries(0):
        assert client.get("/news/").content == page.content
    key, _language = page_cache.page_key(RequestFactory().get("/news/"))
    assert caches["local"].get(key) is None and cache.get(key) is not None
