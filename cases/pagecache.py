"""Whole public pages, cached under the public version (cases/public.py).

An anonymous GET is answered from the cache under (public version, language,
day, host, path, sorted query, HTML or not): any change to public data makes a new version
and so new keys, and nothing cached can be stale.  A missing page is drawn by
one request while the others asking for it wait on a lock (PostgreSQL's
advisory lock, shared by every app server), then read what it drew.

The cache may fail: its calls have short timeouts (settings.CACHES), and when
it does not answer pages are drawn and served uncached, a warning is logged
once a minute, and /healthz says "degraded".
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from contextlib import contextmanager, nullcontext, suppress

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import set_response_etag
from django.utils.http import http_date

from . import public, routers

log = logging.getLogger(__name__)
TIMEOUT = 24 * 3600  # keys hold the version: the expiry only frees room
RETRY_SECONDS = 5  # after a failure, the cache is left alone this long
WARN_SECONDS = 60
NOT_CACHED = ("/i18n/", "/display/", "/healthz")
_failed = {"until": 0.0, "warned": 0.0}
_local_locks = [threading.Lock() for _ in range(64)]  # where there is no PostgreSQL (dev, tests)


def cached_request(request) -> bool:
    """An anonymous reader's GET of a public page (no session, no large-text cookie)."""
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "display" not in request.COOKIES
        and not request.path.startswith((f"/{settings.ADMIN_URL}", *NOT_CACHED))
    )


def _storable(response) -> bool:
    control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not any(word in control for word in ("private", "no-store", "no-cache"))
    )


def _cache(method: str, *args):
    """A cache call, or None when the cache does not answer (and is then left alone a while)."""
    now = time.monotonic()
    if now < _failed["until"]:
        return None
    try:
        return getattr(cache, method)(*args)
    except Exception as error:  # noqa: BLE001 - whatever the backend raises, the page is drawn
        _failed["until"] = now + RETRY_SECONDS
        if now - _failed["warned"] >= WARN_SECONDS:
            _failed["warned"] = now
            log.warning("page cache unreachable, pages are served uncached: %r", error)
        return None


def cache_reachable() -> bool:
    try:
        cache.get("healthz")
    except Exception:  # noqa: BLE001
        return False
    return True


@contextmanager
def _drawing(key: str):
    """Held while one request draws ``key``; the others wait for it here.  A drawing that never
    ends is ended by gunicorn's timeout, and its connection's lock with it."""
    if connection.vendor != "postgresql":
        with _local_locks[hash(key) % len(_local_locks)]:
            yield
        return
    lock = int.from_bytes(hashlib.sha1(key.encode()).digest()[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [lock])
    try:
        yield
    finally:
        with suppress(DatabaseError), connection.cursor() as cursor:  # a lost connection holds no lock
            cursor.execute("SELECT pg_advisory_unlock(%s)", [lock])


def page_key(request, state: public.State) -> str:
    # The API answers a browser with its HTML view (Vary: Accept), anything else with JSON.
    accept = "html" if "text/html" in request.headers.get("Accept", "") else "any"
    where = f"{accept}:{request.get_host()}{request.path}?{sorted(request.GET.lists())}"
    digest = hashlib.sha1(where.encode()).hexdigest()
    return f"page:{state.epoch}.{state.version}:{request.LANGUAGE_CODE}:{timezone.localdate()}:{digest}"


def page_cache(get_response):
    """Middleware: after LocaleMiddleware, inside ConditionalGetMiddleware (ETag, 304)."""

    def middleware(request):
        if not cached_request(request):
            return get_response(request)
        state = public.state()
        key = page_key(request, state)
        found = _cache("get", key)
        if found is None:
            with _drawing(key) if time.monotonic() >= _failed["until"] else nullcontext():
                found = _cache("get", key)
                if found is None:
                    routers.follow(state.epoch, state.version)  # drawn from a replica that has this version
                    response = get_response(request)
                    if not _storable(response):
                        return _dated(response, state)
                    set_response_etag(response)
                    found = (response.status_code, list(response.items()), response.content)
                    _cache("set", key, found, TIMEOUT)
        status, headers, content = found
        return _dated(HttpResponse(content, status=status, headers=dict(headers)), state)

    return middleware


def _dated(response, state: public.State):
    """Last-Modified: when the public version last changed, once that is a whole second ago
    (a later change within the same second would otherwise look unmodified)."""
    if response.status_code == 200 and state.changed and time.time() - state.changed.timestamp() >= 1:
        response["Last-Modified"] = http_date(state.changed.timestamp())
    return response
