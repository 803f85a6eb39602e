"""The project's own views: robots.txt, the health check, error pages."""

import logging
import sys

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.crypto import get_random_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@require_safe
def robots_txt(request):
    sitemap_url = request.build_absolute_uri(reverse("sitemap"))
    lines = ["User-agent: *"]
    if settings.ADMIN_PATH == "admin/":
        # A custom admin address is not advertised here.
        lines.append("Disallow: /admin/")
    lines += ["Disallow: /language/", f"Sitemap: {sitemap_url}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


RETRY_AFTER_SECONDS = 30
database_log = logging.getLogger("dpga.database")


def database_unavailable(request, exception=None):
    """503 with Retry-After: rendered without touching the database (no sessions, no user)."""
    database_log.error("database unavailable: %s", exception)
    response = HttpResponse(
        _error_page("503.html", {"retry_after": RETRY_AFTER_SECONDS}, "Service unavailable"),
        status=503,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def server_error(request):
    """handler500: a database outage found outside a view (a middleware, say) is still a 503."""
    exception = sys.exc_info()[1]
    if isinstance(exception, OperationalError | InterfaceError):
        return database_unavailable(request, exception)
    return HttpResponseServerError(_error_page("500.html", {}, "Server error"))


def _error_page(template_name, context, fallback_title):
    """An error page must not fail in turn (say, static files not collected yet)."""
    try:
        return render_to_string(template_name, context)
    except Exception:  # noqa: BLE001 - any failure here would hide the original one
        database_log.exception("could not render %s", template_name)
        return f"<!DOCTYPE html><title>{fallback_title}</title><h1>{fallback_title}</h1>"


HEALTH_CACHE_KEY = "dpga:healthz"


@never_cache
@require_safe
def healthz(request):
    """For load balancers: 200 when the database and the cache answer, else 503."""
    checks = {"database": _check_database(), "cache": _check_cache()}
    healthy = all(result == "ok" for result in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks},
        status=200 if healthy else 503,
    )


def _check_database():
    try:
        connection = connections["default"]
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except (DatabaseError, InterfaceError) as error:
        database_log.error("health check: database unavailable: %s", error)
        return "unavailable"
    return "ok"


def _check_cache():
    token = get_random_string(12)
    try:
        cache.set(HEALTH_CACHE_KEY, token, 10)
        answer = cache.get(HEALTH_CACHE_KEY)
    except Exception as error:  # any cache backend's connection error
        database_log.error("health check: cache unavailable: %s", error)
        return "unavailable"
    return "ok" if answer == token else "unavailable"


def bench_baseline(request):
    """`make bench` only: a fixed small response through the whole stack."""
    return HttpResponse(b"baseline\n", content_type="text/plain; charset=utf-8")
