"""Every change to public content bumps the content version (see content_version)."""

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_save
from taggit.models import Tag, TaggedItem

from announcements.models import Announcement, AnnouncementTranslation
from members.models import Member, MemberTranslation

from .content_version import content_changed


def user_changed(sender, update_fields=None, **kwargs):
    """An author's name shows on pages and in feeds; a login alone changes nothing public."""
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    content_changed(sender, **kwargs)


def connect():
    for model in (
        Announcement,
        AnnouncementTranslation,
        Member,
        MemberTranslation,
        Tag,
        TaggedItem,
    ):
        uid = f"content-version-{model._meta.label_lower}"
        post_save.connect(content_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"{uid}-delete")
    for through in (Announcement.members.through, TaggedItem):
        m2m_changed.connect(
            content_changed, sender=through, dispatch_uid=f"content-version-{through._meta.label}"
        )
    User = get_user_model()
    post_save.connect(user_changed, sender=User, dispatch_uid="content-version-user-save")
    post_delete.connect(content_changed, sender=User, dispatch_uid="content-version-user-delete")
