"""WebSub: the hub hears about every change to a live feed, after commit, never
blocking the editor; failures are logged and retried; ping_hubs catches up."""

import datetime
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.core.management.base import SystemCheckError
from django.db import transaction
from django.utils import timezone

from announcements.models import Announcement, FeedState

from .factories import make_announcement, make_draft, make_member, make_scheduled, make_user

SITE = "https://news.example/"


class Hub:
    """A WebSub hub on 127.0.0.1 that records publish pings and answers as told."""

    def __init__(self):
        self.pings = []
        self.statuses = []  # answers to give, in order; then 204
        self.location = None  # a Location header to send with every answer
        self.visits = []  # requests other than publish pings (a followed redirect)
        self.delay = 0
        self.gate = None  # an Event the hub waits for before answering
        self.received = threading.Event()
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = parse_qs(self.rfile.read(length).decode())
                hub.pings.append(
                    {
                        "mode": form["hub.mode"][0],
                        "url": form["hub.url"][0],
                        "type": self.headers["Content-Type"],
                    }
                )
                hub.received.set()
                if hub.gate is not None:
                    hub.gate.wait(10)
                if hub.delay:
                    time.sleep(hub.delay)
                status = hub.statuses.pop(0) if hub.statuses else 204
                try:
                    self.send_response(status)
                    if hub.location:
                        self.send_header("Location", hub.location)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the publisher gave up waiting

            def do_GET(self):
                hub.visits.append(self.path)
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"

    def topics(self):
        return {ping["url"] for ping in self.pings}


def serve(hub):
    thread = threading.Thread(target=hub.server.serve_forever, daemon=True)
    thread.start()
    return hub


def stop(hub):
    if hub.gate is not None:
        hub.gate.set()
    hub.server.shutdown()
    hub.server.server_close()


@pytest.fixture
def hub(settings):
    hub = serve(Hub())
    settings.WEBSUB_HUB_URL = hub.url
    settings.WEBSUB_TIMEOUT = 2
    settings.WEBSUB_RETRY_PAUSE = 0
    settings.SITE_URL = SITE
    yield hub
    stop(hub)


@pytest.fixture
def elsewhere():
    """Another server, where a hub's redirect would send a publisher."""
    elsewhere = serve(Hub())
    yield elsewhere
    stop(elsewhere)


def feed_topics(*paths):
    return {f"{SITE}{path}feed/{fmt}/" for path in paths for fmt in ("rss", "atom", "json")}


@pytest.fixture
def who(db):
    return make_member(slug="who", name="World Health Organization")


def test_publishing_pings_every_feed_the_item_is_in_after_commit(
    db, hub, who, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        item = make_draft(title="Vaccines", tags=["Health"], members=[who])
        item.publish()
        item.save()
        assert hub.pings == []  # nothing before the commit
    assert hub.topics() == feed_topics("news/", "news/tags/health/", "members/who/")
    assert {ping["mode"] for ping in hub.pings} == {"publish"}
    assert hub.pings[0]["type"] == "application/x-www-form-urlencoded"
    assert len(hub.pings) == 9  # one save, tags and members: each topic once
    assert FeedState.objects.get(key="news").announced_at is not None


def test_a_publisher_publishing_in_the_admin_pings_the_hub(
    client, hub, who, django_capture_on_commit_callbacks
):
    item = make_draft(title="Vaccines", tags=["Health"], members=[who])
    client.force_login(make_user("boss", superuser=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/announcements/announcement/",
            {"action": "publish_now", "_selected_action": [item.pk]},
        )
    assert response.status_code == 302
    assert Announcement.objects.published().filter(pk=item.pk).exists()
    assert hub.topics() == feed_topics("news/", "news/tags/health/", "members/who/")


def test_editing_a_live_item_and_unpublishing_it_ping_the_feeds_it_was_in(
    db, hub, who, django_capture_on_commit_callbacks
):
    item = make_announcement(tags=["Health"], members=[who])
    with django_capture_on_commit_callbacks(execute=True):
        item.title = "Corrected"
        item.save()
    assert hub.topics() == feed_topics("news/", "news/tags/health/", "members/who/")
    hub.pings.clear()
    with django_capture_on_commit_callbacks(execute=True):
        item.unpublish()
        item.save()
    assert hub.topics() == feed_topics("news/", "news/tags/health/", "members/who/")


def test_retagging_a_live_item_pings_the_old_and_the_new_tag(
    db, hub, django_capture_on_commit_callbacks
):
    item = make_announcement(tags=["Health"])
    make_announcement(tags=["Food"])
    with django_capture_on_commit_callbacks(execute=True):
        item.tags.set(["Food"])
    # The health feed lost its last item (it is now a 404): the hub hears of that too.
    assert hub.topics() == feed_topics("news/", "news/tags/food/", "news/tags/health/")


def test_drafts_and_scheduled_items_ping_nothing(db, hub, who, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        draft = make_draft(tags=["Health"], members=[who])
        draft.title = "Still a draft"
        draft.save()
        make_scheduled(tags=["Health"], members=[who])
    assert hub.pings == []


def test_no_hub_no_pings_and_ping_hubs_says_so(db, settings, capsys):
    settings.WEBSUB_HUB_URL = ""
    make_announcement()
    call_command("ping_hubs")
    assert "not set" in capsys.readouterr().out


def test_ping_hubs_announces_scheduled_items_once_they_are_live_and_is_idempotent(
    db, hub, who, capsys
):
    make_announcement(tags=["Food"])
    scheduled = make_scheduled(hours_ahead=2, tags=["Health"], members=[who])
    call_command("ping_hubs")  # the first run announces every feed there is
    assert hub.topics() == feed_topics("news/", "news/tags/food/", "members/who/")
    hub.pings.clear()
    call_command("ping_hubs")
    assert hub.pings == []
    with time_machine.travel(scheduled.publish_at + datetime.timedelta(minutes=1)):
        call_command("ping_hubs")
        assert hub.topics() == feed_topics("news/", "news/tags/health/", "members/who/")
        hub.pings.clear()
        call_command("ping_hubs")
        assert hub.pings == []
    assert "0 feed(s) announced" in capsys.readouterr().out.splitlines()[-1]


def test_a_failing_hub_is_retried_and_the_failure_logged(
    db, hub, caplog, django_capture_on_commit_callbacks
):
    hub.statuses = [500, 503]  # the first topic fails twice, then succeeds
    with (
        caplog.at_level(logging.WARNING, logger="announcements.websub"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        make_announcement()
    news_topics = feed_topics("news/")
    assert hub.topics() == news_topics
    assert len(hub.pings) == 3 + 2  # three topics, two of the tries repeated
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2 and "attempt 1 of 3" in warnings[0].getMessage()
    assert FeedState.objects.get(key="news").announced_at is not None


def test_a_hub_that_keeps_failing_leaves_the_feed_for_ping_hubs(
    db, hub, caplog, django_capture_on_commit_callbacks
):
    hub.statuses = [500] * 9
    with (
        caplog.at_level(logging.WARNING, logger="announcements.websub"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        make_announcement()  # the editor's save succeeds all the same
    assert Announcement.objects.published().count() == 1
    assert any(r.levelno == logging.ERROR and "gave up" in r.getMessage() for r in caplog.records)
    assert not FeedState.objects.filter(key="news", announced_at__isnull=False).exists()
    hub.pings.clear()
    hub.statuses = [500] * 3
    with pytest.raises(CommandError, match="news"):
        call_command("ping_hubs")
    hub.pings.clear()
    call_command("ping_hubs")  # the hub is back: the next cron run catches up
    assert hub.topics() == feed_topics("news/")
    assert FeedState.objects.get(key="news").announced_at is not None


def test_a_slow_hub_times_out_without_an_error_for_the_editor(
    db, hub, settings, caplog, django_capture_on_commit_callbacks
):
    settings.WEBSUB_TIMEOUT = 0.2
    settings.WEBSUB_RETRIES = 1
    hub.delay = 1
    with (
        caplog.at_level(logging.WARNING, logger="announcements.websub"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        make_announcement()
    assert any("timed out" in r.getMessage() for r in caplog.records)


def test_an_unreachable_hub_is_logged(
    db, hub, settings, caplog, django_capture_on_commit_callbacks
):
    hub.server.shutdown()
    hub.server.server_close()
    settings.WEBSUB_RETRIES = 2
    with (
        caplog.at_level(logging.WARNING, logger="announcements.websub"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        make_announcement()
    assert any("gave up" in r.getMessage() for r in caplog.records)


@pytest.mark.django_db(transaction=True)
def test_the_editor_never_waits_for_the_hub_the_worker_pings_it(hub, settings):
    """With the database task backend and real commits: saving only queues the ping;
    the hub hears nothing until a worker runs it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with transaction.atomic():
        item = make_announcement(title="Live now")
    assert Announcement.objects.get(pk=item.pk).is_published
    assert hub.pings == []
    assert not FeedState.objects.filter(announced_at__isnull=False).exists()
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert hub.topics() == feed_topics("news/")
    assert FeedState.objects.get(key="news").announced_at <= timezone.now()


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_hub_that_redirects_is_not_followed_and_the_ping_counts_as_failed(
    db, hub, elsewhere, status, caplog, django_capture_on_commit_callbacks
):
    hub.statuses = [status] * 18  # every try of both runs below
    hub.location = elsewhere.url + "collect"
    with (
        caplog.at_level(logging.WARNING, logger="announcements.websub"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        make_announcement()
    assert elsewhere.pings == [] and elsewhere.visits == []
    assert not FeedState.objects.filter(key="news", announced_at__isnull=False).exists()
    assert any(f"HTTP Error {status}" in r.getMessage() for r in caplog.records)
    hub.pings.clear()
    with pytest.raises(CommandError, match="news"):
        call_command("ping_hubs")  # the next run tries again, and fails again
    assert elsewhere.pings == [] and elsewhere.visits == []


@pytest.mark.parametrize(
    "address",
    [
        "http://hub.example/",
        "http://10.0.0.8/hub",
        "ftp://hub.example/",
        "http://localhost.example/",
    ],
)
def test_a_hub_that_is_not_https_is_refused_with_an_error(
    db, settings, address, caplog, django_capture_on_commit_callbacks
):
    settings.WEBSUB_HUB_URL = address
    settings.WEBSUB_RETRY_PAUSE = 0
    with (
        caplog.at_level(logging.WARNING, logger="announcements.websub"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        make_announcement()
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert errors and all("is not an https URL" in m for m in errors)
    assert not any("attempt" in r.getMessage() for r in caplog.records)  # nothing was sent
    assert not FeedState.objects.filter(announced_at__isnull=False).exists()
    with pytest.raises(SystemCheckError, match="WEBSUB_HUB_URL"):
        call_command("check")


@pytest.mark.django_db  # `check` may run checks that read the database (Django 6)
@pytest.mark.parametrize(
    "address",
    ["https://hub.example/", "http://127.0.0.1:8080/", "http://[::1]/", "http://localhost/"],
)
def test_an_https_hub_or_one_on_this_machine_passes_the_checks(settings, address):
    settings.WEBSUB_HUB_URL = address
    call_command("check")
