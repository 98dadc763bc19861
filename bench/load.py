"""A load test on loopback: LOAD_USERS simulated readers (default 50) browse,
search and export for LOAD_SECONDS (default 60) while one editor saves
cases through the admin; then every edit is checked to be in the database.

    python bench/load.py            # after `make bench` (same database, same corpus)

Readers pause 0.5–2 s between pages, like people.  The portal runs under
gunicorn in production settings.  Prints the error count, p50/p95/max per
kind of page, and the editor's saves; exits non-zero on any error or lost edit.
"""

from __future__ import annotations

import html.parser
import json
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench  # noqa: E402

USERS = int(os.environ.get("LOAD_USERS", "50"))
SECONDS = int(os.environ.get("LOAD_SECONDS", "60"))  # with every user at work, after the ramp
RAMP = int(os.environ.get("LOAD_RAMP", "10"))  # seconds over which the users arrive (5 a second)
EDITOR = os.environ.get("LOAD_EDITOR", "1") == "1"  # LOAD_EDITOR=0: readers only
SETTLED = int(os.environ.get("LOAD_SETTLED", "20"))  # seconds after which the second table starts
EDIT_EVERY = float(os.environ.get("LOAD_EDIT_EVERY", "1"))  # seconds between the editor's saves
EDITOR_PASSWORD = "Loopback-load-2026!"
# The workers share one cache (as several app servers would); "" gives each worker its own memory.
CACHE_URL = os.environ.get("LOAD_CACHE_URL", "redis://127.0.0.1:6379/15")

PROVINCES = ["110000", "330000", "510000", "440000", "430000", "370000", "620000", "650000"]
THEMES = ["elderly-care", "education", "water-supply", "living-environment", "left-behind-children", "health"]
WORDS = ["养老", "农村 养老", "教育", "供水", "留守儿童", "垃圾分类", "暖心食堂", "卫生院", "便民服务", "互助"]


def popular(rng: random.Random, values: list):
    """Readers favour a few provinces, themes and words (a Zipf-like 1/rank popularity)."""
    return rng.choices(values, weights=[1 / (i + 1) for i in range(len(values))])[0]


def reader_path(rng: random.Random, slugs: list[str]) -> tuple[str, str]:
    roll = rng.random()
    if roll < 0.10:
        return "home", "/"
    if roll < 0.40:
        params = {"province": popular(rng, PROVINCES)}
        if rng.random() < 0.5:
            params["theme"] = popular(rng, THEMES)
        if rng.random() < 0.2:
            year = rng.choice([2015, 2020])
            params.update(year_min=year, year_max=year + 5)
        if rng.random() < 0.3:
            params["page"] = rng.randint(2, 5)
        return "list", "/cases/?" + urllib.parse.urlencode(params)
    if roll < 0.70:
        params = {"q": popular(rng, WORDS)}
        if rng.random() < 0.4:
            params["province"] = popular(rng, PROVINCES)
        kind = "search + province" if "province" in params else "search"
        return kind, "/cases/?" + urllib.parse.urlencode(params)
    if roll < 0.88:
        return "case", f"/cases/{rng.choice(slugs)}/"
    if roll < 0.95:
        return "api", "/api/cases/?" + urllib.parse.urlencode({"province": popular(rng, PROVINCES)})
    params = {"province": popular(rng, PROVINCES), "theme": popular(rng, THEMES)}
    return "export", "/cases/export.csv?" + urllib.parse.urlencode(params)


def machine_ticks() -> tuple[int, int]:
    """(busy, all) CPU ticks of the whole machine so far, every core (/proc/stat, Linux)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle and waiting for I/O
    return sum(values) - idle, sum(values)


def kind_of(method: str, path: str) -> str:
    """The kind of page an address is, as reader_path and the editor name them."""
    path, _, query = path.partition("?")
    params = urllib.parse.parse_qs(query)
    if path.startswith("/admin/"):
        return f"editor {method}"
    if path == "/":
        return "home"
    if path.startswith("/api/"):
        return "api"
    if path.startswith("/cases/export"):
        return "export"
    if path == "/cases/":
        if "q" in params:
            return "search + province" if "province" in params else "search"
        return "list"
    return "case" if path.startswith("/cases/") else path


# gunicorn's hooks around each request (added to the repository's gunicorn.conf.py for this test
# only): the CPU time the worker spent on it and its PostgreSQL backend's (from /proc, by the
# connection's backend pid, no query), one line per request.  Workers serve one request at a time,
# so the process's CPU time between the two hooks is the request's.
CPU_HOOKS = """
import time as _time
from pathlib import Path as _Path

_TICK = __import__("os").sysconf("SC_CLK_TCK")


def _backend_cpu():
    from django.db import connection

    try:
        pid = connection.connection.info.backend_pid
        fields = _Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except Exception:  # no connection (yet), or it was closed
        return None, 0.0
    return pid, (int(fields[11]) + int(fields[12])) / _TICK


def pre_request(worker, req):
    worker._cpu = (_time.process_time(), *_backend_cpu())


def post_request(worker, req, environ, resp):
    own, pid, db = worker._cpu
    after_pid, after_db = _backend_cpu()
    db_ms = (after_db - db) * 1000 if after_pid == pid and pid else 0.0
    with open(CPU_LOG, "a") as log:
        log.write(f"{(_time.process_time() - own) * 1000:.2f} {db_ms:.0f} {req.method} {req.path}?{req.query}\\n")
"""


def cpu_per_kind(log: Path) -> list[dict]:
    """CPU ms of gunicorn's worker and of its PostgreSQL backend per kind of page (mean and total),
    from the hooks' log.  (The backend's figure counts /proc's 10 ms ticks: exact as a sum, not per page.)"""
    by_kind: dict[str, list[tuple[float, float]]] = {}
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        own, db, method, path = line.split(" ", 3)
        if path != "/robots.txt?":
            by_kind.setdefault(kind_of(method, path), []).append((float(own), float(db)))
    return [
        {
            "kind": kind,
            "requests": len(values),
            "gunicorn_ms_mean": round(sum(v[0] for v in values) / len(values), 1),
            "postgres_ms_mean": round(sum(v[1] for v in values) / len(values), 1),
            "gunicorn_s": round(sum(v[0] for v in values) / 1000, 1),
            "postgres_s": round(sum(v[1] for v in values) / 1000, 1),
        }
        for kind, values in sorted(by_kind.items())
    ]


def server_times(log: Path) -> list[tuple[float, str, float]]:
    """(0, kind, ms) of each request as gunicorn timed it (from reading the request to writing
    the answer): the page's time in its worker, without the time it waited to be accepted or
    the load generator's own delays.  (The checks that the server is up are left out.)"""
    out = []
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        ms, method, path = line.split(" ", 2)
        if path != "/robots.txt?":
            out.append((0.0, kind_of(method, path), int(ms)))
    return out


cpu_seconds = bench.cpu_seconds  # bench/exports.py reads it here


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.errors: list[str] = []
        self.timeline: list[tuple[float, str, float]] = []  # (seconds since the start, kind, ms)
        self.slow: list[tuple[float, str, float, str]] = []  # pages over 100 ms, for bench/results/load.json
        self.seen: set[str] = set()  # addresses asked for so far
        self.again: list[tuple[float, str, float]] = []  # pages asked for before (by anyone)
        self.started = time.monotonic()

    def add(self, kind: str, ms: float, path: str = ""):
        with self.lock:
            self.timeline.append((time.monotonic() - self.started, kind, ms))
            if path and path in self.seen:
                self.again.append(self.timeline[-1])
            self.seen.add(path)
            if ms > 100:
                self.slow.append((round(time.monotonic() - self.started, 1), kind, round(ms, 1), path))

    def error(self, message: str):
        with self.lock:
            self.errors.append(message)


def per_kind(entries: list[tuple[float, str, float]]) -> list[dict]:
    by_kind: dict[str, list[float]] = {}
    for _at, kind, ms in entries:
        by_kind.setdefault(kind, []).append(ms)
    rows = []
    for kind, times in sorted(by_kind.items()):
        times.sort()
        rows.append(
            {
                "kind": kind,
                "requests": len(times),
                "p50_ms": round(statistics.median(times), 1),
                "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
                "max_ms": round(times[-1], 1),
            }
        )
    return rows


def markdown(rows: list[dict]) -> list[str]:
    return [
        "| page | requests | p50 ms | p95 ms | max ms |",
        "|---|---:|---:|---:|---:|",
        *(f"| {r['kind']} | {r['requests']} | {r['p50_ms']} | {r['p95_ms']} | {r['max_ms']} |" for r in rows),
    ]


def reader(base: str, slugs: list[str], stats: Stats, deadline: float, seed: int, delay: float):
    rng = random.Random(seed)
    time.sleep(delay)  # users arrive one after the other during the ramp
    while time.monotonic() < deadline:
        kind, path = reader_path(rng, slugs)
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(base + path, timeout=60) as response:
                while response.read(1 << 16):
                    pass
                if response.status != 200:
                    stats.error(f"{response.status} {path}")
        except (urllib.error.URLError, OSError) as error:
            stats.error(f"{error} {path}")
            continue
        stats.add(kind, (time.perf_counter() - started) * 1000, path)
        time.sleep(rng.uniform(0.5, 2.0))


class FormParser(html.parser.HTMLParser):
    """The fields of the admin's case form, as a browser would post them."""

    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._select: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "checkbox", "file"):
            self.fields.append((a["name"], a.get("value", "")))
        elif tag == "input" and a.get("type") == "checkbox" and "checked" in a and a.get("name"):
            self.fields.append((a["name"], a.get("value", "on")))
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), []
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


def editor(base: str, case_ids: list[int], stats: Stats, deadline: float, saved: dict[int, str]):
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))

    def form_of(url):
        with opener.open(url, timeout=60) as response:
            parser = FormParser()
            parser.feed(response.read().decode())
            return parser.fields

    fields = dict(form_of(base + "/admin/login/"))
    data = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": fields["csrfmiddlewaretoken"],
            "username": "bench-editor",
            "password": EDITOR_PASSWORD,
            "next": "/admin/",
        }  # fmt: skip
    ).encode()
    opener.open(urllib.request.Request(base + "/admin/login/", data, headers={"Referer": base + "/admin/login/"}))
    n = 0
    while time.monotonic() < deadline:
        case_id = case_ids[n % len(case_ids)]
        n += 1
        url = f"{base}/admin/cases/case/{case_id}/change/"
        started = time.perf_counter()
        try:
            fields = [(k, v) for k, v in form_of(url) if not k.startswith("_")]
            values = dict(fields)
            title = values["title"].split("［压测")[0] + f"［压测 {n}］"
            posted = [(k, title if k == "title" else v) for k, v in fields] + [("_continue", "1")]
            request = urllib.request.Request(url, urllib.parse.urlencode(posted).encode(), headers={"Referer": url})
            with opener.open(request, timeout=60) as response:
                page = response.read().decode()
                if "errornote" in page or "/change/" not in response.url:
                    stats.error(f"editor save refused for case {case_id}")
                else:
                    saved[case_id] = title
        except (urllib.error.URLError, OSError, KeyError) as error:
            stats.error(f"editor: {error}")
            continue
        stats.add("editor save", (time.perf_counter() - started) * 1000)
        time.sleep(EDIT_EVERY)


def main() -> int:
    import psycopg

    bench.manage("create_editor", "bench-editor", "--role", "editor", "--password", EDITOR_PASSWORD)
    with psycopg.connect(bench.DATABASE_URL) as conn:
        slugs = [r[0] for r in conn.execute(
            "SELECT slug FROM cases_case WHERE status = 'published' ORDER BY random() LIMIT 2000")]  # fmt: skip
        case_ids = [r[0] for r in conn.execute(
            "SELECT id FROM cases_case WHERE status = 'published' AND slug LIKE 'synth-%' ORDER BY id LIMIT 20")]  # fmt: skip
        conn.execute("DELETE FROM axes_accessattempt")
        conn.commit()
    cache_url = CACHE_URL
    if cache_url:
        import redis

        try:
            redis.Redis.from_url(cache_url).flushdb()  # the bench's own database number: start cold
        except redis.RedisError as error:
            print(f"no shared cache ({error}): each worker keeps its own", file=sys.stderr)
            cache_url = ""
    port = bench.free_port()
    access_log = Path(tempfile.mkdtemp(prefix="load-")) / "access.log"
    cpu_log, config = access_log.parent / "cpu.log", access_log.parent / "gunicorn.conf.py"
    config.write_text(
        (bench.ROOT / "gunicorn.conf.py").read_text(encoding="utf-8") + f"\nCPU_LOG = {str(cpu_log)!r}\n" + CPU_HOOKS,
        encoding="utf-8",
    )
    server = bench.Server(
        # The repository's own gunicorn.conf.py (production: 4 × cores + 1 workers, one thread each),
        # with an access log of the time each request took in its worker (%(M)s: milliseconds).
        [
            bench.PYTHON,
            "-m",
            "gunicorn",
            "-c",
            str(config),
            "portal.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "--access-logfile",
            str(access_log),
            "--access-logformat",
            "%(M)s %(m)s %(U)s?%(q)s",
        ],  # fmt: skip
        f"http://127.0.0.1:{port}/robots.txt",
        environ=bench.env(CACHE_URL=cache_url),
    )
    base = f"http://127.0.0.1:{port}"
    stats, saved = Stats(), {}
    stats.started = time.monotonic()
    deadline = stats.started + RAMP + SECONDS
    threads = [
        threading.Thread(target=reader, args=(base, slugs, stats, deadline, i, RAMP * i / USERS)) for i in range(USERS)
    ]
    if EDITOR:
        threads.append(threading.Thread(target=editor, args=(base, case_ids, stats, deadline, saved)))
    loop_before = bench.reference_loop()
    meter, machine_before = bench.CpuMeter(server.process.pid), machine_ticks()
    alive_before = bench.cpu_seconds(server.process.pid)  # as measured before 2026-12-01 (see below)
    try:
        with meter:
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        machine_after, alive_after = machine_ticks(), bench.cpu_seconds(server.process.pid)
    finally:
        server.stop()
    in_worker = per_kind(server_times(access_log))
    cpu_kinds = cpu_per_kind(cpu_log)
    shutil.rmtree(access_log.parent, ignore_errors=True)

    with psycopg.connect(bench.DATABASE_URL) as conn:
        titles = dict(conn.execute("SELECT id, title FROM cases_case WHERE id = ANY(%s)", [list(saved)]).fetchall())
    lost = [case_id for case_id, title in saved.items() if titles.get(case_id) != title]
    summary = {
        "users": USERS,
        "seconds": SECONDS,
        "ramp_seconds": RAMP,
        "cache": cache_url or "per worker",
        "editor_saves_every_s": EDIT_EVERY,
        "errors": len(stats.errors),
        "lost_edits": len(lost),
    }
    rows = per_kind(stats.timeline)
    settled = per_kind([entry for entry in stats.timeline if entry[0] >= SETTLED])
    again = per_kind(stats.again)
    summary["pages_asked_before"] = again
    summary["requests"] = sum(r["requests"] for r in rows)
    summary["editor_saves"] = next((r["requests"] for r in rows if r["kind"] == "editor save"), 0)
    summary["pages"] = rows
    summary["pages_after_settling"] = settled
    summary["slow_pages"] = stats.slow
    # Backends that ended during the run (connections older than CONN_MAX_AGE) count too (bench.CpuMeter).
    summary["cpu_seconds"] = {k: round(v, 1) for k, v in meter.used().items()}
    served = summary["requests"] or 1
    summary["cpu_ms_per_request"] = {k: round(v * 1000 / served, 1) for k, v in summary["cpu_seconds"].items()}
    # The figure as earlier runs reported it ("today": 22.4 + 0.7 ms): /proc read at the start and the
    # end only, without the backends that ended meanwhile.  For comparison with them.
    summary["cpu_ms_per_request_alive_at_end"] = {
        k: round((alive_after[k] - alive_before.get(k, 0)) * 1000 / served, 1) for k in alive_after
    }
    usage = resource.getrusage(resource.RUSAGE_SELF)
    summary["load_generator_cpu_s"] = round(usage.ru_utime + usage.ru_stime, 1)
    summary["first_errors"] = stats.errors[:10]
    # How busy the machine was (every process on it, the load generator and PostgreSQL included).
    busy, ticks = (after - before for after, before in zip(machine_after, machine_before, strict=True))
    summary["machine_busy_percent"] = round(100 * busy / (ticks or 1), 1)
    summary["reference_loop_seconds"] = [loop_before, bench.reference_loop()]
    summary["pages_in_worker"] = in_worker
    summary["cpu_per_kind"] = cpu_kinds
    bench.RESULTS.mkdir(parents=True, exist_ok=True)
    lines = [
        f"Load test: {USERS} readers{' + 1 editor' if EDITOR else ' (no editor)'} for {SECONDS} s "
        f"(after a {RAMP} s ramp, all counted) — "
        f"{summary['requests']} requests, "
        f"{summary['errors']} errors, {summary['editor_saves']} editor saves, {len(lost)} lost edits "
        f"(cache: {summary['cache']}; CPU: gunicorn {summary['cpu_seconds']['gunicorn']} s, PostgreSQL "
        f"{summary['cpu_seconds']['postgres']} s, i.e. {summary['cpu_ms_per_request']['gunicorn']} + "
        f"{summary['cpu_ms_per_request']['postgres']} ms a request (counted as earlier runs did, without the "
        f"PostgreSQL backends that ended during the run: {summary['cpu_ms_per_request_alive_at_end']['gunicorn']} + "
        f"{summary['cpu_ms_per_request_alive_at_end']['postgres']}); load generator {summary['load_generator_cpu_s']} s; "
        f"machine busy {summary['machine_busy_percent']} % of its {os.cpu_count()} cores; the reference loop took "
        f"{summary['reference_loop_seconds'][0]} → {summary['reference_loop_seconds'][1]} s of CPU; "
        f"editor saving every {EDIT_EVERY:g} s; started with an empty cache).",
        "",
        *markdown(rows),
        "",
        f"After the first {SETTLED} s (the caches hold what readers keep asking for):",
        "",
        *markdown(settled),
        "",
        "Pages some reader had asked for before (each first request of an address is drawn cold):",
        "",
        *markdown(again),
        "",
        "Every page as its gunicorn worker timed it (from reading the request to writing the answer; the editor's "
        "saves are a GET, a POST and the GET it redirects to):",
        "",
        *markdown(in_worker),
        "",
        "CPU per kind of page (gunicorn's worker between its pre- and post-request hooks; its PostgreSQL "
        "backend from /proc in 10 ms ticks, so exact only as a total):",
        "",
        "| page | requests | gunicorn ms/request | PostgreSQL ms/request | gunicorn s | PostgreSQL s |",
        "|---|---:|---:|---:|---:|---:|",
        *(
            f"| {r['kind']} | {r['requests']} | {r['gunicorn_ms_mean']} | {r['postgres_ms_mean']} | "
            f"{r['gunicorn_s']} | {r['postgres_s']} |"
            for r in cpu_kinds
        ),
    ]
    windows = []
    for start in range(0, RAMP + SECONDS, 10):
        times = sorted(ms for at, kind, ms in stats.timeline if start <= at < start + 10 and kind != "editor save")
        if times:
            windows.append((start, len(times), statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]))
    summary["windows"] = [{"from_s": w[0], "requests": w[1], "p50_ms": w[2], "p95_ms": w[3]} for w in windows]
    lines += ["", "Readers' pages over time:", "", "| seconds | requests | p50 ms | p95 ms |"]
    lines += ["|---|---:|---:|---:|"] + [
        f"| {a}–{a + 10} | {n} | {p50:.1f} | {p95:.1f} |" for a, n, p50, p95 in windows
    ]
    table = "\n".join(lines) + "\n"
    name = f"load-edit{EDIT_EVERY:g}s"
    (bench.RESULTS / f"{name}.md").write_text(table, encoding="utf-8")
    (bench.RESULTS / f"{name}.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(table)
    if stats.errors:
        print("errors:", *stats.errors[:10], sep="\n  ")
    return 1 if stats.errors or lost else 0


if __name__ == "__main__":
    sys.exit(main())
