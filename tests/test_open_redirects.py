"""No address of the site sends a browser to another site.

Whatever path, slashes, encoded slashes, backslashes or hostnames a link puts
in an address, and whatever `next` it gives the language switcher, every
redirect the site answers with points at the site itself: a browser that
follows it stays on testserver (and so does a browser following a chain).
"""

from urllib.parse import quote, unquote_to_bytes, urljoin, urlsplit

import pytest
from django.http import HttpResponse, HttpResponseRedirect
from django.test import RequestFactory
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from dpga.middleware import OffSiteRedirectMiddleware

from .factories import make_announcement

pytestmark = pytest.mark.django_db

PREFIXES = [
    "",
    "/en",
    "/fr",
    "/ar",
    "/zh-hans",
    "/news",
    "/fr/news",
    "/en/news",
    "/members",
    "/news/tags",
    "/language/fr",
    "/language/en",
]
SLASHES = [
    "/",
    "//",
    "///",
    "/%2F",
    "/%2f",
    "%2f%2f",
    "/%2F%2F",
    "/\\",
    "\\\\",
    "/%5C",
    "%5C%5C",
    "/%5c/",
    "/%09/",
    "/\t/",
]
HOSTS = st.one_of(
    st.sampled_from(
        ["evil.example", "evil.example:8080", "user@evil.example", "127.0.0.1", "[::1]"]
    ),
    st.from_regex(r"[a-z]{1,10}\.(com|org|example)", fullmatch=True),
)
TAILS = ["", "/", "/news/", "/fr/news/", "/members/", "/news/feed/rss/"]
NEXT_VALUES = st.one_of(
    st.builds(
        lambda slashes, host, tail: slashes + host + tail,
        st.sampled_from(SLASHES + ["http://", "https://", "https:", "//\\", " //"]),
        HOSTS,
        st.sampled_from(TAILS),
    ),
    st.sampled_from(["/fr//evil.example/", "/en//evil.example/", "/en/%2F/evil.example/"]),
)
BROWSERS = st.fixed_dictionaries(
    {},
    optional={
        "HTTP_ACCEPT": st.sampled_from(["text/html,application/xhtml+xml", "*/*"]),
        "HTTP_ACCEPT_LANGUAGE": st.sampled_from(["fr", "ar,en;q=0.5", "en"]),
    },
)


def as_a_browser_reads_it(location):
    """Browsers drop tabs and newlines from a URL and read "\\" as "/"."""
    return location.replace("\t", "").replace("\n", "").replace("\r", "").replace("\\", "/")


def get(client, address, headers):
    """GET an address exactly as typed: "//host/..." is a path here, not a host.

    (The test client would read a leading "//" as a host; a web server hands
    the application the decoded path, as this does.)
    """
    path, _, query = address.partition("?")
    path_info = unquote_to_bytes(path).decode("iso-8859-1")
    return client.get("/", PATH_INFO=path_info, QUERY_STRING=query, **headers)


def assert_every_redirect_stays_here(client, address, headers):
    for _hop in range(4):
        response = get(client, address, headers)
        if not 300 <= response.status_code < 400:
            return
        location = response["Location"]
        resolved = urljoin("http://testserver/", as_a_browser_reads_it(location))
        assert urlsplit(resolved).hostname == "testserver", (address, location)
        assert location.startswith("/") and not location.startswith(("//", "/\\")), location
        address = location


@pytest.fixture
def site():
    make_announcement(slug="open-data", tags=["health"])


@hypothesis_settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    prefix=st.sampled_from(PREFIXES),
    slashes=st.sampled_from(SLASHES),
    host=HOSTS,
    tail=st.sampled_from(TAILS),
    browser=BROWSERS,
)
@example(prefix="/en", slashes="/", host="evil.example", tail="/", browser={})
@example(prefix="/en", slashes="/%2F", host="evil.example", tail="/", browser={})
@example(
    prefix="",
    slashes="//",
    host="evil.example",
    tail="/news/",
    browser={"HTTP_ACCEPT": "text/html", "HTTP_ACCEPT_LANGUAGE": "fr"},
)
def test_no_address_redirects_to_another_site(client, site, prefix, slashes, host, tail, browser):
    assert_every_redirect_stays_here(client, prefix + slashes + host + tail, browser)


@hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    language=st.sampled_from(["fr", "en", "ar", "xx"]),
    target=NEXT_VALUES,
    encode=st.booleans(),
    browser=BROWSERS,
)
@example(language="en", target="/fr//evil.example/", encode=True, browser={})
def test_the_language_switcher_never_sends_a_visitor_to_another_site(
    client, site, language, target, encode, browser
):
    value = quote(target, safe="") if encode else target.replace("?", "%3F").replace("#", "%23")
    address = f"/language/{language}/?next={value}"
    assert_every_redirect_stays_here(client, address, browser)


def test_an_english_prefix_with_doubled_slashes_leads_to_a_page_of_this_site(client):
    response = get(client, "/en//evil.example/", {})
    assert response.status_code == 301
    assert response["Location"] == "/evil.example/"
    response = get(client, "/en/%2F/evil.example/", {})
    assert response["Location"] == "/evil.example/"


def test_the_english_prefix_still_leads_to_the_english_page(client, site):
    response = get(client, "/en/news/open-data/?utm=x", {})
    assert response.status_code == 301
    assert response["Location"] == "/news/open-data/?utm=x"


def test_an_off_site_redirect_from_anywhere_is_answered_not_found():
    """Whatever code builds a redirect, one off the site is never sent."""
    factory = RequestFactory()
    for location in ["//evil.example/", "/\\evil.example/", "https://evil.example/", "///x"]:
        middleware = OffSiteRedirectMiddleware(lambda request, to=location: _redirect(to))
        response = middleware(factory.get("/somewhere/"))
        assert response.status_code == 404, location
        assert "Location" not in response
    for location in ["/news/", "?page=2", "http://testserver/fr/news/"]:
        middleware = OffSiteRedirectMiddleware(lambda request, to=location: _redirect(to))
        assert middleware(factory.get("/somewhere/"))["Location"] == location
    plain = OffSiteRedirectMiddleware(lambda request: HttpResponse("ok"))
    assert plain(factory.get("/")).status_code == 200


def _redirect(location):
    response = HttpResponseRedirect("/")
    response["Location"] = location
    return response
