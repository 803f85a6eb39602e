"""A Redis cache that fails open: when Redis is gone, pages come from the database.

``FailOpenRedisCache`` is Django's ``RedisCache`` (subclassed through its public
cache API only) where a lost Redis costs speed, never an error:

- a read that cannot reach Redis answers "not cached" (``get`` -> default,
  ``get_many`` -> ``{}``); a write that cannot reach Redis stores nothing and says
  so where the API can (``add`` -> False, ``set_many`` -> every key failed);
- after a failure, Redis is not asked again for ``CACHE_RETRY_SECONDS``: every
  cache call of that process answers at once in the meantime, so a Redis that
  stops answering (connections open, no replies) costs one socket timeout per
  process per interval, not one per call;
- each wait is bounded: the socket and connect timeouts come from the settings
  (``OPTIONS``) and redis-py never retries (a retry doubles the wait);
- the log says "cache unavailable" once when Redis is lost (again at most every
  ``WARNING_INTERVAL`` seconds while it stays lost, never once per request) and
  "cache answers again" when it is back.

Correctness when writes are lost is content_version.py's job: a bump that cannot
be stored is seen there (``set_many`` reports it) and the change is refused.
``clear()`` and ``incr()`` are not serving paths and still raise.
"""

import logging
import re
import threading
import time

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from redis.retry import Retry

cache_log = logging.getLogger("dpga.cache")

WARNING_INTERVAL = 60
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


class Outage:
    """One Redis location's state in this process (shared by its threads)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.since = None  # monotonic time of the first failure, None when answering
        self.retry_at = 0.0
        self.warned_at = None

    def skipping(self):
        """True while Redis is not to be asked (a failure less than the interval ago)."""
        return self.since is not None and time.monotonic() < self.retry_at

    def failed(self, location, error):
        now = time.monotonic()
        with self.lock:
            if self.since is None:
                self.since = now
            self.retry_at = now + settings.CACHE_RETRY_SECONDS
            warn = self.warned_at is None or now - self.warned_at >= WARNING_INTERVAL
            if warn:
                self.warned_at = now
        if warn:
            cache_log.warning(
                "cache unavailable (%s): pages are served from the database: %s",
                location,
                error,
                extra={"event": "cache_unavailable"},
            )

    def answered(self, location):
        with self.lock:
            since, self.since, self.warned_at = self.since, None, None
        if since is not None:
            cache_log.info(
                "cache answers again (%s) after %.1f s",
                location,
                time.monotonic() - since,
                extra={"event": "cache_available"},
            )


_OUTAGES = {}
_OUTAGES_LOCK = threading.Lock()


def outage_of(location):
    with _OUTAGES_LOCK:
        return _OUTAGES.setdefault(location, Outage())


class FailOpenRedisCache(RedisCache):
    def __init__(self, server, params):
        options = {"retry": Retry(NoBackoff(), 0), **params.get("OPTIONS", {})}
        super().__init__(server, {**params, "OPTIONS": options})
        self.outage = outage_of(str(server))
        self.location = re.sub(r"//[^@/]*@", "//", str(server))  # never a password in the log

    def attempt(self, failed, operation, *args, **kwargs):
        """``operation(*args, **kwargs)``, or ``failed`` when Redis cannot be reached."""
        if self.outage.skipping():
            return failed
        try:
            result = operation(*args, **kwargs)
        except UNREACHABLE as error:
            self.outage.failed(self.location, error)
            return failed
        if self.outage.since is not None:
            self.outage.answered(self.location)
        return result

    def get(self, key, default=None, version=None):
        return self.attempt(default, super().get, key, default, version=version)

    def get_many(self, keys, version=None):
        return self.attempt({}, super().get_many, keys, version=version)

    def has_key(self, key, version=None):
        return self.attempt(False, super().has_key, key, version=version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self.attempt(False, super().add, key, value, timeout, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self.attempt(None, super().set, key, value, timeout, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self.attempt(list(data), super().set_many, data, timeout, version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self.attempt(False, super().touch, key, timeout, version=version)

    def delete(self, key, version=None):
        return self.attempt(False, super().delete, key, version=version)

    def delete_many(self, keys, version=None):
        return self.attempt(None, super().delete_many, keys, version=version)
