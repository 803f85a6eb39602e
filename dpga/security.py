"""Who is asking, and what happened at the admin door (logins, lock-outs)."""

import logging

from axes.backends import AxesStandaloneBackend
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

log = logging.getLogger("dpga.security")


def client_ip(request):
    """The client's address: REMOTE_ADDR, or the address the trusted proxies saw.

    X-Forwarded-For is believed for DJANGO_TRUSTED_PROXY_COUNT hops only, counted
    from the right (the part our own proxies appended); anything further left
    could have been written by the client.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_COUNT
    if hops <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < hops:
        return remote
    return forwarded[-hops]


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' throttle for every login over the web.

    Web logins (the admin's, any LoginView) always pass the request. Code that
    authenticates without one (the test client's login(), a management command)
    has no client address to throttle by, and is left to the next backend.
    """

    def authenticate(self, request=None, *args, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


@receiver(user_logged_in, dispatch_uid="dpga.security.log_login")
def log_login(sender, request, user, **kwargs):
    log.info(
        "login succeeded",
        extra={
            "event": "login_succeeded",
            "username": user.get_username(),
            "client_ip": client_ip(request) if request is not None else None,
        },
    )


@receiver(user_login_failed, dispatch_uid="dpga.security.log_login_failed")
def log_login_failed(sender, credentials, request=None, **kwargs):
    log.warning(
        "login failed",
        extra={
            "event": "login_failed",
            # Django has already masked the password in `credentials`; log only the name.
            "username": str(credentials.get("username", ""))[:150],
            "client_ip": client_ip(request) if request is not None else None,
        },
    )


@receiver(user_locked_out, dispatch_uid="dpga.security.log_lockout")
def log_lockout(sender, request, username, ip_address, **kwargs):
    log.warning(
        "login locked out",
        extra={
            "event": "login_locked_out",
            "username": str(username or "")[:150],
            "client_ip": ip_address,
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
    )


def lockout_response(request, original_response=None, credentials=None):
    """What a locked-out visitor sees: a 429 page saying why and for how long."""
    from django.contrib import admin
    from django.shortcuts import render

    context = {
        **admin.site.each_context(request),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)),
    }
    return render(request, "registration/locked_out.html", context, status=429)
