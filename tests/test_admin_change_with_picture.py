"""Found by the browser's editor journey: saving an announcement that already has a
picture, without uploading a new one, must not fail."""

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from announcements.models import Announcement

from .factories import image_bytes, make_draft, make_user

pytestmark = pytest.mark.django_db


def test_a_publisher_can_publish_a_draft_that_already_has_a_picture(client):
    draft = make_draft(slug="with-picture", picture_alt="A red rectangle.")
    draft.picture.save("red.png", ContentFile(image_bytes()), save=True)
    draft = Announcement.objects.get(pk=draft.pk)  # as the admin loads it
    make_user("pat", groups=["Publishers"])
    client.login(username="pat", password="a-long-test-password-1")
    when = timezone.localtime(draft.publish_at)
    response = client.post(
        f"/admin/announcements/announcement/{draft.pk}/change/",
        {
            "title": draft.title,
            "slug": draft.slug,
            "summary": draft.summary,
            "body": draft.body,
            "picture_alt": draft.picture_alt,
            "tags": "",
            "status": Announcement.Status.PUBLISHED,
            "publish_at_0": when.strftime("%Y-%m-%d"),
            "publish_at_1": when.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    assert draft.is_published and draft.picture.name.endswith(".png")
