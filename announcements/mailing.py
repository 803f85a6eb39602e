"""News by email: composing and sending each email (called by announcements/tasks.py).

What holds for every email to a subscriber:

- multipart: plain text and HTML, in the subscriber's language (the announcement's
  translation in it when there is one), every link absolute (``SITE_URL``), no
  tracking pixel, no rewritten link;
- ``List-Unsubscribe`` (the one-click URL and a mailto) and
  ``List-Unsubscribe-Post: List-Unsubscribe=One-Click`` (RFC 8058);
- a ``Message-ID`` fixed per (issue, subscriber), so a message a crashed worker may
  have handed over once already is the same message to mail systems;
- ``deliver()`` sends a Delivery at most once: a sent one is skipped, an SMTP error is
  recorded on it and raised to the task, which retries later.
"""

import logging
import smtplib
from urllib.parse import quote, urljoin

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .feeds import absolutise_urls
from .models import Announcement
from .reading import in_order

logger = logging.getLogger(__name__)

SIGNING_NAMESPACE = "announcements.subscriptions"
# Errors that a later attempt may not meet (server away, refused for now).
SEND_ERRORS = (smtplib.SMTPException, OSError)


# Tokens: the subscriber's id and address, signed (no expiry for managing; the
# confirmation link is also refused after CONFIRM_DAYS).
CONFIRM_DAYS = 7


def subscriber_token(subscriber):
    return signing.dumps({"id": subscriber.pk, "email": subscriber.email}, salt=SIGNING_NAMESPACE)


def subscriber_from_token(token, max_age=None):
    """The subscriber a token names, or None (bad, expired, or for another address)."""
    from .models import Subscriber

    try:
        data = signing.loads(token, salt=SIGNING_NAMESPACE, max_age=max_age)
    except signing.BadSignature:
        return None
    return Subscriber.objects.filter(pk=data.get("id"), email=data.get("email")).first()


def absolute(path):
    return urljoin(settings.SITE_URL, path)


def subscriber_links(subscriber):
    token = subscriber_token(subscriber)
    with translation.override(subscriber.language):
        return {
            "manage_url": absolute(reverse("subscription_manage", args=[token])),
            "unsubscribe_url": absolute(reverse("unsubscribe", args=[token])),
            "confirm_url": absolute(reverse("subscription_confirm", args=[token])),
        }


def list_headers(subscriber, links):
    mailto = f"mailto:{settings.LIST_UNSUBSCRIBE_MAILTO}?subject={quote('unsubscribe ' + subscriber.email)}"
    return {
        "List-Unsubscribe": f"<{links['unsubscribe_url']}>, <{mailto}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"{settings.SITE_NAME} <news.{settings.SITE_DOMAIN}>",
        "Auto-Submitted": "auto-generated",
    }


def render_email(template, context, language):
    """(text, html) of templates/announcements/email/<template>.txt and .html."""
    with translation.override(language):
        context = {"site_name": settings.SITE_NAME, "site_url": settings.SITE_URL, **context}
        text = render_to_string(f"announcements/email/{template}.txt", context)
        html = render_to_string(f"announcements/email/{template}.html", context)
    return text, html


def make_message(subject, text, html, to, headers=None, message_id=None):
    headers = dict(headers or {})
    if message_id:
        headers["Message-ID"] = f"<{message_id}@{settings.SITE_DOMAIN}>"
    message = EmailMultiAlternatives(
        subject=subject, body=text, to=[to], headers=headers, from_email=None
    )
    message.attach_alternative(html, "text/html")
    return message


# What an announcement looks like in an email ---------------------------------------


def announcements_in(pks, language):
    """The published ones of these announcements, in the order of `pks`, shown in
    `language` (a translation or the original) and ready for an email: one query."""
    rows = Announcement.objects.published().filter(pk__in=pks).shown(language)
    items = in_order(rows, pks)
    for item in items:
        with translation.override(language):
            item.email_url = absolute(item.get_absolute_url())
        item.email_body = absolutise_urls(item.body_html, item.email_url)
        picture = item.picture_set
        item.email_picture = absolute(picture.src) if picture else ""
    return items


def announcement_messages():
    """compose(issue, subscriber) for an announcement's issue: the announcement is read
    and made ready once per language, not once per subscriber."""
    shown = {}

    def compose(issue, subscriber):
        language = subscriber.language
        if language not in shown:
            shown[language] = next(iter(announcements_in([issue.announcement_id], language)), None)
        item = shown[language]
        if item is None:
            return None
        links = subscriber_links(subscriber)
        text, html = render_email("announcement", {"item": item, **links}, language)
        return make_message(
            item.title,
            text,
            html,
            subscriber.email,
            list_headers(subscriber, links),
            message_id=f"issue-{issue.pk}.{subscriber.pk}",
        )

    return compose


def digest_message(issue, subscriber, announcement_pks):
    items = announcements_in(announcement_pks, subscriber.language)
    if not items:
        return None
    links = subscriber_links(subscriber)
    text, html = render_email("digest", {"items": items, **links}, subscriber.language)
    with translation.override(subscriber.language):
        subject = translation.gettext("%(site_name)s: the week's news") % {
            "site_name": settings.SITE_NAME
        }
    return make_message(
        subject,
        text,
        html,
        subscriber.email,
        list_headers(subscriber, links),
        message_id=f"issue-{issue.pk}.{subscriber.pk}",
    )


def confirmation_message(subscriber):
    links = subscriber_links(subscriber)
    text, html = render_email("confirm", {"subscriber": subscriber, **links}, subscriber.language)
    with translation.override(subscriber.language):
        subject = translation.gettext("Confirm your subscription to %(site_name)s news") % {
            "site_name": settings.SITE_NAME
        }
    return make_message(subject, text, html, subscriber.email)


# Sending ----------------------------------------------------------------------------


def deliver(delivery, message):
    """Send one delivery's message unless it went already; raises SEND_ERRORS."""
    if delivery.sent_at is not None:
        return False
    delivery.attempts += 1
    try:
        message.send()
    except SEND_ERRORS as error:
        delivery.error = f"{type(error).__name__}: {error}"[:2000]
        delivery.save(update_fields=["attempts", "error"])
        logger.warning("Email to subscriber %s failed: %s", delivery.subscriber_id, error)
        raise
    delivery.sent_at = timezone.now()
    delivery.error = ""
    delivery.save(update_fields=["attempts", "error", "sent_at"])
    return True
