"""Who wants the workflow's emails: one row per person who changed the default (on)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationPreference(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("user"),
    )
    workflow_emails = models.BooleanField(
        _("email me when an announcement is submitted, sent back or published"),
        default=True,
        help_text=_(
            "Publishers hear of drafts submitted for review; authors of their drafts sent "
            "back (with the comment) and of their news published or scheduled."
        ),
    )

    class Meta:
        verbose_name = _("my email notifications")
        verbose_name_plural = _("my email notifications")

    def __str__(self):
        return str(self.user)

    @classmethod
    def wants_workflow_emails(cls, user):
        preference = cls.objects.filter(user=user).first()
        return preference is None or preference.workflow_emails
