"""The admin speaks plainly: a revision list names fields as the form does and shows
what changed as text (lines added and removed, times in the site's zone), the tags app
is "Tags", a time in a UTC site is shown once."""

import datetime
import re

import pytest
from django.utils import timezone

from .editorial import admin_change_url, change_form_data, editor, logged_in, make_announcement

pytestmark = pytest.mark.django_db


def test_the_history_list_shows_changes_as_readable_text():
    edna = editor()
    announcement = make_announcement(author=edna, body="## What\n\nFirst text.")
    client = logged_in(edna)
    url = admin_change_url(announcement)
    client.post(url, change_form_data(announcement, title="First title"))
    announcement.refresh_from_db()
    later = timezone.now() + datetime.timedelta(days=3, microseconds=715668)
    body = "## What changed\n\nFirst text.\n\nA second paragraph, much longer than before."
    client.post(url, change_form_data(announcement, body=body, publish_at=later))
    page = client.get(url.replace("/change/", "/history/")).content.decode()
    changes = page[page.index('id="change-history"') :]
    assert "<strong>Body:</strong> changed: 3 lines added, 1 line removed" in changes
    assert "<strong>Title:</strong> Announcement 1 → First title" in changes
    assert "chars]" not in changes
    micro = re.search(r"\d\d:\d\d:\d\d\.\d+", changes)
    assert not micro, changes[micro.start() - 300 : micro.end() + 50]
    assert re.search(r"<strong>Publish at:</strong> [^<]*\d{4}, \d\d:\d\d UTC → ", changes)


def test_the_tags_app_is_called_tags():
    page = logged_in(editor()).get("/admin/").content.decode()
    assert "Taggit" not in page and "TAGGIT" not in page


def test_the_publish_time_help_names_a_utc_zone_once(settings):
    settings.TIME_ZONE = "UTC"
    page = logged_in(editor()).get("/admin/announcements/announcement/add/").content.decode()
    assert "UTC (UTC" not in page and "UTC, UTC+" not in page
    assert "Time zone: UTC." in page
