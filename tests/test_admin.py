"""Editors write, Publishers publish; staff preview of drafts; admin pages work."""

import pytest
from django.utils import timezone

from announcements.models import Announcement

from .factories import image_upload, make_announcement, make_draft, make_member, make_user

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "title": "Rwanda joins a new programme",
        "slug": "rwanda-joins",
        "summary": "A short summary.",
        "body": "Some **Markdown**.",
        "picture_alt": "",
        "tags": "Governments, Health",
        "status": Announcement.Status.DRAFT,
        "publish_at_0": timezone.localtime().strftime("%Y-%m-%d"),
        "publish_at_1": timezone.localtime().strftime("%H:%M:%S"),
        "featured": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def editor(client):
    user = make_user("eddie", groups=["Editors"])
    client.force_login(user)
    return user


@pytest.fixture
def publisher(client):
    user = make_user("pat", groups=["Publishers"])
    client.force_login(user)
    return user


def test_editor_can_save_a_draft_and_is_recorded_as_author(client, editor):
    member = make_member(name="Rwanda ICT")
    response = client.post("/admin/announcements/announcement/add/", form_data(members=[member.pk]))
    assert response.status_code == 302
    announcement = Announcement.objects.get(slug="rwanda-joins")
    assert announcement.status == Announcement.Status.DRAFT
    assert announcement.author == editor
    assert sorted(t.name for t in announcement.tags.all()) == ["Governments", "Health"]
    assert list(announcement.members.all()) == [member]
    assert "<strong>Markdown</strong>" in announcement.body_html


def test_editor_cannot_publish_the_status_is_not_offered_and_a_posted_one_refused(client, editor):
    form = client.get("/admin/announcements/announcement/add/").context["adminform"].form
    assert Announcement.Status.PUBLISHED not in dict(form.fields["status"].choices)
    response = client.post(
        "/admin/announcements/announcement/add/", form_data(status=Announcement.Status.PUBLISHED)
    )
    assert response.status_code == 200  # the form again, as typed, with the error
    assert "status" in response.context["adminform"].form.errors
    assert not Announcement.objects.filter(slug="rwanda-joins").exists()
    assert client.get("/news/rwanda-joins/").status_code == 404


def test_editor_cannot_unpublish_a_live_announcement(client, editor):
    live = make_announcement(slug="live-one", title="Live one")
    change_url = f"/admin/announcements/announcement/{live.pk}/change/"
    publish_at = timezone.localtime(live.publish_at)
    client.post(
        change_url,
        form_data(
            title="Live one, edited",
            slug="live-one",
            status=Announcement.Status.DRAFT,
            publish_at_0=publish_at.strftime("%Y-%m-%d"),
            publish_at_1=publish_at.strftime("%H:%M:%S"),
        ),
    )
    live.refresh_from_db()
    assert live.status == Announcement.Status.PUBLISHED
    assert live.title == "Live one", "the edit waits for a publisher's approval"


def test_editor_has_no_publish_actions(client, editor):
    make_draft()
    response = client.get("/admin/announcements/announcement/")
    assert response.status_code == 200
    assert "publish_now" not in response.content.decode()


def test_publisher_can_publish_from_the_form(client, publisher):
    client.post(
        "/admin/announcements/announcement/add/",
        form_data(status=Announcement.Status.PUBLISHED),
    )
    announcement = Announcement.objects.get(slug="rwanda-joins")
    assert announcement.status == Announcement.Status.PUBLISHED
    client.logout()
    assert client.get("/news/rwanda-joins/").status_code == 200


def test_publisher_actions_publish_now_and_unpublish(client, publisher):
    draft = make_draft(slug="to-publish")
    changelist = "/admin/announcements/announcement/"
    client.post(changelist, {"action": "publish_now", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.is_published
    client.post(changelist, {"action": "unpublish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == Announcement.Status.DRAFT
    assert not draft.is_published


def test_publishing_an_old_draft_dates_it_now_not_when_it_was_written(client, publisher):
    draft = make_draft(slug="old-draft", publish_at=timezone.now() - timezone.timedelta(days=20))
    client.post(
        "/admin/announcements/announcement/",
        {"action": "publish_now", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert timezone.now() - draft.publish_at < timezone.timedelta(minutes=1)


def test_staff_preview_needs_the_change_permission_and_is_never_cached(client):
    draft = make_draft(slug="preview-me", title="Preview me")
    viewer = make_user("viewer")  # staff, but no permissions
    client.force_login(viewer)
    assert client.get("/news/preview-me/").status_code == 404

    client.force_login(make_user("eddie", groups=["Editors"]))
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "Draft preview" in response.content.decode()
    assert "no-cache" in response["Cache-Control"]
    assert "private" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_published_page_has_no_draft_banner(client):
    make_announcement(slug="public-one")
    response = client.get("/news/public-one/")
    assert "Draft preview" not in response.content.decode()


def test_picture_needs_alt_text_in_the_admin(client, publisher):
    response = client.post(
        "/admin/announcements/announcement/add/",
        form_data(picture=image_upload()),
    )
    assert response.status_code == 200
    assert "alt text is required" in response.content.decode()
    assert not Announcement.objects.filter(slug="rwanda-joins").exists()


def test_picture_with_alt_text_is_saved_with_its_facts(client, publisher):
    client.post(
        "/admin/announcements/announcement/add/",
        form_data(picture=image_upload(), picture_alt="A red square."),
    )
    announcement = Announcement.objects.get(slug="rwanda-joins")
    assert announcement.picture_width == 40
    assert announcement.picture_type == "image/png"
    assert announcement.picture_bytes == announcement.picture.size


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/announcements/announcement/",
        "/admin/announcements/announcement/add/",
        "/admin/members/member/",
        "/admin/members/member/add/",
        "/admin/announcements/announcement/?state=draft",
        "/admin/announcements/announcement/?state=scheduled",
        "/admin/announcements/announcement/?q=story",
    ],
)
def test_admin_pages_open_for_a_superuser(client, url):
    make_announcement(tags=["health"], members=[make_member()])
    client.force_login(make_user("root", superuser=True))
    assert client.get(url).status_code == 200


def test_member_admin_search_serves_the_announcement_autocomplete(client, publisher):
    make_member(name="World Health Organization", short_name="WHO")
    response = client.get(
        "/admin/autocomplete/",
        {
            "term": "WHO",
            "app_label": "announcements",
            "model_name": "announcement",
            "field_name": "members",
        },
    )
    assert response.status_code == 200
    assert "World Health Organization" in response.content.decode()
