"""Site-wide middleware: request logs, off-site redirects, Permissions-Policy,
database outages, moved addresses."""

import contextlib
import logging
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.defaults import page_not_found

from .caching.content_version import CacheUnavailable
from .models import SlugRedirect
from .security import client_ip
from .views import cache_unavailable, database_unavailable

request_log = logging.getLogger("dpga.requests")
redirect_log = logging.getLogger("dpga.redirects")

# Query parameters whose values never reach a log line.
SENSITIVE_PARAMETERS = ("pass", "secret", "token", "csrf", "session", "key", "auth", "signature")


def redacted_query(query_dict):
    """The query string's parameter names, with values of sensitive ones hidden."""
    parts = []
    for name in query_dict:
        lowered = name.lower()
        hidden = any(word in lowered for word in SENSITIVE_PARAMETERS)
        for value in query_dict.getlist(name):
            parts.append(f"{name}={'[hidden]' if hidden else value[:200]}")
    return "&".join(parts)[:1000]


class RequestLogMiddleware:
    """One structured line per request: what was asked, the answer, how long it took.

    Only chosen fields are logged: never headers, cookies, bodies or form fields,
    so passwords, session ids and CSRF tokens cannot end up in the log.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        status = response.status_code
        level = (
            logging.ERROR if status >= 500 else logging.WARNING if status >= 400 else logging.INFO
        )
        if request_log.isEnabledFor(level):
            # Only a user the view already loaded: looking it up here would cost a query.
            user = request.__dict__.get("_cached_user")
            request_log.log(
                level,
                "%s %s %s",
                request.method,
                request.path,
                status,
                extra={
                    "event": "request",
                    "method": request.method,
                    "path": request.path[:1000],
                    "query": redacted_query(request.GET),
                    "status": status,
                    "duration_ms": duration_ms,
                    "bytes": len(response.content) if not response.streaming else None,
                    "client_ip": client_ip(request),
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                    "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
                },
            )
        return response


class OffSiteRedirectMiddleware:
    """No address of the site sends a browser to another site.

    A redirect built from what a request says (its path, a ``next`` parameter)
    could point anywhere: "//evil.example/" is another site for a browser. The
    code that builds redirects keeps them local; this is the backstop for any
    that does not. A redirect whose Location is not this site (a path, or this
    host or SITE_URL's) is answered 404, as the address would be without it,
    and logged as an error so the code that built it gets fixed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        location = response.get("Location") if 300 <= response.status_code < 400 else None
        if location is None or self.stays_here(request, location):
            return response
        redirect_log.error(
            "refused a redirect off the site",
            extra={"event": "off_site_redirect", "path": request.path[:1000]},
        )
        return page_not_found(request, Http404())

    def stays_here(self, request, location):
        hosts = {urlsplit(settings.SITE_URL).netloc}
        with contextlib.suppress(DisallowedHost):
            hosts.add(request.get_host())
        return url_has_allowed_host_and_scheme(location, allowed_hosts=hosts)


class PermissionsPolicyMiddleware:
    """Switch off browser features the site never uses (camera, location ...)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class DatabaseUnavailableMiddleware:
    """A lost database, or a change refused because the cache is lost, becomes a 503
    page with Retry-After, not a traceback; a form sent meanwhile comes back filled in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        # The view was running: the request passed the CSRF check, so its form may
        # be written back into the page.
        if isinstance(exception, OperationalError | InterfaceError):
            return database_unavailable(request, exception, keep_form=True)
        if isinstance(exception, CacheUnavailable):
            return cache_unavailable(request, exception, keep_form=True)
        return None


# The named routes whose `slug` is an announcement's, a member's or a tag's.
ROUTE_KINDS = {
    "announcements:detail": SlugRedirect.Kind.ANNOUNCEMENT,
    "members:detail": SlugRedirect.Kind.MEMBER,
    "feeds:member": SlugRedirect.Kind.MEMBER,
    "announcements:tag": SlugRedirect.Kind.TAG,
    "feeds:tag": SlugRedirect.Kind.TAG,
}


class MovedAddressMiddleware:
    """Answer a 404 at an old address with a 301 to the new one, or 410 Gone.

    Looks at the database only when the response is already a 404, so every
    page that exists costs nothing extra.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404:
            return response
        return self.moved(request) or response

    def moved(self, request):
        try:
            match = resolve(request.path_info, getattr(request, "urlconf", None))
        except Resolver404:
            return None
        kind = ROUTE_KINDS.get(match.view_name)
        slug = match.kwargs.get("slug")
        if kind is None or not slug:
            return None
        redirect = SlugRedirect.objects.filter(kind=kind, old_slug=slug).first()
        if redirect is None:
            return None
        if redirect.is_gone:
            return render(request, "410.html", status=410)
        url = reverse(match.view_name, kwargs={**match.kwargs, "slug": redirect.new_slug})
        query = request.META.get("QUERY_STRING", "")
        return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)
