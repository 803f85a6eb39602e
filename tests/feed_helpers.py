"""Shared pieces for the feed tests: a small newsroom, format checks."""

import datetime
import json
import re
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
from django.utils import timezone

from .factories import make_announcement, make_draft, make_member, make_scheduled

FORMATS = ("rss", "atom", "json")
FEED_PATHS = ("/news/feed/{fmt}/", "/news/tags/health/feed/{fmt}/", "/members/who/feed/{fmt}/")
ALL_FEEDS = [path.format(fmt=fmt) for path in FEED_PATHS for fmt in FORMATS]

JSON_FEED_TOP_LEVEL = {
    "version",
    "title",
    "home_page_url",
    "feed_url",
    "description",
    "user_comment",
    "next_url",
    "icon",
    "favicon",
    "authors",
    "language",
    "expired",
    "hubs",
    "items",
}
JSON_FEED_ITEM = {
    "id",
    "url",
    "external_url",
    "title",
    "content_html",
    "content_text",
    "summary",
    "image",
    "banner_image",
    "date_published",
    "date_modified",
    "authors",
    "tags",
    "language",
    "attachments",
}
RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$", re.IGNORECASE
)


def make_newsroom():
    """Health news about WHO, food news about FAO, and a draft and a scheduled item."""
    who = make_member(slug="who", name="World Health Organization")
    fao = make_member(slug="fao", name="Food and Agriculture Organization")
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
            slug="new-health-news",
            tags=["Health"],
            members=[who],
            publish_at=now - datetime.timedelta(days=1),
            body=(
                "See [our page](/members/who/), [the report](report/), "
                "[elsewhere](https://example.org/x) and ![chart](/media/chart.png)"
            ),
        ),
        "food": make_announcement(
            title="Food news",
            tags=["Food"],
            members=[fao],
            publish_at=now - datetime.timedelta(days=2),
        ),
    }
    items["draft"] = make_draft(title="Draft health news", tags=["Health"], members=[who])
    items["scheduled"] = make_scheduled(
        title="Scheduled health news", tags=["Health"], members=[who]
    )
    items["who"], items["fao"] = who, fao
    return items


def is_absolute_url(value):
    parts = urlsplit(value)
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


def json_feed_problems(document):
    """Every way a JSON document breaks the JSON Feed 1.1 rules (empty: valid)."""
    problems = []

    def check_url(where, value):
        if not isinstance(value, str) or not is_absolute_url(value):
            problems.append(f"{where} is not an absolute URL: {value!r}")

    def check_date(where, value):
        if not isinstance(value, str) or not RFC3339.match(value):
            problems.append(f"{where} is not an RFC 3339 date: {value!r}")
            return
        datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))

    def check_authors(where, authors):
        if not isinstance(authors, list) or not authors:
            problems.append(f"{where}.authors must be a non-empty list")
            return
        for author in authors:
            if not set(author) & {"name", "url", "avatar"}:
                problems.append(f"{where}.authors has an empty author")

    if document.get("version") != "https://jsonfeed.org/version/1.1":
        problems.append("version is not https://jsonfeed.org/version/1.1")
    if not isinstance(document.get("title"), str) or not document["title"]:
        problems.append("title is required")
    if not isinstance(document.get("items"), list):
        problems.append("items is required and must be a list")
    for key in set(document) - JSON_FEED_TOP_LEVEL:
        if not key.startswith("_"):
            problems.append(f"unknown top-level key {key!r}")
    for key in ("home_page_url", "feed_url", "next_url", "icon", "favicon"):
        if key in document:
            check_url(key, document[key])
    if "authors" in document:
        check_authors("feed", document["authors"])
    for hub in document.get("hubs", []):
        if not hub.get("type") or not hub.get("url"):
            problems.append("a hub needs type and url")
        else:
            check_url("hub.url", hub["url"])
    ids = []
    for index, item in enumerate(document.get("items") or []):
        where = f"items[{index}]"
        if not isinstance(item.get("id"), str) or not item["id"]:
            problems.append(f"{where}.id is required and must be a string")
        ids.append(item.get("id"))
        if not (item.get("content_html") or item.get("content_text")):
            problems.append(f"{where} needs content_html or content_text")
        for key in set(item) - JSON_FEED_ITEM:
            if not key.startswith("_"):
                problems.append(f"{where} has unknown key {key!r}")
        for key in ("url", "external_url", "image", "banner_image"):
            if key in item:
                check_url(f"{where}.{key}", item[key])
        for key in ("date_published", "date_modified"):
            if key in item:
                check_date(f"{where}.{key}", item[key])
        if "authors" in item:
            check_authors(where, item["authors"])
        if "tags" in item and not all(isinstance(tag, str) for tag in item["tags"]):
            problems.append(f"{where}.tags must be strings")
        for attachment in item.get("attachments", []):
            check_url(f"{where}.attachment.url", attachment.get("url"))
            if "/" not in str(attachment.get("mime_type", "")):
                problems.append(f"{where}.attachment needs a mime_type")
            if not isinstance(attachment.get("size_in_bytes", 0), int):
                problems.append(f"{where}.attachment.size_in_bytes must be a number")
    if len(ids) != len(set(ids)):
        problems.append("item ids are not unique")
    return problems


def parse_json_feed(response):
    assert response["Content-Type"].startswith("application/feed+json")
    document = json.loads(response.content)
    assert json_feed_problems(document) == []
    return document


def entries(client, url, **headers):
    """(response, [(id, title)]) for any of the three formats."""
    response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    if "/json/" in url:
        document = parse_json_feed(response)
        return response, [(item["id"], item["title"]) for item in document["items"]]
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return response, [(entry.id, entry.title) for entry in feed.entries]


@cache
def atom_relaxng():
    """lxml's RELAX NG validator for RFC 4287's schema, converted from the RNC by rnc2rng."""
    import rnc2rng
    from lxml import etree

    rnc = Path(__file__).parent / "schemas" / "atom.rnc"
    rng = rnc2rng.dumps(rnc2rng.load(str(rnc)))
    # `namespace local = ""` comes out as xmlns:local="", which XML namespaces
    # forbid; the grammar itself uses ns="" and does not need the declaration.
    rng = rng.replace('xmlns:local=""', "")
    return etree.RelaxNG(etree.fromstring(rng.encode()))


def atom_schema_errors(content):
    from lxml import etree

    schema = atom_relaxng()
    if schema.validate(etree.fromstring(content)):
        return []
    return [str(error) for error in schema.error_log]
