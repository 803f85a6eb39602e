"""Real worker processes: renditions, pings and emails run in `manage.py worker`,
a task survives a worker killed mid-task, and an email still arrives once.

Each test builds a fresh site in other processes (its own SQLite file, or its own
PostgreSQL database when DATABASE_URL names a PostgreSQL server; RQ on the Redis
named by REDIS_URL), as `make run` and production run it.
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest

from tests.smtp_helpers import start_smtp
from tests.test_websub import Hub, serve, stop

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
REDIS = os.environ.get("REDIS_URL", "")

SETUP = """
import datetime, json
from django.utils import timezone
from announcements.models import Announcement, Subscriber
from tests.factories import image_upload
Subscriber.objects.create(email="reader@example.org", all_news=True, confirmed_at=timezone.now())
a = Announcement(title="Picture news", slug="picture-news", summary="S.", body="B.",
                 status="published", publish_at=timezone.now(), picture_alt="A red square")
a.picture = image_upload(size=(2000, 1500))
a.save()
Announcement.objects.create(title="Scheduled news", slug="scheduled-news", summary="S.",
    body="B.", status="published", publish_at=timezone.now() + datetime.timedelta(seconds=6))
print(json.dumps(sorted(a.picture_renditions)))
"""

STATE = """
import json
from announcements.models import Announcement, Delivery
a = Announcement.objects.get(slug="picture-news")
print(json.dumps({"sets": bool(a.picture_renditions.get("sets")),
                  "card": bool(a.picture_renditions.get("card")),
                  "sent": Delivery.objects.filter(sent_at__isnull=False).count(),
                  "errors": list(Delivery.objects.exclude(error="").values_list("error", flat=True))}))
"""


def environment(tmp_path, database_url, **extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    for name in ("DATABASE_URL", "REDIS_URL", "EMAIL_URL", "WEBSUB_HUB_URL"):
        env.pop(name, None)
    env.update(
        {
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": database_url,
            "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
            "DJANGO_SITE_URL": "https://news.example/",
            "DJANGO_TASKS_BACKEND": "database",
            "PYTHONPATH": str(ROOT),
            **extra,
        }
    )
    return env


def manage(env, *args, script=None):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        input=script,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def state(env):
    return json.loads(manage(env, "shell", script=STATE).strip().splitlines()[-1])


def start_worker(env, *args):
    return subprocess.Popen(
        [sys.executable, "manage.py", "worker", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def stop_worker(worker):
    """SIGTERM (a worker finishes its task first), then SIGKILL if it is slow to stop."""
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGTERM)
    try:
        worker.wait(60)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(10)


def crash(worker):
    """SIGKILL a worker and what it forked, as a lost host or the OOM killer would: RQ
    runs each job in a child process of its own process group."""
    children = subprocess.run(["pgrep", "-P", str(worker.pid)], capture_output=True, text=True)
    for pid in children.stdout.split():
        os.kill(int(pid), signal.SIGKILL)
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(10)


def wait_for(condition, within=90):
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return False


@pytest.fixture
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'db.sqlite3'}"
        return
    import psycopg

    server = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    name = f"queue_workers_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    yield f"{server}/{name}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def services():
    smtp = start_smtp()
    hub = serve(Hub())
    yield smtp, hub
    smtp.controller.stop(no_assert=True)
    stop(hub)


DATABASES = [
    "sqlite",
    pytest.param(
        "postgres",
        marks=pytest.mark.skipif(not POSTGRES, reason="DATABASE_URL names no PostgreSQL server"),
    ),
]


@pytest.mark.parametrize("database_url", DATABASES, indirect=True)
def test_the_worker_does_the_slow_work_and_survives_being_killed_mid_task(
    tmp_path, database_url, services
):
    smtp, hub = services
    env = environment(
        tmp_path,
        database_url,
        EMAIL_URL=f"smtp://127.0.0.1:{smtp.port}/",
        WEBSUB_HUB_URL=hub.url,
        WEBSUB_RETRY_PAUSE="0",
    )
    manage(env, "migrate", "--no-input")
    kept = json.loads(manage(env, "shell", script=SETUP).strip().splitlines()[-1])
    # The save returned with the original only: no renditions, no card, nothing sent.
    assert "sets" not in kept and "card" not in kept
    assert state(env) == {"sets": False, "card": False, "sent": 0, "errors": []}
    assert hub.pings == [] and smtp.messages == []

    smtp.gate = threading.Event()  # the first email hangs in the SMTP dialogue
    worker = start_worker(env, "--worker-id", "slot-1", "--interval", "0.2")
    try:
        assert smtp.waiting.wait(90), "the worker never started sending"
        os.killpg(worker.pid, signal.SIGKILL)  # a crash, mid-task
        worker.wait(10)
        smtp.gate.set()
        assert smtp.messages == []

        worker = start_worker(env, "--worker-id", "slot-1", "--interval", "0.2")
        assert wait_for(lambda: len(smtp.messages) >= 2), (
            [m["Subject"] for m in smtp.messages],
            state(env),
        )
        assert wait_for(lambda: state(env)["sets"])
    finally:
        stop_worker(worker)
    assert state(env)["card"]
    # The news feeds were pinged when each announcement went live: the scheduled one
    # by a task waiting in the queue for its publish time (no cron).
    news_rss = [p for p in hub.pings if p["url"] == "https://news.example/news/feed/rss/"]
    assert len(news_rss) == 2
    manage(env, "worker", "--batch")  # whatever is left: nothing is sent twice
    subjects = sorted(m["Subject"] for m in smtp.messages)
    assert subjects == ["Picture news", "Scheduled news"]
    assert state(env)["sent"] == 2


@pytest.mark.skipif(not REDIS, reason="REDIS_URL names no Redis server")
def test_rq_workers_run_the_tasks_from_redis(tmp_path, services):
    smtp, hub = services
    import redis

    # The test run's own Redis database (the cache tests empty it before each test too):
    # no job left by an earlier run may run against this fresh site.
    redis_url = REDIS
    redis.Redis.from_url(redis_url).flushdb()
    env = environment(
        tmp_path,
        f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_TASKS_BACKEND="rq",
        DJANGO_TASKS_REDIS_URL=redis_url,
        EMAIL_URL=f"smtp://127.0.0.1:{smtp.port}/",
        WEBSUB_HUB_URL=hub.url,
    )
    manage(env, "migrate", "--no-input")
    manage(env, "shell", script=SETUP)
    assert state(env) == {"sets": False, "card": False, "sent": 0, "errors": []}
    worker = start_worker(env)
    try:
        assert wait_for(lambda: len(smtp.messages) >= 2), [m["Subject"] for m in smtp.messages]
        # Each delivery is recorded just after the SMTP server has accepted it.
        done = {"sets": True, "card": True, "sent": 2, "errors": []}
        assert wait_for(lambda: state(env) == done), state(env)
        assert hub.pings
    finally:
        stop_worker(worker)
    assert sorted(m["Subject"] for m in smtp.messages) == ["Picture news", "Scheduled news"]


SUBSCRIBE = """
from django.utils import timezone
from announcements.models import Subscriber
Subscriber.objects.create(email="reader@example.org", all_news=True, confirmed_at=timezone.now())
"""

PUBLISH = """
from django.utils import timezone
from announcements.models import Announcement
Announcement.objects.create(title="Crash news", slug="crash-news", summary="S.", body="B.",
                            status="published", publish_at=timezone.now())
"""

SENT = """
from announcements.models import Delivery
print(Delivery.objects.filter(sent_at__isnull=False).count())
"""


def sent(env):
    return int(manage(env, "shell", script=SENT).strip().splitlines()[-1])


# What RQ's own registry cleanup (every worker's, when it starts and each ten minutes)
# does once the dead worker's heartbeat has lapsed (90 s): run now, with the clock ahead.
LAPSED = """
import time
import django_rq
django_rq.get_queue("default").started_job_registry.cleanup(timestamp=time.time() + 120)
"""


@pytest.mark.skipif(not REDIS, reason="REDIS_URL names no Redis server")
@pytest.mark.parametrize("restarted_as", ["slot-1", "slot-2"])
def test_an_rq_worker_killed_mid_email_has_its_task_run_again_and_the_email_arrives_once(
    tmp_path, services, restarted_as
):
    """slot-1: the process manager restarts the dead worker's slot, which takes its job
    back at once; slot-2: a worker elsewhere, which RQ hands the job to once the dead
    worker's heartbeat has lapsed."""
    smtp, _hub = services
    import redis
    from rq import Worker

    connection = redis.Redis.from_url(REDIS)
    connection.flushdb()  # the test run's own Redis database: no job of an earlier run
    env = environment(
        tmp_path,
        f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_TASKS_BACKEND="rq",
        DJANGO_TASKS_REDIS_URL=REDIS,
        DJANGO_TASKS_RETRY_PAUSE="0",
        EMAIL_URL=f"smtp://127.0.0.1:{smtp.port}/",
    )
    manage(env, "migrate", "--no-input")
    manage(env, "shell", script=SUBSCRIBE)
    smtp.gate = threading.Event()  # the email hangs in the SMTP dialogue
    worker = start_worker(env, "--worker-id", "slot-1")
    try:
        # Once the worker listens (its start-up catch-up is done), the news is published:
        # one task in the queue sends its email.
        assert wait_for(lambda: Worker.all(connection=connection)), "the worker never started"
        manage(env, "shell", script=PUBLISH)
        assert smtp.waiting.wait(90), "the worker never started sending"
        crash(worker)  # mid-task
        smtp.gate.set()
        assert smtp.messages == []

        worker = start_worker(env, "--worker-id", restarted_as)
        if restarted_as == "slot-2":
            manage(env, "shell", script=LAPSED)
        assert wait_for(lambda: len(smtp.messages) >= 1), "the task was not run again"
        # The delivery is recorded just after the SMTP server has accepted it.
        assert wait_for(lambda: sent(env) == 1), manage(env, "shell", script=SENT)
    finally:
        stop_worker(worker)
    manage(env, "worker", "--batch")  # whatever is left: nothing is sent twice
    assert [m["Subject"] for m in smtp.messages] == ["Crash news"]
    assert [m["To"] for m in smtp.messages] == ["reader@example.org"]
