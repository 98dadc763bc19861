"""Reads of anonymous visitors go to a read replica; everything else to the primary.

With ``DATABASE_REPLICA_URLS`` set (portal/settings.py), the database aliases ``replica1``,
``replica2`` … are streaming replicas of ``default``.  Whether a request may read from one is a
fact of that request, so the middleware below decides it once per request and keeps it in a
context variable that the router reads:

* an anonymous GET or HEAD — one without a session cookie, the same rule as the page cache's —
  reads from one replica, chosen at random for the whole request;
* a request with a session (the admin, an editor's preview of a draft), any other method,
  management commands and migrations read from and write to the primary; writes always go to the primary, and so do
  ``select_for_update()`` and ``get_or_create()`` (Django routes them as writes);
* the public version (``LibraryState``), which keys the page cache, is always read on the primary.

A replica replays the primary's changes a little later.  A page must never be kept under a
public version its replica has not reached yet: it would show the old library under the new
version until the next change.  So whoever reads the public version to key a page it is about to
draw calls ``follow(epoch, version)``: the request goes on reading from its replica only if the
replica has that version too, and from the primary otherwise.  Comparing the version itself on
the replica (one primary-key read) rather than WAL positions keeps the check exact — every public
change bumps the version in its own transaction — and free of PostgreSQL functions; the version
read on the primary stays the key, so a publication shows at once to every visitor.
"""

from __future__ import annotations

import random
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed

PRIMARY = "default"
PRIMARY_ONLY = {"cases.librarystate"}

# The replica this request reads from; None: the primary.
_replica: ContextVar[str | None] = ContextVar("replica", default=None)


def replicas() -> list[str]:
    return [alias for alias in settings.DATABASES if alias.startswith("replica")]


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if model._meta.label_lower in PRIMARY_ONLY:
            return PRIMARY
        return _replica.get() or PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replicas are copies of the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


def reading_from() -> str:
    """The alias this request reads from (``default`` for the primary)."""
    return _replica.get() or PRIMARY


def follow(epoch, version: int) -> None:
    """The public version (read on the primary) that keys what this request is about to draw: go
    on reading from the replica only if it has replayed that version, else from the primary."""
    alias = _replica.get()
    if alias is None:
        return
    from .models import LibraryState

    there = LibraryState.objects.using(alias).filter(pk=1).values_list("epoch", "version").first()
    if there is None or str(there[0]) != str(epoch) or there[1] < version:
        _replica.set(None)


def anonymous_reads_from_replica(get_response):
    """Middleware, before the page cache: anonymous GETs read from a replica.  Every logged-in
    user has a session cookie; reading the session itself would cost a query on the primary."""
    if not replicas():
        raise MiddlewareNotUsed

    def middleware(request):
        anonymous = request.method in ("GET", "HEAD") and settings.SESSION_COOKIE_NAME not in request.COOKIES
        alias = random.choice(replicas()) if anonymous else None
        token = _replica.set(alias)
        try:
            response = get_response(request)
        finally:
            alias = _replica.get()  # follow() may have moved the request to the primary
            _replica.reset(token)
        if response.streaming and alias:
            # A streamed download reads its rows while it is sent, after this function returned.
            response.streaming_content = _reading(alias, response.streaming_content)
        return response

    return middleware


def _reading(alias: str, chunks):
    _replica.set(alias)
    try:
        yield from chunks
    finally:
        _replica.set(None)
