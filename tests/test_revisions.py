"""Every save keeps a revision (who, when, what changed); diff and restore in the admin."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from taggit.utils import parse_tags

from announcements import workflow
from announcements.models import Announcement
from members.models import Member

from .editorial import (
    admin_change_url,
    change_form_data,
    editor,
    logged_in,
    make_announcement,
    make_member,
    publisher,
)

pytestmark = pytest.mark.django_db
Status = Announcement.Status


def edit(client, announcement, **changes):
    response = client.post(
        admin_change_url(announcement), change_form_data(announcement, **changes)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    announcement.refresh_from_db()
    return announcement


def history_url(obj, record=None):
    base = f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/history/"
    return f"{base}{record.history_id}/" if record else base


@pytest.fixture
def member_a():
    return make_member(name="UNICEF", slug="unicef")


def test_one_admin_save_is_one_revision_with_who_tags_and_members(member_a):
    edna = editor()
    announcement = make_announcement(author=edna)
    before = announcement.history.count()
    edit(
        logged_in(edna),
        announcement,
        title="New title",
        tags='Health, "open data"',
        members=[member_a.pk],
    )
    assert announcement.history.count() == before + 1
    latest = announcement.history.first()
    assert latest.history_user == edna
    assert latest.title == "New title"
    assert sorted(parse_tags(latest.tag_names)) == ["Health", "open data"]
    assert [row.member_id for row in latest.members.all()] == [member_a.pk]


def test_the_history_page_says_who_changed_what():
    edna = editor()
    announcement = make_announcement(author=edna, title="Old title")
    edit(logged_in(edna), announcement, title="Fresh title")
    page = logged_in(publisher()).get(history_url(announcement)).content.decode()
    assert "edna" in page
    assert "Old title" in page and "Fresh title" in page


def test_a_revision_shows_a_readable_diff():
    edna = editor()
    announcement = make_announcement(author=edna, body="Line one.\nLine two.\nLine three.")
    edit(logged_in(edna), announcement, body="Line one.\nLine 2, rewritten.\nLine three.")
    record = announcement.history.first()
    page = logged_in(edna).get(history_url(announcement, record)).content.decode()
    assert "<del>- Line two.</del>" in page
    assert "<ins>+ Line 2, rewritten.</ins>" in page
    assert "This is the current revision." in page


def test_restore_brings_content_back_as_a_new_revision_and_keeps_the_state(member_a):
    edna, paul = editor(), publisher()
    announcement = make_announcement(author=edna, title="Good title", body="Good body.")
    announcement.tags.set(["Health"])
    announcement.members.set([member_a])
    edit(logged_in(edna), announcement, title="Good title")  # a revision with tags and members
    good = announcement.history.first()
    edit(
        logged_in(edna), announcement, title="Bad title", body="Bad body.", tags="spam", members=[]
    )
    workflow.perform(announcement, "submit", edna)
    workflow.perform(announcement, "publish", paul)
    count = announcement.history.count()

    # A publisher restores it (an editor's restore of published news waits for one:
    # tests/test_pending_changes.py).
    client = logged_in(paul)
    page = client.get(history_url(announcement, good)).content.decode()
    assert "Restore this revision" in page
    response = client.post(history_url(announcement, good))
    assert response.status_code == 302
    announcement.refresh_from_db()
    assert (announcement.title, announcement.body) == ("Good title", "Good body.")
    assert announcement.body_html == "<p>Good body.</p>"
    assert list(announcement.tags.names()) == ["Health"]
    assert list(announcement.members.all()) == [member_a]
    assert announcement.status == Status.PUBLISHED, "a restore never changes the publishing state"
    assert announcement.history.count() == count + 1
    newest = announcement.history.first()
    assert newest.history_change_reason.startswith("Restored the revision of")
    assert newest.history_user == paul


def test_a_restore_whose_slug_was_taken_is_refused_clearly():
    edna = editor()
    announcement = make_announcement(author=edna, slug="taken-later")
    edit(logged_in(edna), announcement, title="Same")
    old = announcement.history.first()
    edit(logged_in(edna), announcement, slug="moved-on")
    make_announcement(slug="taken-later")
    response = logged_in(edna).post(history_url(announcement, old), follow=True)
    assert "cannot be restored" in response.content.decode()
    announcement.refresh_from_db()
    assert announcement.slug == "moved-on"


def test_workflow_steps_are_revisions_too():
    edna = editor()
    announcement = make_announcement(author=edna)
    workflow.perform(announcement, "submit", edna, "Please look.")
    record = announcement.history.first()
    assert record.status == Status.REVIEW
    assert record.history_change_reason == "Submit for review: Please look."
    assert record.history_user == edna


def test_bad_or_foreign_revision_ids_are_404():
    edna = editor()
    first, second = make_announcement(), make_announcement()
    other_record = second.history.first()
    client = logged_in(edna)
    assert client.get(history_url(first) + "abc/").status_code == 404
    assert client.get(history_url(first) + "²/").status_code == 404
    assert client.get(history_url(first) + "99999999999999999999999/").status_code == 404
    assert client.get(history_url(first, other_record)).status_code == 404
    assert client.get("/admin/announcements/announcement/999999/history/1/").status_code in (
        302,
        404,
    )


def test_member_saves_keep_revisions_and_restore():
    edna = publisher()  # a listed member: an editor's change would wait for approval
    member = make_member(name="WHO", slug="who", description="The first text.")
    client = logged_in(edna)
    url = f"/admin/members/member/{member.pk}/change/"
    data = {
        "name": "WHO",
        "short_name": "",
        "slug": "who",
        "category": member.category,
        "website": "",
        "country": "",
        "description": "A changed text.",
        "joined_on": "2024-01-15",
        "left_on": "",
    }
    assert client.post(url, data).status_code == 302
    member.refresh_from_db()
    assert member.description == "A changed text."
    first = member.history.order_by("history_date").first()
    page = client.get(history_url(member, member.history.first())).content.decode()
    assert "A changed text." in page
    client.post(history_url(member, first))
    member.refresh_from_db()
    assert member.description == "The first text."
    assert member.description_html == "<p>The first text.</p>"
    assert Member.history.filter(id=member.pk).count() == 3


def png(width, height):
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 50, 0)).save(buffer, "PNG")
    return SimpleUploadedFile(f"p{width}x{height}.png", buffer.getvalue(), content_type="image/png")


def test_restoring_a_picture_brings_back_its_size_and_bytes_too():
    edna = editor()
    announcement = make_announcement(author=edna, picture=png(10, 20), picture_alt="Red")
    first = announcement.history.first()
    first_facts = (announcement.picture.name, 10, 20, announcement.picture_bytes)
    announcement.picture = png(30, 40)
    announcement.save()
    assert (announcement.picture_width, announcement.picture_height) == (30, 40)
    logged_in(edna).post(history_url(announcement, first))
    announcement.refresh_from_db()
    assert (
        announcement.picture.name,
        announcement.picture_width,
        announcement.picture_height,
        announcement.picture_bytes,
    ) == first_facts
    assert announcement.picture_type == "image/png"


def test_restoring_skips_members_deleted_since():
    edna = editor()
    kept, gone = make_member(slug="kept"), make_member(slug="gone")
    announcement = make_announcement(author=edna)
    edit(logged_in(edna), announcement, members=[kept.pk, gone.pk])
    revision = announcement.history.first()
    edit(logged_in(edna), announcement, members=[])
    gone.delete()
    response = logged_in(edna).post(history_url(announcement, revision))
    assert response.status_code == 302
    assert list(announcement.members.all()) == [kept]
