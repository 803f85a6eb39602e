"""Whole-response caching of public pages and feeds for anonymous readers.

A response is cached only when all of these hold:

- the request is a GET from someone without a session or pending messages
  (no session cookie, no messages cookie, no Authorization header): staff and
  anyone logged in are never served a cached response and never store one;
- the view is public (the home page, search, the sitemap, and the ``announcements``,
  ``members`` and ``feeds`` URL namespaces);
- the response is a 200 that sets no cookie, is not marked private/no-store
  (a staff draft preview is ``never_cache``) and is in the language the key
  was made for.

Each entry records the content version it was rendered for (content_version.py)
and is served only for that version, so any change to content makes every cached
response stale at once, with nothing to purge; and only before the content
state's ``valid_until`` (the next scheduled publish time): a scheduled
announcement shows on the first request after its time. Beside each page its
validators are kept (ETag, Last-Modified, Vary: what a 304 repeats), so a
conditional request reads the version and those few headers, not the page.

Each process also keeps copies of the entries it stored or read (the "local"
cache, Django's local-memory cache), so a hit reads only the version from the
shared cache and builds nothing. A copy is used only for the version it was
rendered for, like the shared entry: it cannot be out of date either.

Public responses also carry ``ETag`` / ``Last-Modified`` (answered with 304)
and ``Cache-Control: public, max-age, stale-while-revalidate`` for CDNs, with
max-age never reaching past the next scheduled change.
"""

import hashlib

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache, caches
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
PUBLIC_URL_NAMES = frozenset({"home", "search", "sitemap", "sitemap-section"})
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


def page_key(request):
    """(the cache key of this request's response, its language), or None.

    One entry per address and language: the entry records the content version it
    was rendered for, and is used only for that version.
    """
    try:
        url = request.build_absolute_uri()
    except DisallowedHost:
        return None
    language = translation.get_language_from_request(request, check_path=True)
    # A page rendered by other code or templates (a deploy), or in another time zone
    # (a setting), is never served: both are part of the key.
    rendered_by = f"{content_version.release()}\n{settings.TIME_ZONE}"
    digest = hashlib.sha256(f"{url}\n{language}\n{rendered_by}".encode()).hexdigest()[:40]
    return f"page:{digest}", language


def cache_control(valid_until, now):
    """Cache-Control of a public response: its lifetimes never reach past the content
    state's end (the next scheduled change)."""
    max_age = settings.PAGE_CACHE_MAX_AGE
    stale = settings.PAGE_CACHE_STALE_WHILE_REVALIDATE
    if valid_until is not None:
        remaining = max(0, int((valid_until - now).total_seconds()))
        max_age = min(max_age, remaining)
        stale = min(stale, remaining - max_age)
    return f"public, max-age={max_age}, stale-while-revalidate={stale}"


def add_public_headers(response, state, now):
    """Validators and HTTP-cache lifetimes for a response anyone may see."""
    if not response.has_header("ETag"):
        set_response_etag(response)
    if not response.has_header("Last-Modified"):
        response.headers["Last-Modified"] = http_date(state["computed_at"].timestamp())
    response.headers["Cache-Control"] = cache_control(state["valid_until"], now)
    patch_vary_headers(response, ["Cookie"])


# The headers a 304 repeats from the full response (RFC 9110, 15.4.5).
VALIDATOR_HEADERS = ("ETag", "Last-Modified", "Vary", "Content-Location", "Expires")


def is_conditional(request):
    return "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in request.META


def answer_conditionally(request, response):
    """304 when the request's validators match the response's, else the response."""
    if not is_conditional(request):
        return response
    last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
    conditional = get_conditional_response(
        request, etag=response.get("ETag"), last_modified=last_modified, response=response
    )
    return conditional if conditional is not None else response


def validators_key(key):
    return f"{key}:validators"


def kept_validators(response):
    """What a conditional request needs of a cached page: the headers a 304 repeats."""
    return {name: response[name] for name in VALIDATOR_HEADERS if response.has_header(name)}


def cached_entry(key, version, now):
    """(valid_until, the kept value) of the page-cache entry under `key`, rendered for
    `version` and still fresh, else None: this process's copy when it holds one, else
    the shared cache's (then copied here)."""
    entry = caches["local"].get(key)
    held_here = entry is not None and entry[0] == version
    if not held_here:
        entry = cache.get(key)
        if entry is None or entry[0] != version:
            return None
    _version, valid_until, value = entry
    if not content_version.is_fresh(valid_until, now):
        return None
    if not held_here:
        caches["local"].set(key, entry, content_version.timeout_until(valid_until, now))
    return valid_until, value


def not_modified(request, valid_until, validators, now):
    """A 304 with a cached page's validators when the request's match them, else None."""
    last_modified = parse_http_date_safe(validators.get("Last-Modified", ""))
    answer = get_conditional_response(request, validators.get("ETag"), last_modified)
    if answer is None or answer.status_code != 304:
        return None
    for name, value in validators.items():
        answer.headers[name] = value
    answer.headers["Cache-Control"] = cache_control(valid_until, now)
    return answer


def kept_copy(response):
    """The response as the page cache keeps it: content, status and headers (not the
    lifetimes, set again on each use)."""
    kept = HttpResponse(response.content, status=response.status_code)
    for name, value in response.items():
        if name.lower() not in ("cache-control", "date"):
            kept.headers[name] = value
    return kept


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
        key, language = page_key(request) or (None, None)
        now = timezone.now()
        if key is None or not settings.PAGE_CACHE_ENABLED:
            version = content_version.current_version()
        else:
            version, answer = self.cached_answer(request, key, now)
            if answer is not None:
                return answer

        response = self.get_response(request)
        if key is None or not is_public_view(request) or not is_storable(response, language):
            return response
        state = content_version.content_state(version)
        add_public_headers(response, state, now)
        if request.method == "GET" and settings.PAGE_CACHE_ENABLED:
            valid_until = state["valid_until"]
            timeout = content_version.timeout_until(valid_until, now)
            entries = {
                key: (version, valid_until, kept_copy(response)),
                validators_key(key): (version, valid_until, kept_validators(response)),
            }
            if not cache.set_many(entries, timeout):  # a copy of what the shared cache holds
                caches["local"].set_many(entries, timeout)
        return answer_conditionally(request, response)

    def cached_answer(self, request, key, now):
        """(the content version, the answer from the page cache or None).

        A conditional request first reads only the page's validators: a 304 needs
        no more. Otherwise (or when they do not match) the page is read.
        """
        version = content_version.current_version()
        if is_conditional(request):
            found = cached_entry(validators_key(key), version, now)
            answer = not_modified(request, *found, now) if found is not None else None
            if answer is not None:
                return version, answer
        found = cached_entry(key, version, now)
        if found is None:
            return version, None
        valid_until, response = found
        response.headers["Cache-Control"] = cache_control(valid_until, now)
        return version, answer_conditionally(request, response)
