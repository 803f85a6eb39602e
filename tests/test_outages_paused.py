"""A PostgreSQL that stops answering, for real, under gunicorn while a client reads: the
server paused (SIGSTOP: its connections stay open, the kernel still accepts and
acknowledges, nothing answers), and a save whose transaction waits on a lock. No request
waits longer than DJANGO_DB_QUERY_TIMEOUT and about a second (dpga/database_wait.py);
cached pages are still served; nothing half-saved; after SIGCONT every page answers
again without restarting gunicorn, and no worker was killed for gunicorn's timeout.

Same servers and marks as test_outages_real.py; run with -s to see the timings measured.
"""

import json
import re
import time

import psycopg
import pytest

from .outage_servers import Browser, form_fields, wait_until
from .outage_site import (
    CACHED,
    REAL_SERVERS,
    all_answer_200,
    assert_no_error_page,
    log_in,
    read_for,
    running_site,
    uncached,
    warm,
)

pytestmark = REAL_SERVERS

BOUND = 2  # DJANGO_DB_QUERY_TIMEOUT of the site under test (seconds)
SLOWEST_ANSWER = BOUND + 1.0

timings = {}


@pytest.fixture(scope="module")
def servers():
    with running_site(timings, DJANGO_DB_QUERY_TIMEOUT=str(BOUND)) as running:
        yield running


def connected(browser, site):
    """Uncached reads until each gunicorn worker holds an open database connection
    (a worker's next request then health-checks that connection first)."""
    for n in range(8 * len(site.workers())):
        assert browser.get(uncached(n)).status == 200


def edited(publisher, pks, number, title):
    change = f"/admin/announcements/announcement/{pks[number]}/change/"
    fields = [
        (name, title if name == "title" else value)
        for name, value in form_fields(publisher.get(change).body)
    ]
    return change, fields


def assert_form_kept(refused, fields):
    assert refused.status == 503, refused.body[:1000]
    assert int(refused.headers["Retry-After"]) > 0
    assert "Nothing was saved" in refused.body
    kept = form_fields(refused.body)
    assert {name: value.strip() for name, value in fields} == {
        name: value.strip() for name, value in kept
    }
    return kept


def assert_sent_again(publisher, change, kept):
    again = publisher.post(change, kept)
    assert again.status == 302, re.findall(r"errorlist[^>]*>(.*?)</ul>", again.body, re.S)
    return again


def test_postgresql_paused_cached_pages_served_others_503_within_the_bound_then_all_back(
    servers,
):
    postgres, _redis, site, _pks = servers
    browser = Browser(site)
    warm(browser, CACHED)
    connected(browser, site)
    workers = site.workers()

    postgres.pause()
    try:
        paused = time.monotonic()
        first = browser.get(uncached(0))
        timings["postgres paused: time to 503"] = time.monotonic() - paused
        answers = read_for(browser, 3 * BOUND, [*CACHED, uncached])
        checked = browser.get("/healthz/")
    finally:
        postgres.resume()
    resumed = time.monotonic()

    assert first.status == 503 and first.seconds < SLOWEST_ANSWER, first
    assert_no_error_page(answers, SLOWEST_ANSWER)
    for address, answer in answers:
        if address in CACHED:
            assert answer.status == 200, (address, answer)  # from the cache
        else:
            assert answer.status == 503, (address, answer)
            assert int(answer.headers["Retry-After"]) > 0
            assert "briefly unavailable" in answer.body
    assert len(answers) > 2 * len(CACHED)
    assert checked.status == 503 and json.loads(checked.body)["status"] == "down"
    assert checked.seconds < SLOWEST_ANSWER
    timings["postgres paused: slowest answer"] = max(answer.seconds for _, answer in answers)
    timings["postgres paused: /healthz/"] = checked.seconds

    wait_until(lambda: all_answer_200(browser, [*CACHED, uncached(-1), "/healthz/"]), 10, "back")
    timings["postgres resumed: time to recover"] = time.monotonic() - resumed
    # Every request was answered by the worker that took it: none was killed and replaced.
    assert site.workers() == workers
    assert "WORKER TIMEOUT" not in site.log_text()


def test_a_publishers_save_while_postgresql_is_paused_keeps_the_form(servers):
    postgres, _redis, site, pks = servers
    publisher, reader = Browser(site), Browser(site)
    log_in(publisher)
    change, fields = edited(publisher, pks, 2, "Saved after the pause")

    postgres.pause()
    try:
        refused = publisher.post(change, fields)
    finally:
        postgres.resume()
    assert refused.seconds < SLOWEST_ANSWER, refused
    kept = assert_form_kept(refused, fields)

    wait_until(lambda: reader.get("/healthz/").status == 200, 10, "database answers again")
    assert "Saved after the pause" not in reader.get("/news/outage-test-2/").body
    assert_sent_again(publisher, change, kept)
    assert "Saved after the pause" in reader.get("/news/outage-test-2/").body


def test_a_save_whose_transaction_waits_too_long_saves_nothing_and_keeps_the_form(servers):
    """The announcement's row is updated, then the save waits (another transaction holds
    the admin log): given up on mid-transaction, the update is never committed."""
    postgres, _redis, site, pks = servers
    publisher, reader = Browser(site), Browser(site)
    log_in(publisher)
    change, fields = edited(publisher, pks, 3, "Saved once the lock is gone")

    with psycopg.connect(postgres.url) as holder:
        holder.execute("LOCK TABLE django_admin_log IN EXCLUSIVE MODE")
        refused = publisher.post(change, fields)
        holder.rollback()
        titles = holder.execute(
            "SELECT title FROM announcements_announcement WHERE id = %s", [pks[3]]
        ).fetchall()
    timings["save waiting on a lock: time to 503"] = refused.seconds
    kept = assert_form_kept(refused, fields)
    assert titles == [("Outage test 3",)]

    assert "Outage test 3" in reader.get("/news/outage-test-3/").body
    again = assert_sent_again(publisher, change, kept)
    assert "Saved once the lock is gone" in reader.get("/news/outage-test-3/").body
    # The wait cost the bound: the save's own work (timed when nothing waits) comes on top.
    assert BOUND <= refused.seconds < again.seconds + SLOWEST_ANSWER, (refused, again)
