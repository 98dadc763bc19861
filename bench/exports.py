"""Exports under load (issue 20): EXPORT_CLIENTS (10) clients loop over every export format of the
whole library for EXPORT_BENCH_SECONDS (60) while EXPORT_READERS (20) readers browse, and one more
client keeps downloading every file of the latest data release.

    BENCH_DATABASE_URL=postgres://…/bench_copy python bench/exports.py    # a COPY of the 100,000-case bench

First `manage.py release` builds the release (its time, peak memory and file sizes are reported), then
the portal runs under gunicorn in production settings (the repository's gunicorn.conf.py) on loopback.
Export clients take a documented 422 (a list beyond its format's limit) or 429 (every slot taken; they
wait the Retry-After) as answers, anything else that is not a complete 200 as an error; an incomplete
stream is an error.  Readers pause 0.5–2 s between pages, like people.  Prints, and writes to
bench/results/exports.md: errors, outcomes per export, readers' p50/p95 per page, CPU ms per request
(gunicorn and PostgreSQL, from /proc), workers' largest RSS, and the release files' downloads.
Exits non-zero on any error, a reader's p95 of home or list over 1 s, or a worker over 300 MB.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load  # noqa: E402
import run as bench  # noqa: E402

CLIENTS = int(os.environ.get("EXPORT_CLIENTS", "10"))
READERS = int(os.environ.get("EXPORT_READERS", "20"))
SECONDS = int(os.environ.get("EXPORT_BENCH_SECONDS", "60"))
BUILD_RELEASE = os.environ.get("EXPORT_BUILD_RELEASE", "1") == "1"
CACHE_URL = os.environ.get("EXPORT_CACHE_URL", "redis://127.0.0.1:6379/6")
RELEASES_DIR = Path(os.environ.get("EXPORT_RELEASES_DIR", bench.ROOT / "bench" / ".releases"))
P95_LIMIT_MS, RSS_LIMIT_MB = 1000, 300
# EXPORT_MIX=whole (the scenario): every format of the whole library, mostly the release's files.
# EXPORT_MIX=built: lists that are built on the fly (another order of the whole library in CSV and JSON,
# 100,000 rows each; a province's workbook; a small Word compilation), to see what builds cost readers.
MIX = os.environ.get("EXPORT_MIX", "whole")
RESULTS_NAME = os.environ.get("EXPORT_RESULTS_NAME", "exports")

# Every export format of the whole library (no filter) that the pages offer: the list's own downloads,
# with field codes too (the data dictionary's ?headers=codes), Word, and the three citation styles.
EXPORTS = [
    "/cases/export.csv",
    "/cases/export.json",
    "/cases/export.xlsx",
    "/cases/export.docx",
    "/cases/export.csv?headers=codes",
    "/cases/export.xlsx?headers=codes",
    "/cases/cite.bib",
    "/cases/cite.ris",
    "/cases/cite.txt",
]
BUILT = [
    "/cases/export.csv?sort=title",
    "/cases/export.json?sort=title&headers=codes",
    "/cases/export.xlsx?province=370000",
    "/cases/export.docx?province=640000&theme=elderly-care",
]
if MIX == "built":
    EXPORTS = BUILT


class Outcomes:
    def __init__(self):
        self.lock = threading.Lock()
        self.by_path: dict[str, dict[str, int]] = {}
        self.seconds: dict[str, list[float]] = {}
        self.bytes: dict[str, int] = {}
        self.errors: list[str] = []

    def add(self, path: str, outcome: str, seconds: float = 0.0, size: int = 0):
        with self.lock:
            counts = self.by_path.setdefault(path, {})
            counts[outcome] = counts.get(outcome, 0) + 1
            if outcome == "200":
                self.seconds.setdefault(path, []).append(seconds)
                self.bytes[path] = max(self.bytes.get(path, 0), size)

    def error(self, message: str):
        with self.lock:
            self.errors.append(message)


def fetch(url: str, timeout: float = 180) -> tuple[int, dict, int, str]:
    """(status, headers, bytes read, sha256 hex or '') of a GET read to its end; redirects followed.
    An incomplete body raises (http.client.IncompleteRead, or a reset connection)."""
    digest = hashlib.sha256() if "/data/" in url else None
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            size = 0
            while block := response.read(1 << 20):
                size += len(block)
                if digest is not None:
                    digest.update(block)
            headers = dict(response.headers)
            if "Content-Length" in headers and int(headers["Content-Length"]) != size:
                raise http.client.IncompleteRead(b"", int(headers["Content-Length"]) - size)
            return response.status, headers, size, digest.hexdigest() if digest else ""
    except urllib.error.HTTPError as error:
        error.read()
        return error.code, dict(error.headers), 0, ""


def exporter(base: str, outcomes: Outcomes, deadline: float, offset: int):
    i = offset
    while time.monotonic() < deadline:
        path = EXPORTS[i % len(EXPORTS)]
        i += 1
        started = time.perf_counter()
        try:
            status, headers, size, _ = fetch(base + path)
        except (OSError, http.client.HTTPException) as error:
            outcomes.add(path, "error")
            outcomes.error(f"{path}: {type(error).__name__} {error}")
            continue
        if status == 429:
            outcomes.add(path, "429")
            time.sleep(max(0.0, min(float(headers.get("Retry-After", "5")), deadline - time.monotonic())))
        elif status == 422:
            outcomes.add(path, "422")
        elif status == 200:
            outcomes.add(path, "200", time.perf_counter() - started, size)
            if "X-Data-Release" in headers:  # the whole library: the data release's file
                outcomes.add(path, "release")
        else:
            outcomes.add(path, str(status))
            outcomes.error(f"{path}: {status}")


def release_checker(base: str, files: list[dict], outcomes: Outcomes, deadline: float):
    """Every file of the release, again and again: each download complete, its SHA-256 as listed."""
    i = 0
    while time.monotonic() < deadline or i < len(files):  # each file at least once
        entry = files[i % len(files)]
        i += 1
        path = f"/data/{entry['path']}"
        started = time.perf_counter()
        try:
            status, headers, size, sha = fetch(base + path)
        except (OSError, http.client.HTTPException) as error:
            outcomes.add(path, "error")
            outcomes.error(f"{path}: {type(error).__name__} {error}")
            continue
        if status == 429:
            outcomes.add(path, "429")
            time.sleep(float(headers.get("Retry-After", "5")))
            i -= 1  # the same file again
        elif status == 200 and size == entry["size"] and sha == entry["sha256"]:
            outcomes.add(path, "200", time.perf_counter() - started, size)
        else:
            outcomes.add(path, "error")
            outcomes.error(f"{path}: {status}, {size} bytes, sha256 {sha[:12]} (listed {entry['sha256'][:12]})")


def reader(base: str, slugs: list[str], stats: load.Stats, deadline: float, seed: int):
    rng = random.Random(seed)
    time.sleep(rng.uniform(0, 3))
    while time.monotonic() < deadline:
        kind, path = load.reader_path(rng, slugs)
        if kind == "export":
            continue  # the export clients export; readers read
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(base + path, timeout=60) as response:
                while response.read(1 << 16):
                    pass
        except (urllib.error.URLError, OSError) as error:
            stats.error(f"{error} {path}")
            continue
        stats.add(kind, (time.perf_counter() - started) * 1000, path)
        time.sleep(rng.uniform(0.5, 2.0))


def build_release(environ: dict) -> dict:
    """`manage.py release` on the bench database: its time, peak memory (the process's largest RSS)."""
    started = time.monotonic()
    process = subprocess.Popen(
        [bench.PYTHON, "manage.py", "release", "--base-url", "http://127.0.0.1"],
        cwd=bench.ROOT,
        env=environ,
        stdout=subprocess.PIPE,
        text=True,
    )
    _, status, usage = os.wait4(process.pid, 0)
    output = process.stdout.read().strip()
    if status != 0:
        raise RuntimeError(f"release failed: {output}")
    return {
        "seconds": round(time.monotonic() - started, 1),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 1),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "output": output,
    }


def latest_release() -> dict:
    import psycopg

    with psycopg.connect(bench.DATABASE_URL) as conn:
        row = conn.execute(
            "SELECT name, library_version, case_count, files FROM cases_release ORDER BY created DESC, id DESC LIMIT 1"
        ).fetchone()
    if row is None:
        raise RuntimeError("no release: run with EXPORT_BUILD_RELEASE=1")
    name, version, count, files = row
    return {"name": name, "library_version": version, "case_count": count, "files": files}


class Memory(threading.Thread):
    """The largest RSS of each gunicorn worker, sampled twice a second (and their VmHWM at the end)."""

    def __init__(self, master: int, stop: threading.Event):
        super().__init__(daemon=True)
        self.master, self.stop, self.largest = master, stop, {}

    def run(self):
        while not self.stop.is_set():
            for pid in bench.worker_pids(self.master):
                self.largest[pid] = max(self.largest.get(pid, 0.0), bench.current_rss_mb(pid))
            time.sleep(0.5)


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[max(0, int(len(values) * p) - 1)] if values else 0.0


def main() -> int:
    import psycopg

    RELEASES_DIR.mkdir(parents=True, exist_ok=True)
    # Static files by their plain names: this measures exports and pages, not the static manifest.
    static = "django.contrib.staticfiles.storage.StaticFilesStorage"
    environ = bench.env(CACHE_URL=CACHE_URL, RELEASES_DIR=str(RELEASES_DIR), STATICFILES_BACKEND=static)
    result: dict = {"clients": CLIENTS, "readers": READERS, "seconds": SECONDS, "cpu_cores": os.cpu_count(),
                    "mix": MIX, "export_slots": int(environ.get("EXPORT_SLOTS") or max(1, (os.cpu_count() or 2) // 2))}  # fmt: skip
    if BUILD_RELEASE:
        bench.log("building the release …")
        result["release_build"] = build_release(environ)
        bench.log(result["release_build"]["output"])
    release = latest_release()
    result["release"] = {k: release[k] for k in ("name", "library_version", "case_count")}
    result["release"]["files"] = [{"format": f["format"], "mb": round(f["size"] / 1e6, 1)} for f in release["files"]]
    with psycopg.connect(bench.DATABASE_URL) as conn:
        slugs = [r[0] for r in conn.execute(
            "SELECT slug FROM cases_case WHERE status = 'published' ORDER BY random() LIMIT 2000")]  # fmt: skip
        conn.execute("DELETE FROM cases_exportslot")
        conn.commit()
    try:
        import redis

        redis.Redis.from_url(CACHE_URL).flushdb()
    except Exception as error:  # noqa: BLE001 - without Redis each worker keeps its own cache
        bench.log(f"no shared cache ({error})")
        environ["CACHE_URL"] = ""

    port = bench.free_port()
    access_log = Path(tempfile.mkdtemp(prefix="exports-")) / "access.log"
    server = bench.Server(
        [
            bench.PYTHON,
            "-m",
            "gunicorn",
            "-c",
            "gunicorn.conf.py",
            "portal.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "--access-logfile",
            str(access_log),
            "--access-logformat",
            "%(M)s %(m)s %(U)s?%(q)s %(s)s",
        ],  # fmt: skip
        f"http://127.0.0.1:{port}/robots.txt",
        environ=environ,
    )
    base = f"http://127.0.0.1:{port}"
    stats, outcomes, files = load.Stats(), Outcomes(), Outcomes()
    stop = threading.Event()
    memory = Memory(server.process.pid, stop)
    memory.start()
    started = time.monotonic()
    deadline = started + SECONDS
    threads = [threading.Thread(target=exporter, args=(base, outcomes, deadline, i)) for i in range(CLIENTS)]
    threads += [threading.Thread(target=reader, args=(base, slugs, stats, deadline, i)) for i in range(READERS)]
    threads.append(threading.Thread(target=release_checker, args=(base, release["files"], files, deadline)))
    cpu_before, machine_before = load.cpu_seconds(server.process.pid), load.machine_ticks()
    result["load_average_before"] = [round(x, 2) for x in os.getloadavg()]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        cpu_after, machine_after = load.cpu_seconds(server.process.pid), load.machine_ticks()
        result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
        time.sleep(5)  # then: how much memory the workers kept
        workers = bench.worker_pids(server.process.pid)
        after_rss = {pid: bench.current_rss_mb(pid) for pid in workers}
        peaks = {pid: max(memory.largest.get(pid, 0.0), bench.peak_rss_mb(pid)) for pid in workers}
    finally:
        stop.set()
        server.stop()
    served, in_worker, reader_requests = 0, [], 0
    for line in access_log.read_text(encoding="utf-8", errors="replace").splitlines():
        ms, method, rest = line.split(" ", 2)
        path = rest.rsplit(" ", 1)[0]
        served += not path.startswith("/robots.txt")
        kind = "" if path.startswith(("/cases/cite.", "/cases/export", "/data/")) else load.kind_of(method, path)
        if kind in ("home", "list", "search", "search + province", "case", "api"):
            in_worker.append((0.0, kind, int(ms)))
            reader_requests += 1
    shutil.rmtree(access_log.parent, ignore_errors=True)

    readers = load.per_kind(stats.timeline)
    reader_p95 = {r["kind"]: r["p95_ms"] for r in readers}
    cpu = {k: round(cpu_after[k] - cpu_before.get(k, 0), 1) for k in cpu_after}
    result.update(
        elapsed_seconds=round(elapsed, 1),
        errors=len(outcomes.errors) + len(files.errors) + len(stats.errors),
        first_errors=(outcomes.errors + files.errors + stats.errors)[:10],
        exports=outcomes.by_path,
        export_seconds={p: round(statistics.median(v), 1) for p, v in outcomes.seconds.items()},
        export_mb={p: round(v / 1e6, 1) for p, v in outcomes.bytes.items()},
        release_downloads=files.by_path,
        reader_pages=readers,
        reader_pages_in_worker=load.per_kind(in_worker),
        reader_requests=reader_requests,
        machine_busy=round((machine_after[0] - machine_before[0]) / max(1, machine_after[1] - machine_before[1]), 2),
        requests_served=served,
        cpu_seconds=cpu,
        cpu_ms_per_request={k: round(v * 1000 / max(served, 1), 1) for k, v in cpu.items()},
        worker_max_rss_mb=round(max(list(memory.largest.values()) + list(peaks.values()) + [0.0]), 1),
        worker_rss_after_mb=round(max(list(after_rss.values()) + [0.0]), 1),
        workers=len(workers),
    )
    ok = (
        result["errors"] == 0
        and all(reader_p95.get(kind, 0) < P95_LIMIT_MS for kind in ("home", "list"))
        and result["worker_max_rss_mb"] <= RSS_LIMIT_MB
        and all(
            files.by_path.get(f"/data/{f['path']}", {}).get("200", 0) > 0 for f in release["files"]
        )  # every file downloaded whole at least once
    )
    result["ok"] = ok
    table = markdown(result)
    bench.RESULTS.mkdir(parents=True, exist_ok=True)
    (bench.RESULTS / f"{RESULTS_NAME}.md").write_text(table, encoding="utf-8")
    (bench.RESULTS / f"{RESULTS_NAME}.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(table)
    return 0 if ok else 1


def markdown(r: dict) -> str:
    lines = [
        f"Exports under load: {r['clients']} export clients over "
        + ("every format of the whole library" if r.get("mix", "whole") == "whole" else "lists built on the fly")
        + f" and "
        f"{r['readers']} readers for {r['seconds']} s, plus one client downloading every release file "
        f"({r['cpu_cores']} cores, shared) — {r['errors']} errors; {r['requests_served']} requests served; "
        f"CPU gunicorn {r['cpu_seconds'].get('gunicorn')} s + PostgreSQL {r['cpu_seconds'].get('postgres')} s, i.e. "
        f"{r['cpu_ms_per_request'].get('gunicorn')} + {r['cpu_ms_per_request'].get('postgres')} ms a request; "
        f"workers' largest RSS {r['worker_max_rss_mb']} MB ({r['worker_rss_after_mb']} MB 5 s after); "
        f"{'PASS' if r['ok'] else 'FAIL'}.",
        "",
        f"Mix: {r['mix']}; EXPORT_SLOTS={r['export_slots']}; load average before {r['load_average_before']}, "
        f"after {r['load_average_after']}; the machine's CPU busy {round(100 * r['machine_busy'])} % of the run "
        f"(every tenant); {r['reader_requests']} reader requests.",
        "",
    ]
    if "release_build" in r:
        b = r["release_build"]
        lines += [
            f"`release` of {r['release']['case_count']} cases: {b['seconds']} s ({b['cpu_seconds']} s CPU), "
            f"peak RSS {b['peak_rss_mb']} MB; files: "
            + ", ".join(f"{f['format']} {f['mb']} MB" for f in r["release"]["files"]),
            "",
        ]
    lines += [
        "| export | 200 | of which the release's file | 422 | 429 | errors | median s (200) | MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for path, counts in sorted(r["exports"].items()):
        errors = sum(n for k, n in counts.items() if k not in ("200", "release", "422", "429"))
        lines.append(
            f"| `{path}` | {counts.get('200', 0)} | {counts.get('release', 0)} | {counts.get('422', 0)} "
            f"| {counts.get('429', 0)} | {errors} | {r['export_seconds'].get(path, '')} | {r['export_mb'].get(path, '')} |"
        )
    lines += ["", "| release file | complete (size + SHA-256) | 429 | errors |", "|---|---:|---:|---:|"]
    for path, counts in sorted(r["release_downloads"].items()):
        lines.append(f"| `{path}` | {counts.get('200', 0)} | {counts.get('429', 0)} | {counts.get('error', 0)} |")
    lines += ["", "Readers (client-side, ms):", "", *load.markdown(r["reader_pages"])]
    lines += [
        "",
        "Readers (in the worker, as gunicorn timed them, ms):",
        "",
        *load.markdown(r["reader_pages_in_worker"]),
    ]
    if r["first_errors"]:
        lines += ["", "First errors:", "", *(f"* {e}" for e in r["first_errors"])]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
