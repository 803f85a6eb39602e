"""Background tasks of the news: WebSub pings and every email.

Pings are sent by a worker, never by the editor's request: ``announce_feeds(keys)``
is called after the transaction commits (announcements/feed_changes.py) and
enqueues ``ping_feeds``. A scope the hub did not accept is tried again later with
a growing pause (``dpga.tasks.retry_later``); ``manage.py ping_hubs`` catches up
whatever is left. Pinging twice is harmless (the hub fetches the feed again).

Emails (composed in announcements/mailing.py): when an announcement goes live, or
is scheduled, ``send_announcement`` is enqueued to run at its publish time (no
cron: the task waits in the queue; ``manage.py worker`` also catches up news a
stopped queue missed). It sends to the subscribers who had confirmed when the
issue was made, once each; what failed is retried later. Weekly digests go out by
``send_digests``, which enqueues itself for the next day.
"""

import datetime
import logging

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from dpga.tasks import can_defer, enqueue, enqueue_at, retry_later, task

from .feed_scopes import scope_keys_for
from .feeds import hub_url
from .mailing import SEND_ERRORS, announcement_messages, confirmation_message, digest_message
from .mailing import deliver as deliver_email
from .models import Announcement, Delivery, Issue, Subscriber
from .websub import deliver, hub_problem, plan_announcements

logger = logging.getLogger(__name__)
CATCH_UP_DAYS = 2
DIGEST_DAYS = 7


@task()
def ping_feeds(keys, attempt=1):
    """Ping the hub about these feed scopes; retry the ones it did not accept."""
    plan = plan_announcements(set(keys))
    announced, failed = deliver(plan)
    if failed and not hub_problem(hub_url()):  # a refused hub stays refused
        retry_later(ping_feeds, sorted(failed), attempt=attempt)
    return {"announced": announced, "failed": failed}


def announce_feeds(keys):
    """Enqueue the pings for these feed scopes (nothing without a hub)."""
    if hub_url() and keys:
        enqueue(ping_feeds, sorted(keys))


# Email ------------------------------------------------------------------------------


def issue_for(announcement):
    try:
        with transaction.atomic():
            issue, _created = Issue.objects.get_or_create(
                announcement=announcement,
                defaults={"kind": Issue.Kind.ANNOUNCEMENT, "subject": announcement.title[:300]},
            )
    except IntegrityError:  # another worker made it at the same moment
        issue = Issue.objects.get(announcement=announcement)
    return issue


def send_to(issue, subscribers, compose):
    """Deliver `compose(issue, subscriber)` to each subscriber once; the number failed."""
    failed = 0
    for subscriber in subscribers:
        delivery, _created = Delivery.objects.get_or_create(issue=issue, subscriber=subscriber)
        if delivery.sent_at is not None:
            continue
        message = compose(issue, subscriber)
        if message is None:
            continue
        try:
            deliver_email(delivery, message)
        except SEND_ERRORS:
            failed += 1
    return failed


@task()
def send_announcement(announcement_pk, attempt=1):
    """Email a published announcement to its confirmed subscribers (once each)."""
    announcement = Announcement.objects.published().filter(pk=announcement_pk).first()
    if announcement is None:
        later = Announcement.objects.filter(
            pk=announcement_pk, status=Announcement.Status.PUBLISHED
        ).first()
        if later is not None and attempt == 1:  # its time was moved: wait for it
            enqueue_at(later.publish_at, send_announcement, announcement_pk, attempt=2)
        return "not published"
    issue = issue_for(announcement)
    subscribers = (
        Subscriber.objects.following(announcement)
        .filter(frequency=Subscriber.Frequency.EACH, confirmed_at__lte=issue.created_at)
        .exclude(pk__in=issue.deliveries.filter(sent_at__isnull=False).values("subscriber"))
    )
    failed = send_to(issue, subscribers, announcement_messages())
    if failed:
        retry_later(send_announcement, announcement_pk, attempt=attempt)
    return {"failed": failed}


def announcement_went_live(announcement):
    """Called after an announcement is saved live (published or scheduled): its emails,
    and for a scheduled one the hub's pings, wait in the queue for its publish time."""
    if not Issue.objects.filter(announcement=announcement).exists():
        enqueue_at(announcement.publish_at, send_announcement, announcement.pk)
    if announcement.publish_at > timezone.now() and hub_url() and can_defer(ping_feeds):
        tag_ids = list(announcement.tags.values_list("pk", flat=True))
        member_ids = list(announcement.members.values_list("pk", flat=True))
        keys = sorted(scope_keys_for(tag_ids, member_ids))
        enqueue_at(announcement.publish_at, ping_feeds, keys)


def catch_up(now=None):
    """Enqueue the emails of news published lately that no issue was made for."""
    now = now or timezone.now()
    missed = (
        Announcement.objects.published(now)
        .filter(publish_at__gte=now - datetime.timedelta(days=CATCH_UP_DAYS), email_issue=None)
        .values_list("pk", flat=True)
    )
    for pk in missed:
        enqueue(send_announcement, pk)
    return len(missed)


@task()
def send_confirmation(subscriber_pk, attempt=1):
    """The confirmation email (the only one an unconfirmed address ever gets)."""
    subscriber = Subscriber.objects.filter(pk=subscriber_pk, confirmed_at=None).first()
    if subscriber is None:
        return "nothing to confirm"
    try:
        confirmation_message(subscriber).send()
    except SEND_ERRORS as error:
        logger.warning("Confirmation email to %s failed: %s", subscriber_pk, error)
        retry_later(send_confirmation, subscriber_pk, attempt=attempt)
        return "failed"
    return "sent"


def digest_news(subscriber, since, until):
    """Pks of the published news in [since, until) that the subscriber follows."""
    news = Announcement.objects.published(until).filter(publish_at__gte=since, publish_at__lt=until)
    if not subscriber.all_news:
        news = news.filter(
            Q(tags__in=subscriber.tags.all()) | Q(members__in=subscriber.members.all())
        )
    return list(news.order_by("-publish_at").values_list("pk", flat=True).distinct())


@task()
def send_digest(subscriber_pk, until_iso, attempt=1):
    """One subscriber's digest of the news published since their last one."""
    subscriber = Subscriber.objects.confirmed().filter(pk=subscriber_pk).first()
    if subscriber is None:
        return "gone"
    until = datetime.datetime.fromisoformat(until_iso)
    since = subscriber.last_digest_at or subscriber.confirmed_at
    issue, _created = Issue.objects.get_or_create(
        kind=Issue.Kind.DIGEST, period_end=until, defaults={"period_start": since}
    )
    pks = digest_news(subscriber, since, until)
    failed = send_to(issue, [subscriber], lambda i, s: digest_message(i, s, pks)) if pks else 0
    if failed:
        retry_later(send_digest, subscriber_pk, until_iso, attempt=attempt)
        return "failed"
    Subscriber.objects.filter(pk=subscriber_pk).update(last_digest_at=until)
    return {"items": len(pks)}


def digests_due(now=None):
    """Enqueue a digest for each weekly subscriber whose week is over; the count."""
    now = now or timezone.now()
    week_ago = now - datetime.timedelta(days=DIGEST_DAYS)
    due = Subscriber.objects.confirmed().filter(frequency=Subscriber.Frequency.WEEKLY)
    due = due.filter(
        Q(last_digest_at__lte=week_ago) | Q(last_digest_at=None, confirmed_at__lte=week_ago)
    )
    until = now.replace(microsecond=0).isoformat()
    pks = list(due.values_list("pk", flat=True))
    for pk in pks:
        enqueue(send_digest, pk, until)
    return len(pks)


@task()
def send_digests():
    """Send the digests that are due, then come back tomorrow (no cron needed)."""
    count = digests_due()
    enqueue_at(timezone.now() + datetime.timedelta(days=1), send_digests)
    return count
