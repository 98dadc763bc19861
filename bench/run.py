"""The portal at library scale: what readers meet on a first visit and on a repeated one.

    make bench                      # BENCH_CASES=100000 BENCH_URLS=50 by default

1. A PostgreSQL database (BENCH_DATABASE_URL, default rural_bench on the local
   server) is migrated, seeded and filled with synthetic cases up to
   BENCH_CASES (kept between runs).
2. gunicorn serves the portal in production settings, each worker with its own
   page cache (empty at the start).
3. Per scenario, the first request of each of BENCH_URLS distinct addresses
   (words, provinces, pages) is "cold"; BENCH_WARM_REPEATS more rounds over the
   same addresses are "warm".  p50 / p95 / max in milliseconds.
4. Exports of all rows and of ~10,000 rows beside PostgreSQL's COPY of the
   same rows, with the worker's peak memory.

Results: bench/results/latest.json and bench/results/latest.md.
Loopback only; bounded in requests and time.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from search_queries import SEARCHES, SUGGESTED

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
CASES = int(os.environ.get("BENCH_CASES", "100000"))
EXPORT_RUNS = int(os.environ.get("BENCH_EXPORT_RUNS", "3"))
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/rural_bench")
# The workers share one cache, as in production (README: CACHE_URL), so that a repeated page is a hit
# whichever worker answers it; the bench's own Redis database, emptied first.  Empty: each worker its own.
CACHE_URL = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/15")

# Each scenario is at least URLS distinct addresses (words, provinces, pages): the first request of each is
# "cold" (drawn from the database, as most first visits are), then WARM_REPEATS more of each are "warm"
# (served whole from the page cache).  name, kind, target cold p95 ms (None: no target).
URLS = int(os.environ.get("BENCH_URLS", "50"))
WARM_REPEATS = int(os.environ.get("BENCH_WARM_REPEATS", "3"))
WARM_TARGET_MS = 20
# While iterating: BENCH_ONLY="home,case page" runs only the scenarios and exports whose names contain one of these.
ONLY = [part.strip() for part in os.environ.get("BENCH_ONLY", "").split(",") if part.strip()]
WORDS = [
    "养老", "教育", "供水", "垃圾", "医疗", "文化", "治理", "服务", "农村", "乡村", "合作社", "电商", "旅游", "产业",
    "就业", "扶贫", "卫生", "健康", "学校", "道路", "饮水", "污水", "厕所", "党建", "志愿", "食堂", "互助", "留守",
    "儿童", "妇女", "老年", "托育", "图书", "体育", "物流", "快递", "金融", "保险", "社保", "医保", "数字", "网格",
    "调解", "法治", "安全", "消防", "环境", "绿化", "农业", "种植",
]  # fmt: skip
THEMES = ["elderly-care", "education", "water-supply", "living-environment", "left-behind-children", "health"]
SCENARIOS = [
    ("home", "list", 150),
    ("stats", "list", 150),
    ("list with facets", "list", 150),
    ("search", "search", 250),
    # Issue 16: the other kinds of query an official types (bench/search_queries.py, as in bench/search_cold.py),
    # and the search box's suggestions.
    ("search: two words", "search", 250),
    ("search: colloquial question", "search", 250),
    ("search: synonym-expanded", "search", 250),
    ("suggestions", "page", 30),
    ("search within a province", "search", 100),
    ("case page", "page", 80),
    ("API list", "page", 150),
    ("API facets", "page", 150),
    # Issue 18: a theme's or the whole list ordered "places like mine first" for distinct counties,
    # and three cases side by side; the list page's target.
    ("places like mine", "list", 150),
    ("compare three cases", "page", 150),
    ("stack floor: trivial view", "reference", None),
]
# The pages every change redraws, first visited after a publication (the public version bumped before each
# request): the true cost of their first visit, beside the scenarios above whose counts are kept per version.
PUBLISH_ROUNDS = int(os.environ.get("BENCH_PUBLISH_ROUNDS", "10"))
AFTER_A_PUBLISH = [
    ("home after a publish", "/"),
    ("stats after a publish", "/stats/"),
    ("list after a publish", "/cases/"),
]


def scenario_paths(
    name: str, provinces: list[str], slugs: list[str], counties: list[str] = (), ids: list[int] = ()
) -> list[str]:
    """URLS distinct addresses of a scenario (a page with one address gets a parameter it ignores)."""
    lists = [f"/cases/?province={p}" for p in provinces] + [f"/cases/?theme={t}" for t in THEMES]
    lists += [f"/cases/?province={p}&theme={t}" for p in provinces for t in THEMES[:2]]
    paths = {
        "home": [f"/?from={i}" for i in range(URLS)],
        "stats": [f"/stats/?from={i}" for i in range(URLS)],
        "list with facets": lists + [f"/cases/?page={n}" for n in range(2, URLS)],
        "search": [f"/cases/?q={w}" for w in WORDS],
        "search: two words": [f"/cases/?q={q}" for q in SEARCHES["two words"]],
        "search: colloquial question": [f"/cases/?q={q}" for q in SEARCHES["colloquial question"]],
        "search: synonym-expanded": [f"/cases/?q={q}" for q in SEARCHES["synonym-expanded"]],
        "suggestions": [f"/cases/suggest/?q={q}" for q in SUGGESTED],
        "search within a province": [f"/cases/?q={w}&province={p}" for w, p in zip(WORDS, provinces * 2, strict=False)],
        "case page": [f"/cases/{slug}/" for slug in slugs],
        "API list": [f"/api/cases/?province={p}&page={n}" for n in (1, 2) for p in provinces],
        "API facets": [f"/api/facets/?province={p}" for p in provinces] + [f"/api/facets/?q={w}" for w in WORDS],
        "places like mine": [
            f"/cases/?sort=like_mine&mine={county}" + (f"&theme={THEMES[i % len(THEMES)]}" if i % 2 else "")
            for i, county in enumerate(counties)
        ],
        "compare three cases": [f"/compare/?ids={','.join(map(str, ids[i : i + 3]))}" for i in range(0, 3 * URLS, 3)],
        "stack floor: trivial view": ["/robots.txt"],
    }[name]
    return paths[:URLS]


# Exports beside PostgreSQL's COPY of the same rows: name, address, how the portal answers it.
# The whole library's download is the data release's file (built first if none is current);
# "on the fly" runs a server that builds even the whole library (EXPORT_FROM_RELEASE=false, no
# size limit), to measure the builder itself.
EXPORTS = [
    ("CSV export ~10k rows", "/cases/export.csv?year_min=2016&year_max=2017", "on the fly"),
    ("CSV export all rows (the data release)", "/cases/export.csv", "release"),
    ("CSV export all rows, built on the fly", "/cases/export.csv", "on the fly"),
]
RELEASES_DIR = ROOT / "bench" / ".releases"


def log(message: str) -> None:
    print(message, flush=True)


def env(**extra) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_COOKIES": "false",  # plain HTTP on loopback: the editor's session cookie must come back
        **extra,
    }


def manage(*args, capture=False):
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env(), check=True, capture_output=capture, text=True
    )
    return result.stdout if capture else ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ensure_database() -> None:
    import psycopg

    parsed = urllib.parse.urlparse(DATABASE_URL)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            log(f"created database {name}")


def published_count() -> int:
    import psycopg

    with psycopg.connect(DATABASE_URL) as conn:
        return conn.execute("SELECT count(*) FROM cases_case WHERE status = 'published'").fetchone()[0]


def prepare_corpus() -> dict:
    ensure_database()
    manage("migrate", "-v0")
    manage("load_seeds")
    have = published_count()
    started = time.monotonic()
    if have < CASES:
        log(f"synthesizing {CASES - have} cases (have {have}) …")
        manage("synth_cases", str(CASES - have), "--seed", "1")
    synth_seconds = time.monotonic() - started if have < CASES else None
    manage("collectstatic", "--noinput", "-v0")
    subprocess.run(["psql", DATABASE_URL, "-q", "-c", "VACUUM ANALYZE"], check=False, capture_output=True, timeout=600)
    return {"published": published_count(), "synth_seconds": synth_seconds}


# ---- HTTP -----------------------------------------------------------------------------------


def get(url: str, read_all: bool = True):
    for _attempt in range(5):
        try:
            return _get(url, read_all)
        except urllib.error.HTTPError as error:
            # Every export slot taken: a documented answer.  The slot of the export before is given
            # back when its worker closes the sent file, a moment after this client read its last
            # byte; wait as told and measure the download that is served.
            if error.code != 429:
                raise
            time.sleep(int(error.headers.get("Retry-After", "1")))
    return _get(url, read_all)


def _get(url: str, read_all: bool):
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=300) as response:
        first = response.read(1)
        first_byte = time.perf_counter() - started
        size = len(first) + (sum(len(chunk) for chunk in iter(lambda: response.read(1 << 16), b"")) if read_all else 0)
        status = response.status
    return status, time.perf_counter() - started, first_byte, size


def percentiles(times: list[float]) -> dict:
    times = sorted(times)
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
        "max_ms": round(times[-1], 1),
        "requests": len(times),
    }


def cold_and_warm(base: str, paths: list[str], master: int) -> dict:
    """The first request of each address (cold), then WARM_REPEATS rounds over all of them (warm), each
    with the CPU milliseconds a request cost gunicorn and PostgreSQL (whatever else the machine does)."""
    out, errors = {}, 0
    for rounds, name in ((1, "cold"), (WARM_REPEATS, "warm")):
        times = []
        with CpuMeter(master) as meter:  # a backend that ends meanwhile (CONN_MAX_AGE) still counts
            for _ in range(rounds):
                for path in paths:
                    status, elapsed, _first, _size = get(base + urllib.parse.quote(path, safe="/?=&+"))
                    errors += status != 200
                    times.append(elapsed * 1000)
        used = meter.used()
        out[name] = percentiles(times) | {f"cpu_{side}_ms": round(used[side] * 1000 / len(times), 1) for side in used}
    return out | {"urls": len(paths), "errors": errors}


def after_a_publish(base: str, path: str, master: int) -> dict:
    """Each round: a publication (the public version bumped, as any change does), then the page (cold), then
    the page again (warm)."""
    import psycopg

    times, cpu, errors = {"cold": [], "warm": []}, {"cold": [0.0, 0.0], "warm": [0.0, 0.0]}, 0
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        for _ in range(PUBLISH_ROUNDS):
            conn.execute("UPDATE cases_librarystate SET version = version + 1, changed = now() WHERE id = 1")
            for name in ("cold", "warm"):
                with CpuMeter(master) as meter:
                    status, elapsed, _first, _size = get(base + path)
                used = meter.used()
                cpu[name] = [cpu[name][0] + used["gunicorn"], cpu[name][1] + used["postgres"]]
                errors += status != 200
                times[name].append(elapsed * 1000)
    out = {
        name: percentiles(times[name])
        | {
            "cpu_gunicorn_ms": round(cpu[name][0] * 1000 / PUBLISH_ROUNDS, 1),
            "cpu_postgres_ms": round(cpu[name][1] * 1000 / PUBLISH_ROUNDS, 1),
        }
        for name in times
    }
    return out | {"urls": 1, "errors": errors}


class Server:
    def __init__(self, command: list[str], url: str, cwd=ROOT, environ=None):
        self.url = url
        self.process = subprocess.Popen(
            command, cwd=cwd, env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        for _ in range(300):
            try:
                urllib.request.urlopen(url, timeout=5)
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"server at {url} did not start")

    def stop(self):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=60)


def gunicorn_command(port: int, threads: int) -> list[str]:
    """The portal under gunicorn: 2 workers, preloaded, no recycling in the middle of a measurement."""
    return [
        PYTHON, "-m", "gunicorn", "portal.wsgi", "--preload", "-w", "2", "--threads", str(threads),
        "-b", f"127.0.0.1:{port}", "--access-logfile", "/dev/null", "--max-requests", "0", "--timeout", "600",
    ]  # fmt: skip


def worker_pids(master: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in out]


def _proc_mb(pid: int, file: str, key: str) -> float:
    """A memory figure of a process from /proc, in MB (0 when the process is gone)."""
    try:
        lines = Path(f"/proc/{pid}/{file}").read_text().splitlines()
    except OSError:
        return 0.0
    return next((int(line.split()[1]) / 1024 for line in lines if line.startswith(key + ":")), 0.0)


def peak_rss_mb(pid: int) -> float:
    return _proc_mb(pid, "status", "VmHWM")


def current_rss_mb(pid: int) -> float:
    return _proc_mb(pid, "status", "VmRSS")


def pss_mb(pid: int) -> float:
    """Proportional set size: shared pages (the preloaded app) divided among the processes sharing them."""
    return _proc_mb(pid, "smaps_rollup", "Pss")


def uss_mb(pid: int) -> float:
    """Unique set size: the pages of this process alone."""
    return _proc_mb(pid, "smaps_rollup", "Private_Clean") + _proc_mb(pid, "smaps_rollup", "Private_Dirty")


def reset_peak_rss(pid: int) -> None:
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")  # resets VmHWM (Linux ≥ 4.0)
    except OSError:
        pass


def reference_loop() -> float:
    """CPU seconds that a fixed pure-Python loop takes now: how fast this machine's cores are at the
    moment.  On this shared virtual machine the same work has taken from 0.7 to 1.65 s, and a page's
    CPU milliseconds move with it: compare runs made at different times by their CPU per request
    divided by this figure, not by the milliseconds alone."""
    started, total = time.process_time(), 0
    for i in range(10_000_000):
        total += i * i % 7
    return round(time.process_time() - started, 3)


def cpu_by_process(master: int) -> dict[tuple[str, int], float]:
    """CPU seconds used so far by each process of the portal's gunicorn (master and workers) and
    of PostgreSQL's backends serving the bench database, from /proc (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    workers = set(worker_pids(master)) | {master}
    database = urllib.parse.urlparse(DATABASE_URL).path.lstrip("/")
    used = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            command = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        seconds = (int(fields[11]) + int(fields[12])) / tick
        if int(pid) in workers:
            used["gunicorn", int(pid)] = seconds
        elif command.startswith("postgres:") and f" {database} " in command.replace("\0", " "):
            used["postgres", int(pid)] = seconds
    return used


def cpu_seconds(master: int) -> dict[str, float]:
    """CPU time used so far by gunicorn and by PostgreSQL's backends (those alive now): what the
    requests cost, whatever else the machine is doing."""
    used = {"gunicorn": 0.0, "postgres": 0.0}
    for (kind, _pid), seconds in cpu_by_process(master).items():
        used[kind] += seconds
    return used


class CpuMeter:
    """CPU used by gunicorn and PostgreSQL's backends between entering and leaving, sampled twice
    a second so that processes that end meanwhile still count: a connection older than
    CONN_MAX_AGE (60 s) is closed after its request and its backend ends, and reading /proc only
    at the start and the end lost the PostgreSQL CPU of every connection so recycled."""

    def __init__(self, master: int):
        self.master, self.first, self.last = master, {}, {}
        self.done = threading.Event()

    def _sample(self):
        self.last.update(cpu_by_process(self.master))

    def _run(self):
        while not self.done.wait(0.5):
            self._sample()

    def __enter__(self):
        self.first = cpu_by_process(self.master)
        self.last = dict(self.first)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()
        self._sample()

    def used(self) -> dict[str, float]:
        out = {"gunicorn": 0.0, "postgres": 0.0}
        for (kind, pid), seconds in self.last.items():
            out[kind] += seconds - self.first.get((kind, pid), 0.0)
        return out


# ---- references -----------------------------------------------------------------------------

COPY_SQL = """
COPY (
  SELECT c.id, c.slug, c.title, c.summary, c.background, c.measures, c.outcomes, c.body,
         p.name, pr.name, co.name, coalesce(co.code, pr.code, p.code), c.region_label,
         (SELECT string_agg(t.name, ';' ORDER BY t.position) FROM cases_case_themes ct
            JOIN cases_theme t ON t.id = ct.theme_id WHERE ct.case_id = c.id),
         (SELECT string_agg(g.name, ';' ORDER BY g.name) FROM cases_casekeyword ti
            JOIN taggit_tag g ON g.id = ti.tag_id
            WHERE ti.content_object_id = c.id),
         c.doc_type, c.year, s.file_name, s.title, c.status, c.quality_flags
  FROM cases_case c
  LEFT JOIN cases_region p ON p.code = c.province_id
  LEFT JOIN cases_region pr ON pr.code = c.prefecture_id
  LEFT JOIN cases_region co ON co.code = c.county_id
  LEFT JOIN cases_source s ON s.id = c.source_id
  WHERE c.status = 'published' {where}
  ORDER BY c.year DESC NULLS LAST, c.id DESC
) TO STDOUT WITH CSV HEADER
"""


def copy_export(where: str) -> dict:
    import psycopg

    times, rows = [], 0
    with psycopg.connect(DATABASE_URL) as conn:
        ct = conn.execute("SELECT id FROM django_content_type WHERE app_label = 'cases' AND model = 'case'").fetchone()[
            0
        ]
        sql = COPY_SQL.format(ct=ct, where=where)
        for _ in range(EXPORT_RUNS):
            started = time.perf_counter()
            size = 0
            with conn.cursor() as cursor, cursor.copy(sql) as copy:
                for data in copy:
                    size += len(data)
            times.append(time.perf_counter() - started)
        rows = conn.execute(f"SELECT count(*) FROM cases_case c WHERE c.status = 'published' {where}").fetchone()[0]
    return {"seconds": round(min(times), 2), "rows": rows}


def export_scenarios() -> dict:
    """Each export of EXPORTS, best of EXPORT_RUNS, beside COPY; the worker's memory idle and at its peak
    (RSS counts the pages shared with the preloaded master, PSS shares them out, USS is the worker's own)."""
    wanted = [e for e in EXPORTS if not ONLY or any(part in e[0] for part in ONLY)]
    if any(how == "release" for _n, _p, how in wanted):
        release_env = env(RELEASES_DIR=str(RELEASES_DIR))
        subprocess.run([PYTHON, "manage.py", "release", "--if-changed"], cwd=ROOT, env=release_env, check=True)
    results = {}
    for how in ("release", "on the fly"):
        extra = {"RELEASES_DIR": str(RELEASES_DIR)}
        if how == "on the fly":
            extra.update(EXPORT_FROM_RELEASE="false", EXPORT_LIMITS='{"csv": null}', EXPORT_SECONDS="600")
        todo = [(name, path) for name, path, answered in wanted if answered == how]
        if not todo:
            continue
        port = free_port()
        server = Server(gunicorn_command(port, threads=1), f"http://127.0.0.1:{port}/robots.txt", environ=env(**extra))
        try:
            for name, path in todo:
                results[name] = export_scenario(f"http://127.0.0.1:{port}", path, server.process.pid)
                log(f"{name:40} {results[name]}")
        finally:
            server.stop()
    return results


def export_scenario(base: str, path: str, master: int) -> dict:
    workers = worker_pids(master)
    idle = {pid: (current_rss_mb(pid), pss_mb(pid), uss_mb(pid)) for pid in workers}
    where = ""
    params = dict(urllib.parse.parse_qsl(urllib.parse.urlparse(path).query))
    if "year_min" in params:
        where = f"AND c.year >= {int(params['year_min'])} AND c.year <= {int(params['year_max'])}"
    for pid in workers:
        reset_peak_rss(pid)
    runs = []
    # CPU seconds as well as wall: on a shared machine the wall time moves with the other tenants' load.
    with CpuMeter(master) as meter:
        for _ in range(EXPORT_RUNS):
            status, elapsed, first_byte, size = get(base + path)
            runs.append((elapsed, first_byte, size))
    used = meter.used()
    best = min(runs)
    with CpuMeter(master) as copy_meter:  # the COPY's backend is one of the bench database's
        reference = copy_export(where)
    copy_used = copy_meter.used()
    return {
        "kind": "export",
        "path": path,
        "seconds": round(best[0], 2),
        "first_byte_ms": round(min(r[1] for r in runs) * 1000, 1),
        "bytes": best[2],
        "rows": reference["rows"],
        "rows_per_s": round(reference["rows"] / best[0]),
        "worker_peak_rss_mb": round(max(peak_rss_mb(pid) for pid in workers), 1),
        "worker_rss_before_mb": round(max(v[0] for v in idle.values()), 1),
        "worker_pss_before_mb": round(max(v[1] for v in idle.values()), 1),
        "worker_uss_before_mb": round(max(v[2] for v in idle.values()), 1),
        "worker_pss_after_mb": round(max(pss_mb(pid) for pid in workers), 1),
        "worker_uss_after_mb": round(max(uss_mb(pid) for pid in workers), 1),
        "copy_seconds": reference["seconds"],
        "cpu_gunicorn_s": round(used["gunicorn"] / EXPORT_RUNS, 2),
        "cpu_postgres_s": round(used["postgres"] / EXPORT_RUNS, 2),
        "copy_cpu_postgres_s": round(copy_used["postgres"] / EXPORT_RUNS, 2),
        "ratio": round(best[0] / reference["seconds"], 2),
        "p50_ms": round(best[0] * 1000, 1),
        "p95_ms": round(max(r[0] for r in runs) * 1000, 1),
        "max_ms": round(max(r[0] for r in runs) * 1000, 1),
    }


def main() -> int:
    RESULTS.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    # The export part alone (BENCH_ONLY=export, or parts that each name exports: "~10k,on the fly") runs on a
    # library already prepared (a copy of the bench database).
    exports_only = bool(ONLY) and all(any(part in name for name, _p, _h in EXPORTS) for part in ONLY)
    corpus = prepare_corpus() if not exports_only else {"published": published_count(), "synth_seconds": None}
    if exports_only:  # the pages' static files, for the 429 page a download may meet (get() then waits and retries)
        manage("collectstatic", "--noinput", "-v0")
    log(f"corpus: {corpus['published']} published cases")
    import psycopg

    with psycopg.connect(DATABASE_URL) as conn:
        slugs = [row[0] for row in conn.execute(
            "SELECT slug FROM cases_case WHERE status = 'published' ORDER BY id LIMIT %s OFFSET 5000", [URLS])]  # fmt: skip
        provinces = [row[0] for row in conn.execute(
            "SELECT DISTINCT province_id FROM cases_case WHERE status = 'published' AND province_id IS NOT NULL "
            "ORDER BY 1")]  # fmt: skip
        counties = [row[0] for row in conn.execute(
            "SELECT code FROM cases_region WHERE level = 'county' ORDER BY md5(code) LIMIT %s", [URLS])]  # fmt: skip
        ids = [row[0] for row in conn.execute(
            "SELECT id FROM cases_case WHERE status = 'published' ORDER BY md5(id::text) LIMIT %s", [3 * URLS])]  # fmt: skip

    cache_url = CACHE_URL
    if cache_url:
        import redis

        try:
            redis.Redis.from_url(cache_url).flushdb()
        except redis.RedisError as error:
            log(f"no shared cache ({error}): each worker keeps its own")
            cache_url = ""
    port = free_port()
    server = Server(
        gunicorn_command(port, threads=1), f"http://127.0.0.1:{port}/robots.txt", environ=env(CACHE_URL=cache_url)
    )
    base = f"http://127.0.0.1:{port}"
    load_before = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    loop_before = reference_loop()
    results: dict[str, dict] = {}
    try:
        for name, kind, target in SCENARIOS:
            if ONLY and not any(part in name for part in ONLY):
                continue
            paths = scenario_paths(name, provinces, slugs, counties, ids)
            figures = cold_and_warm(base, paths, server.process.pid)
            figures.update(kind=kind, target_cold_p95_ms=target, example=paths[0])
            results[name] = figures
            cold, warm = figures["cold"], figures["warm"]
            log(f"{name:28} {len(paths):3} URLs  cold p50 {cold['p50_ms']:7.1f} p95 {cold['p95_ms']:7.1f}  "
                f"warm p50 {warm['p50_ms']:6.1f} p95 {warm['p95_ms']:6.1f} ms")  # fmt: skip
        for name, path in AFTER_A_PUBLISH:
            if ONLY and not any(part in name for part in ONLY):
                continue
            figures = after_a_publish(base, path, server.process.pid)
            figures.update(kind="list", target_cold_p95_ms=150, example=path)
            results[name] = figures
            cold, warm = figures["cold"], figures["warm"]
            log(f"{name:28} {PUBLISH_ROUNDS:3} rounds cold p50 {cold['p50_ms']:7.1f} p95 {cold['p95_ms']:7.1f}  "
                f"warm p50 {warm['p50_ms']:6.1f} p95 {warm['p95_ms']:6.1f} ms")  # fmt: skip
    finally:
        server.stop()
    results.update(export_scenarios())

    document = {
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "cases": corpus["published"],
        "synth_seconds": corpus["synth_seconds"],
        "urls_per_scenario": URLS,
        "warm_repeats": WARM_REPEATS,
        "cache": "shared Redis" if cache_url else "each worker its own memory",
        "load_average": f"{load_before} at the start, {' '.join(Path('/proc/loadavg').read_text().split()[:3])} at the end",
        "reference_loop_seconds": f"{loop_before} at the start, {reference_loop()} at the end",
        "seconds": round(time.monotonic() - started),
        "scenarios": results,
    }
    # A part (BENCH_ONLY) does not replace the whole table: the export part writes latest-export, others latest-only.
    name = "latest-export" if exports_only else "latest-only" if ONLY else "latest"
    (RESULTS / f"{name}.json").write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    table = markdown(document)
    (RESULTS / f"{name}.md").write_text(table, encoding="utf-8")
    print()
    print(table)
    return 0


def markdown(document: dict) -> str:
    lines = [
        f"Benchmark of {document['date']} — {document['cases']} published cases, {document['machine']}; per scenario "
        f"the first request of each of {document['urls_per_scenario']} distinct addresses (cold), then "
        f"{document['warm_repeats']} more of each (warm); exports: best of {EXPORT_RUNS}. Page cache: "
        f"{document['cache']}. Load average (1, 5, 15 min): {document['load_average']}; the reference loop "
        f"(bench.reference_loop, CPU seconds: how fast the cores were) {document.get('reference_loop_seconds', '?')}; "
        f'rows "after a publish": '
        f"{PUBLISH_ROUNDS} rounds of a publication then the page (cold) and the page again (warm).",
        "",
        "| scenario | URLs | cold p50 | cold p95 | cold max | target cold p95 | cold CPU ms/request (gunicorn + PostgreSQL) "
        "| warm p50 | warm p95 | target warm p95 | warm CPU ms/request |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, f in document["scenarios"].items():
        if f["kind"] == "export":
            continue
        c, w = f["cold"], f["warm"]
        target = f.get("target_cold_p95_ms") or ""
        lines.append(
            f"| {name} | {f['urls']} | {c['p50_ms']} | {c['p95_ms']} | {c['max_ms']} | {target} "
            f"| {c.get('cpu_gunicorn_ms', '')} + {c.get('cpu_postgres_ms', '')} | {w['p50_ms']} | {w['p95_ms']} "
            f"| {WARM_TARGET_MS} | {w.get('cpu_gunicorn_ms', '')} + {w.get('cpu_postgres_ms', '')} |"
        )
    lines += ["", "| export | seconds | COPY seconds | ratio (target ≤ 2) | CPU s a run (gunicorn + PostgreSQL) "
              "| COPY's CPU s (PostgreSQL) | rows | worker peak RSS MB (target ≤ 200) "
              "| worker PSS / USS MB idle → after |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for name, f in document["scenarios"].items():
        if f["kind"] == "export":
            lines.append(
                f"| {name} | {f['seconds']} | {f['copy_seconds']} | {f['ratio']} "
                f"| {f.get('cpu_gunicorn_s', '')} + {f.get('cpu_postgres_s', '')} | {f.get('copy_cpu_postgres_s', '')} "
                f"| {f['rows']} "
                f"| {f['worker_peak_rss_mb']} (idle {f['worker_rss_before_mb']}) "
                f"| {f.get('worker_pss_before_mb')} / {f.get('worker_uss_before_mb')} → "
                f"{f['worker_pss_after_mb']} / {f.get('worker_uss_after_mb')} |"
            )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    shutil.which("psql") or sys.exit("bench: psql is needed")
    sys.exit(main())
