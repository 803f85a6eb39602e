"""Feeds for people: RSS and Atom name an XSL stylesheet that a browser shows as a page
explaining what a feed is and offering email, in the feed's language; feed readers and
JSON Feed are unaffected."""

import pytest
from lxml import etree

from tests.factories import make_announcement

pytestmark = pytest.mark.django_db


def page_for(client, feed_url):
    """The page a browser shows for this feed: the feed run through the stylesheet it names."""
    body = client.get(feed_url).content
    assert body.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<?xml-stylesheet href=')
    document = etree.fromstring(body)
    instruction = document.getprevious()
    assert instruction.target == "xml-stylesheet"
    assert instruction.get("type") == "text/xsl"
    response = client.get(instruction.get("href"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xslt+xml; charset=utf-8"
    page = etree.XSLT(etree.fromstring(response.content))(document)
    return page.getroot()


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_a_browser_opening_a_feed_gets_a_readable_page_offering_email(client, fmt):
    make_announcement(title="OICT joins the alliance")
    page = page_for(client, f"/news/feed/{fmt}/")
    text = " ".join(page.itertext())
    assert "This is a news feed." in text
    assert "OICT joins the alliance" in text
    assert page.xpath("//a[@href='/subscribe/']")
    assert (page.get("lang"), page.get("dir")) == ("en", "ltr")


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_a_french_feed_explains_itself_in_french(client, fmt):
    make_announcement(title="OICT joins the alliance")
    page = page_for(client, f"/fr/news/feed/{fmt}/")
    text = " ".join(page.itertext())
    assert "Ceci est un flux d’actualités." in text
    assert "This is a news feed." not in text
    assert page.xpath("//a[@href='/fr/subscribe/']/text()") == [
        "S’abonner aux actualités par e-mail"
    ]
    assert (page.get("lang"), page.get("dir")) == ("fr", "ltr")


def test_an_arabic_feed_page_reads_right_to_left_in_arabic(client):
    make_announcement()
    page = page_for(client, "/ar/news/feed/rss/")
    assert (page.get("lang"), page.get("dir")) == ("ar", "rtl")
    assert "هذا موجز أخبار." in " ".join(page.itertext())
    assert page.xpath("//a[@href='/ar/subscribe/']")


def test_json_feed_carries_no_stylesheet(client):
    make_announcement()
    assert b"xml-stylesheet" not in client.get("/news/feed/json/").content
