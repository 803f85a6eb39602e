"""Whole-response caching of public pages and feeds for anonymous readers.

A response is cached only when all of these hold:

- the request is a GET from someone without a session or pending messages
  (no session cookie, no messages cookie, no Authorization header): staff and
  anyone logged in are never served a cached response and never store one;
- the view is public (the home page, search, and the ``announcements``,
  ``members`` and ``feeds`` URL namespaces);
- the response is a 200 that sets no cookie, is not marked private/no-store
  (a staff draft preview is ``never_cache``) and is in the language the key
  was made for.

The key holds the content version (dpga.caching.content_version), so any change to
content makes every cached response stale at once, and each entry is used only
before the content state's ``valid_until`` (the next scheduled publish time):
a scheduled announcement shows on the first request after its time.

Public responses also carry ``ETag`` / ``Last-Modified`` (answered with 304)
and ``Cache-Control: public, max-age, stale-while-revalidate`` for CDNs, with
max-age never reaching past the next scheduled change.
"""

import hashlib

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)
from django.utils.http import http_date, parse_http_date_safe

from . import content_version

PUBLIC_NAMESPACES = frozenset({"announcements", "members", "feeds"})
PUBLIC_URL_NAMES = frozenset({"home", "search"})
UNCACHEABLE_DIRECTIVES = ("private", "no-store", "no-cache")


def is_anonymous_read(request):
    """A GET/HEAD from someone with no session, no messages and no credentials."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


def is_public_view(request):
    match = getattr(request, "resolver_match", None)
    if match is None:
        return False
    return bool(PUBLIC_NAMESPACES.intersection(match.namespaces)) or (
        not match.namespaces and match.url_name in PUBLIC_URL_NAMES
    )


def is_storable(response, language):
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "")
    if any(directive in cache_control for directive in UNCACHEABLE_DIRECTIVES):
        return False
    return response.get("Content-Language", language) == language


def page_key(request, version):
    """The cache key of this request's response for a content version, or None."""
    try:
        url = request.build_absolute_uri()
    except DisallowedHost:
        return None
    language = translation.get_language_from_request(request, check_path=True)
    # A page rendered by other code or templates (a deploy), or in another time zone
    # (a setting), is never served: both are part of the key.
    rendered_by = f"{content_version.release()}\n{settings.TIME_ZONE}"
    digest = hashlib.sha256(f"{url}\n{language}\n{rendered_by}".encode()).hexdigest()[:40]
    return f"page:{version}:{digest}", language


def add_public_headers(response, state, now):
    """Validators and HTTP-cache lifetimes for a response anyone may see."""
    if not response.has_header("ETag"):
        set_response_etag(response)
    if not response.has_header("Last-Modified"):
        response.headers["Last-Modified"] = http_date(state["computed_at"].timestamp())
    max_age = settings.PAGE_CACHE_MAX_AGE
    stale = settings.PAGE_CACHE_STALE_WHILE_REVALIDATE
    if state["valid_until"] is not None:
        remaining = max(0, int((state["valid_until"] - now).total_seconds()))
        max_age = min(max_age, remaining)
        stale = min(stale, remaining - max_age)
    patch_cache_control(response, public=True, max_age=max_age, stale_while_revalidate=stale)
    patch_vary_headers(response, ["Cookie"])


def answer_conditionally(request, response):
    """304 when the request's validators match the response's, else the response."""
    last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
    conditional = get_conditional_response(
        request, etag=response.get("ETag"), last_modified=last_modified, response=response
    )
    return conditional if conditional is not None else response


class CachedPage:
    """What is kept of a response: small, picklable, independent of Django versions."""

    def __init__(self, response, valid_until):
        self.status = response.status_code
        self.headers = [
            (name, value)
            for name, value in response.items()
            if name.lower() not in ("cache-control", "date")
        ]
        self.content = response.content
        self.valid_until = valid_until

    def response(self):
        response = HttpResponse(self.content, status=self.status)
        for name, value in self.headers:
            response.headers[name] = value
        return response


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_anonymous_read(request):
            response = self.get_response(request)
            if is_public_view(request) and not response.has_header("Cache-Control"):
                # Someone with a session: their own copy, always revalidated.
                patch_cache_control(response, private=True, no_cache=True)
                patch_vary_headers(response, ["Cookie"])
            return response

        with content_version.one_state_per_request():
            return self.anonymous_read(request)

    def anonymous_read(self, request):
        version = content_version.current_version()
        key, language = page_key(request, version) or (None, None)
        now = timezone.now()
        if key is not None and settings.PAGE_CACHE_ENABLED:
            entry = cache.get(key)
            if entry is not None and content_version.is_fresh(entry.valid_until, now):
                response = entry.response()
                state = {"computed_at": now, "valid_until": entry.valid_until}
                add_public_headers(response, state, now)
                return answer_conditionally(request, response)

        response = self.get_response(request)
        if key is None or not is_public_view(request) or not is_storable(response, language):
            return response
        state = content_version.content_state(version)
        add_public_headers(response, state, now)
        if request.method == "GET" and settings.PAGE_CACHE_ENABLED:
            timeout = content_version.timeout_until(state["valid_until"], now)
            cache.set(key, CachedPage(response, state["valid_until"]), timeout)
        return answer_conditionally(request, response)
