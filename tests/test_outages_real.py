"""Outages of the real servers: PostgreSQL and Redis stopped, killed and paused (SIGSTOP)
under gunicorn while a client reads. A reader never sees a 500 or waits more than a couple
of seconds; cached pages outlive the database; a lost cache costs speed, never
correctness; everything comes back by itself, without restarting gunicorn.

These start their own PostgreSQL and redis-server (tests/outage_servers.py). They run in
CI's PostgreSQL + Redis run (DATABASE_URL=postgres://... and REDIS_URL set), or with
DPGA_REAL_SERVER_TESTS=1; run with -s to see the timings measured.
"""

import json
import re
import time

import pytest

from .outage_servers import Browser, form_fields, wait_until
from .outage_site import (
    CACHED,
    REAL_SERVERS,
    all_answer_200,
    assert_no_error_page,
    health,
    log_in,
    read_for,
    running_site,
    uncached,
    warm,
)

pytestmark = REAL_SERVERS

CACHE_RETRY_SECONDS = 2  # the default of DJANGO_CACHE_RETRY_SECONDS
SLOWEST_ANSWER = 2.0  # seconds: no reader waits longer because a service is down

timings = {}


@pytest.fixture(scope="module")
def servers():
    with running_site(timings) as running:
        yield running


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_postgresql_stopped_cached_pages_served_others_503_then_all_back(servers, mode):
    postgres, _redis, site, _pks = servers
    browser = Browser(site)
    warm(browser, CACHED)
    workers_before = site.process.pid

    postgres.stop(mode)
    stopped = time.monotonic()
    first = browser.get(uncached(0))
    timings[f"postgres {mode} stop: time to 503"] = time.monotonic() - stopped
    assert first.status == 503
    answers = read_for(browser, 3, [*CACHED, uncached])
    assert_no_error_page(answers, SLOWEST_ANSWER)
    for address, answer in answers:
        if address in CACHED:
            assert answer.status == 200, (address, answer)  # from the cache
        else:
            assert answer.status == 503, (address, answer)
            assert int(answer.headers["Retry-After"]) > 0
            assert "briefly unavailable" in answer.body
    timings[f"postgres {mode} stop: slowest answer during outage"] = max(
        answer.seconds for _, answer in answers
    )

    postgres.start()
    restarted = time.monotonic()
    wait_until(lambda: all_answer_200(browser, [*CACHED, uncached(-1), "/healthz/"]), 10, "back")
    timings[f"postgres {mode} stop: time to recover"] = time.monotonic() - restarted
    assert site.process.pid == workers_before and site.process.poll() is None


def test_health_check_says_down_without_the_database(servers):
    postgres, _redis, site, _pks = servers
    browser = Browser(site)
    postgres.stop("fast")
    try:
        answer = browser.get("/healthz/")
        assert answer.status == 503
        assert json.loads(answer.body)["status"] == "down"
    finally:
        postgres.start()
    wait_until(lambda: browser.get("/healthz/").status == 200, 10, "healthy again")


def test_a_publishers_save_during_a_database_outage_keeps_the_form(servers):
    postgres, _redis, site, pks = servers
    publisher, reader = Browser(site), Browser(site)
    log_in(publisher)
    change = f"/admin/announcements/announcement/{pks[2]}/change/"
    fields = [
        (name, "Saved after the outage" if name == "title" else value)
        for name, value in form_fields(publisher.get(change).body)
    ]

    postgres.stop("fast")
    try:
        refused = publisher.post(change, fields)
    finally:
        postgres.start()
    assert refused.status == 503, refused.body[:1000]
    assert int(refused.headers["Retry-After"]) > 0
    assert "Nothing was saved" in refused.body
    kept = form_fields(refused.body)
    assert {name: value.strip() for name, value in fields} == {
        name: value.strip() for name, value in kept
    }

    wait_until(lambda: reader.get("/healthz/").status == 200, 10, "database back")
    again = publisher.post(change, kept)
    assert again.status == 302, re.findall(
        r"errorlist[^>]*>(.*?)</ul>", again.body, re.S
    )  # "Send again"
    assert "Saved after the outage" in reader.get("/news/outage-test-2/").body


def test_redis_gone_pages_served_from_the_database_one_warning_then_cached_again(servers):
    _postgres, redis, site, _pks = servers
    browser = Browser(site)
    warm(browser, CACHED)
    warnings_before = site.log_text().count("cache unavailable")

    redis.kill()
    answers = read_for(browser, 3, [*CACHED, uncached])
    try:
        assert_no_error_page(answers, SLOWEST_ANSWER)
        assert all(answer.status == 200 for _, answer in answers)
        checked = browser.get("/healthz/")
        assert checked.status == 200 and json.loads(checked.body)["status"] == "degraded"
        timings["redis killed: slowest answer"] = max(answer.seconds for _, answer in answers)
        # A warning per worker, not one per request.
        warnings = site.log_text().count("cache unavailable") - warnings_before
        assert 1 <= warnings <= 2 < len(answers)
    finally:
        redis.start()  # empty, as after a restart
    restarted = time.monotonic()
    wait_until(lambda: health(browser) == "ok", 10, "cache back")
    timings["redis restarted: time to healthy"] = time.monotonic() - restarted
    wait_until(lambda: all_answer_200(browser, CACHED) and redis.keys("*page:*"), 10, "cached")


def test_redis_not_answering_costs_no_reader_more_than_a_moment(servers):
    _postgres, redis, site, _pks = servers
    browser = Browser(site)
    warm(browser, CACHED)
    redis.pause()
    try:
        answers = read_for(browser, 4, [*CACHED, uncached])
        checked = browser.get("/healthz/")
    finally:
        redis.resume()
    assert_no_error_page(answers, SLOWEST_ANSWER)
    assert all(answer.status == 200 for _, answer in answers)
    assert checked.status == 200 and json.loads(checked.body)["status"] == "degraded"
    assert checked.seconds < SLOWEST_ANSWER
    timings["redis paused: slowest answer"] = max(answer.seconds for _, answer in answers)
    resumed = time.monotonic()
    wait_until(lambda: health(browser) == "ok", 10, "cache answers again")
    timings["redis resumed: time to healthy"] = time.monotonic() - resumed


def test_a_change_while_redis_does_not_answer_is_refused_never_stale(servers):
    """Redis paused keeps its data: had the change gone through without bumping the
    content version, the old page would be served once Redis answers again."""
    _postgres, redis, site, pks = servers
    publisher, reader = Browser(site), Browser(site)
    warm(reader, ["/news/outage-test-3/"])
    log_in(publisher)
    change = f"/admin/announcements/announcement/{pks[3]}/change/"
    fields = [
        (name, "Changed while the cache slept" if name == "title" else value)
        for name, value in form_fields(publisher.get(change).body)
    ]

    redis.pause()
    try:
        refused = publisher.post(change, fields)
    finally:
        redis.resume()
    assert refused.status == 503, refused.body[:1000]
    assert "Your change was not saved" in refused.body
    kept = form_fields(refused.body)
    assert ("title", "Changed while the cache slept") in kept

    wait_until(lambda: health(reader) == "ok", 10, "cache answers again")
    assert "Outage test 3" in reader.get("/news/outage-test-3/").body  # nothing changed
    # Each worker asks Redis again at most CACHE_RETRY_SECONDS after its last failure.
    time.sleep(CACHE_RETRY_SECONDS)
    again = publisher.post(change, kept)
    assert again.status == 302, re.findall(
        r"errorlist[^>]*>(.*?)</ul>", again.body, re.S
    )  # "Send again"
    assert "Changed while the cache slept" in reader.get("/news/outage-test-3/").body


def test_a_scheduled_time_passing_while_redis_does_not_answer_shows_at_once(servers):
    _postgres, redis, site, _pks = servers
    reader = Browser(site)
    schedule = """
import datetime
from django.utils import timezone
from announcements.models import Announcement
Announcement.objects.create(
    title="Scheduled through the outage", slug="scheduled-through", summary="Soon.",
    body="Text.", status=Announcement.Status.PUBLISHED,
    publish_at=timezone.now() + datetime.timedelta(seconds=6),
)
"""
    site.manage("shell", "-c", schedule)
    scheduled = time.monotonic() + 6
    warm(reader, ["/news/"])
    assert "Scheduled through the outage" not in reader.get("/news/").body

    redis.pause()
    try:
        time.sleep(max(0, scheduled - time.monotonic()) + 0.5)
    finally:
        redis.resume()
    assert "Scheduled through the outage" in reader.get("/news/").body
