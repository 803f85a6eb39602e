"""Deleting an announcement in the admin: a publisher (or a superuser) deletes any,
published ones too, with their workflow steps, preview links and translations, and
the addresses answer 410 Gone; an editor deletes only their own drafts."""

import pytest
from django.test import Client

from announcements import workflow
from announcements.models import Announcement, AnnouncementTranslation, PreviewLink, Transition

from .editorial import editor, logged_in, make_announcement, make_user, publisher

pytestmark = pytest.mark.django_db
Status = Announcement.Status
NO_PERMISSION = "permission to delete the following types of objects"
CONFIRM = 'name="post" value="yes"'


def delete_url(announcement):
    return f"/admin/announcements/announcement/{announcement.pk}/delete/"


def published_with_its_records(author):
    """A live announcement as the workflow leaves it: steps taken, a preview link made
    while it was a draft, and a French translation."""
    announcement = make_announcement(title="Withdrawn news", slug="withdrawn", author=author)
    PreviewLink.create_for(announcement, author)
    workflow.perform(announcement, "submit", author)
    workflow.perform(announcement, "publish", publisher("paula"))
    AnnouncementTranslation.objects.create(
        announcement=announcement,
        language="fr",
        title="Nouvelle retirée",
        slug="retiree",
        summary="Résumé.",
    )
    assert Client().get("/news/withdrawn/").status_code == 200
    assert Client().get("/fr/news/retiree/").status_code == 200
    return announcement


@pytest.mark.parametrize("who", ["publisher", "superuser"])
def test_a_publisher_deletes_a_published_announcement_and_its_addresses_answer_410(who):
    announcement = published_with_its_records(editor())
    user = publisher() if who == "publisher" else make_user("root", superuser=True)
    client = logged_in(user)

    confirmation = client.get(delete_url(announcement))
    assert confirmation.status_code == 200
    page = confirmation.content.decode()
    assert NO_PERMISSION not in page
    assert CONFIRM in page
    # The confirmation says what goes with it.
    assert "Workflow step" in page and "Preview link" in page and "Nouvelle retirée" in page

    response = client.post(delete_url(announcement), {"post": "yes"})
    assert response.status_code == 302
    assert not Announcement.objects.filter(pk=announcement.pk).exists()
    assert not Transition.objects.exists()
    assert not PreviewLink.objects.exists()
    assert not AnnouncementTranslation.objects.exists()
    gone = Client().get("/news/withdrawn/")
    assert gone.status_code == 410
    assert "removed for good" in gone.content.decode()
    assert Client().get("/fr/news/retiree/").status_code == 410  # the French address too


def test_an_editor_deletes_their_own_draft():
    edna = editor()
    draft = make_announcement(title="Half an idea", slug="half-an-idea", author=edna)
    PreviewLink.create_for(draft, edna)
    client = logged_in(edna)
    change_page = client.get(f"/admin/announcements/announcement/{draft.pk}/change/")
    assert delete_url(draft) in change_page.content.decode()

    confirmation = client.get(delete_url(draft))
    assert confirmation.status_code == 200
    assert NO_PERMISSION not in confirmation.content.decode()
    assert CONFIRM in confirmation.content.decode()
    assert client.post(delete_url(draft), {"post": "yes"}).status_code == 302
    assert not Announcement.objects.exists()
    assert not PreviewLink.objects.exists()
    assert Client().get("/news/half-an-idea/").status_code == 404  # never public: no 410


@pytest.mark.parametrize(
    "whose_and_state",
    ["own published", "own in review", "own scheduled", "another editor's draft"],
)
def test_an_editor_may_not_delete_anything_else(whose_and_state):
    edna, eddie = editor(), editor("eddie")
    author = eddie if whose_and_state == "another editor's draft" else edna
    status = {
        "own published": Status.PUBLISHED,
        "own in review": Status.REVIEW,
        "own scheduled": Status.PUBLISHED,
    }.get(whose_and_state, Status.DRAFT)
    announcement = make_announcement(author=author, status=status, slug="kept")
    if whose_and_state == "own scheduled":
        announcement.publish_at = announcement.publish_at.replace(year=2100)
        announcement.save()
    client = logged_in(edna)
    change_page = client.get(f"/admin/announcements/announcement/{announcement.pk}/change/")
    assert change_page.status_code == 200
    assert delete_url(announcement) not in change_page.content.decode()
    assert client.get(delete_url(announcement)).status_code == 403
    assert client.post(delete_url(announcement), {"post": "yes"}).status_code == 403
    assert Announcement.objects.filter(pk=announcement.pk).exists()


def test_an_editor_cannot_bulk_delete_what_they_may_not_delete():
    edna, eddie = editor(), editor("eddie")
    own = make_announcement(author=edna)
    live = make_announcement(author=edna, status=Status.PUBLISHED)
    others = make_announcement(author=eddie)
    client = logged_in(edna)
    response = client.post(
        "/admin/announcements/announcement/",
        {
            "action": "delete_selected",
            "_selected_action": [own.pk, live.pk, others.pk],
            "post": "yes",
        },
    )
    assert response.status_code in (200, 302, 403)
    assert Announcement.objects.count() == 3
