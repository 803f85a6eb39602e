"""The site of the outage tests, running on real servers (outage_servers.py) with three
published announcements and a publisher, and a reader's moves against it."""

import contextlib
import json
import os
import time

import pytest

from .outage_servers import Postgres, Redis, Site, form_fields, missing_servers

IN_POSTGRES_REDIS_RUN = os.environ.get("DATABASE_URL", "").startswith(
    ("postgres://", "postgresql://")
) and bool(os.environ.get("REDIS_URL"))
WANTED = IN_POSTGRES_REDIS_RUN or os.environ.get("DPGA_REAL_SERVER_TESTS") == "1"

# The marks of a module of real-server tests.
REAL_SERVERS = [
    pytest.mark.real_servers,
    pytest.mark.skipif(
        not WANTED,
        reason="runs in CI's PostgreSQL + Redis run (DATABASE_URL=postgres://..., REDIS_URL) "
        "or with DPGA_REAL_SERVER_TESTS=1",
    ),
    pytest.mark.skipif(
        bool(missing_servers()), reason=f"needs {', '.join(missing_servers())} on this machine"
    ),
]

PASSWORD = "outage-Publisher-7qLm2x"  # a throwaway account of a throwaway site
CACHED = ["/", "/news/", "/news/outage-test-1/", "/members/", "/news/feed/rss/"]
SETUP = f"""
import datetime, json
from django.contrib.auth.models import Group, User
from django.utils import timezone
from announcements.models import Announcement
pks = {{}}
for n in (1, 2, 3):
    pks[n] = Announcement.objects.create(
        title=f"Outage test {{n}}", slug=f"outage-test-{{n}}", summary="A short summary.",
        body="Some text.", status=Announcement.Status.PUBLISHED,
        publish_at=timezone.now() - datetime.timedelta(hours=n),
    ).pk
user = User.objects.create_user("paul", password={PASSWORD!r}, is_staff=True)
user.groups.add(Group.objects.get(name="Publishers"))
print(json.dumps(pks))
"""


@contextlib.contextmanager
def running_site(timings, **env):
    """PostgreSQL, Redis and the site under gunicorn (with `env` added to its
    environment): yields (postgres, redis, site, {n: pk of "Outage test n"}).
    Removes them all at the end and prints `timings`."""
    postgres, redis, site = Postgres(), Redis(), None
    try:
        postgres.start()
        redis.start()
        site = Site(postgres.url, redis.url, **env)
        site.manage("migrate", "--no-input")
        site.manage("collectstatic", "--no-input", "--verbosity", "0")
        pks = json.loads(site.manage("shell", "-c", SETUP).strip().splitlines()[-1])
        site.start()
        yield postgres, redis, site, {int(k): v for k, v in pks.items()}
    finally:
        if site is not None:
            site.remove()
        redis.remove()
        postgres.remove()
        for name, seconds in timings.items():
            print(f"\n{name}: {seconds:.2f} s", end="")


def read_for(browser, seconds, paths):
    """Read `paths` (callables of the round number give new addresses) round after round."""
    answers, deadline, round_number = [], time.monotonic() + seconds, 0
    while time.monotonic() < deadline:
        round_number += 1
        for path in paths:
            address = path(round_number) if callable(path) else path
            answers.append((address, browser.get(address)))
    return answers


def uncached(round_number):
    return f"/search/?q=outage{round_number}x{time.monotonic_ns()}"


def assert_no_error_page(answers, slowest):
    for address, answer in answers:
        assert answer.status != 500, address
        assert "Traceback" not in answer.body and "Error" not in answer.body[:200], address
        assert answer.seconds < slowest, (address, answer)


def warm(browser, paths):
    for path in paths:
        for _ in range(2):
            assert browser.get(path).status == 200, path


def log_in(browser):
    page = browser.get("/admin/login/")
    fields = dict(form_fields(page.body))
    fields.update(username="paul", password=PASSWORD)
    answer = browser.post("/admin/login/?next=/admin/", fields)
    assert answer.status == 302, answer.body[:500]


def health(browser):
    """/healthz/'s overall status: "ok", "degraded" or "down"."""
    return json.loads(browser.get("/healthz/").body)["status"]


def all_answer_200(browser, paths):
    return all(browser.get(path).status == 200 for path in paths)
