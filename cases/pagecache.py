"""Whole public pages (and, with ``kept``, values many pages share) cached under the public version
(cases/public.py): any change to public data makes new keys, so nothing kept can be stale.  One request
draws a missing page while the others wait on a lock.  When the cache fails, pages are served uncached,
a warning is logged once a minute, and /healthz says "degraded"."""

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
RETRY_SECONDS, WARN_SECONDS = 5, 60  # a cache that failed is left alone a while, and warned about once a minute
_failed = {"until": 0.0, "warned": 0.0}
_local_lock = threading.Lock()  # without PostgreSQL's advisory locks (development, tests)


def _cache(method: str, *args):
    """A cache call, or None when the cache does not answer (and is then left alone a while)."""
    if (now := time.monotonic()) >= _failed["until"]:
        try:
            return getattr(cache, method)(*args)
        except Exception as error:  # noqa: BLE001 - whatever the backend raises, the page is drawn
            _failed["until"] = now + RETRY_SECONDS
            if now - _failed["warned"] >= WARN_SECONDS:
                _failed["warned"] = now
                log.warning("page cache unreachable, pages are served uncached: %r", error)


def cache_reachable() -> bool:
    with suppress(Exception):
        return cache.get("healthz") or True
    return False


@contextmanager
def _drawing(key: str):
    """Held while one request draws ``key``, the others waiting (gunicorn's timeout ends a stuck one)."""
    if connection.vendor != "postgresql":
        with _local_lock:
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


def _key(kind: str, state: public.State, *parts) -> str:
    return f"{kind}:{state.epoch}.{state.version}:{hashlib.sha1(repr(parts).encode()).hexdigest()}"


def kept_each(compute, kind: str, keys: list) -> dict:
    """{key: value} for ``keys``, kept under the public version, ``kind`` and the key (which together
    must name all that a value reads); ``compute(missing_keys)`` gives those not kept yet."""
    state = public.state()
    routers.follow(state.epoch, state.version)  # read from a replica only if it has this version
    names = {key: _key("kept", state, kind, key) for key in keys}
    stored = _cache("get_many", list(names.values())) or {}
    found = {key: stored[name] for key, name in names.items() if name in stored}
    if missing := [key for key in keys if key not in found]:
        found.update(computed := compute(missing))
        _cache("set_many", {names[key]: computed[key] for key in missing}, TIMEOUT)
    return found


def kept(compute, *parts):
    """``compute()``, kept under the public version and ``parts``, which must name all it reads."""
    return kept_each(lambda missing: {None: compute()}, repr(parts), [None])[None]


def page_cache(get_response):
    """Middleware for an anonymous reader's GET (no session, no large-text cookie), after the language
    is known, inside ConditionalGetMiddleware (ETag, 304)."""

    def middleware(request):
        skipped = request.method != "GET" or {settings.SESSION_COOKIE_NAME, "display"} & request.COOKIES.keys()
        if skipped or request.path.startswith((f"/{settings.ADMIN_URL}", "/healthz")):
            return get_response(request)
        state = public.state()
        # The API answers a browser with its HTML view (Vary: Accept), anything else with JSON.
        html = "text/html" in request.headers.get("Accept", "")
        where = (html, request.LANGUAGE_CODE, timezone.localdate(), request.get_host(), request.path)
        if (found := _cache("get", key := _key("page", state, *where, sorted(request.GET.lists())))) is None:
            with _drawing(key) if time.monotonic() >= _failed["until"] else nullcontext():
                if (found := _cache("get", key)) is None:
                    routers.follow(state.epoch, state.version)  # drawn from a replica that has this version
                    response = get_response(request)
                    private = any(w in response.get("Cache-Control", "") for w in ("private", "no-store", "no-cache"))
                    if response.status_code != 200 or response.streaming or response.cookies or private:
                        return _dated(response, state)
                    set_response_etag(response)
                    _cache("set", key, found := (list(response.items()), response.content), TIMEOUT)
        return _dated(HttpResponse(found[1], headers=dict(found[0])), state)

    return middleware


def _dated(response, state: public.State):
    """Last-Modified: when the public version last changed, once that is a whole second ago
    (a later change within the same second would otherwise look unmodified)."""
    if response.status_code == 200 and state.changed and time.time() - state.changed.timestamp() >= 1:
        response["Last-Modified"] = http_date(state.changed.timestamp())
    return response
