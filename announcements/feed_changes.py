"""Which feeds an edit changed: record it, and tell the WebSub hub.

An announcement that is live before or after an edit (saved, retagged, its
members changed, deleted) changes the feeds it was in and the feeds it is in
now. After the transaction commits, those feeds' `FeedState.changed_at` is set
(their validators move even when an item *left* them) and the hub is pinged by
a background task (announcements/tasks.py); what a rolled-back transaction noted is
forgotten when the next request starts. Edits to drafts and scheduled items change no feed; scheduled
items going live are pinged by a task queued for their publish time (and `manage.py
ping_hubs` catches up).

Restoring a backup changes no feed: its rows are loaded as they were saved
(raw saves, and relations set inside dpga.restoring.restoring()), with the
backed-up feed states.

A name the items show can change with no item edited: their author's (renamed or
deleted: the byline becomes the site's name) or a tag's (renamed, new slug,
deleted). Every feed holding a live item with that author or tag is then marked
renamed too (`FeedState.renamed_at`), which archive pages count as well. A
member's name is the member feed's own (feeds.MemberFeed.object_version).
"""

import threading

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.signals import request_started
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from dpga.caching import content_version
from dpga.restoring import is_restoring

from .feed_scopes import scope_keys_for
from .models import Announcement, FeedState

_pending = threading.local()


def live_scopes(pk):
    """The feeds a live announcement is in; empty if it is not live (or gone)."""
    announcement = Announcement.objects.published().filter(pk=pk).first()
    if announcement is None:
        return set()
    tag_ids = [tag.pk for tag in announcement.tags.all()]
    member_ids = list(announcement.members.values_list("pk", flat=True))
    return scope_keys_for(tag_ids, member_ids)


def _stash(pk, scopes):
    pending = _pending.__dict__.setdefault("scopes", {})
    pending.setdefault(pk, set()).update(scopes)


def _schedule(pk):
    _stash(pk, set())
    transaction.on_commit(flush)


def flush():
    """After commit: the feeds that changed are those the items were in or are in now,
    and those whose items show a name that changed."""
    pending = _pending.__dict__.pop("scopes", {})
    renamed = _pending.__dict__.pop("renamed", set())
    changed = set()
    for pk, before in pending.items():
        after = live_scopes(pk)
        if before or after:
            changed |= before | after
    if renamed:
        mark_changed(renamed, renamed=True)
    if changed - renamed:
        mark_changed(changed - renamed)
    if not changed | renamed:
        return
    from .tasks import announce_feeds

    announce_feeds(changed | renamed)


def mark_changed(keys, when=None, renamed=False):
    """Record that these feeds changed (`renamed`: a name their items show)."""
    when = when or timezone.now()
    fields = ["changed_at", "renamed_at"] if renamed else ["changed_at"]
    FeedState.objects.bulk_create(
        [
            FeedState(key=key, changed_at=when, renamed_at=when if renamed else None)
            for key in sorted(keys)
        ],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=fields,
    )
    content_version.bump()  # feeds show their state: cached copies are out of date


# Names the items show ------------------------------------------------------------


def live_scopes_of(announcements):
    """The feeds the live ones among `announcements` (a queryset) are in: three queries."""
    live = Announcement.objects.published().filter(pk__in=announcements.values("pk"))
    if not live.exists():
        return set()
    content_type = ContentType.objects.get_for_model(Announcement)
    tag_ids = TaggedItem.objects.filter(content_type=content_type, object_id__in=live.values("pk"))
    member_ids = Announcement.members.through.objects.filter(announcement__in=live.values("pk"))
    return scope_keys_for(
        set(tag_ids.values_list("tag_id", flat=True)),
        set(member_ids.values_list("member_id", flat=True)),
    )


def _names_changed(scopes):
    if scopes:
        _pending.__dict__.setdefault("renamed", set()).update(scopes)
        transaction.on_commit(flush)


def _names_of(instance):
    """What feeds show of an author (the byline) or a tag (its name and slug)."""
    if isinstance(instance, Tag):
        return (instance.name, instance.slug)
    return instance.get_full_name()


def _shown_names(sender, instance):
    stored = sender._base_manager.filter(pk=instance.pk).first() if instance.pk else None
    return None if stored is None else _names_of(stored)


def _items_showing(instance):
    if isinstance(instance, Tag):
        return Announcement.objects.tagged(instance)
    return Announcement.objects.filter(author=instance)


def _before_save(sender, instance, raw=False, **kwargs):
    if instance.pk and not raw:
        _stash(instance.pk, live_scopes(instance.pk))


def _after_save(sender, instance, raw=False, **kwargs):
    if not raw:
        _schedule(instance.pk)


def _before_delete(sender, instance, **kwargs):
    _stash(instance.pk, live_scopes(instance.pk))


def _after_delete(sender, instance, **kwargs):
    _schedule(instance.pk)


def _relations_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if is_restoring():
        return
    if isinstance(instance, Announcement):
        pks = [instance.pk]
    elif reverse and pk_set:
        pks = list(pk_set)  # member.announcements.add(...): pk_set holds announcements
    elif reverse and action == "pre_clear":
        # post_clear will not say which announcements lost this member: schedule now.
        for pk in instance.announcements.values_list("pk", flat=True):
            _stash(pk, live_scopes(pk))
            _schedule(pk)
        return
    else:
        return
    for pk in pks:
        if action.startswith("pre_"):
            _stash(pk, live_scopes(pk))
        else:
            _schedule(pk)


def _before_name_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and set(update_fields) <= {"last_login"}):
        return
    instance._feed_name_before_save = _shown_names(sender, instance)


def _after_name_save(sender, instance, created, raw=False, **kwargs):
    before = instance.__dict__.pop("_feed_name_before_save", None)
    if raw or created or before is None or before == _names_of(instance):
        return
    _names_changed(live_scopes_of(_items_showing(instance)))


def _before_name_delete(sender, instance, **kwargs):
    _names_changed(live_scopes_of(_items_showing(instance)))


def forget_uncommitted(**kwargs):
    """At the start of a request: what a rolled-back transaction stashed (its flush
    after commit never ran) is forgotten, never flushed with a later commit."""
    _pending.__dict__.clear()


def connect():
    uid = "announcements.feed_changes"
    request_started.connect(forget_uncommitted, dispatch_uid=uid)
    pre_save.connect(_before_save, sender=Announcement, dispatch_uid=uid)
    post_save.connect(_after_save, sender=Announcement, dispatch_uid=uid)
    pre_delete.connect(_before_delete, sender=Announcement, dispatch_uid=uid)
    post_delete.connect(_after_delete, sender=Announcement, dispatch_uid=uid)
    m2m_changed.connect(_relations_changed, sender=Announcement.members.through, dispatch_uid=uid)
    m2m_changed.connect(
        _relations_changed, sender=Announcement.tags.through, dispatch_uid=uid + ".tags"
    )
    for model in (get_user_model(), Tag):
        names = f"{uid}.names.{model._meta.label_lower}"
        pre_save.connect(_before_name_save, sender=model, dispatch_uid=names)
        post_save.connect(_after_name_save, sender=model, dispatch_uid=names)
        pre_delete.connect(_before_name_delete, sender=model, dispatch_uid=names)
