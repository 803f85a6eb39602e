"""Workflow emails: each step of the review workflow tells the people it concerns.

- submitted for review → every active publisher with an address (not the submitter);
- sent back → the author, with the publisher's comment;
- published or scheduled → the author (unless they did it themselves).

Anyone can turn these off (``NotificationPreference``, "My email notifications" in
the admin). Sent by a background task after the step is committed, so a mail server
that is away never troubles the person taking the step; a failed send is retried.
"""

import logging
from urllib.parse import urljoin

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from dpga.tasks import retry_later, task

from .mailing import SEND_ERRORS
from .models import NotificationPreference, Transition
from .workflow import PUBLISH_PERMISSION

logger = logging.getLogger(__name__)
Step = Transition.Action


def publishers():
    """Active users who may publish (by group, own permission or as superusers)."""
    app_label, codename = PUBLISH_PERMISSION.split(".")
    permission = Q(
        user_permissions__codename=codename, user_permissions__content_type__app_label=app_label
    ) | Q(
        groups__permissions__codename=codename,
        groups__permissions__content_type__app_label=app_label,
    )
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(permission | Q(is_superuser=True))
        .exclude(email="")
        .distinct()
    )


def recipients(transition):
    author = transition.announcement.author
    if transition.action == Step.SUBMIT:
        people = list(publishers())
    elif transition.action in {Step.SEND_BACK, Step.PUBLISH} and author and author.email:
        people = [author]
    else:
        people = []
    return [
        person
        for person in people
        if person.pk != transition.by_id and NotificationPreference.wants_workflow_emails(person)
    ]


def notice(transition, person):
    announcement = transition.announcement
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "transition": transition,
            "announcement": announcement,
            "person": person,
            "site_name": settings.SITE_NAME,
            "admin_url": urljoin(
                settings.SITE_URL,
                reverse("admin:announcements_announcement_change", args=[announcement.pk]),
            ),
            "preferences_url": urljoin(
                settings.SITE_URL, reverse("admin:announcements_notificationpreference_changelist")
            ),
            "scheduled": transition.publish_at is not None and not announcement.is_published,
        }
        body = render_to_string("announcements/email/workflow.txt", context)
        subject = {
            Step.SUBMIT: translation.gettext("Ready for review: %(title)s"),
            Step.SEND_BACK: translation.gettext("Sent back to you: %(title)s"),
            Step.PUBLISH: translation.gettext("Published: %(title)s"),
        }[transition.action] % {"title": announcement.title}
    return EmailMessage(subject, body, to=[person.email])


@task()
def notify_transition(transition_pk, attempt=1):
    """Email the people a workflow step concerns; retry the ones that failed."""
    transition = (
        Transition.objects.select_related("announcement__author", "by")
        .filter(pk=transition_pk)
        .first()
    )
    if transition is None:
        return 0
    failed = sent = 0
    for person in recipients(transition):
        try:
            notice(transition, person).send()
            sent += 1
        except SEND_ERRORS as error:
            logger.warning("Workflow email to user %s failed: %s", person.pk, error)
            failed += 1
    if failed and not sent:  # all or nothing failed: try again (no one gets it twice)
        retry_later(notify_transition, transition_pk, attempt=attempt)
    return sent
