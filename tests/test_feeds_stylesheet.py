"""Feeds for people: RSS and Atom name an XSL stylesheet that a browser shows as a page
explaining what a feed is and offering email; feed readers and JSON Feed are unaffected."""

import pytest
from django.conf import settings
from lxml import etree

from tests.factories import make_announcement

pytestmark = pytest.mark.django_db
XSL = settings.BASE_DIR / "dpga" / "static" / "feeds" / "feed.xsl"


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_a_browser_opening_a_feed_gets_a_readable_page_offering_email(client, fmt):
    make_announcement(title="OICT joins the alliance")
    body = client.get(f"/news/feed/{fmt}/").content
    assert body.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<?xml-stylesheet href=')
    document = etree.fromstring(body)
    instruction = document.getprevious()
    assert instruction.target == "xml-stylesheet"
    assert 'type="text/xsl"' in instruction.text and "feeds/feed.xsl" in instruction.text
    page = etree.XSLT(etree.parse(str(XSL)))(document)
    text = " ".join(page.getroot().itertext())
    assert "This is a news feed." in text
    assert "OICT joins the alliance" in text
    assert page.getroot().xpath("//a[@href='/subscribe/']")


def test_json_feed_carries_no_stylesheet(client):
    make_announcement()
    assert b"xml-stylesheet" not in client.get("/news/feed/json/").content
