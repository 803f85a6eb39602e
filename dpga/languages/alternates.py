"""The same page in every language: the language switcher's links and the hreflang alternates."""

from urllib.parse import urlencode

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language_info, override

from dpga.languages.translations import current_language, language_codes


def page_languages(request, item=None):
    """(addresses by language, the languages with content) for this page.

    A page about one translatable item (``translated_object`` in the context,
    e.g. an announcement) has its own address in each language (a translation
    has its own slug) and lists as alternates only the languages its text exists
    in. Any other page is the same page in every language.
    """
    # The switcher and the hreflang links both ask: worked out once per request.
    found = request.__dict__.setdefault("page_languages", {})
    key = (id(item), current_language())
    if key not in found:
        found[key] = _page_languages(request, item)
    return found[key]


def _page_languages(request, item):
    if item is not None and hasattr(item, "addresses"):
        return item.addresses()
    match = request.resolver_match
    query = request.META.get("QUERY_STRING", "")
    urls = {}
    for code in language_codes():
        with override(code):
            try:
                if match is None:
                    raise NoReverseMatch
                url = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
                url += f"?{query}" if query else ""
            except NoReverseMatch:
                # Not a page of the public site (an error page): that language's home.
                url = reverse("home")
        urls[code] = url
    return urls, language_codes()


def switcher_links(request, item=None):
    """Links to this same page in each language, each named in its own language.

    Each link passes by /language/<code>/, which remembers the choice (so that
    English, whose pages have no prefix, can be chosen over what the browser
    prefers) and then redirects to the page.
    """
    urls, _available = page_languages(request, item)
    current = current_language()
    return [
        {
            "code": code,
            "name": get_language_info(code)["name_local"],
            "url": urls[code],
            "choose": reverse("choose_language", kwargs={"code": code})
            + "?"
            + urlencode({"next": urls[code]}),
            "current": code == current,
        }
        for code in language_codes()
    ]


def hreflang_alternates(request, item=None):
    """<link rel="alternate" hreflang> for each language the page exists in, and
    x-default (the English address: it sends each browser to its language)."""
    urls, available = page_languages(request, item)
    site = request.build_absolute_uri("/")[:-1]  # scheme and host
    alternates = [{"hreflang": code, "href": site + urls[code]} for code in available]
    alternates.append({"hreflang": "x-default", "href": site + urls[settings.LANGUAGE_CODE]})
    return alternates


def language_name(code):
    """A language's name as settings.LANGUAGES gives it, in the active language."""
    return dict(settings.LANGUAGES).get(code, code)
