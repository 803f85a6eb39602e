"""Small factories for the editorial tests (workflow, previews, history, addresses)."""

import datetime
import importlib

from django.contrib.auth.models import Group, Permission, User
from django.test import Client
from django.utils import timezone
from taggit.utils import edit_string_for_tags

from announcements.models import Announcement
from members.models import Member


def make_user(username, group=None, superuser=False, **extra):
    # No password: tests log in with force_login (no slow hashing).
    user = User.objects.create_user(username, is_staff=True, is_superuser=superuser, **extra)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def editor(username="edna"):
    return make_user(username, "Editors", first_name="Edna", last_name="Editor")


def publisher(username="paul"):
    return make_user(username, "Publishers", first_name="Paul", last_name="Publisher")


def make_announcement(**fields):
    number = Announcement.objects.count() + 1
    defaults = {
        "title": f"Announcement {number}",
        "slug": f"announcement-{number}",
        "summary": "A short summary.",
        "body": "Some **Markdown** text.",
        "status": Announcement.Status.DRAFT,
        "publish_at": timezone.now() - datetime.timedelta(hours=1),
    }
    tags = fields.pop("tags", None)
    members = fields.pop("members", None)
    announcement = Announcement.objects.create(**{**defaults, **fields})
    if tags:
        announcement.tags.set(tags)
    if members:
        announcement.members.set(members)
    return announcement


def make_member(**fields):
    number = Member.objects.count() + 1
    defaults = {
        "name": f"Member organisation {number}",
        "slug": f"member-{number}",
        "category": Member.Category.FOUNDATION,
        "joined_on": datetime.date(2024, 1, 15),
    }
    return Member.objects.create(**{**defaults, **fields})


def change_form_data(announcement, **overrides):
    """Everything the admin change form posts for `announcement`, with overrides."""
    local = timezone.localtime(overrides.pop("publish_at", announcement.publish_at))
    data = {
        "title": announcement.title,
        "slug": announcement.slug,
        "summary": announcement.summary,
        "body": announcement.body,
        "picture_alt": announcement.picture_alt,
        "tags": edit_string_for_tags(list(announcement.tags.all())),
        "members": [member.pk for member in announcement.members.all()],
        "status": announcement.status,
        "publish_at_0": local.strftime("%Y-%m-%d"),
        "publish_at_1": local.strftime("%H:%M:%S"),
        "workflow_comment": "",
    }
    if announcement.featured:
        data["featured"] = "on"
    data.update(overrides)
    return data


def admin_change_url(announcement):
    return f"/admin/announcements/announcement/{announcement.pk}/change/"


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def ensure_roles():
    """The Editors and Publishers groups (data migrations 0002 and 0013, the picture
    library), which a flush removes."""
    roles = importlib.import_module("announcements.migrations.0002_roles")
    library = importlib.import_module("announcements.migrations.0013_picture_library_permissions")
    library_permissions = [("dpga", codename) for codename in library.CODENAMES]

    def permissions(pairs):
        return [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in pairs
        ]

    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(*permissions(roles.EDITOR_PERMISSIONS + library_permissions))
    publishers, _ = Group.objects.get_or_create(name="Publishers")
    publishers.permissions.add(
        *permissions(
            roles.EDITOR_PERMISSIONS + roles.PUBLISHER_EXTRA_PERMISSIONS + library_permissions
        )
    )
