"""Drafts and scheduled announcements are absent from every public surface,
and scheduled ones appear by themselves when their time comes."""

import datetime

import feedparser
import pytest
import time_machine
from django.utils import timezone

from announcements.models import Announcement

from .factories import make_announcement, make_draft, make_member, make_scheduled
from .sitemap_helpers import sitemap_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    member = make_member(slug="unicef", name="UNICEF")
    live = make_announcement(
        title="Live story", slug="live-story", tags=["health"], members=[member]
    )
    draft = make_draft(title="Secret draft", slug="secret-draft", tags=["health"], members=[member])
    scheduled = make_scheduled(
        title="Future story", slug="future-story", tags=["health"], members=[member], hours_ahead=5
    )
    return {"member": member, "live": live, "draft": draft, "scheduled": scheduled}


def public_surfaces():
    return [
        "/",
        "/news/",
        "/news/{year}/",
        "/news/{year}/{month:02d}/",
        "/news/tags/health/",
        "/members/unicef/",
        "/search/?q=story",
        "/news/feed/rss/",
        "/news/feed/atom/",
        "/news/tags/health/feed/rss/",
        "/news/tags/health/feed/atom/",
        "/members/unicef/feed/rss/",
        "/members/unicef/feed/atom/",
        "/sitemap-news.xml",
    ]


@pytest.mark.parametrize("url", public_surfaces())
def test_drafts_and_scheduled_are_on_no_public_surface(client, world, url):
    published_on = timezone.localtime(world["live"].publish_at)
    url = url.format(year=published_on.year, month=published_on.month)
    response = client.get(url)
    assert response.status_code == 200, url
    content = response.content.decode()
    assert "Live story" in content or "live-story" in content
    for hidden in ("Secret draft", "secret-draft", "Future story", "future-story"):
        assert hidden not in content, f"{hidden} leaked on {url}"


@pytest.mark.parametrize("word", ["secret", "future", "draft"])
def test_search_never_finds_unpublished_announcements(client, world, word):
    content = client.get(f"/search/?q={word}").content.decode()
    assert "Secret draft" not in content
    assert "Future story" not in content


def test_draft_and_scheduled_detail_pages_are_404_for_the_public(client, world):
    assert client.get("/news/live-story/").status_code == 200
    assert client.get("/news/secret-draft/").status_code == 404
    assert client.get("/news/future-story/").status_code == 404


def test_scheduled_announcement_goes_live_when_its_time_comes(client, world):
    later = timezone.now() + datetime.timedelta(hours=6)
    with time_machine.travel(later, tick=False):
        assert client.get("/news/future-story/").status_code == 200
        assert "Future story" in client.get("/news/").content.decode()
        assert "Future story" in client.get("/news/tags/health/").content.decode()
        assert "Future story" in client.get("/members/unicef/").content.decode()
        feed = feedparser.parse(client.get("/news/feed/rss/").content)
        assert "Future story" in [entry.title for entry in feed.entries]
        assert "/news/future-story/" in sitemap_text(client)
        # The draft stays hidden whatever the time.
        assert client.get("/news/secret-draft/").status_code == 404


def test_published_is_the_rule_status_and_time():
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        live = make_announcement(publish_at=now)
        make_draft(publish_at=now - datetime.timedelta(days=1))
        make_scheduled(hours_ahead=1)
        assert list(Announcement.objects.published()) == [live]
        assert live.is_published
