"""When the database or the cache is gone: a 503 page with Retry-After, and /healthz says so."""

import json
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection

from .factories import make_announcement

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


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
