"""Every feed stays valid whatever text is stored.

A title, summary, body, tag name, member name or author name may hold any
character an editor pasted: control characters (a vertical tab from a word
processor, a NUL), U+FFFE and U+FFFF. XML 1.0 forbids those; a feed that
wrote them would answer 500 or be refused by every reader. The feeds leave
them out and keep the rest of the text.
"""

import itertools
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from lxml import etree

from .factories import make_announcement, make_member

pytestmark = pytest.mark.django_db

FORBIDDEN_IN_XML = [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"] + ["\ufffe", "\uffff"]
ATOM = "{http://www.w3.org/2005/Atom}"
_numbers = itertools.count(1)

# Any text (lone surrogates cannot be stored), with XML's forbidden characters mixed in.
TEXT = st.lists(
    st.one_of(
        st.characters(exclude_categories=["Cs"]),
        st.sampled_from([*FORBIDDEN_IN_XML, "\x7f", "\x85", "&", "<", "]]>", "\r"]),
    ),
    min_size=1,
    max_size=30,
).map("".join)


def without_forbidden(text):
    """The text as a feed reader gets it: XML's forbidden characters left out."""
    return "".join(c for c in text if c not in FORBIDDEN_IN_XML)


def as_xml_reads_it(text):
    """...and with line ends as every XML parser reads them."""
    return without_forbidden(text).replace("\r\n", "\n").replace("\r", "\n")


def store(text):
    """An announcement by an author, about a member, with a tag, all named with `text`."""
    n = next(_numbers)
    author = get_user_model().objects.create(username=f"author-{n}", first_name=text[:150])
    member = make_member(slug=f"member-{n}", name=text[:200])
    announcement = make_announcement(
        slug=f"hostile-{n}",
        publish_at=timezone.now(),  # the newest: on the first page of every feed
        title=text[:200],
        summary=text[:300],
        body=f"{text}\n\n*{text}*",
        author=author,
        members=[member],
        tags=[f"tag{n} {text[:80]}"],
    )
    tag = announcement.tags.get()
    return announcement, tag, member


def feed_addresses(tag, member):
    return [
        f"{path}feed/{fmt}/"
        for path in ("/news/", f"/news/tags/{tag.slug}/", f"/members/{member.slug}/")
        for fmt in ("rss", "atom", "json")
    ]


@hypothesis_settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=TEXT)
@example(text="Vaccines\x0b arrive")
@example(text="Half\ufffe and \uffff whole")
@example(text="\x00\x01\x1f")
def test_every_feed_is_valid_whatever_text_is_stored(client, text):
    if connection.vendor == "postgresql":
        text = text.replace("\x00", "")  # PostgreSQL text cannot hold NUL at all
    cache.clear()
    announcement, tag, member = store(text)
    for address in feed_addresses(tag, member):
        response = client.get(address)
        assert response.status_code == 200, (address, response.status_code)
        if address.endswith("/json/"):
            document = json.loads(response.content)
            entry = next(
                i for i in document["items"] if i["url"].endswith(f"/{announcement.slug}/")
            )
            assert entry["title"] == without_forbidden(text[:200])
            continue
        root = etree.fromstring(response.content)  # raises on XML that does not parse
        if address.endswith("/rss/"):
            titles = [t.text or "" for t in root.iter("title")]
        else:
            titles = [t.text or "" for t in root.iter(f"{ATOM}title")]
        assert as_xml_reads_it(text[:200]) in titles, address


def test_a_pasted_vertical_tab_is_left_out_of_the_feed_and_the_rest_kept(client):
    announcement, tag, member = store("Vaccines\x0b arrive")
    for address in feed_addresses(tag, member):
        response = client.get(address)
        assert response.status_code == 200, address
        assert "\x0b" not in response.content.decode()
        assert "Vaccines arrive" in response.content.decode()
