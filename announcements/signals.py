"""What saving, deleting or relinking announcements and tags triggers, in one place;
connected once by AnnouncementsConfig.ready(). (An announcement's picture files go
with it as every picture owner's do: dpga.pictures.models.delete_picture_files.)"""

from functools import partial

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils.text import slugify
from simple_history.signals import pre_create_historical_record
from taggit.models import Tag, TaggedItem
from taggit.utils import edit_string_for_tags

from dpga.addresses import track_slug_changes
from dpga.caching import content_version
from dpga.models import SlugRedirect

from . import feed_changes, reading
from .models import Announcement, AnnouncementTranslation, TagTranslation, Transition

TAG_SLUG_MAX_LENGTH = 90


def author_changed(sender, update_fields=None, **kwargs):
    """An author's name shows on pages and in feeds; a login alone changes nothing public."""
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    content_version.content_changed(sender, **kwargs)


def ascii_tag_slug(sender, instance, **kwargs):
    """Every tag gets a slug its URL can carry: taggit allows Unicode, and a name of
    punctuation only ("+", "—") slugifies to nothing. Such a slug is replaced by the
    name's ASCII slug ("Santé" -> "sante"), or "tag", made unique."""
    if instance.slug and instance.slug.isascii():
        return
    base = slugify(instance.name)[:TAG_SLUG_MAX_LENGTH].strip("-_") or "tag"
    slug, number = base, 1
    while Tag.objects.filter(slug=slug).exclude(pk=instance.pk).exists():
        number += 1
        slug = f"{base}-{number}"
    instance.slug = slug


def remember_addresses(sender, instance, **kwargs):
    """A published announcement's slugs (its own and its translations'), read before
    its translations are deleted with it."""
    if instance.is_published:
        translated = instance.translations.values_list("slug", flat=True)
        instance._slugs_before_delete = [instance.slug, *translated]


def published_announcement_deleted(sender, instance, **kwargs):
    """A published announcement's addresses, in every language, answer 410 Gone once
    it is deleted."""
    for slug in instance.__dict__.pop("_slugs_before_delete", []):
        SlugRedirect.objects.record_gone(SlugRedirect.Kind.ANNOUNCEMENT, slug)


def snapshot_tags(sender, instance, history_instance, **kwargs):
    """Keep the tags in each revision (taggit's tags are not a plain many-to-many)."""
    history_instance.tag_names = edit_string_for_tags(list(instance.tags.all()))


def live_announcement_saved(sender, instance, raw=False, **kwargs):
    """A published or scheduled announcement: its emails are enqueued after the commit
    (tags and members saved with it by then), to go out at its publish time."""
    if raw or instance.status != Announcement.Status.PUBLISHED:
        return
    from .tasks import announcement_went_live

    transaction.on_commit(partial(announcement_went_live, instance), robust=True)


def workflow_step_taken(sender, instance, created=False, raw=False, **kwargs):
    """Each review step is emailed to those it concerns, by a task after the commit."""
    if created and not raw:
        from dpga.tasks import enqueue

        from .notifications import notify_transition

        transaction.on_commit(partial(enqueue, notify_transition, instance.pk), robust=True)


def connect():
    uid = "announcements"
    for model in (Announcement, AnnouncementTranslation, Tag, TagTranslation, TaggedItem):
        name = f"{uid}.content-version.{model._meta.label_lower}"
        post_save.connect(content_version.content_changed, sender=model, dispatch_uid=name)
        post_delete.connect(content_version.content_changed, sender=model, dispatch_uid=name)
    for through in (Announcement.members.through, TaggedItem):
        m2m_changed.connect(
            content_version.content_changed,
            sender=through,
            dispatch_uid=f"{uid}.content-version.{through._meta.label}",
        )
    user = get_user_model()
    post_save.connect(author_changed, sender=user, dispatch_uid=f"{uid}.author-saved")
    post_delete.connect(
        content_version.content_changed, sender=user, dispatch_uid=f"{uid}.author-deleted"
    )
    content_version.register_next_change(reading.next_scheduled_publish)

    pre_save.connect(ascii_tag_slug, sender=Tag, dispatch_uid=f"{uid}.ascii-tag-slug")
    pre_delete.connect(remember_addresses, sender=Announcement, dispatch_uid=f"{uid}.gone")
    post_delete.connect(
        published_announcement_deleted, sender=Announcement, dispatch_uid=f"{uid}.gone"
    )
    pre_create_historical_record.connect(
        snapshot_tags, sender=Announcement.history.model, dispatch_uid=f"{uid}.tag-snapshot"
    )
    track_slug_changes(Announcement, SlugRedirect.Kind.ANNOUNCEMENT)
    track_slug_changes(AnnouncementTranslation, SlugRedirect.Kind.ANNOUNCEMENT)
    track_slug_changes(Tag, SlugRedirect.Kind.TAG)
    feed_changes.connect()
    post_save.connect(live_announcement_saved, sender=Announcement, dispatch_uid=f"{uid}.email")
    post_save.connect(workflow_step_taken, sender=Transition, dispatch_uid=f"{uid}.workflow-email")
