"""How much an on-the-fly export may do: its size per format, how many run at once, how long.

Exports of a filtered list are built while the reader waits, by the same workers that serve the
pages.  Unbounded, ten researchers downloading the whole library stopped the site (issue 20).  So:

* each format has a largest list (``EXPORT_LIMITS``); beyond it the answer says so and points to
  the latest data release, which holds the whole library, built once (cases/release.py);
* at most ``EXPORT_SLOTS`` exports run at once across every worker and server: a slot is a row
  of ``ExportSlot`` taken by one conditional UPDATE (the database is the one thing every worker
  shares, whatever the cache); beyond it, 429 with ``Retry-After``;
* no export runs past ``EXPORT_SECONDS``: its rows stop coming (a built file answers 503, a
  stream is cut off, which a client sees as an incomplete download, never as a complete one);
* after an export the worker hands its freed memory back to the system (``malloc_trim``).
"""

from __future__ import annotations

import ctypes
import secrets
import time
from collections.abc import Iterable, Iterator
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from .models import ExportSlot


class Busy(Exception):
    """Every export slot is taken."""


class TooLong(Exception):
    """An export ran past its time."""


def limit(fmt: str) -> int | None:
    """The largest list a format exports on the fly (None: any size)."""
    return settings.EXPORT_LIMITS.get(fmt)


class Slot:
    """A taken slot: released once, by whoever finishes the export (the view or its stream)."""

    def __init__(self, pk: int, holder: str, seconds: float):
        self.pk, self.holder = pk, holder
        self.deadline = time.monotonic() + seconds
        self.released = False
        self.streaming = False

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise TooLong(f"export ran past {settings.EXPORT_SECONDS} s")

    def rows(self, rows: Iterable) -> Iterator:
        """The rows, until the deadline."""
        for i, row in enumerate(rows):
            if i % 100 == 0:
                self.check()
            yield row

    def stream(self, chunks: Iterable) -> Stream:
        """The chunks of a streamed answer, the slot released when the stream ends or is closed."""
        self.streaming = True
        return Stream(self, chunks)

    def release(self) -> None:
        if self.released:
            return
        self.released = True
        ExportSlot.objects.filter(pk=self.pk, holder=self.holder).update(holder="", until=None)
        give_memory_back()


class Stream:
    """A streamed answer's chunks until the deadline.  An object with ``close()`` rather than a
    generator: WSGI servers close the answer after the last chunk and when the client goes away,
    and a generator never started would not run its ``finally`` on close."""

    def __init__(self, slot: Slot, chunks: Iterable):
        self.slot, self.chunks = slot, iter(chunks)

    def __iter__(self):
        return self

    def __next__(self):
        try:
            self.slot.check()
            return next(self.chunks)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        close = getattr(self.chunks, "close", None)
        if close is not None:
            close()
        self.slot.release()


# Pools of slots: exports built while the reader waits, and release files sent through a worker
# (a file costs little CPU, sent by sendfile, but holds its worker while it is sent).
POOLS = {"export": ("EXPORT_SLOTS", "EXPORT_SECONDS"), "file": ("FILE_SLOTS", "FILE_SECONDS")}


def take(pool: str = "export") -> Slot:
    """A free slot of ``pool``, or Busy.  A slot is free when nobody holds it or its holder's lease ran out."""
    slots, seconds = (getattr(settings, name) for name in POOLS[pool])
    holder = secrets.token_hex(8)
    mine = ExportSlot.objects.filter(pool=pool, number__lte=slots)
    for _attempt in range(2):
        now = timezone.now()
        free = Q(until__isnull=True) | Q(until__lt=now)
        for pk in list(mine.filter(free).values_list("pk", flat=True)):
            # Taken only if still free: of two workers racing for one slot, one UPDATE matches.
            lease = now + timedelta(seconds=seconds + 30)
            if ExportSlot.objects.filter(free, pk=pk).update(holder=holder, until=lease):
                return Slot(pk, holder, seconds)
        if mine.count() >= slots:
            break
        ExportSlot.objects.bulk_create(
            [ExportSlot(pool=pool, number=n) for n in range(1, slots + 1)], ignore_conflicts=True
        )
    raise Busy


def busy_response(request) -> HttpResponse:
    """429: every slot is taken; come back after a short while (or take the data release)."""
    retry = settings.EXPORT_RETRY_AFTER
    response = _message(request, "busy", status=429, retry=retry)
    response["Retry-After"] = str(retry)
    return response


def too_large_response(request, fmt: str, count: int) -> HttpResponse:
    """422: the list is larger than this format exports on the fly."""
    return _message(request, "too-large", status=422, format_name=FORMAT_NAMES[fmt], count=count, limit=limit(fmt))


def too_long_response(request) -> HttpResponse:
    return _message(request, "too-long", status=503, seconds=settings.EXPORT_SECONDS)


def _message(request, kind: str, status: int, **context) -> HttpResponse:
    from .models import Release

    latest = Release.objects.first()
    context.update(kind=kind, latest=latest)
    response = HttpResponse(render_to_string("cases/export_refused.html", context, request), status=status)
    response["Cache-Control"] = "no-store"
    return response


FORMAT_NAMES = {"csv": "CSV", "json": "JSON", "xlsx": "Excel", "docx": "Word", "cite": "引文 Citations"}


def give_memory_back() -> None:
    """Return the memory an export freed to the system (glibc keeps freed pages otherwise,
    and a worker that once built a large file stays that large)."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass
