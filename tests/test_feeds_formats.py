"""Every feed in RSS 2.0, Atom 1.0 and JSON Feed 1.1: valid, complete, with stable ids."""

import json

import feedparser
import pytest
from lxml import etree

from .factories import image_upload, make_announcement
from .feed_helpers import (
    ALL_FEEDS,
    FORMATS,
    atom_schema_errors,
    entries,
    is_absolute_url,
    make_newsroom,
    parse_json_feed,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def newsroom():
    return make_newsroom()


@pytest.mark.parametrize("url", ALL_FEEDS)
def test_every_format_of_every_feed_parses_with_only_published_items_newest_first(
    client, newsroom, url
):
    response, items = entries(client, url)
    titles = [title for _id, title in items]
    assert "Draft health news" not in titles and "Scheduled health news" not in titles
    assert titles[0] == "New health news"
    expected = ["New health news", "Food news", "Old health news"]
    if "/news/feed/" not in url:
        expected = ["New health news", "Old health news"]
    assert titles == expected


@pytest.mark.parametrize("url", [u for u in ALL_FEEDS if "/atom/" in u])
def test_atom_feeds_validate_against_the_rfc_4287_relax_ng_schema(client, newsroom, url):
    make_announcement(
        title="With a picture",
        tags=["Health"],
        members=[newsroom["who"]],
        picture=image_upload("p.png"),
        picture_alt="A red rectangle.",
    )
    response = client.get(url)
    assert atom_schema_errors(response.content) == []


def test_the_schema_check_can_fail():
    """The validator is real: a feed without id and updated is rejected."""
    bad = b'<feed xmlns="http://www.w3.org/2005/Atom"><title>Only a title</title></feed>'
    assert atom_schema_errors(bad)


@pytest.mark.parametrize("fmt", FORMATS)
def test_item_ids_never_change_when_the_title_or_slug_is_edited(client, newsroom, fmt):
    url = f"/news/feed/{fmt}/"
    _, before = entries(client, url)
    item = newsroom["new"]
    item.title = "A better title"
    item.slug = "a-better-slug"
    item.save()
    _, after = entries(client, url)
    assert [item_id for item_id, _title in after] == [item_id for item_id, _title in before]
    assert dict(after)[item.feed_id] == "A better title"
    assert item.feed_id.startswith("tag:") and str(item.pk) in item.feed_id


def test_rss_item_carries_full_content_enclosure_author_categories_and_self_link(client):
    announcement = make_announcement(
        title="Pictured",
        tags=["Health", "Data"],
        picture=image_upload("p.jpg", "JPEG"),
        picture_alt="A square.",
        body="Read [the report](report/) and [the list](/news/).",
    )
    response = client.get("/news/feed/rss/")
    root = etree.fromstring(response.content)
    channel = root.find("channel")
    self_link = channel.find(f"{ATOM}link[@rel='self']")
    assert self_link.get("href") == "http://testserver/news/feed/rss/"
    assert channel.findtext("language") == "en"
    assert is_absolute_url(channel.find("image").findtext("url"))
    item = channel.find("item")
    assert item.findtext("guid") == announcement.feed_id
    assert item.find("guid").get("isPermaLink") == "false"
    enclosure = item.find("enclosure")
    assert enclosure.get("type") == "image/jpeg"
    assert int(enclosure.get("length")) == announcement.picture.size
    assert is_absolute_url(enclosure.get("url"))
    content = item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded")
    page = f"http://testserver/news/{announcement.slug}/"
    assert f'href="{page}report/"' in content
    assert 'href="http://testserver/news/"' in content
    assert sorted(c.text for c in item.findall("category")) == ["Data", "Health"]
    assert item.findtext("{http://purl.org/dc/elements/1.1/}creator")


def test_atom_feed_has_self_alternate_icon_logo_language_and_a_stable_id(client, newsroom):
    response = client.get("/news/tags/health/feed/atom/")
    root = etree.fromstring(response.content)
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links["self"] == "http://testserver/news/tags/health/feed/atom/"
    assert links["alternate"] == "http://testserver/news/tags/health/"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
    assert is_absolute_url(root.findtext(f"{ATOM}icon"))
    assert is_absolute_url(root.findtext(f"{ATOM}logo"))
    feed_id = root.findtext(f"{ATOM}id")
    assert feed_id.startswith("tag:") and "testserver" not in feed_id
    # The id survives a new host and new items: it names the feed, not the address.
    make_announcement(tags=["Health"])
    again = etree.fromstring(
        client.get("/news/tags/health/feed/atom/", HTTP_HOST="localhost").content
    )
    assert again.findtext(f"{ATOM}id") == feed_id


def test_atom_entry_has_published_distinct_from_updated_enclosure_and_content(client, newsroom):
    item = newsroom["new"]
    item.picture = image_upload("p.png")
    item.picture_alt = "A red rectangle."
    item.save()  # edited a day after publication
    feed = feedparser.parse(client.get("/news/feed/atom/").content)
    entry = feed.entries[0]
    assert entry.id == item.feed_id
    assert entry.published_parsed < entry.updated_parsed
    assert entry.author == item.author_name
    enclosure = [link for link in entry.links if link.rel == "enclosure"][0]
    assert enclosure.type == "image/png" and int(enclosure.length) == item.picture.size
    content = entry.content[0].value
    assert 'href="http://testserver/members/who/"' in content
    assert 'href="http://testserver/news/new-health-news/report/"' in content
    assert 'href="https://example.org/x"' in content
    assert 'src="http://testserver/media/chart.png"' in content


def test_json_feed_items_have_content_image_attachments_authors_tags_and_dates(client, newsroom):
    item = newsroom["new"]
    item.picture = image_upload("p.png")
    item.picture_alt = "A red rectangle."
    item.save()
    document = parse_json_feed(client.get("/news/feed/json/"))
    assert document["feed_url"] == "http://testserver/news/feed/json/"
    assert document["home_page_url"] == "http://testserver/news/"
    assert document["language"] == "en"
    assert is_absolute_url(document["icon"])
    entry = document["items"][0]
    assert entry["id"] == item.feed_id
    assert entry["url"] == "http://testserver/news/new-health-news/"
    assert entry["summary"] == item.summary
    assert 'src="http://testserver/media/chart.png"' in entry["content_html"]
    assert entry["image"] == entry["attachments"][0]["url"]
    assert entry["attachments"][0] == {
        "url": entry["image"],
        "mime_type": "image/png",
        "size_in_bytes": item.picture.size,
    }
    assert entry["tags"] == ["Health"]
    assert entry["authors"] == [{"name": item.author_name}]
    assert entry["date_published"] < entry["date_modified"]


def test_json_feed_checker_catches_broken_documents(client, newsroom):
    """The JSON Feed rules the tests apply can fail."""
    from .feed_helpers import json_feed_problems

    good = json.loads(client.get("/news/feed/json/").content)
    assert json_feed_problems(good) == []
    broken = {**good, "version": "https://jsonfeed.org/version/1", "home_page_url": "/news/"}
    broken["items"] = [{**good["items"][0], "date_published": "yesterday"}]
    del broken["items"][0]["content_html"]
    problems = json_feed_problems(broken)
    assert len(problems) == 4, problems


@pytest.mark.parametrize(
    ("page", "route"),
    [
        ("/", "/news/feed/"),
        ("/news/tags/health/", "/news/tags/health/feed/"),
        ("/members/who/", "/members/who/feed/"),
    ],
)
def test_pages_name_all_three_formats_with_their_types(client, newsroom, page, route):
    html = client.get(page).content.decode()
    for fmt, mime in [
        ("rss", "application/rss+xml"),
        ("atom", "application/atom+xml"),
        ("json", "application/feed+json"),
    ]:
        assert f'<link rel="alternate" type="{mime}"' in html
        assert f'href="{route}{fmt}/"' in html


def test_hub_is_advertised_in_every_format_when_configured(client, newsroom, settings):
    settings.WEBSUB_HUB_URL = "https://hub.example/"
    rss = etree.fromstring(client.get("/news/feed/rss/").content)
    assert rss.find(f"channel/{ATOM}link[@rel='hub']").get("href") == "https://hub.example/"
    atom = etree.fromstring(client.get("/members/who/feed/atom/").content)
    assert atom.find(f"{ATOM}link[@rel='hub']").get("href") == "https://hub.example/"
    document = parse_json_feed(client.get("/news/tags/health/feed/json/"))
    assert document["hubs"] == [{"type": "WebSub", "url": "https://hub.example/"}]


def test_no_hub_link_without_a_hub(client, newsroom, settings):
    settings.WEBSUB_HUB_URL = ""
    assert b'rel="hub"' not in client.get("/news/feed/atom/").content
    assert "hubs" not in json.loads(client.get("/news/feed/json/").content)


def test_an_empty_site_still_has_valid_feeds(client):
    for fmt in FORMATS:
        response = client.get(f"/news/feed/{fmt}/")
        assert response.status_code == 200
    assert atom_schema_errors(client.get("/news/feed/atom/").content) == []
    assert parse_json_feed(client.get("/news/feed/json/"))["items"] == []


@pytest.mark.parametrize(
    "url",
    [
        "/news/tags/nope/feed/json/",
        "/members/nope/feed/json/",
        "/news/feed/xml/",
        "/news/feed/JSON/",
    ],
)
def test_unknown_feeds_are_404(client, newsroom, url):
    assert client.get(url).status_code == 404
