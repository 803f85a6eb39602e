"""Pages cost the same number of queries at any size, and deep pages are found by their ids."""

import datetime
import re
from pathlib import Path

import pytest
from django.core.cache import cache, caches
from django.core.paginator import Paginator
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from taggit.models import Tag

from announcements.models import Announcement
from announcements.views import PAGE_SIZE
from dpga.caching import content_version, page_cache

from .factories import make_announcement, make_member, make_user

pytestmark = pytest.mark.django_db

MAX_QUERIES = 6


def add_news(count, member, start=0):
    author = make_user(f"author-{start}")
    author.first_name, author.last_name = "Ada", "Author"
    author.save()
    now = timezone.now()
    for i in range(start, start + count):
        make_announcement(
            title=f"Story number {i}",
            slug=f"story-{i}",
            tags=["Health", "Data"] if i % 2 else ["Health"],
            members=[member] if i % 3 == 0 else [],
            featured=i % 7 == 0,
            author=author,
            publish_at=now - datetime.timedelta(hours=i + 1),
        )


def urls():
    pages = Paginator(range(Announcement.objects.published().count()), PAGE_SIZE).num_pages
    health = Tag.objects.get(slug="health")
    tag_pages = Paginator(range(Announcement.objects.tagged(health).count()), PAGE_SIZE)
    return {
        "home": "/",
        "news page 1": "/news/",
        "news middle page": f"/news/?page={max(1, pages // 2)}",
        "news last page": "/news/?page=last",
        "detail": "/news/story-3/",
        "tag page 1": "/news/tags/health/",
        "tag last page": f"/news/tags/health/?page={tag_pages.num_pages}",
        "member page": "/members/unicef/",
        "directory": "/members/",
        "search": "/search/?q=story",
        "RSS": "/news/feed/rss/",
        "Atom for a tag": "/news/tags/health/feed/atom/",
        "RSS for a member": "/members/unicef/feed/rss/",
    }


def count_queries(client):
    """(queries of a first render after a change, queries of a render) per page."""
    counts = {}
    for name, url in urls().items():
        cache.clear()  # as after a content change: nothing cached at all
        with CaptureQueriesContext(connection) as first:
            response = client.get(url)
        assert response.status_code == 200, url
        with CaptureQueriesContext(connection) as again:
            client.get(url)
        counts[name] = (len(first), len(again))
    return counts


def test_queries_per_page_are_few_and_do_not_grow_with_the_content(client, settings):
    settings.PAGE_CACHE_ENABLED = False  # measure rendering, not the page cache
    member = make_member(slug="unicef", name="UNICEF")
    add_news(24, member)
    small = count_queries(client)
    add_news(96, member, start=24)
    large = count_queries(client)
    assert large == small
    for name, (_first, render) in large.items():
        assert render <= MAX_QUERIES, (name, render)


def test_after_a_change_a_page_costs_at_most_a_few_more_queries(client, settings):
    settings.PAGE_CACHE_ENABLED = False
    member = make_member(slug="unicef", name="UNICEF")
    add_news(30, member)
    for name, (first, render) in count_queries(client).items():
        # The content state (1 query) and a list's page index (1 query): once per
        # content change for the whole site, not per request; the news list and
        # search also work out their ways through the news then (the archive; the
        # topics and members: one query each).
        kept = 4 if name.startswith(("news", "search")) else 2
        assert first <= render + kept, (name, first, render)
        assert first <= MAX_QUERIES, (name, first)


def test_a_rendered_page_reads_the_content_state_once_and_its_page_index_in_one_read(
    client, settings, cache_reads
):
    """Each read of a shared cache (Redis) is a round trip: a page rendered for an
    anonymous reader reads the content version once, the content state once, and
    a list's page index (its count and the page's ids) in one more read."""
    settings.PAGE_CACHE_ENABLED = False  # rendered each time; the page index is still read
    member = make_member(slug="unicef", name="UNICEF")
    add_news(24, member)
    month = timezone.localtime(Announcement.objects.get(slug="story-3").publish_at)
    pages = {
        **urls(),
        "month archive": f"/news/{month:%Y}/{month:%m}/",
        "year archive": f"/news/{month:%Y}/",
    }
    lists = ("news", "tag", "member page", "search", "archive")
    for name, url in pages.items():
        client.get(url)  # caches its page index
        cache_reads.clear()
        assert client.get(url).status_code == 200
        versions = [key for key in cache_reads if touches(key, content_version.VERSION_KEY)]
        states = [key for key in cache_reads if touches(key, content_version.STATE_KEY)]
        assert len(versions) == len(states) == 1, (name, cache_reads)
        expected = 3 if name.startswith(lists) or name.endswith("archive") else 2
        if name.startswith(("news", "search")):
            expected += 1  # the ways through the news (archive, topics), in one read
        if url.endswith("page=last"):
            expected += 1  # the count gives the last page's number, then its chunk
        assert len(cache_reads) == expected, (name, cache_reads)


def recorded_reads(monkeypatch, cache):
    """Every read of `cache` (a key, or get_many()'s list of keys), in order."""
    reads, inside = [], []
    for method in ("get", "get_many"):
        original = getattr(cache, method)

        def counted(key, *args, _original=original, **kwargs):
            if not inside:  # (the local-memory cache's get_many() calls get())
                reads.append(key)
            inside.append(key)
            try:
                return _original(key, *args, **kwargs)
            finally:
                inside.pop()

        monkeypatch.setattr(cache, method, counted)
    return reads


@pytest.fixture
def cache_reads(monkeypatch):
    """Every read of the shared cache (Redis, or files on disk): each a round trip."""
    return recorded_reads(monkeypatch, cache)


@pytest.fixture
def local_reads(monkeypatch):
    """Every read of this process's copies of page-cache entries."""
    return recorded_reads(monkeypatch, caches["local"])


def touches(key, wanted):
    """Whether a cache read (one key, or get_many()'s list) reads `wanted`."""
    return key == wanted or (isinstance(key, list) and wanted in key)


def test_a_cached_page_costs_no_query_and_one_shared_cache_read(
    client, django_assert_num_queries, cache_reads, local_reads
):
    """A page from the page cache reads the content version from the shared cache, and
    the page from this process's copy."""
    member = make_member(slug="unicef", name="UNICEF")
    add_news(12, member)
    for url in urls().values():
        page = client.get(url)
        cache_reads.clear()
        local_reads.clear()
        with django_assert_num_queries(0):
            response = client.get(url)
        assert response.status_code == 200 and response.content == page.content
        assert cache_reads == [content_version.VERSION_KEY], (url, cache_reads)
        assert len(local_reads) == 1 and not local_reads[0].endswith(":validators")


def test_a_page_another_process_stored_is_read_from_the_shared_cache_once(
    client, django_assert_num_queries, cache_reads
):
    """A process without its own copy (another worker rendered the page) reads the
    page from the shared cache once, then keeps a copy."""
    add_news(3, make_member(slug="unicef", name="UNICEF"))
    page = client.get("/news/")
    caches["local"].clear()
    cache_reads.clear()
    with django_assert_num_queries(0):
        assert client.get("/news/").content == page.content
    assert cache_reads[0] == content_version.VERSION_KEY and len(cache_reads) == 2
    cache_reads.clear()
    with django_assert_num_queries(0):
        assert client.get("/news/").content == page.content
    assert cache_reads == [content_version.VERSION_KEY]


def test_a_process_never_serves_its_copy_after_a_change_another_process_made(client):
    """Another worker's change only bumps the shared content version: this process's
    copy of the page is not served for the new version."""
    add_news(3, make_member(slug="unicef", name="UNICEF"))
    assert b"Story number 0" in client.get("/news/").content
    Announcement.objects.filter(slug="story-0").update(title="Story zero, corrected")
    assert b"Story number 0" in client.get("/news/").content  # the copy: nothing bumped
    content_version.store_new_version()  # what bump() stores, from another process
    page = client.get("/news/").content
    assert b"Story zero, corrected" in page and b"Story number 0" not in page


def test_a_page_the_shared_cache_did_not_store_is_not_kept_in_the_process(client, monkeypatch):
    """While the shared cache refuses writes (Redis lost), no copy is kept either: the
    process's copies are only ever of what the shared cache holds."""
    add_news(3, make_member(slug="unicef", name="UNICEF"))
    monkeypatch.setattr(cache, "set_many", lambda entries, *args, **kwargs: list(entries))
    assert client.get("/news/").status_code == 200
    key, _language = page_cache.page_key(RequestFactory().get("/news/"))
    assert caches["local"].get(key) is None
    monkeypatch.undo()
    client.get("/news/")
    assert caches["local"].get(key) is not None


def test_a_conditional_request_reads_the_validators_not_the_page(
    client, django_assert_num_queries, cache_reads, local_reads
):
    """A feed reader's or browser's revalidation reads the version and the page's few
    validators, never the page itself, and is answered 304 with them."""
    member = make_member(slug="unicef", name="UNICEF")
    add_news(12, member)
    for url in [*urls().values(), "/news/feed/rss/"]:
        page = client.get(url)
        cache_reads.clear()
        local_reads.clear()
        with django_assert_num_queries(0):
            response = client.get(url, headers={"if-none-match": page["ETag"]})
        assert response.status_code == 304, url
        assert (response["ETag"], response["Vary"]) == (page["ETag"], page["Vary"])
        assert response["Last-Modified"] == page["Last-Modified"]
        assert "public" in response["Cache-Control"]
        assert cache_reads == [content_version.VERSION_KEY], (url, cache_reads)
        [read] = local_reads
        assert read.endswith(":validators"), (url, local_reads)


# Page weight ---------------------------------------------------------------------


def test_a_full_home_page_is_light_and_has_no_render_blocking_script(client):
    member = make_member(slug="unicef", name="UNICEF")
    for i in range(8):
        make_member(slug=f"m{i}", name=f"A member organisation with a long name {i}")
    add_news(40, member)
    response = client.get("/")
    html = response.content.decode()
    assert len(response.content) <= 40 * 1024
    for tag in re.findall(r"<script\b[^>]*>", html):
        data_block = re.search(r'type="application/(ld\+)?json"', tag)  # not executed
        assert data_block or re.search(r"\b(async|defer)\b|type=\"module\"", tag), tag


def test_the_stylesheet_is_small():
    stylesheet = Path(__file__).resolve().parent.parent / "dpga" / "static" / "css" / "site.css"
    assert stylesheet.stat().st_size <= 20 * 1024


def test_a_kept_search_count_follows_new_matches(client, settings):
    settings.PAGE_CACHE_ENABLED = False  # the page index and counts are still kept
    for i in range(11):
        make_announcement(title=f"Water report {i}", slug=f"water-{i}")
    assert "Page 1 of 2" in client.get("/search/?q=water").text
    for i in range(11, 21):
        make_announcement(title=f"Water report {i}", slug=f"water-{i}")
    assert "Page 1 of 3" in client.get("/search/?q=water").text
