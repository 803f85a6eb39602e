"""A web request gives up on a database that does not answer within DB_QUERY_TIMEOUT
(dpga/database_wait.py): the 503 page, quickly, nothing half-saved, a form kept. Here the
database driver is made to wait; tests/test_outages_paused.py pauses a real PostgreSQL."""

import time
from contextlib import contextmanager
from urllib.parse import urlencode

import pytest
from django.conf import global_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.db import connection
from django.urls import reverse

from announcements.models import Announcement
from dpga.environment import database_query_timeout

from .editorial import make_user
from .factories import make_announcement
from .outage_servers import form_fields

# A connection given up on is closed: on PostgreSQL its transaction goes with it, so
# each test's data is committed, not kept in a transaction around the test (which also
# means no roles from the data migrations: the save is a superuser's).
pytestmark = pytest.mark.django_db(transaction=True)
BOUND = 0.5
NEVER = 10  # seconds a stalled query waits (for ever, as far as a test is concerned)
# Given up on: the bound, the page's own work and a margin for a busy machine (the
# timing against a real server is held tighter in test_outages_paused.py).
GIVEN_UP = BOUND + 3
FORM = "application/x-www-form-urlencoded"


@pytest.fixture(autouse=True)
def bound(settings):
    settings.DB_QUERY_TIMEOUT = BOUND


@pytest.fixture
def stall(monkeypatch):
    """stall(words, seconds): from now on, the database driver answers a query that holds
    `words` only after `seconds` (the connection is open, the server says nothing)."""
    with connection.cursor() as cursor:
        driver_cursor = type(cursor.cursor)  # the database driver's own cursor
    execute = driver_cursor.execute

    def start(words, seconds=NEVER):
        def waiting(cursor, sql, *args, **kwargs):
            if words in sql:
                time.sleep(seconds)
            return execute(cursor, sql, *args, **kwargs)

        monkeypatch.setattr(driver_cursor, "execute", waiting)

    return start


@contextmanager
def first_contact_stalled():
    """The request's first contact with the database does not answer (as a persistent
    connection's health check does on a paused server): it comes before any query."""
    contacts = []

    def first_waits(execute, sql, params, many, context):
        contacts.append(sql)
        if len(contacts) == 1:
            time.sleep(NEVER)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(first_waits):
        yield


def timed(call, *args, **kwargs):
    started = time.monotonic()
    response = call(*args, **kwargs)
    return response, time.monotonic() - started


def assert_503_page(response, seconds):
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "briefly unavailable" in response.content.decode()
    assert seconds < GIVEN_UP


def test_a_query_that_gets_no_answer_is_given_up_with_the_503_page(client, stall):
    make_announcement(title="Read after the wait", status="published")
    stall('FROM "announcements_announcement"')
    response, seconds = timed(client.get, "/news/")
    assert_503_page(response, seconds)


def test_a_lookup_after_the_view_that_gets_no_answer_is_given_up_with_the_503_page(client, stall):
    """A 404 looks for a moved address (dpga/middleware.py), outside the view: the
    error page handler answers (the test client would raise what it handled)."""
    client.raise_request_exception = False
    stall('FROM "dpga_slugredirect"')
    response, seconds = timed(client.get, "/news/never-published/")
    assert_503_page(response, seconds)


def test_the_first_contact_that_gets_no_answer_is_given_up_with_the_503_page(client):
    make_announcement(title="Read after the wait", status="published")
    with first_contact_stalled():
        response, seconds = timed(client.get, "/news/")
    assert_503_page(response, seconds)
    assert "Read after the wait" in client.get("/news/").content.decode()


class SlowUpload(FileUploadHandler):
    """An upload that trickles in: its body takes three bounds to arrive."""

    def receive_data_chunk(self, raw_data, start):
        time.sleep(BOUND * 3)
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler keeps the file


def test_a_slow_upload_is_not_a_slow_database(client, settings):
    """The bound starts once a POST's body has arrived: an editor on a slow line gets the
    form's answer, not the database's 503."""
    settings.FILE_UPLOAD_HANDLERS = [
        f"{__name__}.SlowUpload",
        *global_settings.FILE_UPLOAD_HANDLERS,
    ]
    make_user("edna")
    picture = SimpleUploadedFile("photo.png", b"not really a picture", "image/png")
    response, seconds = timed(
        client.post,
        reverse("admin:login"),
        {"username": "edna", "password": "a-wrong-one", "attachment": picture},
    )
    assert response.status_code == 200, "given up while the body was still arriving"
    assert seconds >= BOUND * 3, "the upload took its time"
    assert "correct username and password" in response.content.decode()


def test_the_health_check_says_down_at_once_when_the_database_does_not_answer(client, stall):
    stall("SELECT 1")
    response, seconds = timed(client.get, "/healthz/")
    assert response.status_code == 503
    assert response.json()["status"] == "down"
    assert seconds < GIVEN_UP


def test_a_save_given_up_mid_transaction_saves_nothing_and_keeps_the_form(client, stall):
    """The announcement's row is written, then the admin's log of the change waits."""
    announcement = make_announcement(title="Before the wait", status="published")
    client.force_login(make_user("sam", superuser=True))
    change = f"/admin/announcements/announcement/{announcement.pk}/change/"
    fields = [
        (name, "Typed before the wait" if name == "title" else value)
        for name, value in form_fields(client.get(change).content.decode())
    ]
    stall('INSERT INTO "django_admin_log"')

    response, seconds = timed(client.post, change, urlencode(fields), content_type=FORM)

    assert_503_page(response, seconds)
    page = response.content.decode()
    assert "Nothing was saved" in page
    assert ("title", "Typed before the wait") in form_fields(page)
    announcement.refresh_from_db()
    assert announcement.title == "Before the wait"


def test_work_outside_web_requests_is_never_given_up(stall):
    """Management commands, migrations, backups and the task worker wait as long as it takes."""
    make_announcement(title="Read slowly", status="published")
    stall('FROM "announcements_announcement"', seconds=3 * BOUND)
    started = time.monotonic()
    titles = list(Announcement.objects.values_list("title", flat=True))
    assert titles == ["Read slowly"]
    assert time.monotonic() - started >= 3 * BOUND


POSTGRESQL = {"ENGINE": "django.db.backends.postgresql"}
SQLITE = {"ENGINE": "django.db.backends.sqlite3"}


def test_the_bound_is_five_seconds_on_postgresql_and_off_on_sqlite_unless_set():
    assert database_query_timeout({}, POSTGRESQL) == 5
    assert database_query_timeout({}, SQLITE) == 0
    assert database_query_timeout({"DJANGO_DB_QUERY_TIMEOUT": "1.5"}, SQLITE) == 1.5
    assert database_query_timeout({"DJANGO_DB_QUERY_TIMEOUT": "0"}, POSTGRESQL) == 0


@pytest.mark.parametrize("value", ["-1", "five", "inf", "nan"])
def test_a_bound_that_cannot_work_is_refused_with_what_to_write(value):
    with pytest.raises(ImproperlyConfigured, match="0 or more"):
        database_query_timeout({"DJANGO_DB_QUERY_TIMEOUT": value}, POSTGRESQL)
