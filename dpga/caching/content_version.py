"""One value that changes whenever public content may have changed.

Everything cached that depends on announcements, members or tags (whole pages,
page indexes) is stored under a key that includes the content version.
Changing content bumps the version, so every such entry is out of date at once,
without deleting anything and without a purge list. Old entries simply expire.

Public content also changes with no write at all: a scheduled announcement's
publish time passes, or a member's joining or leaving day comes (at midnight).
The *content state* of a version records the next such moment
(``valid_until``); whatever is cached for that version is used only before it.
No worker is needed: the first request after that moment computes again. Apps
say when their next such moment is with ``register_next_change()`` (in their
``AppConfig.ready()``).

``cached()`` / ``cached_many()`` keep a computed value for the content state.
Their keys always name the version, the release of the code (``release()``),
the active language and the time zone, so no caller can forget one of them.

Code that changes content with ``QuerySet.update()`` or raw SQL (which send no
signals) must call :func:`bump` itself.

When the cache cannot be reached (content never goes stale because of it)
------------------------------------------------------------------------
The version lives only in the cache, next to everything cached for it, and a
lost cache fails open (fail_open.py): readers get pages rendered from the
database. What must never happen is a change whose bump was lost while the
cache was unreachable, and a cache that comes back still holding the old
version and the old pages. (A cache that comes back empty, as after a restart,
holds nothing stale; a scheduled time that passed needs no bump: every entry
carries its ``valid_until``.) So:

- a change is allowed only if its first bump is stored. ``bump()`` runs inside
  the change's transaction (the admin saves in one); if the cache does not
  store the new version (``set_many`` reports the key as failed), it raises
  :class:`CacheUnavailable`, the transaction rolls back and the editor gets a
  503 page with the form filled in. Nothing changed, so nothing is stale;
- the second bump, after the commit, can only fail if the cache is lost in the
  moment between the two. Then, and for a bump outside any transaction (its
  change is already committed and cannot be refused), the process logs an error
  and bumps again before its next read of the version: the first request it
  serves once the cache answers again makes every older entry stale. Only pages
  rendered during that moment by other requests are at risk, and only until
  that process's next request.

Keeping the version in the database instead would cost a query on every cached
page, and cached pages must keep being served while the database is down.
"""

import contextlib
import contextvars
import datetime
import functools
import hashlib
import logging
import math
import secrets
import time

import django
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language

bump_log = logging.getLogger("dpga.cache")

VERSION_KEY = "content:version"
# The state computed last (for whichever version its reader had), used only when
# it is that version's.
STATE_KEY = "content:state"

# Within one_state_per_request(): the version and state this request read.
_READ = contextvars.ContextVar("content_state_read", default=None)

# Functions of `now` giving the next moment public content changes by itself.
_NEXT_CHANGES = []

# What can change how a page is rendered, besides the data it shows.
SOURCES = ("dpga", "announcements", "members", "templates", "locale")
SUFFIXES = {".py", ".html", ".mo"}


def register_next_change(next_change):
    """Apps register ``next_change(now)`` -> the next moment their public content
    changes with no write (or None)."""
    if next_change not in _NEXT_CHANGES:
        _NEXT_CHANGES.append(next_change)


@functools.cache
def release():
    """A digest of the site's code, templates and compiled catalogues (once per process):
    a new release renders pages again rather than serve what the old code rendered."""
    digest = hashlib.sha256(django.get_version().encode())
    base = settings.BASE_DIR
    for folder in SOURCES:
        for path in sorted((base / folder).rglob("*")):
            if path.suffix in SUFFIXES and "migrations" not in path.parts:
                digest.update(path.relative_to(base).as_posix().encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@contextlib.contextmanager
def one_state_per_request():
    """Within: the content version and state are read from the cache once, and
    everything the request renders holds for that state. A page served from the
    page cache reads only the version."""
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
    """The content version (one cache read); a new one if the cache lost it."""
    read = _READ.get()
    if read is not None and "version" in read:
        return read["version"]
    bump_again_if_missed()
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, new_version(), None)
        version = cache.get(VERSION_KEY)
        if version is None:  # a cache that stores nothing (DummyCache)
            version = new_version()
    if read is not None:
        read["version"] = version
    return version


class CacheUnavailable(Exception):
    """A change refused: the cache could not be told that content changed."""


# A bump this process could not store: stored before it next reads the version.
_MISSED_BUMP = {"pending": False}


def store_new_version():
    """Store a new content version; False when the cache did not store it."""
    return not cache.set_many({VERSION_KEY: new_version()}, None)


def missed_bump():
    if not _MISSED_BUMP["pending"]:  # logged once, however many bumps are missed
        bump_log.error(
            "the cache did not store a content change: bumping again once it answers",
            extra={"event": "missed_bump"},
        )
    _MISSED_BUMP["pending"] = True


def bump_again_if_missed():
    if _MISSED_BUMP["pending"] and store_new_version():
        _MISSED_BUMP["pending"] = False
        bump_log.info("content change stored in the cache", extra={"event": "missed_bump_stored"})


def bump_after_commit():
    if not store_new_version():
        missed_bump()


def bump(using=None):
    """Make everything cached for the current content out of date, now and after commit.

    Bumping at once covers readers inside the same transaction; bumping again
    after the commit covers a reader that rendered the old rows after the first
    bump but before the commit became visible. Inside a transaction, raises
    :class:`CacheUnavailable` when the cache cannot store the first bump.
    """
    read = _READ.get()
    if read is not None:
        read.clear()
    if not store_new_version():
        if not transaction.get_autocommit(using=using):
            raise CacheUnavailable("the cache did not store the new content version")
        missed_bump()
    transaction.on_commit(bump_after_commit, using=using, robust=True)


def content_changed(sender, **kwargs):
    """Signal receiver: any change to public content."""
    bump(using=kwargs.get("using"))


def next_change(now):
    """The next moment public content changes by itself: the earliest of the
    registered apps' next changes and the next local midnight (the day members
    join or leave)."""
    midnight = timezone.make_aware(
        datetime.datetime.combine(
            timezone.localdate(now) + datetime.timedelta(days=1), datetime.time.min
        )
    )
    moments = [moment(now) for moment in _NEXT_CHANGES]
    return min([midnight, *(m for m in moments if m is not None)])


def content_state(version=None):
    """What holds for the current content: a dict of its ``version``, ``computed_at``
    (content has not changed since: it serves as Last-Modified) and ``valid_until``
    (the next change that needs no write)."""
    read = _READ.get()
    if version is None:
        version = current_version()
    if read is not None and read.get("state", {}).get("version") == version:
        return read["state"]
    now = timezone.now()
    state = cache.get(STATE_KEY)
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


def cache_key(name, state):
    """The key of a value cached for a content state: version, release, language,
    time zone and `name` (any picklable value with a stable repr)."""
    where = (release(), get_language(), timezone.get_current_timezone_name(), name)
    digest = hashlib.sha256(repr(where).encode()).hexdigest()[:32]
    return f"content:{state['version']}:{digest}"


def read_cached(names):
    """``{name: value}`` of those of ``names`` cached for the current content state
    (one read)."""
    state = content_state()
    keys = {cache_key(name, state): name for name in names}
    return {
        keys[key]: value
        for key, (valid_until, value) in cache.get_many(list(keys)).items()
        if valid_until == state["valid_until"]
    }


def store_cached(values):
    """Cache ``{name: value}`` for the current content state (None values are not
    cached: nothing is kept for a made-up address)."""
    state = content_state()
    timeout = timeout_until(state["valid_until"], timezone.now())
    entries = {
        cache_key(name, state): (state["valid_until"], value)
        for name, value in values.items()
        if value is not None
    }
    if entries:
        cache.set_many(entries, timeout)


def cached_many(computes):
    """``{name: compute()}`` for ``{name: compute}``, each cached for the current
    content state: those cached come in one read, the others are computed and cached."""
    found = read_cached(list(computes))
    missing = {name: compute() for name, compute in computes.items() if name not in found}
    store_cached(missing)
    return {**found, **missing}


def cached(name, compute):
    """``compute()``, cached for the current content state under ``name``."""
    return cached_many({name: compute})[name]
