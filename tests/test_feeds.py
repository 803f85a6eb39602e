"""RSS and Atom feeds: valid, only published items, newest first, per facet, 304."""

import datetime

import feedparser
import pytest
from django.utils import timezone

from .factories import image_upload, make_announcement, make_draft, make_member, make_scheduled

pytestmark = pytest.mark.django_db

FEEDS = [
    "/news/feed/rss/",
    "/news/feed/atom/",
    "/news/tags/health/feed/rss/",
    "/news/tags/health/feed/atom/",
    "/members/who/feed/rss/",
    "/members/who/feed/atom/",
]


@pytest.fixture
def news():
    who = make_member(slug="who", name="World Health Organization")
    other = make_member(slug="fao", name="FAO")
    now = timezone.now()
    items = {
        "old": make_announcement(
            title="Old health news",
            tags=["Health"],
            members=[who],
            publish_at=now - datetime.timedelta(days=3),
        ),
        "new": make_announcement(
            title="New health news",
            tags=["Health"],
            members=[who],
            publish_at=now - datetime.timedelta(days=1),
            body="See [our page](/members/who/) and ![chart](/media/chart.png)",
        ),
        "food": make_announcement(
            title="Food news",
            tags=["Food"],
            members=[other],
            publish_at=now - datetime.timedelta(days=2),
        ),
    }
    make_draft(title="Draft health news", tags=["Health"], members=[who])
    make_scheduled(title="Scheduled health news", tags=["Health"], members=[who])
    return items


def parse(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    return response, feedparser.parse(response.content)


@pytest.mark.parametrize("url", FEEDS)
def test_every_feed_parses_without_errors_and_holds_only_published_items_newest_first(
    client, news, url
):
    response, feed = parse(client, url)
    assert not feed.bozo, feed.get("bozo_exception")
    titles = [entry.title for entry in feed.entries]
    assert "Draft health news" not in titles
    assert "Scheduled health news" not in titles
    dates = [entry.published_parsed for entry in feed.entries]
    assert dates == sorted(dates, reverse=True)
    assert titles[0] == "New health news"


def test_tag_and_member_feeds_hold_only_their_items(client, news):
    for url in ("/news/tags/health/feed/atom/", "/members/who/feed/rss/"):
        _, feed = parse(client, url)
        assert [e.title for e in feed.entries] == ["New health news", "Old health news"]
    _, feed = parse(client, "/news/feed/rss/")
    assert [e.title for e in feed.entries] == ["New health news", "Food news", "Old health news"]


def test_items_carry_content_dates_categories_and_absolute_links(client, news):
    _, feed = parse(client, "/news/feed/atom/")
    entry = feed.entries[0]
    assert entry.link == "http://testserver/news/" + news["new"].slug + "/"
    assert entry.id == news["new"].feed_id
    assert entry.id.startswith("tag:")
    assert entry.summary == news["new"].summary
    content = entry.content[0].value
    assert 'href="http://testserver/members/who/"' in content
    assert 'src="http://testserver/media/chart.png"' in content
    assert [tag.term for tag in entry.tags] == ["Health"]
    assert entry.updated_parsed and entry.published_parsed
    _, rss = parse(client, "/news/feed/rss/")
    assert rss.entries[0].content[0].value.startswith("<p>")
    assert rss.feed.links[0].href.startswith("http://testserver/")


def test_picture_is_an_enclosure_with_its_real_length_and_type(client):
    announcement = make_announcement(picture=image_upload("p.jpg", "JPEG"), picture_alt="A square.")
    for url in ("/news/feed/rss/", "/news/feed/atom/"):
        _, feed = parse(client, url)
        enclosure = feed.entries[0].enclosures[0]
        assert enclosure.type == "image/jpeg"
        assert int(enclosure.length) == announcement.picture.size
        assert enclosure.href.startswith("http://testserver/media/")


@pytest.mark.parametrize("url", FEEDS)
def test_conditional_get_with_nothing_new_is_304(client, news, url):
    response = client.get(url)
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"]
    again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    again = client.get(url, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert again.status_code == 304


def test_a_new_item_changes_the_validators(client, news):
    first = client.get("/news/tags/health/feed/rss/")
    make_announcement(title="Newest health news", tags=["Health"])
    second = client.get("/news/tags/health/feed/rss/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    assert second["ETag"] != first["ETag"]


def test_malformed_conditional_headers_are_ignored(client, news):
    response = client.get(
        "/news/feed/rss/", HTTP_IF_NONE_MATCH='garbage"', HTTP_IF_MODIFIED_SINCE="not a date"
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "url", ["/news/tags/nope/feed/rss/", "/members/nope/feed/atom/", "/news/feed/xml/"]
)
def test_unknown_feeds_are_404(client, news, url):
    assert client.get(url).status_code == 404


def test_tag_with_only_drafts_has_no_feed(client):
    make_draft(tags=["Secret"])
    assert client.get("/news/tags/secret/feed/rss/").status_code == 404


def test_every_page_links_its_feeds(client, news):
    home = client.get("/").content.decode()
    assert 'type="application/rss+xml"' in home and 'href="/news/feed/rss/"' in home
    assert 'href="/news/feed/atom/"' in home
    tag_page = client.get("/news/tags/health/").content.decode()
    assert 'rel="alternate" type="application/atom+xml"' in tag_page
    assert 'href="/news/tags/health/feed/atom/"' in tag_page
    member_page = client.get("/members/who/").content.decode()
    assert 'href="/members/who/feed/rss/"' in member_page
