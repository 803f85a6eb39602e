"""Workflow emails: submitted → publishers; sent back → the author, with the comment;
published or scheduled → the author; anyone can turn them off on their own page."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from announcements import workflow
from announcements.models import NotificationPreference

from .editorial import editor, logged_in, make_announcement, publisher

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    def run(*args):
        with django_capture_on_commit_callbacks(execute=True):
            return workflow.perform(*args)

    return run


@pytest.fixture
def people():
    trio = (editor(), publisher(), publisher("petra"))
    for person in trio:
        person.email = f"{person.username}@example.org"
        person.save(update_fields=["email"])
    return trio


def test_submitting_tells_every_publisher_and_not_the_author(committed, people):
    edna, _paul, _petra = people
    draft = make_announcement(author=edna, title="Health data")
    committed(draft, "submit", edna)
    assert sorted(m.to[0] for m in mail.outbox) == ["paul@example.org", "petra@example.org"]
    assert mail.outbox[0].subject == "Ready for review: Health data"
    assert "/admin/announcements/announcement/" in mail.outbox[0].body


def test_sending_back_gives_the_author_the_comment(committed, people):
    edna, paul, _petra = people
    draft = make_announcement(author=edna, title="Health data")
    committed(draft, "submit", edna)
    mail.outbox.clear()
    committed(draft, "send_back", paul, "Please name the ministry.")
    (message,) = mail.outbox
    assert message.to == ["edna@example.org"]
    assert "Please name the ministry." in message.body


def test_publishing_or_scheduling_tells_the_author(committed, people):
    edna, paul, _petra = people
    later = make_announcement(
        author=edna, title="Later", publish_at=timezone.now() + datetime.timedelta(days=2)
    )
    committed(later, "publish", paul)
    (message,) = mail.outbox
    assert message.to == ["edna@example.org"] and "scheduled" in message.body


def test_a_person_who_turned_them_off_gets_none(client, committed, people):
    edna, paul, petra = people
    client.force_login(petra)
    page = client.get("/admin/announcements/notificationpreference/", follow=True)
    assert page.status_code == 200
    change_url = page.redirect_chain[-1][0]
    client.post(change_url, {})  # the box unticked
    assert not NotificationPreference.wants_workflow_emails(petra)
    committed(make_announcement(author=edna), "submit", edna)
    assert [m.to[0] for m in mail.outbox] == ["paul@example.org"]


def test_nobody_sees_another_persons_preferences(client, people):
    edna, paul, _petra = people
    theirs = NotificationPreference.objects.create(user=paul)
    url = f"/admin/announcements/notificationpreference/{theirs.pk}/change/"
    response = logged_in(edna).get(url)
    assert response.status_code == 302 and "/change/" not in response["Location"]
