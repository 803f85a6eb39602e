"""An editor's change to anything the public sees waits for a publisher: the public page,
feeds and cache keep the approved text until a publisher approves the pending change;
restoring a revision of a published item, and new or changed translations of one, wait too.
Publishers change the public site directly; drafts stay the editors' to change."""

import datetime

import pytest
from django.test import Client

from announcements.models import Announcement, AnnouncementTranslation
from dpga.caching import content_version
from dpga.review.models import WorkingCopy
from members.models import Member, MemberTranslation

from .editorial import (
    admin_change_url,
    change_form_data,
    editor,
    logged_in,
    make_announcement,
    make_member,
    publisher,
)
from .factories import image_upload

pytestmark = pytest.mark.django_db
Status = Announcement.Status
TRANSLATIONS = "/admin/announcements/announcementtranslation/"


def public(path):
    return Client().get(path).content.decode()


def approve_url(pending):
    return f"/admin/dpga/workingcopy/{pending.pk}/approve/"


def reject_url(pending):
    return f"/admin/dpga/workingcopy/{pending.pk}/reject/"


@pytest.fixture
def live():
    return make_announcement(
        title="Old title", slug="old-title", body="Approved body.", status=Status.PUBLISHED
    )


def test_an_editors_edit_of_published_news_waits_for_a_publisher(live):
    edna, paul = editor(), publisher()
    client = logged_in(edna)
    assert "Old title" in public("/news/old-title/")
    version = content_version.current_version()

    response = client.post(
        admin_change_url(live),
        change_form_data(
            live, title="New title", slug="new-title", body="Unapproved body.", featured="on"
        ),
        follow=True,
    )
    assert "waits for a publisher" in response.content.decode()
    live.refresh_from_db()
    assert (live.title, live.slug, live.featured) == ("Old title", "old-title", False)
    page = public("/news/old-title/")
    assert "Approved body." in page and "Unapproved" not in page
    assert "Unapproved" not in public("/news/feed/rss/")
    assert content_version.current_version() == version

    # The editor keeps editing the pending text, not the live one.
    form_page = client.get(admin_change_url(live)).content.decode()
    assert 'value="New title"' in form_page
    assert "Change pending approval" in form_page

    # A publisher sees what would change, and approves it: live, one revision, new version.
    publisher_client = logged_in(paul)
    page = publisher_client.get(admin_change_url(live)).content.decode()
    assert "Unapproved body." in page and "Approve: make it live" in page
    response = publisher_client.post(approve_url(WorkingCopy.objects.get()))
    assert response.status_code == 302
    live.refresh_from_db()
    assert (live.title, live.slug, live.featured) == ("New title", "new-title", True)
    assert "Unapproved body." in public("/news/new-title/")
    assert content_version.current_version() != version
    revision = live.history.first()
    assert revision.history_user == paul
    assert "Approved the change proposed by Edna Editor" in revision.history_change_reason
    assert not WorkingCopy.objects.exists()


def test_an_editors_new_picture_for_published_news_is_not_shown_until_approved(live):
    client = logged_in(editor())
    data = change_form_data(live, picture_alt="A red square")
    data["picture"] = image_upload()
    response = client.post(admin_change_url(live), data)
    assert response.status_code == 302
    live.refresh_from_db()
    assert not live.picture
    pending = WorkingCopy.objects.of(live).get()
    assert pending.data["picture"].startswith("announcements/")
    logged_in(publisher()).post(approve_url(pending))
    live.refresh_from_db()
    assert live.picture.name == pending.data["picture"]
    assert live.picture_renditions


def test_a_rejected_change_leaves_the_live_text_and_deletes_its_picture(live):
    client = logged_in(editor())
    data = change_form_data(live, title="Rejected title", picture_alt="A red square")
    data["picture"] = image_upload()
    client.post(admin_change_url(live), data)
    pending = WorkingCopy.objects.get()
    storage = Announcement._meta.get_field("picture").storage
    assert storage.exists(pending.data["picture"])
    response = logged_in(publisher()).post(reject_url(pending))
    assert response.status_code == 302
    assert not WorkingCopy.objects.exists()
    assert not storage.exists(pending.data["picture"])
    live.refresh_from_db()
    assert live.title == "Old title"


def test_an_editor_may_not_approve(live):
    client = logged_in(editor())
    client.post(admin_change_url(live), change_form_data(live, title="Self-approved"))
    pending = WorkingCopy.objects.get()
    assert client.post(approve_url(pending)).status_code == 403
    live.refresh_from_db()
    assert live.title == "Old title"


def test_an_approval_that_is_no_longer_valid_is_refused_and_changes_nothing(live):
    client = logged_in(editor())
    client.post(admin_change_url(live), change_form_data(live, slug="taken-later"))
    make_announcement(title="Other", slug="taken-later")
    response = logged_in(publisher()).post(approve_url(WorkingCopy.objects.get()), follow=True)
    assert "cannot be approved" in response.content.decode()
    live.refresh_from_db()
    assert live.slug == "old-title"
    assert WorkingCopy.objects.exists()


def test_drafts_and_publishers_change_directly(live):
    draft = make_announcement(title="Draft", status=Status.DRAFT)
    logged_in(editor()).post(admin_change_url(draft), change_form_data(draft, title="Draft 2"))
    draft.refresh_from_db()
    assert draft.title == "Draft 2"
    logged_in(publisher()).post(admin_change_url(live), change_form_data(live, title="Now"))
    live.refresh_from_db()
    assert live.title == "Now"
    assert not WorkingCopy.objects.exists()


def test_a_restored_revision_of_published_news_waits_for_a_publisher(live):
    paul = publisher()
    logged_in(paul).post(admin_change_url(live), change_form_data(live, title="Second title"))
    live.refresh_from_db()
    first = live.history.last()
    client = logged_in(editor())
    url = f"/admin/announcements/announcement/{live.pk}/history/{first.history_id}/"
    response = client.post(url, follow=True)
    assert "as a pending change" in response.content.decode()
    live.refresh_from_db()
    assert live.title == "Second title"
    assert "Second title" in public("/news/old-title/")
    pending = WorkingCopy.objects.of(live).get()
    assert pending.data["title"] == "Old title"
    logged_in(paul).post(approve_url(pending))
    live.refresh_from_db()
    assert live.title == "Old title"


def translation_data(announcement, **overrides):
    return {
        "announcement": announcement.pk,
        "language": "fr",
        "title": "Une nouvelle",
        "slug": "une-nouvelle",
        "summary": "Un résumé.",
        "body": "Texte approuvé.",
        "picture_alt": "",
        **overrides,
    }


def test_a_new_translation_of_published_news_waits_for_a_publisher(live):
    client = logged_in(editor())
    response = client.post(f"{TRANSLATIONS}add/", translation_data(live))
    assert response.status_code == 302
    assert not AnnouncementTranslation.objects.exists()
    assert "Une nouvelle" not in public("/fr/news/old-title/")
    pending = WorkingCopy.objects.get()
    assert pending.object_id is None
    logged_in(publisher()).post(approve_url(pending))
    assert AnnouncementTranslation.objects.get().title == "Une nouvelle"
    assert "Une nouvelle" in public("/fr/news/une-nouvelle/")


def test_a_changed_translation_of_published_news_waits_for_a_publisher(live):
    translation = AnnouncementTranslation.objects.create(
        announcement=live, language="fr", title="Titre approuvé", slug="titre", summary="."
    )
    client = logged_in(editor())
    data = translation_data(live, title="Titre non approuvé", slug="titre")
    response = client.post(f"{TRANSLATIONS}{translation.pk}/change/", data)
    assert response.status_code == 302
    translation.refresh_from_db()
    assert translation.title == "Titre approuvé"
    assert "Titre approuvé" in public("/fr/news/titre/")
    # Listed as pending, with the filter.
    paul = logged_in(publisher())
    assert paul.get(f"{TRANSLATIONS}?pending=yes").context["cl"].result_count == 1
    assert paul.get(f"{TRANSLATIONS}?pending=no").context["cl"].result_count == 0


def test_an_editors_change_to_a_listed_member_waits_for_a_publisher():
    member = make_member(name="UNICEF", slug="unicef", description="Approved.")
    client = logged_in(editor())
    form = client.get(f"/admin/members/member/{member.pk}/change/").context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(name="UNICEF (unapproved)", description="Unapproved.", category=member.category)
    data["joined_on"] = member.joined_on.isoformat()
    data = {k: v for k, v in data.items() if k in form.fields and k != "picture"}
    response = client.post(f"/admin/members/member/{member.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    member.refresh_from_db()
    assert member.name == "UNICEF"
    assert "Unapproved." not in public("/members/unicef/")
    assert WorkingCopy.objects.of(member).exists()
    # Nor may an editor take a listed member off the site by deleting it.
    response = client.post(f"/admin/members/member/{member.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert Member.objects.filter(pk=member.pk).exists()


def test_an_editor_adding_a_member_with_a_join_date_proposes_it():
    client = logged_in(editor())
    data = {
        "name": "New member",
        "slug": "new-member",
        "category": Member.Category.COMPANY,
        "joined_on": (datetime.date.today() - datetime.timedelta(days=1)).isoformat(),
        "language": "en",
        "description": "",
    }
    response = client.post("/admin/members/member/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not Member.objects.filter(slug="new-member").exists()
    logged_in(publisher()).post(approve_url(WorkingCopy.objects.get()))
    assert Member.objects.get(slug="new-member").name == "New member"
    assert "New member" in public("/members/new-member/")


def test_a_listed_members_translation_waits_too():
    member = make_member(name="WHO", slug="who")
    client = logged_in(editor())
    response = client.post(
        "/admin/members/membertranslation/add/",
        {"member": member.pk, "language": "fr", "description": "Texte."},
    )
    assert response.status_code == 302
    assert not MemberTranslation.objects.exists()


def test_the_pending_change_is_previewed_by_its_author_and_publishers_only(live):
    edna = editor()
    logged_in(edna).post(
        admin_change_url(live),
        change_form_data(live, title="Previewed title", body="Previewed *body*.", tags="Fresh"),
    )
    pending = WorkingCopy.objects.get()
    url = f"/news/preview/pending/{pending.pk}/"
    for client in (logged_in(edna), logged_in(publisher())):
        response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Previewed title" in page and "<em>body</em>" in page and "Fresh" in page
        assert "no-cache" in response["Cache-Control"]
    assert logged_in(editor("other")).get(url).status_code == 404
    assert Client().get(url).status_code == 404
    assert "Previewed" not in public("/news/old-title/")


def test_a_picture_waiting_for_approval_comes_back_with_a_restored_backup(live, tmp_path):
    from dpga.backups import create_backup, restore_backup

    client = logged_in(editor())
    data = change_form_data(live, picture_alt="A red square")
    data["picture"] = image_upload()
    client.post(admin_change_url(live), data)
    pending = WorkingCopy.objects.of(live).get()
    storage = Announcement._meta.get_field("picture").storage
    create_backup(tmp_path / "site.tar.gz")
    storage.delete(pending.data["picture"])  # as in an empty install's media folder

    result = restore_backup(tmp_path / "site.tar.gz", save_current_to=tmp_path / "before.tar.gz")
    assert storage.exists(pending.data["picture"]), result["skipped"]
    logged_in(publisher()).post(approve_url(WorkingCopy.objects.of(live).get()))
    live.refresh_from_db()
    assert live.picture.name == pending.data["picture"]
