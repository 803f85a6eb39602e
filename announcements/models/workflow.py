"""The publishing workflow's record (who moved an announcement, when, why), and the
draft offered when a member joins."""

import os

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from dpga.revisions import one_revision

from .announcement import Announcement


class Transition(models.Model):
    """One step of the workflow: who moved an announcement, when, and why."""

    announcement = models.ForeignKey(
        Announcement,
        verbose_name=_("announcement"),
        on_delete=models.CASCADE,
        related_name="transitions",
    )

    class Action(models.TextChoices):
        SUBMIT = "submit", _("Submit for review")
        PUBLISH = "publish", _("Publish or schedule")
        SEND_BACK = "send_back", _("Send back with a comment")
        UNPUBLISH = "unpublish", _("Unpublish (back to draft)")

    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    from_status = models.CharField(_("from"), max_length=20, choices=Announcement.Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Announcement.Status.choices)
    publish_at = models.DateTimeField(_("go-live time"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("workflow step")
        verbose_name_plural = _("workflow steps")
        indexes = [models.Index(fields=["announcement", "-at"])]

    def __str__(self):
        return f"{self.announcement}: {self.get_from_status_display()} → {self.get_to_status_display()}"


def membership_draft(member, author=None):
    """A draft "<name> joins the alliance" about `member`, with its logo.

    Prefilled for an editor to finish; saved as a draft, never public.
    """
    title = _("%(name)s joins the alliance") % {"name": member.name}
    joined = date_format(member.joined_on, "j F Y") if member.joined_on else ""
    summary = _("%(name)s joined the %(site)s on %(date)s.") % {
        "name": member.display_name,
        "site": settings.SITE_NAME,
        "date": joined,
    }
    body = [str(summary)]
    if member.website:
        body.append(f"[{member.name}]({member.website})")
    announcement = Announcement(
        title=str(title)[:200],
        slug=Announcement.unused_slug(str(title)),
        summary=str(summary)[:300],
        body="\n\n".join(body),
        author=author,
        status=Announcement.Status.DRAFT,
    )
    if member.picture:
        try:
            with member.picture.open("rb") as logo:
                content = logo.read()
        except OSError:
            content = None
        if content:
            announcement.picture.save(
                os.path.basename(member.picture.name), ContentFile(content), save=False
            )
            announcement.picture_alt = str(member.default_picture_alt())
    reason = _("Drafted for the new member %(name)s") % {"name": member.name}
    with one_revision(announcement, author, str(reason)):
        announcement.save()
        announcement.members.add(member)
    return announcement
