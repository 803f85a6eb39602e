"""The admin index shows what needs attention: review, scheduled, published, stale drafts."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from announcements.models import Announcement

from .editorial import editor, logged_in, make_announcement, make_user

pytestmark = pytest.mark.django_db
Status = Announcement.Status
NOW = datetime.datetime(2026, 7, 1, 10, 0, tzinfo=datetime.UTC)


def section(page, heading_id):
    start = page.index(f'id="{heading_id}"')
    end = page.find("</section>", start)
    return page[start:end]


@pytest.fixture
def newsroom(settings):
    settings.TIME_ZONE = "Africa/Nairobi"
    with time_machine.travel(NOW, tick=False):
        yield {
            "review": make_announcement(title="Waiting for a publisher", status=Status.REVIEW),
            "scheduled": make_announcement(
                title="Goes live soon",
                status=Status.PUBLISHED,
                publish_at=NOW + datetime.timedelta(hours=3),
            ),
            "published": make_announcement(
                title="Out yesterday",
                status=Status.PUBLISHED,
                publish_at=NOW - datetime.timedelta(days=1),
            ),
            "fresh": make_announcement(title="Fresh draft"),
            "stale": make_announcement(title="Forgotten draft"),
        }


def dashboard(user):
    with time_machine.travel(NOW, tick=False):
        Announcement.objects.filter(title="Forgotten draft").update(
            updated_at=NOW - datetime.timedelta(days=31)
        )
        response = logged_in(user).get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


def test_each_block_lists_the_right_announcements(newsroom):
    page = dashboard(editor())
    review = section(page, "dash-review")
    scheduled = section(page, "dash-scheduled")
    published = section(page, "dash-published")
    stale = section(page, "dash-stale")
    assert "Waiting for a publisher" in review and "Fresh draft" not in review
    assert "Goes live soon" in scheduled and "Out yesterday" not in scheduled
    assert "Out yesterday" in published and "Goes live soon" not in published
    assert "Forgotten draft" in stale and "Fresh draft" not in stale
    assert "Drafts older than 30 days" in stale


def test_scheduled_shows_site_time_utc_and_how_long_until(newsroom):
    scheduled = section(dashboard(editor()), "dash-scheduled")
    assert "1 Jul 2026, 16:00 EAT" in scheduled
    assert "(Africa/Nairobi)" in scheduled
    assert "1 Jul 2026, 13:00 UTC" in scheduled
    assert "in 3\xa0hours" in scheduled


def test_people_without_news_permissions_see_no_dashboard(newsroom):
    page = dashboard(make_user("nobody"))
    assert "dash-review" not in page


def test_the_dashboard_costs_four_queries_however_much_news_there_is(newsroom):
    client = logged_in(editor())
    with time_machine.travel(NOW, tick=False):
        for _ in range(5):
            make_announcement(status=Status.REVIEW)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/admin/").status_code == 200
    news_queries = [q for q in queries.captured_queries if "announcements_announcement" in q["sql"]]
    assert len(news_queries) == 4
