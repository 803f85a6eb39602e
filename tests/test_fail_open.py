"""The Redis cache fails open: without Redis, every call answers "not cached" at once,
the log says so once (not once per call), and caching resumes when Redis is back."""

import logging
import shutil
import time

import pytest

from dpga.caching.fail_open import FailOpenRedisCache

from .outage_servers import Redis, free_port, wait_until

OPTIONS = {"socket_timeout": 0.25, "socket_connect_timeout": 0.25}


def redis_cache(port):
    return FailOpenRedisCache(f"redis://127.0.0.1:{port}/0", {"OPTIONS": OPTIONS})


@pytest.fixture
def retry_soon(settings):
    settings.CACHE_RETRY_SECONDS = 0.2


def test_without_redis_reads_miss_and_writes_say_they_failed(caplog, retry_soon):
    cache = redis_cache(free_port())  # nothing listens there: connections are refused
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="dpga.cache"):
        assert cache.get("page", "missing") == "missing"
        assert cache.get_many(["a", "b"]) == {}
        assert cache.add("a", 1) is False
        assert cache.set_many({"a": 1, "b": 2}) == ["a", "b"]
        cache.set("a", 1)
        cache.delete("a")
        assert cache.has_key("a") is False
    assert time.monotonic() - started < 1
    assert [record.getMessage() for record in caplog.records][0].startswith("cache unavailable")


def test_a_lost_redis_is_logged_once_not_once_per_request(caplog, retry_soon):
    cache = redis_cache(free_port())
    with caplog.at_level(logging.WARNING, logger="dpga.cache"):
        for _ in range(30):  # retried every 0.2 s: fails again each time
            cache.get("page")
            time.sleep(0.02)
    assert len(caplog.records) == 1
    assert "pages are served from the database" in caplog.records[0].getMessage()


def test_the_password_in_the_redis_address_never_reaches_the_log(caplog, retry_soon):
    cache = FailOpenRedisCache(
        f"redis://:hunter2secret@127.0.0.1:{free_port()}/0", {"OPTIONS": OPTIONS}
    )
    with caplog.at_level(logging.WARNING, logger="dpga.cache"):
        cache.get("page")
    assert caplog.records and "hunter2secret" not in caplog.text


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")
def test_caching_resumes_by_itself_when_redis_comes_back(caplog, retry_soon):
    redis = Redis()
    cache = redis_cache(redis.port)
    assert cache.set_many({"page": "rendered"}) == ["page"]  # not there yet
    redis.start()
    try:
        with caplog.at_level(logging.INFO, logger="dpga.cache"):
            wait_until(lambda: cache.set_many({"page": "rendered"}) == [], 5, "stored")
        assert cache.get("page") == "rendered"
        assert "cache answers again" in caplog.text
    finally:
        redis.remove()


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")
def test_a_redis_that_stops_answering_holds_a_call_for_the_timeout_only(retry_soon):
    redis = Redis()
    redis.start()
    cache = redis_cache(redis.port)
    try:
        cache.set("page", "rendered")
        redis.pause()
        started = time.monotonic()
        assert cache.get("page") is None
        assert cache.get("page") is None  # not asked again: answered at once
        assert time.monotonic() - started < 0.6
        redis.resume()
        wait_until(lambda: cache.get("page") == "rendered", 5, "answers again")
    finally:
        redis.remove()
