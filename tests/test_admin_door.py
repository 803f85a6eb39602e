"""The admin door: login throttling, its messages and logs, the admin's address."""

import datetime
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings

from dpga.jsonlog import JsonFormatter

from .factories import make_user

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "a-long-test-password-1"


class Lines(logging.Handler):
    """Collects what the JSON log handlers would write."""

    def __init__(self):
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines = []

    def emit(self, record):
        self.lines.append(self.format(record))

    def events(self, name):
        return [entry for entry in map(json.loads, self.lines) if entry.get("event") == name]


@pytest.fixture
def security_log():
    handler = Lines()
    loggers = [logging.getLogger("dpga.security"), logging.getLogger("dpga.requests")]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler
    for logger in loggers:
        logger.removeHandler(handler)


def log_in(client, password, username="pat", address="203.0.113.7"):
    return client.post(
        "/admin/login/",
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def test_a_successful_login_is_logged(client, security_log):
    make_user("pat")
    response = log_in(client, PASSWORD)
    assert response.status_code == 302
    [event] = security_log.events("login_succeeded")
    assert event["username"] == "pat"
    assert event["client_ip"] == "203.0.113.7"


def test_repeated_failures_lock_the_login_for_a_while(client, security_log):
    make_user("pat")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = log_in(client, "wrong-password")
        assert response.status_code == 200
        assert "Please enter the correct username and password" in response.content.decode()
    response = log_in(client, "wrong-password")
    assert response.status_code == 429
    # Locked: even the right password is refused, with a clear explanation.
    response = log_in(client, PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed log-in attempts" in page
    assert "try again in 15 minutes" in page
    assert "_auth_user_id" not in client.session
    lockouts = security_log.events("login_locked_out")
    assert lockouts and lockouts[0]["username"] == "pat"
    assert lockouts[0]["client_ip"] == "203.0.113.7"
    assert len(security_log.events("login_failed")) >= settings.AXES_FAILURE_LIMIT


def test_the_lock_is_per_user_and_address_and_ends_after_the_cool_off(client):
    make_user("pat")
    make_user("sam")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "wrong-password")
    assert log_in(client, PASSWORD).status_code == 429
    # The same person from another address, and another user from the same one, may log in.
    assert log_in(client, PASSWORD, address="198.51.100.20").status_code == 302
    client.logout()
    assert log_in(client, PASSWORD, username="sam").status_code == 302
    client.logout()
    later = datetime.datetime.now(datetime.UTC) + settings.AXES_COOLOFF_TIME
    with time_machine.travel(later + datetime.timedelta(minutes=1)):
        assert log_in(client, PASSWORD).status_code == 302


def test_password_validators_are_on(admin_client):
    response = admin_client.post(
        "/admin/auth/user/add/",
        {"username": "newbie", "password1": "12345678", "password2": "12345678"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "This password is too common" in page
    assert "This password is entirely numeric" in page


def test_the_admin_address_is_configurable():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(DJANGO_DEBUG="1", DJANGO_ADMIN_PATH="office-7f3a")
    code = (
        "import django; django.setup(); from django.urls import reverse;"
        "from django.test import Client; c = Client(HTTP_HOST='localhost');"
        "print(reverse('admin:index'), c.get('/admin/').status_code,"
        " c.get('/office-7f3a/login/').status_code, 'office' in c.get('/robots.txt').text)"
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
    assert result.stdout.split()[-4:] == ["/office-7f3a/", "404", "200", "False"]


def test_request_logs_are_json_lines_without_secrets(client, security_log):
    make_user("pat")
    login_page = client.get("/admin/login/?next=/admin/")
    csrf_cookie = login_page.cookies[settings.CSRF_COOKIE_NAME].value
    form_token = login_page.content.decode().split('name="csrfmiddlewaretoken" value="')[1][:64]
    client.post(
        "/admin/login/",
        {
            "username": "pat",
            "password": PASSWORD,
            "csrfmiddlewaretoken": form_token,
            "next": "/admin/",
        },
    )
    session_id = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.get("/admin/", {"password": "hunter2-in-a-url", "token": "t0ken-value", "q": "news"})
    client.get("/news/", HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}={session_id}")
    log_in(client, "a-wrong-secret-password")

    requests = security_log.events("request")
    assert len(requests) >= 5
    for entry in requests:
        assert {"method", "path", "status", "duration_ms", "client_ip"} <= set(entry)
    admin_hit = next(e for e in requests if e["path"] == "/admin/" and e["query"])
    assert "password=[hidden]" in admin_hit["query"] and "q=news" in admin_hit["query"]
    assert admin_hit["user_id"] is not None
    everything = "\n".join(security_log.lines)
    for secret in (
        PASSWORD,
        "hunter2-in-a-url",
        "t0ken-value",
        "a-wrong-secret-password",
        session_id,
        csrf_cookie,
        form_token,
    ):
        assert secret not in everything
