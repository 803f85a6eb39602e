"""How the site talks to its database: PostgreSQL prepares the queries pages repeat."""

from pathlib import Path

import pytest
from django.db import connection

from dpga.environment import database_settings

from .factories import make_announcement

POSTGRESQL_URL = "postgres://postgres@127.0.0.1:5432/dpga"


def options(environ):
    return database_settings(environ, base_dir=Path("/srv/dpga"))["default"].get("OPTIONS", {})


def test_postgresql_binds_parameters_itself_unless_told_not_to():
    assert options({"DATABASE_URL": POSTGRESQL_URL})["server_side_binding"] is True
    off = {"DATABASE_URL": POSTGRESQL_URL, "DJANGO_DB_SERVER_SIDE_BINDING": "0"}
    assert options(off)["server_side_binding"] is False  # behind PgBouncer's transaction mode
    assert "server_side_binding" not in options({})  # SQLite


@pytest.mark.django_db
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's"
)
def test_a_page_rendered_again_and_again_runs_prepared_queries(client, settings):
    """psycopg prepares a query its connection has run five times: PostgreSQL then
    parses and plans it once, not on every render."""
    settings.PAGE_CACHE_ENABLED = False
    for i in range(3):
        make_announcement(title=f"Story {i}", slug=f"story-{i}")

    def prepared():
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [row[0] for row in cursor.fetchall()]

    assert not any("announcements_announcement" in sql for sql in prepared())
    for _ in range(6):
        assert client.get("/news/").status_code == 200
    assert any("announcements_announcement" in sql for sql in prepared())
