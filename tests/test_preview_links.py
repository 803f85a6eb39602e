"""Signed, expiring, revocable preview links for reviewers without an account."""

import datetime

import pytest
import time_machine
from django.core import signing
from django.test import Client

from announcements.models import Announcement, PreviewLink

from .editorial import editor, logged_in, make_announcement, publisher

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 6, 1, 8, 0, tzinfo=datetime.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def draft():
    return make_announcement(title="Secret plans", slug="secret-plans", body="Draft *text*.")


def create_link(client, announcement):
    return client.post(f"/admin/announcements/announcement/{announcement.pk}/preview-links/new/")


def test_a_preview_is_marked_never_cached_and_never_indexed(clock, draft):
    link = PreviewLink.create_for(draft)
    response = Client().get(link.get_preview_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Preview: this announcement is not public yet" in page
    assert "Draft <em>text</em>." in page
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert link.token not in page, "no canonical, share tag or JSON-LD repeats the key"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "no-referrer"


def test_a_tampered_or_unknown_token_is_404(clock, draft):
    link = PreviewLink.create_for(draft)
    value, timestamp, signature = link.token.split(":")
    forged = f"{value}x:{timestamp}:{signature}"
    assert Client().get(f"/news/preview/{forged}/").status_code == 404
    assert Client().get("/news/preview/not-a-token/").status_code == 404
    assert Client().get(f"/news/preview/{value}:{timestamp}:{'A' * 43}/").status_code == 404


def test_links_expire_after_48_hours_by_default(clock, draft):
    link = PreviewLink.create_for(draft)
    assert link.expires_at == NOW + datetime.timedelta(hours=48)
    clock.move_to(NOW + datetime.timedelta(hours=47, minutes=59))
    assert Client().get(link.get_preview_url()).status_code == 200
    clock.move_to(NOW + datetime.timedelta(hours=48, seconds=1))
    assert Client().get(link.get_preview_url()).status_code == 404


def test_the_lifetime_is_a_setting(clock, draft, settings):
    settings.PREVIEW_LINK_HOURS = 2
    link = PreviewLink.create_for(draft)
    clock.move_to(NOW + datetime.timedelta(hours=2, seconds=1))
    assert Client().get(link.get_preview_url()).status_code == 404


def test_a_token_signed_for_something_else_is_refused(clock, draft):
    link = PreviewLink.create_for(draft)
    foreign = signing.TimestampSigner(salt="another-purpose").sign("abc")
    PreviewLink.objects.filter(pk=link.pk).update(token=foreign)
    assert Client().get(f"/news/preview/{foreign}/").status_code == 404


def test_once_published_the_link_leads_to_the_public_page(clock, draft):
    link = PreviewLink.create_for(draft)
    draft.publish()
    draft.save()
    response = Client().get(link.get_preview_url())
    assert response.status_code == 302
    assert response["Location"] == "/news/secret-plans/"


def test_while_scheduled_it_is_still_a_preview(clock, draft):
    link = PreviewLink.create_for(draft)
    draft.publish_at = NOW + datetime.timedelta(days=1)
    draft.publish()
    draft.save()
    assert Client().get(link.get_preview_url()).status_code == 200


def test_the_author_creates_and_revokes_a_link_in_the_admin(clock):
    edna = editor()
    draft = make_announcement(author=edna)
    client = logged_in(edna)
    response = create_link(client, draft)
    assert response.status_code == 302
    link = PreviewLink.objects.get()
    assert link.created_by == edna
    page = client.get(response["Location"]).content.decode()
    assert f"http://testserver{link.get_preview_url()}" in page
    assert "Preview link created" in page

    response = client.post(
        f"/admin/announcements/announcement/{draft.pk}/preview-links/{link.pk}/revoke/"
    )
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at == NOW
    assert Client().get(link.get_preview_url()).status_code == 404


def test_another_editor_may_not_share_someone_elses_draft(clock):
    draft = make_announcement(author=editor("author"))
    other = logged_in(editor("other"))
    assert create_link(other, draft).status_code == 403
    link = PreviewLink.create_for(draft)
    revoke = f"/admin/announcements/announcement/{draft.pk}/preview-links/{link.pk}/revoke/"
    assert other.post(revoke).status_code == 403
    assert Client().get(link.get_preview_url()).status_code == 200


def test_a_publisher_may_share_any_draft_and_links_need_post(clock):
    draft = make_announcement(author=editor())
    client = logged_in(publisher())
    url = f"/admin/announcements/announcement/{draft.pk}/preview-links/new/"
    assert client.get(url).status_code == 405
    assert create_link(client, draft).status_code == 302
    assert create_link(client, Announcement(pk=999_999)).status_code == 404


def test_publishers_revoke_links_from_the_link_list(clock, draft):
    link = PreviewLink.create_for(draft)
    client = logged_in(publisher())
    listing = client.get("/admin/announcements/previewlink/")
    assert listing.status_code == 200
    client.post(
        "/admin/announcements/previewlink/",
        {"action": "revoke", "_selected_action": [link.pk]},
    )
    link.refresh_from_db()
    assert link.revoked_at is not None
