"""Small factories for the tests: plain functions with sensible defaults."""

import datetime
import io
import itertools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from announcements.models import Announcement
from members.models import Member

_counter = itertools.count(1)


def make_member(**fields):
    n = next(_counter)
    defaults = {
        "name": f"Member organisation {n}",
        "slug": f"member-{n}",
        "category": Member.Category.FOUNDATION,
        "joined_on": timezone.localdate() - datetime.timedelta(days=30),
    }
    defaults.update(fields)
    return Member.objects.create(**defaults)


def make_announcement(tags=(), members=(), **fields):
    n = next(_counter)
    defaults = {
        "title": f"Announcement {n}",
        "slug": f"announcement-{n}",
        "summary": f"Summary of announcement {n}.",
        "body": f"Body of announcement {n}.",
        "status": Announcement.Status.PUBLISHED,
        "publish_at": timezone.now() - datetime.timedelta(seconds=n),
    }
    defaults.update(fields)
    announcement = Announcement.objects.create(**defaults)
    if tags:
        announcement.tags.set(list(tags))
    if members:
        announcement.members.set(list(members))
    return announcement


def make_draft(**fields):
    return make_announcement(status=Announcement.Status.DRAFT, **fields)


def make_scheduled(hours_ahead=2, **fields):
    return make_announcement(
        publish_at=timezone.now() + datetime.timedelta(hours=hours_ahead), **fields
    )


def make_user(username, *, groups=(), superuser=False):
    User = get_user_model()
    if superuser:
        return User.objects.create_superuser(username, password="a-long-test-password-1")
    user = User.objects.create_user(username, password="a-long-test-password-1", is_staff=True)
    user.groups.add(*Group.objects.filter(name__in=groups))
    return user


def image_bytes(fmt="PNG", size=(40, 30), colour=(200, 30, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, fmt)
    return buffer.getvalue()


def image_upload(name="picture.png", fmt="PNG", size=(40, 30)):
    content_type = {
        "PNG": "image/png",
        "JPEG": "image/jpeg",
        "GIF": "image/gif",
        "WEBP": "image/webp",
    }[fmt]
    return SimpleUploadedFile(name, image_bytes(fmt, size), content_type=content_type)
