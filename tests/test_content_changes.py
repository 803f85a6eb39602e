"""Every way public content changes shows on the next request, with the page cache
and without it: no purge list, nothing stale."""

import datetime
import re

import pytest
import time_machine
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from announcements.models import Announcement, AnnouncementTranslation
from dpga.caching import content_version

from .editorial import publisher
from .factories import make_announcement, make_draft, make_member, make_scheduled
from .page_cache_helpers import newsroom

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return newsroom()


@pytest.fixture(params=[True, False], ids=["page cache", "page cache off"])
def either_cache(request, settings):
    """With the page cache, and without it: what is kept besides whole pages (page
    indexes, the home page's news, a tag or member an address names) follows too."""
    settings.PAGE_CACHE_ENABLED = request.param


def test_publishing_shows_on_the_next_request(client, world, either_cache):
    draft = make_draft(title="Quiet draft", slug="quiet-draft", tags=["Health"])
    for url in ("/", "/news/", "/news/tags/health/", "/news/feed/rss/"):
        assert b"Quiet draft" not in client.get(url).content
    draft.publish()
    draft.save()
    for url in ("/", "/news/", "/news/tags/health/", "/news/feed/rss/"):
        assert b"Quiet draft" in client.get(url).content, url
    assert client.get("/news/quiet-draft/").status_code == 200


def test_unpublishing_shows_on_the_next_request(client, world, either_cache):
    live = world["live"]
    assert client.get("/news/live-story/").status_code == 200
    assert b"Live story" in client.get("/news/").content
    live.unpublish()
    live.save()
    assert client.get("/news/live-story/").status_code == 404
    for url in ("/", "/news/", "/news/tags/health/", "/members/unicef/", "/news/feed/atom/"):
        assert b"Live story" not in client.get(url).content, url


def test_an_edit_shows_on_the_next_request(client, world, either_cache):
    for url in ("/news/", "/news/live-story/", "/news/feed/rss/"):
        client.get(url)
    live = world["live"]
    live.title = "Live story, updated"
    live.save()
    for url in ("/news/", "/news/live-story/", "/news/feed/rss/"):
        assert b"Live story, updated" in client.get(url).content, url


def test_an_edit_in_the_admin_shows_on_the_next_request(client, world):
    anonymous = client.get("/news/live-story/")
    assert b"Live story" in anonymous.content
    staff = type(client)()
    staff.force_login(publisher())
    live = world["live"]
    response = staff.post(
        f"/admin/announcements/announcement/{live.pk}/change/",
        {
            "title": "Renamed in the admin",
            "slug": live.slug,
            "summary": live.summary,
            "body": live.body,
            "picture_alt": "",
            "tags": "Health",
            "status": "published",
            "publish_at_0": timezone.localtime(live.publish_at).strftime("%Y-%m-%d"),
            "publish_at_1": timezone.localtime(live.publish_at).strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302, response.content[:2000]
    assert b"Renamed in the admin" in client.get("/news/live-story/").content


def test_a_member_change_shows_on_the_next_request(client, world, either_cache):
    for url in ("/members/", "/members/unicef/", "/news/live-story/"):
        assert b"UNICEF" in client.get(url).content
    member = world["member"]
    member.name = "United Nations Children Fund"
    member.save()
    for url in ("/members/", "/members/unicef/", "/news/live-story/"):
        assert b"United Nations Children Fund" in client.get(url).content, url


def test_an_announcement_linked_to_a_member_shows_on_its_profile(client, world, either_cache):
    other = make_announcement(title="Unlinked story")
    assert b"Unlinked story" not in client.get("/members/unicef/").content
    other.members.add(world["member"])
    assert b"Unlinked story" in client.get("/members/unicef/").content


def test_a_tag_merge_shows_on_the_next_request(client, world, either_cache):
    make_announcement(title="Wellbeing story", slug="wellbeing-story", tags=["Wellbeing"])
    assert b"Wellbeing story" not in client.get("/news/tags/health/").content
    assert client.get("/news/tags/wellbeing/").status_code == 200
    # Merge "Wellbeing" into "Health": move the tagged items, delete the old tag.
    health, wellbeing = Tag.objects.get(slug="health"), Tag.objects.get(slug="wellbeing")
    TaggedItem.objects.filter(tag=wellbeing).update(tag=health)
    wellbeing.delete()
    assert b"Wellbeing story" in client.get("/news/tags/health/").content
    assert client.get("/news/tags/wellbeing/").status_code == 404
    detail = client.get("/news/wellbeing-story/").content
    assert b"/news/tags/wellbeing/" not in detail
    assert b"/news/tags/health/" in detail


def test_a_tag_rename_shows_on_the_next_request(
    client, world, either_cache, django_capture_on_commit_callbacks
):
    assert b"Health" in client.get("/news/").content
    assert "News tagged “Health”" in client.get("/news/tags/health/").text
    tag = Tag.objects.get(slug="health")
    tag.name = "Global health"
    with django_capture_on_commit_callbacks(execute=True):  # as the commit would
        tag.save()
    assert b"Global health" in client.get("/news/").content
    assert "News tagged “Global health”" in client.get("/news/tags/health/").text


def test_tags_changed_on_an_announcement_show_on_the_next_request(client, world, either_cache):
    assert b"Live story" in client.get("/news/tags/health/").content
    world["live"].tags.remove("Health")
    assert b"Live story" not in client.get("/news/tags/health/").content


def test_deleting_an_announcement_shows_on_the_next_request(client, world, either_cache):
    assert b"Live story" in client.get("/news/").content
    world["live"].delete()
    assert b"Live story" not in client.get("/news/").content


def test_a_scheduled_announcement_appears_when_its_time_comes_without_a_write(client, world, noon):
    start = timezone.now()
    make_scheduled(title="Future story", slug="future-story", tags=["Health"], hours_ahead=2)
    urls = ["/", "/news/", "/news/tags/health/", "/news/feed/rss/"]
    for url in urls:
        response = client.get(url)
        assert b"Future story" not in response.content
        assert "max-age=60" in response["Cache-Control"]
    assert client.get("/news/future-story/").status_code == 404
    noon.move_to(start + datetime.timedelta(hours=2, seconds=-30))
    response = client.get("/news/")
    assert b"Future story" not in response.content
    # HTTP caches may not keep the page past the publish time either.
    assert "max-age=30" in response["Cache-Control"]
    assert "stale-while-revalidate=0" in response["Cache-Control"]
    noon.move_to(start + datetime.timedelta(hours=2, seconds=1))
    for url in urls:
        assert b"Future story" in client.get(url).content, url
    assert client.get("/news/future-story/").status_code == 200


def visible_text(html):
    """A page's text as a reader sees it: no tags, single spaces."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_an_announcement_page_follows_its_neighbours_members_and_languages(
    client, world, noon, settings
):
    """What an announcement's page keeps for the content state -- the next and
    previous news, the members it is about, its addresses in other languages --
    follows every change, and a scheduled neighbour's time coming."""
    settings.PAGE_CACHE_ENABLED = False  # what is kept besides whole pages
    start = timezone.now()
    url = "/news/live-story/"
    page = visible_text(client.get(url).text)
    assert "Previous: Older story" in page and "Next:" not in page
    make_scheduled(title="Future story", slug="future-story", tags=["Health"], hours_ahead=1)
    assert "Next:" not in visible_text(client.get(url).text)
    noon.move_to(start + datetime.timedelta(hours=1, seconds=1))
    assert "Next: Future story" in visible_text(client.get(url).text)
    future = Announcement.objects.get(slug="future-story")
    future.unpublish()
    future.save()
    assert "Next:" not in visible_text(client.get(url).text)
    world["live"].members.add(make_member(slug="who", name="World Health Organization"))
    assert "World Health Organization" in client.get(url).text
    assert "/fr/news/histoire-en-direct/" not in client.get(url).text
    AnnouncementTranslation.objects.create(
        announcement=world["live"], language="fr", title="Histoire", slug="histoire-en-direct"
    )
    assert "/fr/news/histoire-en-direct/" in client.get(url).text
    Announcement.objects.filter(slug="older-story").update(title="Renamed story")
    content_version.bump()  # update() sends no signal: code that uses it bumps
    assert "Previous: Renamed story" in visible_text(client.get(url).text)


def test_a_scheduled_announcement_changes_the_feed_validators(client, world, noon):
    start = timezone.now()
    make_scheduled(title="Future story", slug="future-story", hours_ahead=1)
    etag = client.get("/news/feed/rss/")["ETag"]
    assert client.get("/news/feed/rss/", headers={"if-none-match": etag}).status_code == 304
    noon.move_to(start + datetime.timedelta(hours=1, seconds=1))
    response = client.get("/news/feed/rss/", headers={"if-none-match": etag})
    assert response.status_code == 200
    assert b"Future story" in response.content


def test_a_member_joining_in_the_future_appears_on_its_day(client, world, either_cache):
    today = timezone.localdate()
    make_member(
        slug="newcomer", name="Newcomer Foundation", joined_on=today + datetime.timedelta(1)
    )
    for url in ("/members/", "/"):
        assert b"Newcomer Foundation" not in client.get(url).content
    assert client.get("/members/newcomer/").status_code == 404
    tomorrow = timezone.make_aware(
        datetime.datetime.combine(today + datetime.timedelta(1), datetime.time(0, 0, 1))
    )
    with time_machine.travel(tomorrow, tick=False):
        for url in ("/members/", "/", "/members/newcomer/"):
            assert b"Newcomer Foundation" in client.get(url).content, url


def test_featuring_an_announcement_shows_on_the_home_page(client, world, either_cache):
    def featured_section():
        html = client.get("/").text.split('id="latest-heading"')[0]
        return html.split('id="featured-heading"')[1] if 'id="featured-heading"' in html else ""

    assert "Older story" not in featured_section()
    Announcement.objects.filter(slug="older-story").update(featured=True)
    content_version.bump()  # update() sends no signal: code that uses it bumps
    assert "Older story" in featured_section()
    older = Announcement.objects.get(slug="older-story")
    older.unpublish()
    older.save()
    assert "Older story" not in client.get("/").text


def test_an_address_that_names_nothing_keeps_nothing(client, world, monkeypatch, settings):
    """Anyone can make up tag and member addresses: a 404 fills no cache."""
    settings.PAGE_CACHE_ENABLED = False
    stored = []
    original = content_version.store_cached
    monkeypatch.setattr(
        content_version,
        "store_cached",
        lambda values: (
            stored.extend(k for k, v in values.items() if v is not None),
            original(values),
        ),
    )
    for n in range(5):
        assert client.get(f"/news/tags/made-up-{n}/").status_code == 404
        assert client.get(f"/members/made-up-{n}/").status_code == 404
        assert client.get(f"/news/?page={1000 * (n + 1)}").status_code == 404
    assert stored == [(("AnnouncementListView", (), ()), 10, "count")]
    assert client.get("/news/tags/health/").status_code == 200
    assert client.get("/members/unicef/").status_code == 200
    assert len(stored) == 5  # the count and first chunk of each list
