"""Signed, expiring, revocable preview links to drafts."""

import datetime
import secrets

from django.conf import settings
from django.core import signing
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .announcement import Announcement


class PreviewLinkQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())

    def from_token(self, token):
        """The active link for a signed token, or None (bad, expired or revoked)."""
        signer = signing.TimestampSigner(salt=PreviewLink.SALT)
        try:
            signer.unsign(token)
        except signing.BadSignature:
            return None
        link = self.select_related("announcement").filter(token=token).first()
        if link is None or not link.is_active:
            return None
        try:
            signer.unsign(token, max_age=link.expires_at - link.created_at)
        except signing.BadSignature:
            return None
        return link


class PreviewLink(models.Model):
    """A signed, expiring, revocable link to a draft for a reviewer without an account."""

    SALT = "announcements.preview-link"

    announcement = models.ForeignKey(
        Announcement,
        verbose_name=_("announcement"),
        on_delete=models.CASCADE,
        related_name="preview_links",
    )
    token = models.CharField(_("token"), max_length=200, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("preview link")
        verbose_name_plural = _("preview links")

    def __str__(self):
        return str(_("Preview of “%(title)s”") % {"title": self.announcement})

    @classmethod
    def create_for(cls, announcement, user=None, hours=None):
        hours = settings.PREVIEW_LINK_HOURS if hours is None else hours
        now = timezone.now()
        token = signing.TimestampSigner(salt=cls.SALT).sign(secrets.token_urlsafe(12))
        return cls.objects.create(
            announcement=announcement,
            token=token,
            created_by=user,
            created_at=now,
            expires_at=now + datetime.timedelta(hours=hours),
        )

    def get_preview_url(self):
        """The link's address. Deliberately not get_absolute_url(): the admin would
        offer that as "view on site" (and its /admin/r/ shortcut to any staff member),
        handing the key to people who may not see the draft."""
        return reverse("announcements:preview", kwargs={"token": self.token})

    @property
    def is_active(self):
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def state(self):
        if self.revoked_at:
            return _("revoked")
        if self.expires_at <= timezone.now():
            return _("expired")
        return _("active")

    def revoke(self):
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])
