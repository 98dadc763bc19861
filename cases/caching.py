"""Read-through caching in which one request computes a missing value and the
others asking for it at the same moment wait for its result.

When a popular page's counts are missing (after a change to the library, or on
a fresh server), fifty readers would otherwise all count at once, and each
count would take fifty times longer.  A short lock in the cache itself (``add``
is atomic in Redis and in a process's own memory) lets one compute while the
others poll for at most ``WAIT`` seconds, then compute themselves.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

T = TypeVar("T")
CACHE_SECONDS = 3600  # what is cached is keyed by versions; the expiry only frees room
WAIT = 5.0  # seconds a request waits for another one's result
POLL = 0.02
LOCK_SECONDS = 30  # a computation that died leaves its lock this long at most


def digest(value) -> str:
    """A short, stable digest of a value's repr (filters, lists of versions) for a cache key."""
    return hashlib.sha1(repr(value).encode("utf-8")).hexdigest()[:20]


def query_digest(params, with_page: bool = True) -> str:
    """A digest of a request's parameters in any order, with its page number or without."""
    return digest(sorted((k, v) for k, values in params.lists() if with_page or k != "page" for v in values))


def get_or_compute(key: str, compute: Callable[[], T], timeout: int) -> T:
    value = cache.get(key)
    if value is not None:
        return value
    lock = f"{key}:computing"
    if not cache.add(lock, 1, LOCK_SECONDS):
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            time.sleep(POLL)
            value = cache.get(key)
            if value is not None:
                return value
    try:
        value = compute()
        cache.set(key, value, timeout)
    finally:
        cache.delete(lock)
    return value
