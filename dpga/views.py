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

from .caching.content_version import CacheUnavailable
from .review.conflicts import OPENED_FIELD


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

# A submitted form's fields that are never written back into a page.
SECRET_FIELD_WORDS = ("password", "secret")
# Fields the site writes into its forms as hidden inputs (tokens no one types).
HIDDEN_FIELDS = ("csrfmiddlewaretoken", OPENED_FIELD)
HIDDEN_FIELD_SUFFIX = "_kept"  # a picture kept across a form error (dpga.pictures.kept_uploads)


def database_unavailable(request, exception=None, keep_form=False):
    """503 with Retry-After: rendered without touching the database (no sessions, no user).

    With ``keep_form`` (the request got past the CSRF check: the view was running),
    a POST's fields come back in a form that sends them again, so nothing typed is lost.
    """
    database_log.error("database unavailable: %s", exception)
    return service_unavailable(request, "database", keep_form)


def cache_unavailable(request, exception=None, keep_form=False):
    """503 for a change refused because the cache could not be told of it."""
    database_log.error("change refused, cache unavailable: %s", exception)
    return service_unavailable(request, "cache", keep_form)


def service_unavailable(request, service, keep_form):
    context = {"retry_after": RETRY_AFTER_SECONDS, "service": service, "resubmit": None}
    if keep_form and request.method == "POST":
        context["resubmit"] = {"action": request.get_full_path(), "fields": kept_fields(request)}
    response = HttpResponse(
        _error_page("503.html", context, "Service unavailable"),
        status=503,
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def kept_fields(request):
    """[(name, value, kind)] of a POST's fields, kind "text", "lines", "hidden" or
    "secret" (never echoed: typed again). Uploaded files cannot come back."""
    fields = []
    for name, values in request.POST.lists():
        for value in values:
            if any(word in name.lower() for word in SECRET_FIELD_WORDS):
                kind, value = "secret", ""
            elif name in HIDDEN_FIELDS or name.endswith(HIDDEN_FIELD_SUFFIX) or len(values) > 1:
                kind = "hidden"
            elif "\n" in value or len(value) > 80:
                kind = "lines"
            else:
                kind = "text"
            fields.append((name, value, kind))
    return fields


def server_error(request):
    """handler500: a database outage found outside a view (a middleware, say) is still a 503."""
    exception = sys.exc_info()[1]
    if isinstance(exception, OperationalError | InterfaceError):
        return database_unavailable(request, exception)
    if isinstance(exception, CacheUnavailable):
        return cache_unavailable(request, exception)
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
    """For load balancers: "ok" (200) when the database and the cache answer;
    "degraded" (200: keep sending readers, pages are rendered from the database)
    when only the cache is lost; "down" (503: take this host out) without the database."""
    checks = {"database": _check_database(), "cache": _check_cache()}
    if checks["database"] != "ok":
        status = "down"
    elif checks["cache"] != "ok":
        status = "degraded"
    else:
        status = "ok"
    return JsonResponse({"status": status, **checks}, status=503 if status == "down" else 200)


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
