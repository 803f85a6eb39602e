"""The editorial workflow: draft → ready for review → published (→ draft).

Editors write and submit for review; only publishers publish, schedule, send
back (with a comment) or unpublish. Every step is recorded as a Transition
(who, when, comment) and saved as one revision. "Public" is still decided only
by AnnouncementQuerySet.published(): a scheduled announcement is simply
published with a future publish time, so going live needs no worker.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from dpga.revisions import one_revision

from .models import Announcement, Transition

PUBLISH_PERMISSION = "announcements.publish_announcement"
CHANGE_PERMISSION = "announcements.change_announcement"

Status = Announcement.Status


class TransitionRefused(Exception):
    """The step is not allowed: from this state, for this person, or without a comment."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    sources: tuple
    target: str
    publishers_only: bool
    comment_required: bool = False


Step = Transition.Action

SUBMIT = Action(Step.SUBMIT, Step.SUBMIT.label, (Status.DRAFT,), Status.REVIEW, False)
PUBLISH = Action(
    Step.PUBLISH,
    Step.PUBLISH.label,
    (Status.DRAFT, Status.REVIEW, Status.PUBLISHED),
    Status.PUBLISHED,
    True,
)
SEND_BACK = Action(Step.SEND_BACK, Step.SEND_BACK.label, (Status.REVIEW,), Status.DRAFT, True, True)
UNPUBLISH = Action(Step.UNPUBLISH, Step.UNPUBLISH.label, (Status.PUBLISHED,), Status.DRAFT, True)

ACTIONS = {action.name: action for action in (SUBMIT, PUBLISH, SEND_BACK, UNPUBLISH)}


def can_publish(user):
    return user.has_perm(PUBLISH_PERMISSION)


def action_between(from_status, to_status):
    """The action that moves an announcement from one status to another, if any."""
    for action in ACTIONS.values():
        if from_status in action.sources and action.target == to_status:
            if from_status == to_status:
                continue
            return action
    return None


def is_allowed(action, announcement, user):
    if not user.has_perm(CHANGE_PERMISSION):
        return False
    if action.publishers_only and not can_publish(user):
        return False
    return announcement.status in action.sources


def available_actions(announcement, user):
    """The steps this person may take now (publishing again only while scheduled)."""
    actions = []
    for action in ACTIONS.values():
        if action is PUBLISH and announcement.is_published:
            continue
        if is_allowed(action, announcement, user):
            actions.append(action)
    return actions


def perform(announcement, action, user, comment=""):
    """Take one workflow step, save the announcement, record who/when/why."""
    if isinstance(action, str):
        action = ACTIONS[action]
    comment = (comment or "").strip()
    if not user.has_perm(CHANGE_PERMISSION) or (action.publishers_only and not can_publish(user)):
        raise TransitionRefused(
            _("Only publishers may publish, schedule, send back or unpublish announcements.")
        )
    if announcement.status not in action.sources:
        raise TransitionRefused(
            _("“%(title)s” is %(status)s: “%(action)s” is not possible from there.")
            % {
                "title": announcement.title,
                "status": announcement.get_status_display().lower(),
                "action": action.label,
            }
        )
    if action.comment_required and not comment:
        raise TransitionRefused(
            _("Say what needs to change: sending back needs a comment for the author.")
        )
    from_status = announcement.status
    reason = f"{action.label}: {comment}" if comment else str(action.label)
    with transaction.atomic(), one_revision(announcement, user, reason):
        if action.target == Status.PUBLISHED:
            announcement.publish()
        elif action is UNPUBLISH:
            announcement.unpublish()
        else:
            announcement.status = action.target
        announcement.save()
        return Transition.objects.create(
            announcement=announcement,
            action=action.name,
            from_status=from_status,
            to_status=announcement.status,
            publish_at=announcement.publish_at if action is PUBLISH else None,
            by=user if user.is_authenticated else None,
            comment=comment,
        )
