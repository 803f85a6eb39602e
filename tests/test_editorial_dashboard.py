"""The admin index shows what needs attention, for the person looking: sent back to me,
my drafts, review, scheduled, published, stale drafts."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from announcements import workflow
from announcements.models import Announcement

from .editorial import editor, logged_in, make_announcement, make_user, publisher

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


def test_the_dashboard_costs_five_queries_however_much_news_there_is(newsroom):
    client = logged_in(editor())
    with time_machine.travel(NOW, tick=False):
        for _ in range(5):
            make_announcement(status=Status.REVIEW)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/admin/").status_code == 200
    news_queries = [q for q in queries.captured_queries if "announcements_announcement" in q["sql"]]
    assert len(news_queries) == 5


def test_an_editor_sees_what_was_sent_back_with_the_comment_and_their_own_drafts(newsroom):
    edna, paul = editor(), publisher()
    with time_machine.travel(NOW, tick=False):
        returned = make_announcement(title="Needs a date", author=edna)
        workflow.perform(returned, "submit", edna)
        workflow.perform(returned, "send_back", paul, "Add the date of the signing.")
        make_announcement(title="My own draft", author=edna)
    page = dashboard(edna)
    sent_back = section(page, "dash-sent-back")
    mine = section(page, "dash-mine")
    assert "Needs a date" in sent_back and "Add the date of the signing." in sent_back
    assert "My own draft" in mine and "Needs a date" not in mine
    assert "Fresh draft" not in mine  # someone else's
    assert page.index("dash-sent-back") < page.index("dash-review")
    # Resubmitted, it leaves "sent back" and "my drafts".
    workflow.perform(returned, "submit", edna)
    page = dashboard(edna)
    assert "dash-sent-back" not in page and "Needs a date" in section(page, "dash-review")


def test_a_publisher_sees_the_review_queue_as_their_own(newsroom):
    review = section(dashboard(publisher()), "dash-review")
    assert "Awaiting my review" in review and "Waiting for a publisher" in review


def test_a_site_in_utc_shows_each_time_once(newsroom, settings):
    settings.TIME_ZONE = "UTC"
    scheduled = section(dashboard(editor()), "dash-scheduled")
    assert "1 Jul 2026, 13:00 UTC" in scheduled
    assert "(UTC)" not in scheduled and scheduled.count("13:00 UTC") == 1
