"""The same page in every language: the language switcher's links and the hreflang alternates."""

import functools
from urllib.parse import urlencode

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language_info, override

from dpga.translations import current_language, language_codes


def page_languages(request, item=None):
    """(addresses by language, the languages with content) for this page.

    A page about one translatable item (``translated_object`` in the context,
    e.g. an announcement) has its own address in each language (a
    translation has its own slug) and lists as alternates only the languages
    its text exists in. Any other page is the same page in every language.
    """
    # The switcher and the hreflang links both ask: worked out once per request.
    known = request.__dict__.setdefault("_page_languages", {})
    key = (id(item), current_language())
    if key not in known:
        known[key] = _page_languages(request, item)
    return known[key]


def _page_languages(request, item):
    if item is not None and hasattr(item, "addresses"):
        return item.addresses()
    match = request.resolver_match  # as translate_url() would find it, found once
    if match is None:
        return _route_addresses(None, (), (), ""), language_codes()
    route = (
        match.view_name,
        tuple(match.args),
        tuple(sorted(match.kwargs.items())),
        request.META.get("QUERY_STRING", ""),
    )
    try:
        hash(route)
    except TypeError:  # a route given unhashable arguments (the sitemap's dict): not kept
        return _route_addresses.__wrapped__(*route), language_codes()
    return _route_addresses(*route), language_codes()


@functools.lru_cache(maxsize=4096)
def _route_addresses(view_name, args, kwargs, query):
    """A route's address in each language: worked out once per process (URLs are fixed).

    Read-only: the same dict is handed to every request for this address.
    """
    urls = {}
    for code in language_codes():
        with override(code):
            try:
                url = reverse(view_name, args=args, kwargs=dict(kwargs))
                url += f"?{query}" if query else ""
            except NoReverseMatch:
                # Not a page of the public site (an error page): that language's home.
                url = reverse("home")
        urls[code] = url
    return urls


@functools.cache
def _choose_url(code):
    return reverse("choose_language", kwargs={"code": code})


def switcher_links(request, item=None):
    """Links to this same page in each language, each named in its own language.

    Each link passes by /language/<code>/, which remembers the choice (so
    that English, whose pages have no prefix, can be chosen over what the
    browser prefers) and then redirects to the page.
    """
    urls, _available = page_languages(request, item)
    return _switcher_links(tuple(urls.items()), current_language())


@functools.lru_cache(maxsize=4096)
def _switcher_links(urls, current):
    """The links for these addresses: worked out once per process (read-only)."""
    urls = dict(urls)
    return tuple(
        {
            "code": code,
            "name": get_language_info(code)["name_local"],
            "url": urls[code],
            "choose": f"{_choose_url(code)}?{urlencode({'next': urls[code]})}",
            "current": code == current,
        }
        for code in language_codes()
    )


def hreflang_alternates(request, item=None):
    """<link rel="alternate" hreflang> for each language the page exists in, and x-default.

    x-default is the English address: it sends each browser to its language.
    """
    urls, available = page_languages(request, item)
    site = request.build_absolute_uri("/")[:-1]  # scheme and host, checked once
    alternates = [{"hreflang": code, "href": site + urls[code]} for code in available]
    alternates.append({"hreflang": "x-default", "href": site + urls[settings.LANGUAGE_CODE]})
    return alternates


def language_name(code):
    """A language's name as settings.LANGUAGES gives it, in the active language."""
    return dict(settings.LANGUAGES).get(code, code)
