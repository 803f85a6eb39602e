"""On PostgreSQL, ranked search finds its matches through the full-text (GIN) index.

At 100,000 announcements an OR between the full-text match and the translations'
match left PostgreSQL no index path: it scanned every row (120 ms, now 9 ms as a
UNION). With sequential scans priced out, a plan that still does not use the index
has no way to: the regression this test catches, at any table size. (The
announcement lookup and its neighbours were fixed the same way; on a table of a
few rows PostgreSQL's choice between indexes says nothing, so `make bench
N=100000 BENCH_DATABASE_URL=...` is their check.)
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .factories import make_announcement

pytestmark = pytest.mark.django_db

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL (set DATABASE_URL=postgres://...): its query plans",
)


@pytest.fixture
def news():
    for i in range(30):
        make_announcement(
            title=f"Water report {i}", slug=f"water-{i}", tags=["Health", "Data"][: 1 + i % 2]
        )


def plans_of(client, url):
    """EXPLAIN of every query the page makes, with sequential scans priced out."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    plans = []
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            for query in queries.captured_queries:
                if query["sql"].lstrip().upper().startswith("SELECT"):
                    cursor.execute("EXPLAIN " + query["sql"])
                    plans.append("\n".join(row[0] for row in cursor.fetchall()))
        finally:
            cursor.execute("RESET enable_seqscan")
    return plans


@needs_postgresql
def test_ranked_search_finds_its_matches_through_the_full_text_index(client, settings, news):
    settings.PAGE_CACHE_ENABLED = False
    plans = "\n".join(plans_of(client, "/search/?q=water"))
    assert "announcement_search_idx" in plans, plans
