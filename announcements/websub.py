"""WebSub (W3C Recommendation): tell the hub when a feed's content changes.

The hub is `settings.WEBSUB_HUB_URL`; feeds advertise it with rel="hub". A ping
is a form POST `hub.mode=publish&hub.url=<topic>` per topic (each format of a
feed's subscription document), with a short timeout; failures are logged and
retried with a growing pause. A scope (all news, a tag, a member) counts as
announced only when the hub accepted every one of its topics; then its
fingerprint is stored in `FeedState`, so `manage.py ping_hubs` does not ping it
again, and does retry whatever a failed or interrupted ping left behind. Pings are
sent by a background task (announcements/tasks.py), never by the editor's request.

The hub must be https (a plain-http hub only on this machine: 127.0.0.1, ::1,
localhost, as in the tests); any other hub is refused, by the system checks and,
with an error in the log, at send time. A ping never follows a redirect: a hub
answering 3xx has not accepted it, and nothing is sent where it points.
"""

import ipaddress
import logging
import time
from urllib.error import URLError
from urllib.parse import urlencode, urlsplit
from urllib.request import HTTPRedirectHandler, Request, build_opener

from django.conf import settings
from django.core import checks
from django.utils import timezone

from .feed_scopes import scope_fingerprint, scope_topics
from .feeds import hub_url
from .models import FeedState

logger = logging.getLogger(__name__)


def hub_problem(hub):
    """Why this hub address is refused, or "" when pings may go to it."""
    try:
        parts = urlsplit(hub or "")
        scheme, hostname = parts.scheme, parts.hostname
    except ValueError:  # e.g. "https://[not-an-address"
        scheme = hostname = None
    if scheme == "https" and hostname:
        return ""
    if scheme == "http" and _is_loopback(hostname):
        return ""
    return (
        f"WEBSUB_HUB_URL {hub!r} is not an https URL (plain http is allowed only "
        "for a hub on this machine: 127.0.0.1, ::1 or localhost)."
    )


def _is_loopback(hostname):
    if hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(hostname or "").is_loopback
    except ValueError:
        return False


def hub_address_check(app_configs=None, **kwargs):
    """The system check (registered in announcements/apps.py): an unsafe hub stops the site."""
    problem = hub_url() and hub_problem(hub_url())
    return [checks.Error(problem, id="announcements.E001")] if problem else []


class _RefuseRedirects(HTTPRedirectHandler):
    """A redirect is answered as it came: an HTTP error, nothing sent where it points."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = build_opener(_RefuseRedirects)


def ping_hub(topic, *, hub=None, timeout=None, retries=None, pause=None):
    """POST one publish ping; True when the hub answered 2xx within the retries."""
    hub = hub or hub_url()
    problem = hub_problem(hub)
    if problem:
        logger.error("%s Not pinging.", problem)
        return False
    timeout = settings.WEBSUB_TIMEOUT if timeout is None else timeout
    retries = settings.WEBSUB_RETRIES if retries is None else retries
    pause = settings.WEBSUB_RETRY_PAUSE if pause is None else pause
    body = urlencode({"hub.mode": "publish", "hub.url": topic}).encode()
    for attempt in range(1, retries + 1):
        request = Request(  # noqa: S310 (scheme checked above)
            hub,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "User-Agent": f"{settings.SITE_NAME} WebSub publisher",
            },
        )
        try:
            with _opener.open(request, timeout=timeout) as response:
                if 200 <= response.status < 300:
                    logger.info("WebSub hub accepted %s", topic)
                    return True
                problem = f"HTTP {response.status}"
        except (URLError, OSError, ValueError) as exc:  # HTTPError is a URLError
            problem = str(exc)
        logger.warning(
            "WebSub ping for %s failed (attempt %d of %d): %s", topic, attempt, retries, problem
        )
        if attempt < retries:
            time.sleep(pause * 2 ** (attempt - 1))
    logger.error(
        "WebSub ping for %s gave up after %d attempts; ping_hubs will retry.", topic, retries
    )
    return False


def plan_announcements(keys, only_changed=False):
    """[(key, fingerprint, topics)] for the scopes that exist (and changed, if asked)."""
    announced = {}
    if only_changed:
        announced = dict(
            FeedState.objects.filter(key__in=keys).values_list("key", "announced_fingerprint")
        )
    plan = []
    for key in sorted(keys):
        fingerprint = scope_fingerprint(key)
        if fingerprint is None or (only_changed and announced.get(key) == fingerprint):
            continue
        plan.append((key, fingerprint, scope_topics(key, settings.SITE_URL)))
    return plan


def deliver(plan):
    """Ping every topic of the plan; record the scopes the hub fully accepted.

    Returns (announced keys, failed keys).
    """
    announced, failed = [], []
    for key, fingerprint, topics in plan:
        results = [ping_hub(topic) for topic in topics]
        if all(results):
            FeedState.objects.update_or_create(
                key=key,
                defaults={"announced_fingerprint": fingerprint, "announced_at": timezone.now()},
            )
            announced.append(key)
        else:
            failed.append(key)
    return announced, failed
