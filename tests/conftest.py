import datetime
import os

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import modify_settings
from django.utils import timezone

from tests import one_request_at_a_time


def pytest_sessionstart(session):
    """Compile the interface translations (.po -> .mo) as `make install` does.

    compilemessages skips a catalogue whose .mo is newer than its .po.
    """
    here = os.getcwd()
    os.chdir(settings.BASE_DIR)
    try:
        call_command("compilemessages", ignore_patterns=[".*", "node_modules"], verbosity=0)
    finally:
        os.chdir(here)
    _report_jinja2_renders()


def _report_jinja2_renders():
    """response.context for pages drawn by Jinja2 too.

    Django's test set-up reports only its own templates to the test client.
    """
    from django.template.backends import jinja2 as backend
    from django.test.signals import template_rendered

    render = backend.Template.render

    def render_and_report(self, context=None, request=None):
        context = {} if context is None else context
        html = render(self, context, request)
        template_rendered.send(sender=self, template=self, context=context)
        return html

    backend.Template.render = render_and_report


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Every test writes uploads to its own folder, never to the project's media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def backup_dir(settings, tmp_path):
    """Every test writes backups to its own folder, never to the project's backups."""
    settings.BACKUP_DIR = tmp_path / "backups"
    return settings.BACKUP_DIR


@pytest.fixture(autouse=True)
def fresh_cache():
    """Every test starts with empty caches: no page rendered by another test."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()


@pytest.fixture
def noon():
    """A frozen clock at the next local noon, far from midnight (when the content state
    renews), and after everything the test made before (made at the real time: the
    clock must not go back past it, or that news would be in the future)."""
    now = timezone.localtime()
    day = now.date() + datetime.timedelta(days=now.time() >= datetime.time(12, 0))
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12, 0)))
    with time_machine.travel(moment, tick=False) as traveller:
        yield traveller


@pytest.fixture(scope="session", autouse=True)
def one_request_at_a_time_on_sqlite():
    """The live server's request threads share the in-memory SQLite connection: they
    take turns (tests/one_request_at_a_time.py)."""
    if connection.vendor != "sqlite":
        yield
        return
    middleware = "tests.one_request_at_a_time.OneRequestAtATimeMiddleware"
    with modify_settings(MIDDLEWARE={"prepend": middleware}):
        yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item):
    """A live-server test's database is emptied while no request is being answered
    (one may still be in flight from the browser): on SQLite they share a connection."""
    if "live_server" in getattr(item, "fixturenames", ()) and connection.vendor == "sqlite":
        with one_request_at_a_time.LOCK:
            yield
    else:
        yield
