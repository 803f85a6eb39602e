"""Deleting things never takes the news with it."""

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import ProtectedError

from announcements.models import Announcement
from members.models import Member

from .factories import make_announcement, make_member, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(make_user("root", superuser=True))
    return client


def test_deleting_a_member_the_news_is_about_is_refused_naming_the_news(admin_client):
    member = make_member(name="Thoughtworks")
    make_announcement(title="Thoughtworks joins the alliance", members=[member])
    make_announcement(title="A new open-source release", members=[member])
    response = admin_client.post(f"/admin/members/member/{member.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert response["Location"] == f"/admin/members/member/{member.pk}/change/"
    page = admin_client.get(response["Location"]).content.decode()
    assert "“Thoughtworks” cannot be deleted: 2 announcements are about it" in page
    assert "Thoughtworks joins the alliance" in page
    assert "A new open-source release" in page
    assert Member.objects.filter(pk=member.pk).exists()
    assert Announcement.objects.about(member).count() == 2


def test_bulk_deleting_members_in_the_news_is_refused_too(admin_client):
    member = make_member(name="GitHub")
    free = make_member(name="Unmentioned")
    make_announcement(title="GitHub and the alliance", members=[member])
    response = admin_client.post(
        "/admin/members/member/",
        {"action": "delete_selected", "_selected_action": [member.pk, free.pk], "post": "yes"},
    )
    page = response.content.decode()
    assert "GitHub and the alliance" in page
    assert Member.objects.filter(pk=member.pk).exists()
    assert Member.objects.filter(pk=free.pk).exists()


def test_the_model_itself_refuses_even_outside_the_admin():
    member = make_member()
    make_announcement(members=[member])
    with pytest.raises(ProtectedError, match="cannot be deleted"), transaction.atomic():
        member.delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        Member.objects.filter(pk=member.pk).delete()
    assert Member.objects.filter(pk=member.pk).exists()


def test_a_member_no_news_is_about_can_be_deleted(admin_client):
    member = make_member()
    response = admin_client.post(f"/admin/members/member/{member.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Member.objects.filter(pk=member.pk).exists()


def test_deleting_a_user_keeps_their_announcements(admin_client, client):
    author = make_user("writer")
    author.first_name, author.last_name = "Wren", "Writer"
    author.save()
    announcement = make_announcement(title="Kept after the author left", author=author)
    response = admin_client.post(f"/admin/auth/user/{author.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=author.pk).exists()
    announcement.refresh_from_db()
    assert announcement.author is None
    assert announcement.is_published
    client.logout()
    assert client.get(announcement.get_absolute_url()).status_code == 200
    assert "Kept after the author left" in client.get("/news/feed/atom/").content.decode()
