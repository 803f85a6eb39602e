"""When the database or the cache is gone: a 503 page with Retry-After, and /healthz says so."""

import json
import os
import socket
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection

from .editorial import publisher
from .factories import make_announcement
from .outage_servers import form_fields

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent
FORM = "application/x-www-form-urlencoded"


@contextmanager
def database_down():
    """Every query fails the way a lost database connection does."""

    def refuse(execute, sql, params, many, context):
        raise OperationalError("server closed the connection unexpectedly")

    with connection.execute_wrapper(refuse):
        yield


@pytest.mark.parametrize("url", ["/", "/news/", "/news/{slug}/", "/members/", "/news/feed/rss/"])
def test_a_lost_database_gives_a_503_page_with_retry_after(client, url):
    announcement = make_announcement()
    with database_down():
        response = client.get(url.format(slug=announcement.slug))
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    page = response.content.decode()
    assert "briefly unavailable" in page
    assert "Traceback" not in page and "OperationalError" not in page


def test_an_unreachable_database_server_gives_a_503_not_a_traceback():
    """A real outage: PostgreSQL on a port where nothing listens, production settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_HTTPS="0",
        DATABASE_URL="postgres://nobody@127.0.0.1:9/nowhere",
        DJANGO_CONN_MAX_AGE="0",
    )
    code = (
        "import django; django.setup(); from django.test import Client;"
        "c = Client(HTTP_HOST='localhost', raise_request_exception=False);"
        "r = c.get('/news/'); h = c.get('/healthz/');"
        "print(r.status_code, r['Retry-After'], h.status_code, h.content.decode())"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    status, retry_after, health_status, health = (
        result.stdout.strip().splitlines()[-1].split(" ", 3)
    )
    assert (status, health_status) == ("503", "503")
    assert int(retry_after) > 0
    assert json.loads(health)["database"] == "unavailable"


def test_a_database_server_that_never_answers_costs_a_reader_seconds_not_minutes():
    """A host that takes the connection and then says nothing (a hung server, a black
    hole): the new connection gives up after DJANGO_DB_CONNECT_TIMEOUT, and the reader
    gets the 503 page."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # the kernel completes the handshake; nobody ever answers
        port = silent.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        env.update(
            DJANGO_SECRET_KEY="x" * 50,
            DJANGO_HTTPS="0",
            DATABASE_URL=f"postgres://nobody@127.0.0.1:{port}/nowhere",
            DJANGO_DB_CONNECT_TIMEOUT="2",
        )
        code = (
            "import time, django; django.setup(); from django.test import Client;"
            "c = Client(HTTP_HOST='localhost', raise_request_exception=False);"
            "started = time.monotonic(); r = c.get('/news/');"
            "print(r.status_code, round(time.monotonic() - started, 1))"
        )
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 0, result.stderr
    status, seconds = result.stdout.split()[-2:]
    assert status == "503"
    assert float(seconds) < 8


def test_health_check_reports_database_and_cache(client):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_health_check_reports_a_lost_database(client):
    with database_down():
        response = client.get("/healthz/")
    assert response.status_code == 503
    assert response.json() == {"status": "down", "database": "unavailable", "cache": "ok"}


def test_health_check_reports_a_lost_cache(client, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(cache, "set", broken)
    response = client.get("/healthz/")
    # Degraded, not down: the load balancer keeps sending readers, served from the database.
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "unavailable"}


# A change the cache cannot be told of, and forms sent during an outage ---------------


def test_a_change_the_cache_cannot_be_told_of_is_refused_and_the_form_comes_back(
    client, monkeypatch
):
    announcement = make_announcement(title="Before the outage", status="published")
    client.force_login(publisher())
    change = f"/admin/announcements/announcement/{announcement.pk}/change/"
    fields = [
        (name, "Typed during the outage" if name == "title" else value)
        for name, value in form_fields(client.get(change).content.decode())
    ]
    monkeypatch.setattr(cache, "set_many", lambda data, *args, **kwargs: list(data))

    response = client.post(change, urlencode(fields), content_type=FORM)

    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    page = response.content.decode()
    assert "Your change was not saved" in page
    assert ("title", "Typed during the outage") in form_fields(page)
    announcement.refresh_from_db()
    assert announcement.title == "Before the outage"

    # Sent again once the cache is back: saved (the form's own tokens came back as
    # they were, hidden, so the edit-conflict check knows the form).
    monkeypatch.undo()
    again = client.post(change, urlencode(form_fields(page)), content_type=FORM)
    assert again.status_code == 302, again.content.decode()[:2000]
    announcement.refresh_from_db()
    assert announcement.title == "Typed during the outage"


def test_a_form_sent_while_the_database_is_down_comes_back_without_its_password(client):
    with database_down():
        response = client.post("/admin/login/", {"username": "paul", "password": "typed-secret-9x"})
    assert response.status_code == 503
    page = response.content.decode()
    assert "Nothing was saved" in page
    assert ("username", "paul") in form_fields(page)
    assert "typed-secret-9x" not in page


def test_a_page_read_never_echoes_a_form(client):
    with database_down():
        response = client.get("/news/", {"q": "<script>x</script>"})
    assert response.status_code == 503
    assert "<form" not in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_the_cache_missed_shows_on_the_next_request(client, monkeypatch):
    """Outside a transaction a change is committed before it bumps the version: a
    missed bump is made again before the next read of the version."""
    assert "Made while the cache was lost" not in client.get("/news/").content.decode()
    with monkeypatch.context() as lost:
        lost.setattr(cache, "set_many", lambda data, *args, **kwargs: list(data))
        make_announcement(title="Made while the cache was lost", status="published")
    assert "Made while the cache was lost" in client.get("/news/").content.decode()
