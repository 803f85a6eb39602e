"""The page cache: anonymous readers get cached pages and feeds, never a stale or private one."""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.http import parse_http_date
from taggit.models import Tag, TaggedItem

from announcements.models import Announcement, AnnouncementTranslation
from dpga.caching import content_version

from .factories import make_announcement, make_draft, make_member, make_scheduled, make_user

pytestmark = pytest.mark.django_db

PAGES = ["/", "/news/", "/news/live-story/", "/news/tags/health/", "/members/", "/members/unicef/"]
FEEDS = ["/news/feed/rss/", "/news/feed/atom/", "/news/tags/health/feed/rss/"]


@pytest.fixture
def world():
    member = make_member(slug="unicef", name="UNICEF")
    live = make_announcement(
        title="Live story", slug="live-story", tags=["Health"], members=[member]
    )
    make_announcement(title="Older story", slug="older-story", tags=["Health"], members=[member])
    return {"member": member, "live": live}


def publisher():
    user = make_user("pat")
    user.groups.add(Group.objects.get(name="Publishers"))
    return user


@pytest.mark.parametrize("url", PAGES + FEEDS + ["/search/?q=story"])
def test_a_repeated_anonymous_request_is_served_from_the_cache(
    client, world, url, django_assert_num_queries
):
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = client.get(url)
    assert second.status_code == 200
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]


def test_pages_cached_before_a_deploy_are_not_served_after_it(client, world, monkeypatch):
    """New code or templates (a new release) draw the page again, content unchanged."""
    first = client.get("/news/")
    monkeypatch.setattr("dpga.caching.content_version.release", lambda: "a-new-release")
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/news/")
    assert again.status_code == 200 and len(queries) > 0  # drawn again, not from the cache
    assert again.content == first.content


@pytest.mark.parametrize("url", PAGES + FEEDS)
def test_public_responses_carry_validators_and_cache_lifetimes(client, world, noon, url):
    for response in (client.get(url), client.get(url)):  # rendered, then from the cache
        cache_control = response["Cache-Control"]
        assert "public" in cache_control
        assert "max-age=60" in cache_control
        assert "stale-while-revalidate=300" in cache_control
        assert response["ETag"].startswith(('"', 'W/"'))
        assert response.has_header("Last-Modified")
        assert "Cookie" in response["Vary"]


@pytest.mark.parametrize("url", ["/", "/members/", "/news/feed/atom/"])
def test_http_caches_may_not_keep_a_page_past_local_midnight(client, world, noon, url):
    """Members join and leave on their day: the content renews at local midnight, and
    no CDN or browser may serve the day's page, stale or not, after it."""
    midnight = timezone.make_aware(
        datetime.datetime.combine(
            timezone.localdate() + datetime.timedelta(days=1), datetime.time()
        )
    )
    noon.move_to(midnight - datetime.timedelta(minutes=3))
    for response in (client.get(url), client.get(url)):  # rendered, then from the cache
        assert "max-age=60" in response["Cache-Control"]
        assert "stale-while-revalidate=120" in response["Cache-Control"]
    noon.move_to(midnight - datetime.timedelta(seconds=40))
    response = client.get(url)
    assert "max-age=40" in response["Cache-Control"]
    assert "stale-while-revalidate=0" in response["Cache-Control"]


@pytest.mark.parametrize("url", PAGES + FEEDS)
def test_a_matching_etag_gets_304_without_a_query(client, world, url, django_assert_num_queries):
    etag = client.get(url)["ETag"]
    with django_assert_num_queries(0):
        response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


@pytest.mark.parametrize("url", ["/news/", "/news/feed/rss/"])
def test_if_modified_since_gets_304_until_the_content_changes(client, world, url):
    last_modified = client.get(url)["Last-Modified"]
    assert client.get(url, headers={"if-modified-since": last_modified}).status_code == 304
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=2)):
        make_announcement(title="Breaking story", tags=["Health"])
        response = client.get(url, headers={"if-modified-since": last_modified})
    assert response.status_code == 200
    assert b"Breaking story" in response.content


def test_a_304_is_answered_for_a_page_rendered_with_the_cache_off(client, world, settings):
    settings.PAGE_CACHE_ENABLED = False
    etag = client.get("/news/")["ETag"]
    assert client.get("/news/", headers={"if-none-match": etag}).status_code == 304


def test_a_stale_etag_gets_the_new_page(client, world):
    etag = client.get("/news/")["ETag"]
    world["live"].title = "Live story, corrected"
    world["live"].save()
    response = client.get("/news/", headers={"if-none-match": etag})
    assert response.status_code == 200
    assert response["ETag"] != etag
    assert b"Live story, corrected" in response.content


# Every way content changes shows on the next request ----------------------------


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


def test_a_tag_rename_shows_on_the_next_request(client, world, either_cache):
    assert b"Health" in client.get("/news/").content
    assert "News tagged “Health”" in client.get("/news/tags/health/").text
    tag = Tag.objects.get(slug="health")
    tag.name = "Global health"
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


# Who never gets, and never fills, the cache --------------------------------------


def test_staff_are_never_served_a_cached_page(client, world, django_assert_max_num_queries):
    client.get("/news/")  # anonymous: cached
    staff = type(client)()
    staff.force_login(publisher())
    response = staff.get("/news/")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_a_staff_request_never_fills_the_cache(client, world, django_assert_num_queries):
    staff = type(client)()
    staff.force_login(publisher())
    staff.get("/news/")
    staff.get("/news/")
    # The anonymous reader after them still gets a freshly rendered page.
    response = client.get("/news/")
    assert response.status_code == 200
    with django_assert_num_queries(0):
        client.get("/news/")  # ... which is now cached


def test_a_session_cookie_or_a_pending_message_bypasses_the_cache(client, world, settings):
    client.get("/news/")
    for cookie in (settings.SESSION_COOKIE_NAME, "messages"):
        visitor = type(client)()
        visitor.cookies[cookie] = "anything"
        response = visitor.get("/news/")
        assert response.status_code == 200
        assert "private" in response["Cache-Control"], cookie


def test_no_draft_leaks_through_a_cached_page(client, world):
    make_draft(title="Secret draft", slug="secret-draft", tags=["Health"])
    staff = type(client)()
    staff.force_login(publisher())
    preview = staff.get("/news/secret-draft/")
    assert preview.status_code == 200
    assert "no-cache" in preview["Cache-Control"]
    assert client.get("/news/secret-draft/").status_code == 404
    for url in PAGES + FEEDS:
        assert b"Secret draft" not in client.get(url).content, url


def test_a_not_found_page_is_not_cached(client, world):
    assert client.get("/news/not-yet/").status_code == 404
    make_announcement(title="Not yet", slug="not-yet")
    assert client.get("/news/not-yet/").status_code == 200


def test_the_admin_and_other_private_pages_are_never_cached(client, world):
    response = client.get("/admin/login/")
    assert "public" not in response.get("Cache-Control", "")
    assert client.get("/robots.txt").get("ETag") is None


def test_a_lost_content_version_makes_a_new_one(client, world):
    client.get("/news/")
    old = content_version.current_version()
    from django.core.cache import cache

    cache.delete(content_version.VERSION_KEY)
    assert content_version.current_version() != old
    assert b"Live story" in client.get("/news/").content


def test_each_host_name_has_its_own_cached_page(client, world, settings):
    settings.ALLOWED_HOSTS = ["news.example.org", "testserver"]
    client.get("/news/")
    response = client.get("/news/", headers={"host": "news.example.org"})
    assert b'href="http://news.example.org/news/"' in response.content


def test_head_is_answered_from_the_cache(client, world, django_assert_num_queries):
    client.get("/news/")
    with django_assert_num_queries(0):
        response = client.head("/news/")
    assert response.status_code == 200


def test_last_modified_is_not_older_than_the_last_change(client, world):
    client.get("/news/")
    later = timezone.now() + datetime.timedelta(minutes=5)
    with time_machine.travel(later, tick=False):
        live = Announcement.objects.get(slug="live-story")
        live.summary = "A changed summary."
        live.save()
        response = client.get("/news/")
    assert parse_http_date(response["Last-Modified"]) >= int(later.timestamp())


def test_a_state_kept_for_another_version_is_never_used(client, world, noon, settings):
    """The content state is kept under one key, read with the version in one round
    trip: a reader that computed it for the version before a change, and wrote it
    back after the change, must not make the new version's pages follow the old
    state (here: miss a scheduled publish time that the old state did not know)."""
    settings.PAGE_CACHE_ENABLED = False
    start = timezone.now()
    with content_version.one_state_per_request():
        old_state = content_version.content_state()
    make_scheduled(title="Future story", slug="future-story", hours_ahead=1)  # a bump
    # The slow reader, after the bump, keeps its state as long as it holds.
    lifetime = content_version.timeout_until(old_state["valid_until"], timezone.now())
    cache.set(content_version.STATE_KEY, old_state, lifetime)
    assert b"Future story" not in client.get("/news/").content
    noon.move_to(start + datetime.timedelta(hours=1, seconds=1))
    assert b"Future story" in client.get("/news/").content
    with content_version.one_state_per_request():
        assert content_version.content_state()["version"] != old_state["version"]
