"""One number that changes whenever public content may have changed.

Everything cached that depends on announcements, members or tags (whole pages,
feed fingerprints, page indexes) is stored under a key that includes the
content version. Changing content bumps the version, so every such entry is
out of date at once without deleting anything and without rebuilding Django's
private cache keys. Old entries simply expire.

Public content also changes with no write at all: a scheduled announcement's
publish time passes, or a member's joining or leaving day comes (at midnight). The *content
state* of a version records the next such moment (``valid_until``); whatever is
cached for that version is only used before it. No worker is needed: the first
request after that moment recomputes.

Code that changes content with ``QuerySet.update()`` or raw SQL (which send no
signals) must call :func:`bump` itself.
"""

import datetime
import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

VERSION_KEY = "content:version"


def current_version():
    """The content version; a new one (the current time in ns) if the cache lost it."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns(), None)
        version = cache.get(VERSION_KEY)
        if version is None:  # a cache that stores nothing (DummyCache)
            version = time.time_ns()
    return version


def bump(using=None):
    """Invalidate everything cached for the current content, now and after commit.

    Bumping at once covers readers inside the same transaction; bumping again
    after the commit covers a reader that rendered the old rows after the first
    bump but before the commit became visible.
    """
    cache.set(VERSION_KEY, time.time_ns(), None)
    transaction.on_commit(
        lambda: cache.set(VERSION_KEY, time.time_ns(), None), using=using, robust=True
    )


def content_changed(sender, **kwargs):
    """Signal receiver: any change to public content."""
    bump(using=kwargs.get("using"))


def next_change(now):
    """The next moment public content changes by itself: the next scheduled
    publish time, or the next local midnight (the day members join or leave),
    whichever comes first."""
    from announcements.models import Announcement

    midnight = timezone.make_aware(
        datetime.datetime.combine(
            timezone.localdate(now) + datetime.timedelta(days=1), datetime.time.min
        )
    )
    scheduled = Announcement.objects.next_scheduled_publish(now)
    return min(scheduled, midnight) if scheduled else midnight


def content_state(version=None):
    """What holds for the current content: its version, since when, until when.

    Returns a dict: ``version``, ``computed_at`` (the time the state was
    computed: content has not changed since, so it serves as Last-Modified)
    and ``valid_until`` (the next scheduled change).
    """
    if version is None:
        version = current_version()
    key = f"content:state:{version}"
    now = timezone.now()
    state = cache.get(key)
    if state is None or not is_fresh(state["valid_until"], now):
        state = {"version": version, "computed_at": now, "valid_until": next_change(now)}
        cache.set(key, state, timeout_until(state["valid_until"], now))
    return state


def is_fresh(valid_until, now):
    return valid_until is None or now < valid_until


def timeout_until(valid_until, now, longest=None):
    """Seconds a cache entry may live: until ``valid_until``, at most ``longest``."""
    if longest is None:
        longest = settings.CONTENT_CACHE_TIMEOUT
    if valid_until is None:
        return longest
    return max(1, min(longest, math.ceil((valid_until - now).total_seconds())))


def signature(*parts):
    """A short, stable cache-key part for anything with a stable str()."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def recall(name, state):
    """(True, value) if ``name`` is cached for this content state, else (False, None)."""
    entry = cache.get(f"content:{state['version']}:{name}")
    if entry is not None and entry[0] == state["valid_until"]:
        return True, entry[1]
    return False, None


def store(values, state):
    """Cache ``{name: value}`` for this content state."""
    timeout = timeout_until(state["valid_until"], timezone.now())
    cache.set_many(
        {
            f"content:{state['version']}:{name}": (state["valid_until"], v)
            for name, v in values.items()
        },
        timeout,
    )


def remember(name, compute, state=None):
    """``compute()``, cached for the current content state under ``name``."""
    if state is None:
        state = content_state()
    found, value = recall(name, state)
    if not found:
        value = compute()
        store({name: value}, state)
    return value
