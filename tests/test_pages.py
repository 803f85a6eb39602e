"""Public pages: structure, bad input, and query counts that do not grow with content."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from members.models import Member

from .factories import make_announcement, make_draft, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    unicef = make_member(
        slug="unicef", name="UNICEF", category=Member.Category.UN_ENTITY, is_board_member=True
    )
    make_member(slug="github", name="GitHub", category=Member.Category.COMPANY)
    now = timezone.now()
    make_announcement(
        slug="first",
        title="First",
        tags=["Health"],
        members=[unicef],
        featured=True,
        publish_at=now - timezone.timedelta(days=2),
    )
    make_announcement(
        slug="second",
        title="Second",
        tags=["Health", "Data"],
        members=[unicef],
        publish_at=now - timezone.timedelta(days=1),
    )
    return unicef


def public_pages():
    today = timezone.localdate() - timezone.timedelta(days=1)  # "second" was published then
    return [
        "/",
        "/news/",
        "/news/first/",
        "/news/tags/health/",
        f"/news/{today.year}/",
        f"/news/{today.year}/{today.month:02d}/",
        "/search/",
        "/search/?q=first",
        "/search/?q=nothing-matches-this",
        "/members/",
        "/members/unicef/",
        "/no-such-page/",
    ]


@pytest.mark.parametrize("url", public_pages())
def test_every_public_page_has_exactly_one_h1_a_skip_link_and_landmarks(client, site, url):
    response = client.get(url)
    html = response.content.decode()
    assert len(re.findall(r"<h1[\s>]", html)) == 1, url
    assert '<html lang="en"' in html
    assert 'href="#main"' in html and '<main id="main"' in html
    assert "<header" in html and "<footer" in html and "<nav" in html


def test_directory_groups_members_by_category_and_marks_board_members(client, site):
    html = client.get("/members/").content.decode()
    assert (
        html.index("UN entity")
        < html.index("UNICEF")
        < html.index("Company")
        < html.index("GitHub")
    )
    assert "Board member" in html


def test_members_that_left_or_have_not_joined_are_not_listed(client, site):
    make_member(slug="gone", name="Gone Org", left_on=timezone.localdate())
    make_member(slug="future", name="Future Org", joined_on=None)
    html = client.get("/members/").content.decode()
    assert "Gone Org" not in html and "Future Org" not in html
    assert client.get("/members/gone/").status_code == 404
    assert client.get("/members/future/").status_code == 404


def test_announcement_page_links_tags_members_and_neighbours(client, site):
    html = client.get("/news/second/").content.decode()
    assert 'href="/news/tags/health/"' in html
    assert 'href="/members/unicef/"' in html
    assert 'href="/news/first/"' in html  # previous, and related by a shared tag


def test_member_profile_lists_its_published_news_newest_first(client, site):
    html = client.get("/members/unicef/").content.decode()
    assert html.index(">Second<") < html.index(">First<")


def test_home_shows_featured_latest_and_newest_members(client, site):
    html = client.get("/").content.decode()
    assert "Featured" in html and "Latest news" in html and "Newest members" in html


@pytest.mark.parametrize(
    "url",
    [
        "/news/no-such-story/",
        "/news/tags/no-such-tag/",
        "/members/no-such-member/",
        "/news/?page=999",
        "/news/?page=abc",
        "/news/?page=-1",
        "/news/?page=0",
        "/news/?page=1.5",
        "/members/unicef/?page=99",
        "/news/tags/health/?page=x",
        "/search/?q=first&page=50",
        "/news/1999/",
        "/news/0000/",
        "/news/9999/",
        "/news/2024/13/",
        "/news/2024/00/",
        "/news/99999/",
    ],
)
def test_bad_addresses_are_404_never_500(client, site, url):
    response = client.get(url)
    assert response.status_code == 404, url
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize("query", ["x" * 201, "a\x00b"])
def test_bad_search_queries_are_400_with_a_message(client, site, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 400
    assert 'class="errorlist"' in response.content.decode()


def test_500_page_renders_on_its_own():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Something went wrong" in html


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/news/",
        "/news/?page=2",
        "/news/tags/health/",
        "/members/unicef/",
        "/members/",
        "/news/feed/rss/",
    ],
)
def test_query_count_does_not_grow_with_the_number_of_announcements(client, url):
    unicef = make_member(slug="unicef", name="UNICEF")
    for _ in range(5):
        make_member()
    for _ in range(25):
        make_announcement(tags=["Health", "Data"], members=[unicef])
    small = count_queries(client, url)
    for _ in range(175):
        make_announcement(tags=["Health", "Data", "Other"], members=[unicef])
    assert count_queries(client, url) == small
    assert small <= 8


@pytest.mark.parametrize("page_cache", [True, False])
def test_a_home_page_with_no_news_says_so(client, settings, page_cache):
    settings.PAGE_CACHE_ENABLED = page_cache
    make_member(slug="unicef", name="UNICEF")
    response = client.get("/")
    assert response.status_code == 200
    assert "There is no news yet." in response.text
    assert "UNICEF" in response.text
    make_draft(title="Not yet")
    assert "There is no news yet." in client.get("/").text
