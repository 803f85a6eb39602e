"""Django's Redis cache, with one client object per connection pool.

Django's ``RedisCacheClient`` makes a new ``redis.Redis`` object for every cache
call, and redis-py builds a table of some 170 response callbacks for each new
one: about a tenth of a millisecond a call, as much as the round trip to Redis
on the same host. A ``redis.Redis`` object is safe to share between threads (it
takes a connection from its pool for each command, and the pool starts afresh
in a forked process), so one per pool is kept. Everything else is Django's.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = super().get_client(key, write=write)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
