"""Data releases: the whole published library, built once into versioned, citable files.

    python manage.py release            # CSV, XLSX, JSON and a Frictionless Data Package

One pass over the published cases (in one snapshot of the database) writes every file at
once, row by row, to local temporary files: memory stays constant whatever the library's
size.  Each finished file is then put into the ``releases`` storage under a temporary name
and moved into place (a file system rename; an object store shows an object only once its
upload is complete), and only then is the ``Release`` row created that lists it: a release
is never seen half-written.  The newest ``RELEASES_KEEP`` releases are kept.

The CSV and XLSX are for people (Chinese headers, formula-like cells neutralised, as the list
exports); the JSON and the data package are for programs (field codes, values as stored).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import multiprocessing
import os
import secrets
import shutil
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.db import connection, transaction
from django.utils import timezone

from . import export
from .filters import CaseFilter
from .models import Case, LibraryState, Release, Theme

PORTAL = "乡村公共服务案例库"
# Format key -> (file name in the storage, name offered for download, content type).
FORMATS = {
    "csv": ("rural-cases-{name}.csv", "乡村公共服务案例库_数据发布_{name}.csv", "text/csv; charset=utf-8"),
    # The same table with field codes and code values (``?headers=codes``), for programs.
    "csv-codes": (
        "rural-cases-{name}-codes.csv",
        "乡村公共服务案例库_数据发布_{name}_codes.csv",
        "text/csv; charset=utf-8",
    ),
    "xlsx": ("rural-cases-{name}.xlsx", "乡村公共服务案例库_数据发布_{name}.xlsx", export.XLSX_TYPE),
    "xlsx-codes": ("rural-cases-{name}-codes.xlsx", "乡村公共服务案例库_数据发布_{name}_codes.xlsx", export.XLSX_TYPE),
    "json": ("rural-cases-{name}.json", "乡村公共服务案例库_数据发布_{name}.json", "application/json; charset=utf-8"),
    "datapackage": (
        "rural-cases-{name}-datapackage.zip",
        "乡村公共服务案例库_数据发布_{name}_datapackage.zip",
        "application/zip",
    ),
}
INDEX = "index.csv"  # id, version, slug, title of every case released: the next changelog's base
CHANGELOG_LISTED = 100  # cases named per kind of change (all are counted)


def storage():
    return storages["releases"]


def library_state() -> tuple[int, str]:
    state = LibraryState.objects.values_list("version", "epoch").first()
    return (state[0], str(state[1])) if state else (0, "")


def title(release: Release) -> str:
    return f"{PORTAL} 数据发布 {release.name} ({release.label})"


def build(keep: int | None = None, if_changed: bool = False, base_url: str = "") -> Release | None:
    """A new release of the whole published library; None when ``if_changed`` and the
    library is as the latest release has it."""
    started = time.monotonic()
    latest = Release.objects.first()
    if if_changed and latest is not None and (latest.library_version, latest.library_epoch) == library_state():
        return None
    work = _work_directory()
    try:
        name = _new_name()
        outermost = not connection.in_atomic_block  # (a test's transaction has its snapshot already)
        with transaction.atomic():
            if outermost and connection.vendor == "postgresql":
                # One snapshot for every file, the counts and the version, whatever editors publish meanwhile.
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            version, epoch = library_state()
            written = _write_files(work, name, version, base_url)
        changelog = _changelog(latest, work / INDEX)
        locals_ = {fmt: work / pattern.format(name=name) for fmt, (pattern, _download, _type) in FORMATS.items()}
        with ThreadPoolExecutor(len(locals_)) as pool:  # hashing releases the GIL: both cores
            digests = dict(zip(locals_, pool.map(_sha256, locals_.values()), strict=True))
        files = []
        for fmt, local in locals_.items():
            files.append({"format": fmt, "path": f"{name}/{local.name}", "size": local.stat().st_size,
                          "sha256": digests[fmt]})  # fmt: skip
            _put(local, f"{name}/{local.name}")
        _put(work / INDEX, f"{name}/{INDEX}")
        release = Release.objects.create(
            name=name,
            library_version=version,
            library_epoch=epoch,
            case_count=written.count,
            files=files,
            changelog=changelog,
            seconds=round(time.monotonic() - started, 1),
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    prune(settings.RELEASES_KEEP if keep is None else keep)
    return release


def _work_directory() -> Path:
    """Where the files are written: in the storage's own directory when it is a file system
    (a finished file is then renamed into place, not copied), else a local temporary one."""
    try:
        root = Path(storage().path(""))
    except NotImplementedError:
        return Path(tempfile.mkdtemp(prefix="release-"))
    root.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=".partial-", dir=root))


def _new_name() -> str:
    day = timezone.localdate().isoformat()
    taken = set(Release.objects.filter(name__startswith=day).values_list("name", flat=True))
    if day not in taken:
        return day
    n = 2
    while f"{day}.{n}" in taken:
        n += 1
    return f"{day}.{n}"


@dataclass
class Written:
    count: int = 0
    theme_slugs: dict[str, str] = field(default_factory=dict)


def _write_files(work: Path, name: str, version: int, base_url: str) -> Written:
    """Every file in one pass over the published cases, in the list's own order (newest first,
    so that the unfiltered list's download can be the release's file).  The workbook is written
    by a helper process fed the rows (openpyxl's cell-by-cell writing is the slowest part, and
    there it runs on another core); the data package is zipped while the workbook is saved."""
    written = Written()
    themes = list(Theme.objects.order_by("position", "pk"))
    slugs = {theme.name: theme.slug for theme in themes}
    package = work / "package"
    package.mkdir()
    paths = {fmt: work / pattern.format(name=name) for fmt, (pattern, _d, _t) in FORMATS.items()}
    meta = {"release": name, "library_version": version, "built_at": timezone.now().isoformat(timespec="seconds")}
    queryset = CaseFilter(None, queryset=Case.objects.published()).qs
    total = queryset.count()
    workbooks = [_Workbook(paths["xlsx"], total), _Workbook(paths["xlsx-codes"], total, codes=True)]
    try:
        with (
            open(paths["csv"], "w", encoding="utf-8", newline="") as people_csv,
            open(paths["csv-codes"], "w", encoding="utf-8", newline="") as codes_csv,
            open(paths["json"], "w", encoding="utf-8") as json_file,
            open(package / "cases.csv", "w", encoding="utf-8", newline="") as cases_csv,
            open(package / "case_themes.csv", "w", encoding="utf-8", newline="") as case_themes_csv,
            open(package / "keywords.csv", "w", encoding="utf-8", newline="") as keywords_csv,
            open(package / "figures.csv", "w", encoding="utf-8", newline="") as figures_csv,
        ):
            people, codes = csv.writer(people_csv), csv.writer(codes_csv)
            people_csv.write("\ufeff")
            people.writerow(export.header_row())
            codes_csv.write("\ufeff")
            codes.writerow(export.header_row(codes=True))
            machines = csv.writer(cases_csv)
            machines.writerow(export.TABULAR_FIELDS)
            case_themes = csv.writer(case_themes_csv)
            case_themes.writerow(["case_id", "theme"])
            keywords = csv.writer(keywords_csv)
            keywords.writerow(["case_id", "keyword"])
            figures = csv.writer(figures_csv)
            figures.writerow(export.FIGURE_FIELDS)
            json_file.write('{"meta": ' + json.dumps({**export.meta({}, total), **meta}, ensure_ascii=False))
            json_file.write(', "cases": [')
            for row in export.case_rows(queryset, base=base_url):
                written.count += 1
                for workbook in workbooks:
                    workbook.add(row)
                people.writerow(export.cells(row))
                codes.writerow(export.cells(row, codes=True))
                machines.writerow([_plain(row[name]) for name in export.TABULAR_FIELDS])
                case_themes.writerows([row["id"], slugs[theme]] for theme in row["themes"])
                keywords.writerows([row["id"], keyword] for keyword in row["tags"])
                figures.writerows(
                    [
                        _plain({**f, "case_id": row["id"], "case_slug": row["slug"]}[name])
                        for name in export.FIGURE_FIELDS
                    ]
                    for f in row["figures"]
                )
                json_file.write(("," if written.count > 1 else "") + "\n" + json.dumps(row, ensure_ascii=False))
            json_file.write("\n]}\n")
        for workbook in workbooks:
            workbook.finish_rows()
        with open(package / "themes.csv", "w", encoding="utf-8", newline="") as themes_csv:
            writer = csv.writer(themes_csv)
            writer.writerow(["slug", "name", "name_en", "description"])
            writer.writerows([t.slug, t.name, t.name_en, t.description] for t in themes)
        with open(work / INDEX, "w", encoding="utf-8", newline="") as index:
            writer = csv.writer(index)
            writer.writerow(["id", "version", "slug", "title"])
            writer.writerows(
                queryset.order_by("pk").values_list("pk", "version", "slug", "title").iterator(chunk_size=5000)
            )
        descriptor = datapackage(name, version, written.count, base_url)
        (package / "datapackage.json").write_text(
            json.dumps(descriptor, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        with zipfile.ZipFile(paths["datapackage"], "w", compression=zipfile.ZIP_DEFLATED) as archive:
            parts = ("datapackage.json", "cases.csv", "themes.csv", "case_themes.csv", "keywords.csv", "figures.csv")
            for part in parts:
                archive.write(package / part, part)
        for workbook in workbooks:
            workbook.wait()
    finally:
        for workbook in workbooks:
            workbook.stop()
    return written


class _Workbook:
    """The release's XLSX, written by a helper process that receives the rows in batches
    through a pipe (forked: it shares this process's code, and never touches the database)."""

    BATCH = 200

    def __init__(self, path: Path, total: int, codes: bool = False):
        context = multiprocessing.get_context("fork")
        receiving, self.sending = context.Pipe(duplex=False)
        self.process = context.Process(target=_write_workbook, args=(receiving, self.sending, str(path), total, codes))
        self.process.start()
        receiving.close()
        self.batch: list[dict] = []

    def add(self, row: dict) -> None:
        self.batch.append(row)
        if len(self.batch) >= self.BATCH:
            self._send(self.batch)
            self.batch = []

    def finish_rows(self) -> None:
        self._send(self.batch)
        self._send(None)
        self.sending.close()

    def _send(self, batch) -> None:
        try:
            self.sending.send(batch)
        except BrokenPipeError:  # the writer is gone: say why
            self.wait()
            raise

    def wait(self) -> None:
        self.process.join()
        if self.process.exitcode != 0:
            raise RuntimeError(f"the workbook's writer failed (exit code {self.process.exitcode})")

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.sending.close()


def _write_workbook(receiving, sending, path: str, total: int, codes: bool) -> None:
    sending.close()  # this side only reads: the pipe ends when the builder closes its end, or dies

    def rows():
        while (batch := receiving.recv()) is not None:
            yield from batch

    export.xlsx_file(rows(), [], total, codes=codes, out=path)


def _plain(value):
    """A value as a program reads it from the data package: lists joined with ';', nothing neutralised."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(str(v) for v in value)
    return value


INTEGER_FIELDS = {"id", "year"}
NUMBER_FIELDS = {"investment"}
FIGURE_TYPES = {"case_id": "integer", "value": "number", "value_max": "number", "baseline": "number",
                "year_from": "integer", "year_to": "integer", "confirmed": "boolean"}  # fmt: skip


def datapackage(name: str, version: int, count: int, base_url: str = "") -> dict:
    """The Frictionless Data Package descriptor: every table's schema, with the data dictionary
    (Chinese header, Chinese and English description) on each field."""

    def described(code: str, title: str, kind: str, docs: dict) -> dict:
        zh, en = docs[code]
        return {"name": code, "title": title, "type": kind, "description": f"{zh} · {en}"}

    def kind(code: str) -> str:
        return "integer" if code in INTEGER_FIELDS else "number" if code in NUMBER_FIELDS else "string"

    def table(name: str, title: str, schema: dict) -> dict:
        csv = {"format": "csv", "mediatype": "text/csv", "encoding": "utf-8"}
        return {"name": name, "path": f"{name}.csv", "title": title, **csv, "schema": schema}

    case_fields = [described(c, export.HEADERS[c], kind(c), export.FIELD_DOCS) for c in export.TABULAR_FIELDS]
    case_fields[0]["constraints"] = {"required": True, "unique": True}
    figure_fields = [
        described(c, export.FIGURE_HEADERS[c], FIGURE_TYPES.get(c, "string"), export.FIGURE_DOCS)
        for c in export.FIGURE_FIELDS
    ]
    case_id = {"name": "case_id", "title": "案例编号", "type": "integer"}
    of_a_case = {"fields": ["case_id"], "reference": {"resource": "cases", "fields": ["id"]}}
    return {
        "name": "rural-public-service-cases",
        "title": f"{PORTAL} 数据发布 {name} (v{version})",
        "description": f"{PORTAL}全部已发布案例（{count} 个），构建自公开版本 v{version}。"
        " All published cases of the Rural Public-Service Case Library. Lists inside a cell are ';'-separated.",
        "version": f"{version}.0.0",
        "created": timezone.now().isoformat(timespec="seconds"),
        "homepage": (base_url or getattr(settings, "SITE_URL", "")) + "/data/",
        "resources": [
            table("cases", "案例 Cases", {"fields": case_fields, "primaryKey": ["id"]}),
            table(
                "themes",
                "主题 Themes",
                {
                    "fields": [
                        {"name": "slug", "title": "主题代码", "type": "string", "constraints": {"required": True}},
                        {"name": "name", "title": "主题", "type": "string"},
                        {"name": "name_en", "title": "主题（英文）", "type": "string"},
                        {"name": "description", "title": "说明", "type": "string"},
                    ],
                    "primaryKey": ["slug"],
                },
            ),
            table(
                "case_themes",
                "案例的主题 Themes of each case",
                {
                    "fields": [case_id, {"name": "theme", "title": "主题代码", "type": "string"}],
                    "foreignKeys": [
                        of_a_case,
                        {"fields": ["theme"], "reference": {"resource": "themes", "fields": ["slug"]}},
                    ],
                },
            ),
            table(
                "keywords",
                "案例的关键词 Keywords of each case",
                {
                    "fields": [case_id, {"name": "keyword", "title": "关键词", "type": "string"}],
                    "foreignKeys": [of_a_case],
                },
            ),
            table(
                "figures",
                "关键数据 Key figures of each case",
                {"fields": figure_fields, "foreignKeys": [of_a_case]},
            ),
        ],
    }


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _put(local: Path, name: str) -> None:
    """A finished local file into the releases storage, never visible half-written there."""
    store = storage()
    try:
        final = store.path(name)
    except NotImplementedError:  # an object store: an object appears once its upload completes
        with open(local, "rb") as f:
            store.save(name, File(f))
        return
    if Path(store.path("")) not in local.parents:  # written elsewhere: copied in under a temporary name first
        directory, base = os.path.split(name)
        with open(local, "rb") as f:
            local = Path(store.path(store.save(f"{directory}/.partial-{secrets.token_hex(6)}-{base}", File(f))))
    os.makedirs(os.path.dirname(final), exist_ok=True)
    os.replace(local, final)  # atomic within one file system


def _changelog(previous: Release | None, index: Path) -> dict:
    """Cases added, changed (a new version) and withdrawn since ``previous``: all counted,
    the first CHANGELOG_LISTED of each named."""
    current = _read_index(index.open(encoding="utf-8", newline=""))
    if previous is None:
        return {"previous": None, "added": len(current), "changed": 0, "withdrawn": 0, "listed": {}}
    try:
        with storage().open(f"{previous.name}/{INDEX}", "rb") as f:
            before = _read_index(io.TextIOWrapper(f, encoding="utf-8", newline=""))
    except FileNotFoundError:
        return {"previous": previous.name, "unknown": True}
    added = [pk for pk in current if pk not in before]
    withdrawn = [pk for pk in before if pk not in current]
    changed = [pk for pk in current if pk in before and before[pk][0] != current[pk][0]]

    def named(ids, rows):
        return [{"id": pk, "slug": rows[pk][1], "title": rows[pk][2]} for pk in ids[:CHANGELOG_LISTED]]

    return {
        "previous": previous.name,
        "added": len(added),
        "changed": len(changed),
        "withdrawn": len(withdrawn),
        "listed": {
            "added": named(added, current),
            "changed": named(changed, current),
            "withdrawn": named(withdrawn, before),
        },
    }


def _read_index(lines) -> dict[int, tuple[int, str, str]]:
    reader = csv.reader(lines)
    next(reader, None)
    return {int(pk): (int(version), slug, title) for pk, version, slug, title in reader}


def prune(keep: int) -> list[str]:
    """Delete every release but the newest ``keep`` (their files first, then their rows)."""
    store = storage()
    gone = []
    for release in Release.objects.all()[max(keep, 1) :]:
        for entry in release.files:
            store.delete(entry["path"])
        store.delete(f"{release.name}/{INDEX}")
        gone.append(release.name)
        release.delete()
    return gone


def handed_to_server(entry: dict):
    """An empty response asking the web server in front to send a release file itself, when one
    is configured to (no worker is held while a large file goes out); None to send it from here.

    ``RELEASE_ACCEL_REDIRECT`` (e.g. ``/protected/releases/``): nginx's ``X-Accel-Redirect`` to that
    internal location + the file's path in the storage.  ``RELEASE_X_SENDFILE``: ``X-Sendfile`` with
    the file's path on disk (Apache mod_xsendfile, lighttpd), for a file-system storage only."""
    from urllib.parse import quote

    from django.http import HttpResponse

    prefix = settings.RELEASE_ACCEL_REDIRECT
    if prefix:
        response = HttpResponse()
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(entry["path"])
        return response
    if settings.RELEASE_X_SENDFILE:
        try:
            path = storage().path(entry["path"])
        except NotImplementedError:  # an object store: no path a web server could read
            return None
        response = HttpResponse()
        response["X-Sendfile"] = path
        return response
    return None


class Found(NamedTuple):
    release: Release
    entry: dict
    current: bool  # the release holds the library as it is now (nothing published, changed or withdrawn since)
    url: str


def latest_file(fmt: str) -> Found | None:
    """The latest release's file in ``fmt``: what a download of the whole library is."""
    from django.urls import reverse

    latest = Release.objects.first()
    entry = next((f for f in latest.files if f["format"] == fmt), None) if latest else None
    if entry is None:
        return None
    current = (latest.library_version, latest.library_epoch) == library_state()
    return Found(latest, entry, current, reverse("data_file", args=[latest.name, entry["path"].rsplit("/", 1)[-1]]))


def headed(response, release: Release, current: bool | None = None):
    """A download that is a release says which: its name, public version and case count, and
    (``current``, on the redirect to it, which no cache keeps) whether it still holds the library
    as it is — not on the file itself, kept a day by caches while the library may move on."""
    response["X-Data-Release"] = f"{release.name}; version={release.label}; cases={release.case_count}"
    if current is not None:
        response["X-Data-Release-Current"] = "true" if current else "false"
    return response


def download_name(release: Release, fmt: str) -> str:
    return FORMATS[fmt][1].format(name=release.name)
