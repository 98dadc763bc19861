"""Django's Redis cache, with one ``redis.Redis`` client per connection pool.

Django's client makes a new ``redis.Redis`` for every operation, and each one builds
its table of about 200 response callbacks: 0.09 ms, nearly as long as the round
trip of a ``GET`` itself (0.13 ms on loopback), and a cold list page makes some fifteen
cache operations.  A ``redis.Redis`` is safe to share (each command borrows a
connection from the pool), so one per pool is kept.
"""

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
