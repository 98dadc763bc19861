"""How much a download may cost the workers that serve the pages, in one place.

Every list download (CSV, JSON, Excel, Word, citations) is answered by ``answer()``:

* **The whole library comes from the data release.**  A download of the unfiltered list in
  the release's order (newest first) is a redirect to the latest release's file in that format
  and header style (cases/release.py): built once, sent by ``sendfile``, cheap whatever the
  library's size.  It says which release it is (``X-Data-Release``: name, public version, case
  count, and whether the library changed since).  While the library is as released it is
  always the release; once it moved on, a small library is built afresh instead, a large
  one is still the latest release (so stated).
* **Anything else is built on the fly, within bounds.**  Word, Excel and citations have a largest
  list (``EXPORT_LIMITS``); beyond it, 422 up front with a link to the release.  CSV and JSON have
  none: a filtered list of any size downloads (their rows cost little; time bounds them).  At most
  ``EXPORT_SLOTS`` builds run at once across every worker and server (a slot is a row of
  ``ExportSlot`` taken by one conditional UPDATE: the database is the one thing every worker
  shares); beyond, 429 with ``Retry-After``.  A build that runs past ``EXPORT_SECONDS`` is
  stopped and answered 503.
* **A small list needs no slot.**  A list of at most ``EXPORT_SMALL[fmt]`` cases (1,000 in
  CSV, JSON or citations) costs a worker about what a page of search results does (a province
  × theme CSV of 400 cases: 55 ms of CPU): it is built at once, within the same time cap, so
  that a reader's small download never waits behind the large ones the slots are for.  Excel
  and Word, far costlier a case, always take a slot.
* **Nothing is ever cut.**  A file is built whole (to a temporary file, in constant memory)
  before its first byte is sent, then sent with its ``Content-Length``: a client gets a
  complete file or an error status, never a truncated download that looks complete.  Its slot
  is held until the file is sent (``Slot.send``): a worker sending a large file to a slow client
  is as unavailable to readers as one building it.
* After a build, the worker hands its freed memory back to the system (``malloc_trim``).

**Why built whole, not streamed.**  A streamed CSV (``StreamingHttpResponse``) would start at once and
need no temporary file, but its build would run at the pace of the slowest client (a 760 MB file at
1 MB/s: 13 minutes of a slot, a worker and a database snapshot), and a stream stopped by the time
bound can only be cut — an error the client sees only if it checks HTTP/1.1's chunked framing.
Built whole, the build runs at full speed, the time bound answers a clean 503 before any byte,
``Content-Length`` lets every client check the file, and the sending is a ``sendfile`` that a
buffering proxy (nginx) takes at disk speed.
The price is a first byte after the build and a temporary file on disk (up to ~8 KB a case): CSV of
100,000 cases is built in about 11 s on two shared cores (≈60 µs of Python and 45 µs of PostgreSQL
a case, 2× a bare COPY; bench/README.md), so a list of any size fits EXPORT_SECONDS unless the
machine is very busy — then it is refused with 503 and a link to the data release, never cut.

Release files themselves are sent a few at once (the ``file`` pool of slots, ``FILE_SLOTS``):
little CPU, but a worker each while sending.
"""

from __future__ import annotations

import ctypes
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import timezone

from .models import ExportSlot


class Busy(Exception):
    """Every slot of a pool is taken."""


class TooLong(Exception):
    """A build ran past its time."""


def limit(fmt: str) -> int | None:
    """The largest list a format builds on the fly (None: any size)."""
    return settings.EXPORT_LIMITS.get(fmt)


def small(fmt: str, count: int) -> bool:
    """A list cheap enough to build without a slot (a format not in EXPORT_SMALL always takes one)."""
    return count <= settings.EXPORT_SMALL.get(fmt, -1)


def answer(request, fmt: str, count: int, build: Callable, release_format: str | None = None) -> HttpResponse:
    """A list's download in ``fmt`` (``count`` cases): the release's file when ``release_format``
    (the list is the whole library in the release's order, and the release holds that format);
    else ``build(slot)`` — a complete response, its rows read through ``slot.rows()`` — within
    the format's size, the slots and the time allowed."""
    most = limit(fmt)
    too_large = most is not None and count > most
    if release_format and settings.EXPORT_FROM_RELEASE:
        from . import release

        found = release.latest_file(release_format)
        if found is not None and (found.current or too_large):
            return release.headed(redirect(found.url), found.release, found.current)
    if too_large:
        return too_large_response(request, fmt, count)
    try:
        slot = Slot(None, "", settings.EXPORT_SECONDS) if small(fmt, count) else take()
    except Busy:
        return busy_response(request)
    try:
        response = build(slot)
    except TooLong:
        slot.release()
        return too_long_response(request)
    except BaseException:
        slot.release()
        raise
    if not slot.sending:
        slot.release()
    return response


class Slot:
    """A taken slot, released once (by the build's end, or when a sent file is closed); with no
    ``pk``, a small list's build: only its time cap."""

    def __init__(self, pk: int, holder: str, seconds: float):
        self.pk, self.holder = pk, holder
        self.deadline = time.monotonic() + seconds
        self.released = self.sending = False

    def rows(self, rows: Iterable) -> Iterator:
        """The rows, until the deadline (then TooLong)."""
        for i, row in enumerate(rows):
            if i % 100 == 0 and time.monotonic() > self.deadline:
                raise TooLong(f"export ran past {settings.EXPORT_SECONDS} s")
            yield row

    def send(self, file) -> Held:
        """The built ``file``, holding this slot until it is sent (or the client is gone): a worker
        sending 700 MB to a slow client is a worker no reader gets, so sending counts as exporting."""
        self.sending = True
        return Held(file, on_close=self.release)

    def release(self) -> None:
        if self.released:
            return
        self.released = True
        if self.pk is not None:
            ExportSlot.objects.filter(pk=self.pk, holder=self.holder).update(holder="", until=None)
            give_memory_back()


class Held(File):
    """A file being sent; ``on_close`` runs once when it is closed (sent, or the client gone)."""

    def __init__(self, file, on_close):
        super().__init__(file, getattr(file, "name", None))
        self.on_close = on_close

    def close(self):
        try:
            super().close()
        finally:
            if self.on_close is not None:
                self.on_close()
                self.on_close = None


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
    """422: the list is larger than this format builds on the fly."""
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
