"""Which feeds an edit changed: record it, and tell the WebSub hub.

An announcement that is live before or after an edit (saved, retagged, its
members changed, deleted) changes the feeds it was in and the feeds it is in
now. After the transaction commits, those feeds' `FeedState.changed_at` is set
(their validators move even when an item *left* them) and the hub is pinged in
the background. Edits to drafts and scheduled items change no feed; scheduled
items going live are announced by `manage.py ping_hubs`.

Restoring a backup changes no feed: its rows are loaded as they were saved
(raw saves, and relations set inside dpga.restoring.restoring()), with the
backed-up feed states.
"""

import threading

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.utils import timezone

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
    """After commit: the feeds that changed are those the items were in or are in now."""
    pending = _pending.__dict__.pop("scopes", {})
    changed = set()
    for pk, before in pending.items():
        after = live_scopes(pk)
        if before or after:
            changed |= before | after
    if not changed:
        return
    mark_changed(changed)
    from .websub import announce

    announce(changed)


def mark_changed(keys, when=None):
    when = when or timezone.now()
    FeedState.objects.bulk_create(
        [FeedState(key=key, changed_at=when) for key in sorted(keys)],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["changed_at"],
    )
    content_version.bump()  # feeds show their state: cached copies are out of date


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


def connect():
    uid = "announcements.feed_changes"
    pre_save.connect(_before_save, sender=Announcement, dispatch_uid=uid)
    post_save.connect(_after_save, sender=Announcement, dispatch_uid=uid)
    pre_delete.connect(_before_delete, sender=Announcement, dispatch_uid=uid)
    post_delete.connect(_after_delete, sender=Announcement, dispatch_uid=uid)
    m2m_changed.connect(_relations_changed, sender=Announcement.members.through, dispatch_uid=uid)
    m2m_changed.connect(
        _relations_changed, sender=Announcement.tags.through, dispatch_uid=uid + ".tags"
    )
