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

import contextlib
import contextvars
import datetime
import hashlib
import math
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from . import fragments

VERSION_KEY = "content:version"
# The state computed last (for whichever version its reader had): read with the
# version, in the same round trip, and used only when it is that version's.
STATE_KEY = "content:state"

# Within one_state_per_request(): the version and state this request reads.
_READ = contextvars.ContextVar("content_state_read", default=None)


@contextlib.contextmanager
def one_state_per_request():
    """Within: the content version and state are read from the cache once, and
    everything the request draws holds for that one state (a shared cache is a
    round trip a read). A bump() inside forgets them."""
    token = _READ.set({})
    try:
        yield
    finally:
        _READ.reset(token)


def new_version():
    """A version never used before: the time, and chance for two bumps in the same
    nanosecond or a clock set back (or frozen, in tests)."""
    return f"{time.time_ns():x}-{secrets.token_hex(4)}"


def current_version():
    """The content version; a new one if the cache lost it."""
    read = _READ.get()
    if read is not None and "version" in read:
        return read["version"]
    found = cache.get_many([VERSION_KEY, STATE_KEY])
    version = found.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, new_version(), None)
        version = cache.get(VERSION_KEY)
        if version is None:  # a cache that stores nothing (DummyCache)
            version = new_version()
    if read is not None:
        read["version"] = version
        read["kept state"] = found.get(STATE_KEY)  # content_state() checks it
    return version


def bump(using=None):
    """Invalidate everything cached for the current content, now and after commit.

    Bumping at once covers readers inside the same transaction; bumping again
    after the commit covers a reader that rendered the old rows after the first
    bump but before the commit became visible.
    """
    read = _READ.get()
    if read is not None:
        read.clear()
    cache.set(VERSION_KEY, new_version(), None)
    transaction.on_commit(
        lambda: cache.set(VERSION_KEY, new_version(), None), using=using, robust=True
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
    read = _READ.get()
    if version is None:
        version = current_version()
    if read is not None and read.get("state", {}).get("version") == version:
        return read["state"]
    now = timezone.now()
    if read is not None and read.get("version") == version:
        state = read.get("kept state")  # read with the version: not read again
    else:
        state = cache.get(STATE_KEY)
    # A state is for one version: another's (a reader before or after a bump kept
    # its own) is computed again, as is one past its valid_until.
    if state is None or state["version"] != version or not is_fresh(state["valid_until"], now):
        state = {"version": version, "computed_at": now, "valid_until": next_change(now)}
        cache.set(STATE_KEY, state, timeout_until(state["valid_until"], now))
    if read is not None:
        read["state"] = state
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


def _key(name, state):
    # Kept values are the code's answers: a new release (dpga.fragments) asks again.
    return f"content:{state['version']}:{fragments.release()}:{name}"


def recall_many(names, state):
    """{name: value} of those of ``names`` cached for this content state (one read)."""
    keys = {_key(name, state): name for name in names}
    return {
        keys[key]: entry[1]
        for key, entry in cache.get_many(list(keys)).items()
        if entry[0] == state["valid_until"]
    }


def store(values, state):
    """Cache ``{name: value}`` for this content state."""
    timeout = timeout_until(state["valid_until"], timezone.now())
    cache.set_many(
        {_key(name, state): (state["valid_until"], v) for name, v in values.items()},
        timeout,
    )


def remember(name, compute, state=None):
    """``compute()``, cached for the current content state under ``name``."""
    return remember_many({name: compute}, state)[name]


def remember_many(computes, state=None):
    """``{name: compute()}`` for ``{name: compute}``, each cached for the current
    content state: those kept in one read, the others computed and kept."""
    if state is None:
        state = content_state()
    found = recall_many(list(computes), state)
    missing = {name: compute() for name, compute in computes.items() if name not in found}
    if missing:
        store(missing, state)
    return {**found, **missing}
