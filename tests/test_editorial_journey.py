"""The issue's "done when", tried as a new user would, end to end through the admin."""

import datetime

import feedparser
import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from announcements.models import Announcement, PreviewLink, Transition
from dpga.review.models import WorkingCopy

from .editorial import admin_change_url, change_form_data, editor, logged_in, publisher

pytestmark = pytest.mark.django_db


def test_draft_preview_review_schedule_rename_and_go_live(settings):
    settings.TIME_ZONE = "Europe/Brussels"
    start = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        edna, paul = editor(), publisher()
        editor_client, publisher_client, reviewer = logged_in(edna), logged_in(paul), Client()

        # An editor writes a draft.
        response = editor_client.post(
            "/admin/announcements/announcement/add/",
            {
                "title": "A ministry joins the alliance",
                "slug": "ministry-joins",
                "summary": "A new government member.",
                "body": "The ministry **joins** today.",
                "picture_alt": "",
                "tags": "membership",
                "status": "draft",
                "publish_at_0": "2026-03-10",
                "publish_at_1": "10:00:00",
                "workflow_comment": "",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        announcement = Announcement.objects.get(slug="ministry-joins")
        assert announcement.status == Announcement.Status.DRAFT
        assert announcement.author == edna

        # ... sends a preview link to a reviewer without an account ...
        response = editor_client.post(
            f"/admin/announcements/announcement/{announcement.pk}/preview-links/new/"
        )
        assert response.status_code == 302
        link = PreviewLink.objects.get(announcement=announcement)
        preview = reviewer.get(link.get_preview_url())
        assert preview.status_code == 200
        assert "The ministry <strong>joins</strong> today." in preview.content.decode()
        assert preview["X-Robots-Tag"].startswith("noindex")
        assert preview["Cache-Control"] == "private, no-store"
        assert reviewer.get("/news/ministry-joins/").status_code == 404

        # ... and submits it for review.
        response = editor_client.post(
            admin_change_url(announcement),
            change_form_data(announcement, _workflow="submit", workflow_comment="Please check."),
        )
        assert response.status_code == 302
        announcement.refresh_from_db()
        assert announcement.status == Announcement.Status.REVIEW

        # A publisher schedules it for tomorrow, 10:00 in the site's zone.
        tomorrow_ten = timezone.make_aware(datetime.datetime(2026, 3, 11, 10, 0))
        response = publisher_client.post(
            admin_change_url(announcement),
            change_form_data(announcement, publish_at=tomorrow_ten, _workflow="publish"),
            follow=True,
        )
        assert "is scheduled: it goes live on 11 Mar 2026, 10:00 CET (11 Mar 2026, 09:00 UTC)" in (
            response.content.decode()
        )
        announcement.refresh_from_db()
        assert announcement.is_scheduled
        assert announcement.publish_at == datetime.datetime(2026, 3, 11, 9, 0, tzinfo=datetime.UTC)

        # The editor renames its slug before it goes live.
        response = editor_client.post(
            admin_change_url(announcement),
            change_form_data(announcement, slug="ministry-of-ict-joins"),
        )
        assert response.status_code == 302
        announcement.refresh_from_db()
        assert announcement.slug == "ministry-joins", "a scheduled item's rename waits"
        # The publisher approves the pending rename.
        [pending] = WorkingCopy.objects.of(announcement)
        publisher_client.post(f"/admin/dpga/workingcopy/{pending.pk}/approve/")
        announcement.refresh_from_db()
        assert announcement.slug == "ministry-of-ict-joins"
        assert announcement.is_scheduled, "an editor's rename leaves the schedule alone"
        assert reviewer.get("/news/ministry-of-ict-joins/").status_code == 404
        assert reviewer.get(link.get_preview_url()).status_code == 200

    steps = list(Transition.objects.filter(announcement=announcement).order_by("at", "pk"))
    assert [(s.action, s.by) for s in steps] == [("submit", edna), ("publish", paul)]

    # After it goes live, the old link and the feed still work.
    with time_machine.travel(datetime.datetime(2026, 3, 11, 9, 1, tzinfo=datetime.UTC), tick=False):
        old = reviewer.get("/news/ministry-joins/")
        assert old.status_code == 301
        assert old["Location"] == "/news/ministry-of-ict-joins/"
        assert reviewer.get(old["Location"]).status_code == 200
        assert reviewer.get(link.get_preview_url())["Location"] == "/news/ministry-of-ict-joins/"
        for fmt in ("rss", "atom"):
            feed = feedparser.parse(reviewer.get(f"/news/feed/{fmt}/").content)
            entry = feed.entries[0]
            assert entry.link == "http://testserver/news/ministry-of-ict-joins/"
            assert entry.id == announcement.feed_id
            tag_feed = reviewer.get("/news/tags/membership/feed/rss/")
            assert tag_feed.status_code == 200
