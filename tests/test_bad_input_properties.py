"""Property-based: whatever is asked of any public URL, the answer is never a 500."""

import re
from urllib.parse import quote

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern, RoutePattern
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from .factories import make_announcement, make_member

CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def public_routes():
    """Every URL pattern outside the admin, as (route, {name: converter})."""
    routes = []

    def walk(patterns, prefix, converters):
        for entry in patterns:
            pattern = entry.pattern
            if isinstance(pattern, LocalePrefixPattern):
                part, extra = pattern.language_prefix, {}
            elif isinstance(pattern, RoutePattern):
                part, extra = str(pattern), pattern.converters
            else:  # a regex pattern: use it as it stands if it has no groups
                part, extra = str(pattern).lstrip("^").rstrip("$").replace("\\Z", ""), {}
            if isinstance(entry, URLResolver):
                if part.strip("/") == settings.ADMIN_PATH.strip("/"):
                    continue
                walk(entry.url_patterns, prefix + part, {**converters, **extra})
            elif isinstance(entry, URLPattern):
                routes.append((prefix + part, {**converters, **extra}))

    walk(get_resolver().url_patterns, "", {})
    return routes


ROUTES = public_routes()

# Text a client might send: anything, long, NUL and other control characters,
# percent-escapes that decode to invalid UTF-8, and path-traversal tricks.
NASTY = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=20),
    st.sampled_from(
        [
            "\x00",
            "%00",
            "%ff%fe",
            "%c0%ae%c0%ae/",
            "../../etc/passwd",
            "ñ",
            "😀",
            "-1",
            "0",
            "99999999999999999999999",
            "1e9",
            "NaN",
            " ",
            "' OR 1=1 --",
            "<script>",
        ]
    ),
    # Huge values, made cheaply from a short random seed.
    st.text(min_size=1, max_size=8).map(lambda s: s * 1000),
)


def segment_for(converter, existing):
    """Values a converter accepts (plain and real ones), and some it never would."""
    shaped = st.from_regex(converter.regex, fullmatch=True)
    return st.one_of(shaped, st.sampled_from(existing), NASTY.map(lambda s: quote(s, safe="")))


def query_strings():
    keys = st.one_of(st.sampled_from(["page", "q", "p", "format", "year", "lang"]), NASTY)
    pairs = st.lists(st.tuples(keys, NASTY), max_size=4)
    raw = st.sampled_from(["%ff%fe=%00", "page=%00", "q=%", "&&&=", "page=2&page=x", "a" * 9000])
    encoded = pairs.map(lambda items: "&".join(f"{quote(k)}={quote(v)}" for k, v in items))
    return st.one_of(encoded, raw)


HEADERS = st.fixed_dictionaries(
    {},
    optional={
        "HTTP_IF_NONE_MATCH": st.one_of(NASTY, st.just('"abc", W/"def", *')),
        "HTTP_IF_MODIFIED_SINCE": st.one_of(NASTY, st.just("Mon, 01 Jan 1990 00:00:00 GMT")),
        "HTTP_ACCEPT_LANGUAGE": st.one_of(
            NASTY, st.just("fr-CH, fr;q=0.9, en;q=0.8, *;q=0.5"), st.just("zz;q=abc,,;")
        ),
        "HTTP_ACCEPT": st.one_of(NASTY, st.just("application/json")),
    },
)


@pytest.fixture
def site(db):
    member = make_member(slug="undp", name="UNDP")
    announcement = make_announcement(
        slug="open-source-news", tags=["health", "open-data"], members=[member]
    )
    return {
        "slug": ["open-source-news", "undp", "health", "open-data"],
        "year": [str(announcement.publish_at.year)],
        "month": [f"{announcement.publish_at.month:02d}"],
        "format": ["rss", "atom", "json"],
    }


def test_every_public_route_is_covered():
    assert len(ROUTES) >= 10
    routes = [route for route, _ in ROUTES]
    assert any("feed" in route for route in routes)
    assert "" in routes or any(route in ("", "/") for route in routes)


@pytest.mark.parametrize(("route", "converters"), ROUTES, ids=[r or "/" for r, _ in ROUTES])
@hypothesis_settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(data=st.data(), query=query_strings(), headers=HEADERS)
def test_no_request_makes_a_public_page_fail(client, site, route, converters, data, query, headers):
    def fill(match):
        converter = converters.get(match["name"])
        existing = site.get(match["name"], ["x"])
        if converter is None:
            return data.draw(st.sampled_from(existing))
        return data.draw(segment_for(converter, existing))

    path = "/" + CONVERTER.sub(fill, route)
    if data.draw(st.booleans()):
        path += data.draw(NASTY.map(lambda s: quote(s, safe="/")))
    response = client.generic("GET", f"{path}?{query}", **headers)
    assert response.status_code < 500, (path, query, headers, response.status_code)
