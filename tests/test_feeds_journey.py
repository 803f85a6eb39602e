"""A new subscriber, as a feed reader library sees the site over real HTTP."""

import feedparser
import pytest

from .feed_helpers import make_newsroom


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "path", ["/news/feed/{fmt}/", "/news/tags/health/feed/{fmt}/", "/members/who/feed/{fmt}/"]
)
@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_subscribing_and_polling_twice_gives_the_items_once_then_304(live_server, path, fmt):
    make_newsroom()
    url = live_server.url + path.format(fmt=fmt)
    first = feedparser.parse(url)
    assert first.status == 200 and not first.bozo
    assert first.entries and len({e.id for e in first.entries}) == len(first.entries)
    assert first.etag and first.modified
    second = feedparser.parse(url, etag=first.etag, modified=first.modified)
    assert second.status == 304
    assert second.entries == []


@pytest.mark.django_db(transaction=True)
def test_a_reader_finds_the_feeds_from_a_page(live_server):
    """Autodiscovery: the home page names each format with its type."""
    import re
    from urllib.request import urlopen

    make_newsroom()
    with urlopen(live_server.url + "/members/who/") as response:  # noqa: S310 (local test server)
        html = response.read().decode()
    found = {
        kind: href
        for kind, href in re.findall(
            r'<link rel="alternate" type="([^"]+)" title="[^"]*" href="([^"]+)"', html
        )
        if "/members/who/" in href
    }
    assert found == {
        "application/rss+xml": "/members/who/feed/rss/",
        "application/atom+xml": "/members/who/feed/atom/",
        "application/feed+json": "/members/who/feed/json/",
    }
    feed = feedparser.parse(live_server.url + found["application/atom+xml"])
    assert feed.status == 200 and not feed.bozo
