"""Renditions are made by a worker, not during the editor's save: until they exist the
page serves the original at its size, and nothing public names a file not yet made."""

import re

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from announcements.models import Announcement
from tests.factories import image_upload, make_announcement

DATABASE_BACKEND = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def media_names(html):
    return set(re.findall(r'/media/([^"\s,?]+)', html))


@pytest.mark.django_db(transaction=True)
def test_the_page_serves_the_original_until_the_worker_has_made_the_renditions(client, settings):
    settings.TASKS = DATABASE_BACKEND
    item = make_announcement(title="A large photo", picture_alt="A red square")
    item.picture = image_upload(size=(2400, 1800))
    item.save()
    stored = Announcement.objects.get(pk=item.pk)
    assert "sets" not in stored.picture_renditions and "card" not in stored.picture_renditions
    assert (stored.picture_width, stored.picture_height) == (2400, 1800)

    before = client.get(item.get_absolute_url()).content.decode()
    assert f'src="{stored.picture.url}"' in before
    assert 'width="2400"' in before and 'height="1800"' in before
    assert media_names(before) and all(default_storage.exists(n) for n in media_names(before))

    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    after = client.get(item.get_absolute_url()).content.decode()
    made = Announcement.objects.get(pk=item.pk).picture_renditions
    assert made["sets"]["main"] and made["card"]
    assert ".webp" in after and made["card"]["name"] in after
    assert media_names(after) and all(default_storage.exists(n) for n in media_names(after))
