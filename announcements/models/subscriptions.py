"""News by email: subscribers, the issues sent to them, and each delivery.

What holds:

- An address is stored once, normalised (``normalise_email``: trimmed, the domain
  lower-cased; the local part kept as typed, as RFC 5321 says it may matter).
- Nothing but a confirmation is ever sent to an address that has not confirmed
  (``Subscriber.objects.confirmed()``); one that left gets nothing more.
- A subscriber follows all news, or some tags and/or members; ``wants()`` says
  whether an announcement matches. Emails are in the subscriber's language when the
  announcement has a translation in it.
- An email is sent at most once: a ``Delivery`` row per (issue, subscriber) is
  written before the message leaves and marked sent after, under a unique
  constraint, so a task run twice (a worker crash) skips what went out.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def normalise_email(address):
    """ " Ann@Example.ORG " -> "Ann@example.org"."""
    address = (address or "").strip()
    local, at, domain = address.rpartition("@")
    if not at:
        return address
    return f"{local}@{domain.lower()}"


class SubscriberQuerySet(models.QuerySet):
    def confirmed(self):
        """Addresses that confirmed and have not left: the only ones news is sent to."""
        return self.filter(confirmed_at__isnull=False, left_at__isnull=True)

    def following(self, announcement):
        """Confirmed subscribers whose topics match the announcement (one query)."""
        tag_ids = list(announcement.tags.values_list("pk", flat=True))
        member_ids = list(announcement.members.values_list("pk", flat=True))
        match = (
            models.Q(all_news=True) | models.Q(tags__in=tag_ids) | models.Q(members__in=member_ids)
        )
        return self.confirmed().filter(match).distinct()


class Subscriber(models.Model):
    class Frequency(models.TextChoices):
        EACH = "each", _("Each announcement as it is published")
        WEEKLY = "weekly", _("A weekly digest")

    email = models.EmailField(_("email address"), unique=True)
    language = models.CharField(
        _("language of the emails"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    all_news = models.BooleanField(_("all news"), default=False)
    tags = models.ManyToManyField("taggit.Tag", blank=True, verbose_name=_("tags"))
    members = models.ManyToManyField("members.Member", blank=True, verbose_name=_("members"))
    frequency = models.CharField(
        _("how often"), max_length=10, choices=Frequency.choices, default=Frequency.EACH
    )
    created_at = models.DateTimeField(_("subscribed at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Who asked for the confirmation (shown in it): the client address, nothing more.
    requested_from = models.CharField(max_length=64, blank=True, editable=False)
    last_digest_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        verbose_name = _("email subscriber")
        verbose_name_plural = _("email subscribers")
        ordering = ["email"]

    def __str__(self):
        return self.email

    def save(self, *args, **kwargs):
        self.email = normalise_email(self.email)
        super().save(*args, **kwargs)

    @property
    def is_active(self):
        return self.confirmed_at is not None and self.left_at is None

    def leave(self):
        """Unsubscribe: nothing more is sent (the row stays for the admin's counts
        until the admin erases it)."""
        if self.left_at is None:
            self.left_at = timezone.now()
            self.save(update_fields=["left_at"])


class Issue(models.Model):
    """One email edition: an announcement, or a weekly digest."""

    class Kind(models.TextChoices):
        ANNOUNCEMENT = "announcement", _("Announcement")
        DIGEST = "digest", _("Weekly digest")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    announcement = models.OneToOneField(
        "announcements.Announcement",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="email_issue",
        verbose_name=_("announcement"),
    )
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    # A digest covers news published in [period_start, period_end).
    period_start = models.DateTimeField(null=True, blank=True)
    period_end = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("email issue")
        verbose_name_plural = _("email issues")
        ordering = ["-created_at"]

    def __str__(self):
        return self.subject or f"{self.get_kind_display()} {self.created_at:%Y-%m-%d}"


class Delivery(models.Model):
    """One issue to one subscriber: written before sending, marked sent after."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "subscriber"], name="one_delivery_per_issue_and_subscriber"
            )
        ]

    def __str__(self):
        return f"{self.issue} → {self.subscriber}"
