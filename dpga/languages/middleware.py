"""Which language a visitor reads the site in.

English pages have no prefix (/news/...), the five other languages have
theirs (/fr/news/, /ar/news/ ...); see dpga/urls.py for why. The language of
a page is the one in its address, never a guess: so every language's pages
can be cached and linked to as they are.

Only an English (unprefixed) page may send a browser elsewhere: a visitor
who chose a language with the switcher (a cookie), or whose browser prefers
one of the other five (Accept-Language) and has not chosen, is redirected to
the same page in that language. Feed readers and other clients that do not
ask for HTML are never redirected: a feed's address is its language.

Every address this module redirects to is a path on this site (``local_path``):
"/en//evil.example/" leads to "/evil.example/", never to "//evil.example/",
which a browser would read as another site.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponsePermanentRedirect, HttpResponseRedirect
from django.urls import translate_url
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import (
    activate,
    check_for_language,
    get_language_from_path,
    get_language_from_request,
    override,
)
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .translations import language_codes


def local_path(address):
    """The address as a path on this site: one leading "/", never "//" or "/\\".

    A browser reads "//host/page" (and "/\\host/page") as a page of another site.
    """
    return "/" + address.lstrip("/\\")


class PreferredLanguageMiddleware:
    """Send a browser from an English page to the language it chose or prefers.

    Addresses outside the public site (the admin, the sitemap) have one
    address for all languages: they are shown in the chosen or preferred
    language. (Django's LocaleMiddleware would show them in English, as it
    does every address without a prefix when English has none.)
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        english_prefix = f"/{settings.LANGUAGE_CODE}/"
        if request.path_info.startswith(english_prefix):
            # /en/news/ is a natural guess (hreflang says "en"): English has no prefix.
            path = request.get_full_path()[len(english_prefix) :]
            return HttpResponsePermanentRedirect(local_path(path))
        if get_language_from_path(request.path_info):
            return self.get_response(request)
        preferred = get_language_from_request(request)  # the cookie, else Accept-Language
        # "//host/news/" is this site's path, not an address on "host".
        here = local_path(request.get_full_path())
        other = next(code for code in language_codes() if code != settings.LANGUAGE_CODE)
        if translate_url(here, other) == here:
            # Not a page of the public site: the same address in every language.
            activate(preferred)
            request.LANGUAGE_CODE = preferred
            response = self.get_response(request)
        elif self.redirects(request, preferred):
            response = HttpResponseRedirect(translate_url(here, preferred))
        else:
            response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response

    def redirects(self, request, preferred):
        return (
            preferred != settings.LANGUAGE_CODE
            and request.method in ("GET", "HEAD")
            and "text/html" in request.headers.get("Accept", "")
        )


@never_cache
@require_safe
def choose_language(request, code):
    """The switcher's links: remember the visitor's choice, then show the page in it."""
    if code not in language_codes() or not check_for_language(code):
        code = settings.LANGUAGE_CODE
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    elif not urlsplit(target).netloc:
        target = local_path(target)
    # An address is read in its own language (its prefix), then put in the chosen one.
    with override(get_language_from_path(target) or settings.LANGUAGE_CODE):
        target = translate_url(target, code)
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE or request.is_secure(),
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
