"""The pages of news by email: subscribe, confirm, change what you follow, leave.

What holds:

- Links in emails open a page; only its button (a POST) confirms or unsubscribes,
  so mail scanners that open links change nothing. The one exception is RFC 8058's
  one-click unsubscribe: a POST to the unsubscribe address with the signed token,
  no login and no CSRF token (mail providers send it).
- Signing up never tells whether an address is already subscribed; an address
  that confirmed keeps its topics until it changes them from its own link. The
  confirmation email goes at most once a day per address.
- The form is throttled per address and per client (``SUBSCRIBE_RATE_PER_HOUR``):
  past it, a 429 page says to try later.
- These pages are never page-cached (they carry a CSRF token or a person's data).
"""

import datetime
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from dpga.security import client_ip
from dpga.tasks import enqueue

from .forms import SubscriptionForm
from .mailing import CONFIRM_DAYS, subscriber_from_token
from .models import Subscriber, normalise_email
from .tasks import send_confirmation

CONFIRMATION_EVERY = datetime.timedelta(days=1)


def over_rate(*names):
    """Count one request against each name; True when any is over the hourly rate."""
    over = False
    for name in names:
        key = "subscribe-rate:" + hashlib.sha256(name.encode()).hexdigest()
        cache.add(key, 0, 3600)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, 3600)
            count = 1
        over = over or count > settings.SUBSCRIBE_RATE_PER_HOUR
    return over


def page(request, title, message, status=200, button=None, form=None):
    return render(
        request,
        "announcements/subscription_page.html",
        {"title": title, "message": message, "button": button, "form": form},
        status=status,
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request):
    if request.method != "POST":
        form = SubscriptionForm(initial={"language": request.LANGUAGE_CODE, "all_news": True})
        return render(request, "announcements/subscribe.html", {"form": form})
    form = SubscriptionForm(request.POST)
    address = normalise_email(request.POST.get("email", ""))
    if over_rate(f"ip:{client_ip(request)}", f"email:{address.lower()}"):
        return page(
            request,
            _("Too many requests"),
            _(
                "Too many subscription requests came from here or for this address. Try again in an hour."
            ),
            status=429,
        )
    if not form.is_valid():
        return render(request, "announcements/subscribe.html", {"form": form}, status=400)
    subscriber = Subscriber.objects.filter(email=form.cleaned_data["email"]).first()
    if subscriber is None or not subscriber.is_active:
        subscriber = form.save(commit=False) if subscriber is None else subscriber
        if subscriber.pk:  # not confirmed yet, or left: start again with these choices
            form = SubscriptionForm(request.POST, instance=subscriber)
            form.is_valid()
            subscriber = form.save(commit=False)
            subscriber.left_at = subscriber.confirmed_at = None
        subscriber.requested_from = client_ip(request)[:64]
        subscriber.save()
        form.save_m2m()
        last = subscriber.confirmation_sent_at
        if last is None or timezone.now() - last >= CONFIRMATION_EVERY:
            Subscriber.objects.filter(pk=subscriber.pk).update(confirmation_sent_at=timezone.now())
            enqueue(send_confirmation, subscriber.pk)
    return page(
        request,
        _("Check your inbox"),
        _(
            "If this address can be subscribed, an email is on its way to it. Open the link in it and press the button on that page to confirm."
        ),
    )


def _subscriber_or_404(token, max_age=None):
    subscriber = subscriber_from_token(token, max_age=max_age)
    if subscriber is None:
        raise Http404(_("This link is not valid (or no longer)."))
    return subscriber


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    subscriber = _subscriber_or_404(token, max_age=datetime.timedelta(days=CONFIRM_DAYS))
    if request.method == "POST":
        if not subscriber.is_active:
            subscriber.confirmed_at = timezone.now()
            subscriber.left_at = None
            subscriber.save(update_fields=["confirmed_at", "left_at"])
        return page(
            request, _("Subscribed"), _("Thank you: you will get the news you chose by email.")
        )
    return page(
        request,
        _("Confirm your subscription"),
        _("Press the button to get the news of %(site_name)s at %(email)s.")
        % {"site_name": settings.SITE_NAME, "email": subscriber.email},
        button=_("Confirm"),
    )


@csrf_exempt  # RFC 8058 one-click: mail providers POST here without a CSRF token
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    subscriber = _subscriber_or_404(token)
    if request.method == "POST":
        subscriber.leave()
        return page(request, _("Unsubscribed"), _("You will get no more emails from us."))
    return page(
        request,
        _("Unsubscribe"),
        _("Press the button to stop the emails to %(email)s.") % {"email": subscriber.email},
        button=_("Unsubscribe"),
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request, token):
    subscriber = _subscriber_or_404(token)
    form = SubscriptionForm(request.POST or None, instance=subscriber)
    if request.method == "POST" and form.is_valid():
        form.save()
        return page(request, _("Saved"), _("Your choices are saved."))
    return render(
        request,
        "announcements/subscription_manage.html",
        {"form": form, "subscriber": subscriber, "token": token},
        status=400 if form.is_bound else 200,
    )
