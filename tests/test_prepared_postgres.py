"""Prepared queries on PostgreSQL: prepared on the server once per connection, by psycopg."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dpga.prepared import PreparedQuery

from .factories import make_announcement, make_draft
from .test_prepared import published_titled
from .test_project import run_python

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL (set DATABASE_URL=postgres://...): statements prepared on the server",
)


def server_statements():
    """This session's prepared statements that read announcements, with how often
    each has been run by name (custom and generic plans)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, custom_plans + generic_plans FROM pg_prepared_statements"
            " WHERE statement LIKE %s",
            ['%FROM "announcements_announcement"%'],
        )
        return dict(cursor.fetchall())


@pytest.fixture
def stories():
    make_draft(title="Not public")
    return [make_announcement(title=t) for t in ("One", "Two", "Three")]


def run(query, stories):
    pks = [s.pk for s in stories]
    got = query("en", now=timezone.now(), pks=pks, prefix="")
    expected = published_titled("en", now=timezone.now(), pks=pks, prefix="")
    assert [(a.pk, a.title) for a in got] == [(a.pk, a.title) for a in expected]
    return got


@needs_postgresql
@pytest.mark.django_db
def test_a_prepared_query_is_prepared_on_the_server_once_and_then_run_by_name(stories):
    query = PreparedQuery(published_titled)
    run(query, stories)  # the first run works out the rows, through raw()
    before = server_statements()
    pks = [s.pk for s in stories]
    with CaptureQueriesContext(connection) as queries:
        runs = [query("en", now=timezone.now(), pks=pks, prefix="") for _ in range(3)]
    assert all([a.title for a in got] == ["One", "Two", "Three"] for got in runs)
    new = {name: count for name, count in server_statements().items() if name not in before}
    assert list(new.values()) == [3]  # one statement, prepared once, run three times
    # The log still shows each query with its values, as for any other query.
    logged = [q["sql"] for q in queries]
    assert len(logged) == 3 and all(f"IN ({pks[0]}, {pks[1]}, " in sql for sql in logged)


@needs_postgresql
@pytest.mark.django_db
def test_nothing_is_prepared_on_the_server_when_turned_off(stories):
    connection.ensure_connection()
    threshold = connection.connection.prepare_threshold
    connection.connection.prepare_threshold = None  # as with DJANGO_PREPARED_STATEMENTS=0
    try:
        query = PreparedQuery(published_titled)
        before = server_statements()
        for _ in range(3):
            run(query, stories)
        assert server_statements().keys() == before.keys()
    finally:
        connection.connection.prepare_threshold = threshold


@needs_postgresql
@pytest.mark.django_db
def test_statements_dropped_by_the_session_are_prepared_again(stories):
    query = PreparedQuery(published_titled)
    for _ in range(2):
        run(query, stories)
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    assert server_statements() == {}
    run(query, stories)
    assert list(server_statements().values()) == [1]


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_its_own(stories):
    query = PreparedQuery(published_titled)
    for _ in range(2):
        run(query, stories)
    connection.close()
    run(query, stories)
    assert list(server_statements().values()) == [1]


def test_the_setting_turns_psycopgs_prepared_statements_on_or_off():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='dpga.settings'; django.setup();"
        "from django.conf import settings;"
        "print(settings.DATABASES['default'].get('OPTIONS', {}).get('prepare_threshold', '-'))"
    )
    postgres = {"DJANGO_DEBUG": "1", "DATABASE_URL": "postgres://u@127.0.0.1:5432/x"}
    assert run_python(code, **postgres).stdout.split() == ["0"]
    off = run_python(code, DJANGO_PREPARED_STATEMENTS="0", **postgres)
    assert off.stdout.split() == ["-"]  # Django's default: None, nothing prepared
    assert run_python(code, DJANGO_DEBUG="1").stdout.split() == ["-"]  # SQLite
