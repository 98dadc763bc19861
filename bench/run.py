"""The portal at library scale, measured side by side with its references.

    make bench                      # BENCH_CASES=100000 BENCH_REQUESTS=200 by default

1. A PostgreSQL database (BENCH_DATABASE_URL, default rural_bench on the local
   server) is migrated, seeded and filled with synthetic cases up to
   BENCH_CASES (kept between runs).
2. gunicorn serves the portal in production settings (2 workers, --preload).
3. Every scenario is requested BENCH_REQUESTS times, one after the other,
   after a warm-up; p50 / p95 / max in milliseconds.
4. References on the same data: a trivial Django view on the same server
   (robots.txt, no database), PostgreSQL's COPY for the export rows, and
   Datasette serving the same cases from SQLite with the same facets and
   full-text search.
5. SQL query counts per page come from the Django test client in-process.

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
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
CASES = int(os.environ.get("BENCH_CASES", "100000"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "200"))
EXPORT_RUNS = int(os.environ.get("BENCH_EXPORT_RUNS", "3"))
# Datasette needs seconds per facet page at 100,000 rows: fewer requests keep the run bounded.
REFERENCE_REQUESTS = int(os.environ.get("BENCH_REFERENCE_REQUESTS", "10"))
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/rural_bench")
DATASETTE_VENV = Path(os.environ.get("BENCH_DATASETTE_VENV", ROOT / "bench" / ".venv-datasette"))

# name, path, target p95 in ms (None: no target), kind
SCENARIOS = [
    ("home", "/", 100, "list"),
    ("list", "/cases/", 100, "list"),
    ("list province", "/cases/?province=330000", 100, "list"),
    ("list theme", "/cases/?theme=elderly-care", 100, "list"),
    ("list province+theme+years", "/cases/?province=510000&theme=education&year_min=2015&year_max=2020", 100, "list"),
    ("search common word 养老", "/cases/?q=养老", 200, "search"),
    ("search two words 农村 养老", "/cases/?q=农村+养老", 200, "search"),
    ("search rare word 暖心食堂", "/cases/?q=暖心食堂", 200, "search"),
    ("search + province", "/cases/?q=养老&province=330000", 60, "search"),
    ("search + province + theme", "/cases/?q=养老&province=330000&theme=elderly-care", 60, "search"),
    ("case page", "/cases/{slug}/", 100, "page"),
    ("API list", "/api/cases/?province=330000", 100, "page"),
    ("API facets", "/api/facets/?theme=education", 100, "page"),
    ("stack floor: trivial view", "/robots.txt", None, "reference"),
]
EXPORTS = [
    ("CSV export ~10k rows", "/cases/export.csv?year_min=2016&year_max=2017"),
    ("CSV export all rows", "/cases/export.csv"),
]


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
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=300) as response:
        first = response.read(1)
        first_byte = time.perf_counter() - started
        size = len(first) + (sum(len(chunk) for chunk in iter(lambda: response.read(1 << 16), b"")) if read_all else 0)
        status = response.status
    return status, time.perf_counter() - started, first_byte, size


def measure(url: str, requests: int, warmup: int = 5) -> dict:
    for _ in range(warmup):
        get(url)
    times, errors = [], 0
    for _ in range(requests):
        try:
            status, elapsed, _first, _size = get(url)
            errors += status != 200
        except OSError:
            errors += 1
            continue
        times.append(elapsed * 1000)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
        "max_ms": round(times[-1], 1),
        "requests": requests,
        "errors": errors,
    }


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


def reset_peak_rss(pid: int) -> None:
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")  # resets VmHWM (Linux ≥ 4.0)
    except OSError:
        pass


# ---- references -----------------------------------------------------------------------------

COPY_SQL = """
COPY (
  SELECT c.id, c.slug, c.title, c.summary, c.background, c.measures, c.outcomes, c.body,
         p.name, pr.name, co.name, coalesce(co.code, pr.code, p.code), c.region_label,
         (SELECT string_agg(t.name, ';' ORDER BY t.position) FROM cases_case_themes ct
            JOIN cases_theme t ON t.id = ct.theme_id WHERE ct.case_id = c.id),
         (SELECT string_agg(g.name, ';' ORDER BY g.name) FROM taggit_taggeditem ti
            JOIN taggit_tag g ON g.id = ti.tag_id
            WHERE ti.object_id = c.id AND ti.content_type_id = {ct}),
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


def build_datasette_db(path: Path) -> None:
    import psycopg

    if path.exists():
        path.unlink()
    db = sqlite3.connect(path)
    db.executescript(
        """
        CREATE TABLE cases (id INTEGER PRIMARY KEY, slug TEXT, title TEXT, province TEXT, prefecture TEXT,
            county TEXT, themes TEXT, doc_type TEXT, year INTEGER, summary TEXT,
            search_title TEXT, search_body TEXT);
        CREATE INDEX cases_province ON cases(province);
        CREATE INDEX cases_year ON cases(year);
        """
    )
    with psycopg.connect(DATABASE_URL) as conn:
        cursor = conn.execute(
            """
            SELECT c.id, c.slug, c.title, p.name, pr.name, co.name,
                   coalesce((SELECT json_agg(t.name ORDER BY t.position) FROM cases_case_themes ct
                             JOIN cases_theme t ON t.id = ct.theme_id WHERE ct.case_id = c.id)::text, '[]'),
                   c.doc_type, c.year, c.summary, c.search_title, c.search_body
            FROM cases_case c
            LEFT JOIN cases_region p ON p.code = c.province_id
            LEFT JOIN cases_region pr ON pr.code = c.prefecture_id
            LEFT JOIN cases_region co ON co.code = c.county_id
            WHERE c.status = 'published'
            """
        )
        while batch := cursor.fetchmany(5000):
            db.executemany("INSERT INTO cases VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", batch)
    # Full-text search over the same jieba tokens (space-separated), as Datasette expects it.
    db.executescript(
        """
        CREATE VIRTUAL TABLE cases_fts USING fts5(search_title, search_body, content='cases', content_rowid='id');
        INSERT INTO cases_fts(rowid, search_title, search_body) SELECT id, search_title, search_body FROM cases;
        """
    )
    db.commit()
    db.close()


def datasette_reference(scenarios: dict) -> dict:
    python = DATASETTE_VENV / "bin" / "python"
    if not python.exists():
        log("installing Datasette into a throwaway venv …")
        subprocess.run([sys.executable, "-m", "venv", str(DATASETTE_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "datasette"], check=True)
    folder = ROOT / "bench" / ".datasette"
    folder.mkdir(exist_ok=True)
    db = folder / "cases.db"
    log("building Datasette's SQLite copy …")
    build_datasette_db(db)
    port = free_port()
    settings = ["--setting", "facet_time_limit_ms", "60000", "--setting", "sql_time_limit_ms", "60000"]
    server = Server(
        [str(DATASETTE_VENV / "bin" / "datasette"), "serve", "--immutable", str(db), "-p", str(port), *settings],
        f"http://127.0.0.1:{port}/",
    )
    try:
        base = f"http://127.0.0.1:{port}/cases/cases?_size=20&_facet=province&_facet_array=themes"
        results = {}
        for name, query in scenarios.items():
            results[name] = measure(base + query, REFERENCE_REQUESTS, warmup=1)
        return results
    finally:
        server.stop()


# ---- query counts ---------------------------------------------------------------------------

QUERY_COUNT_SCRIPT = """
import json, os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
client = Client(HTTP_HOST="127.0.0.1")
out = {}
for path in json.loads(sys.argv[1]):
    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        status = client.get(path).status_code
    with CaptureQueriesContext(connection) as warm:
        client.get(path)
    out[path] = {"status": status, "cold": len(cold), "warm": len(warm)}
print(json.dumps(out))
"""


def query_counts(paths: list[str]) -> dict:
    result = subprocess.run(
        [PYTHON, "-c", QUERY_COUNT_SCRIPT, json.dumps(paths)],
        cwd=ROOT,
        env=env(),
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


# ---- the run --------------------------------------------------------------------------------


def main() -> int:
    RESULTS.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    corpus = prepare_corpus()
    log(f"corpus: {corpus['published']} published cases")
    import psycopg

    with psycopg.connect(DATABASE_URL) as conn:
        slug = conn.execute(
            "SELECT slug FROM cases_case WHERE status = 'published' ORDER BY id LIMIT 1 OFFSET 5000"
        ).fetchone()[0]
    scenarios = [(n, p.format(slug=slug), t, k) for n, p, t, k in SCENARIOS]
    counts = query_counts([p for _n, p, _t, _k in scenarios])

    port = free_port()
    server = Server(
        gunicorn_command(port, threads=1),
        f"http://127.0.0.1:{port}/robots.txt",
        environ=env(),
    )
    base = f"http://127.0.0.1:{port}"
    results: dict[str, dict] = {}
    try:
        for name, path, target, kind in scenarios:
            figures = measure(base + urllib.parse.quote(path, safe="/?=&+"), REQUESTS)
            figures.update(target_p95_ms=target, kind=kind, path=path)
            figures["queries"] = counts[path]["warm"]
            figures["queries_cold"] = counts[path]["cold"]
            results[name] = figures
            log(
                f"{name:32} p50 {figures['p50_ms']:7.1f}  p95 {figures['p95_ms']:7.1f}  max {figures['max_ms']:7.1f} ms"
            )
        for name, path in EXPORTS:
            workers = worker_pids(server.process.pid)
            idle_rss = max(current_rss_mb(pid) for pid in workers)
            where = ""
            query = urllib.parse.urlparse(path).query
            params = dict(urllib.parse.parse_qsl(query))
            if "year_min" in params:
                where = f"AND c.year >= {int(params['year_min'])} AND c.year <= {int(params['year_max'])}"
            for pid in workers:
                reset_peak_rss(pid)
            runs = []
            for _ in range(EXPORT_RUNS):
                status, elapsed, first_byte, size = get(base + path)
                runs.append((elapsed, first_byte, size))
            best = min(runs)
            reference = copy_export(where)
            results[name] = {
                "kind": "export",
                "path": path,
                "seconds": round(best[0], 2),
                "first_byte_ms": round(min(r[1] for r in runs) * 1000, 1),
                "bytes": best[2],
                "rows": reference["rows"],
                "rows_per_s": round(reference["rows"] / best[0]),
                "worker_peak_rss_mb": round(max(peak_rss_mb(pid) for pid in workers), 1),
                "worker_rss_before_mb": round(idle_rss, 1),
                "worker_pss_after_mb": round(max(pss_mb(pid) for pid in workers), 1),
                "copy_seconds": reference["seconds"],
                "ratio": round(best[0] / reference["seconds"], 2),
                "p50_ms": round(best[0] * 1000, 1),
                "p95_ms": round(max(r[0] for r in runs) * 1000, 1),
                "max_ms": round(max(r[0] for r in runs) * 1000, 1),
            }
            log(f"{name:32} {results[name]}")
    finally:
        server.stop()

    floor = results["stack floor: trivial view"]["p95_ms"]
    for figures in results.values():
        if figures["kind"] in ("list", "search", "page"):
            figures["ratio_to_floor"] = round(figures["p95_ms"] / max(floor, 0.1), 1)

    if os.environ.get("BENCH_SKIP_DATASETTE") != "1":
        datasette = datasette_reference(
            {
                "Datasette: facet page (province, themes)": "",
                "Datasette: search 养老 + facets": "&_search=" + urllib.parse.quote("养老"),
            }
        )
        for name, figures in datasette.items():
            figures.update(kind="reference", queries=None)
            results[name] = figures
            log(
                f"{name:32} p50 {figures['p50_ms']:7.1f}  p95 {figures['p95_ms']:7.1f}  max {figures['max_ms']:7.1f} ms"
            )
        facet_ref = datasette["Datasette: facet page (province, themes)"]["p95_ms"]
        search_ref = datasette["Datasette: search 养老 + facets"]["p95_ms"]
        for figures in results.values():
            if figures["kind"] == "list":
                figures["ratio"] = round(figures["p95_ms"] / facet_ref, 3)
            elif figures["kind"] == "search":
                figures["ratio"] = round(figures["p95_ms"] / search_ref, 3)

    document = {
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "cases": corpus["published"],
        "synth_seconds": corpus["synth_seconds"],
        "requests_per_scenario": REQUESTS,
        "seconds": round(time.monotonic() - started),
        "scenarios": results,
    }
    (RESULTS / "latest.json").write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    table = markdown(document)
    (RESULTS / "latest.md").write_text(table, encoding="utf-8")
    print()
    print(table)
    return 0


def markdown(document: dict) -> str:
    lines = [
        f"Benchmark of {document['date']} — {document['cases']} published cases, {document['machine']}, "
        f"{document['requests_per_scenario']} requests per scenario (exports: best of {EXPORT_RUNS}).",
        "",
        "| scenario | p50 ms | p95 ms | max ms | target p95 | queries | ratio |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for name, f in document["scenarios"].items():
        if f["kind"] == "export":
            ratio = (
                f"{f['ratio']}× COPY ({f['copy_seconds']} s); {f['rows']} rows, {f['rows_per_s']}/s, first byte "
                f"{f['first_byte_ms']} ms, worker peak {f['worker_peak_rss_mb']} MB "
                f"(idle {f.get('worker_rss_before_mb', '?')} MB)"
            )
            lines.append(f"| {name} | {f['p50_ms']} | {f['p95_ms']} | {f['max_ms']} | 2× COPY | | {ratio} |")
            continue
        ratio = []
        if "ratio" in f:
            ratio.append(f"{f['ratio']}× Datasette")
        if "ratio_to_floor" in f:
            ratio.append(f"{f['ratio_to_floor']}× floor")
        target = f.get("target_p95_ms") or ""
        queries = "" if f.get("queries") is None else f"{f['queries']} ({f['queries_cold']} cold)"
        lines.append(
            f"| {name} | {f['p50_ms']} | {f['p95_ms']} | {f['max_ms']} | {target} | {queries} | {', '.join(ratio)} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    shutil.which("psql") or sys.exit("bench: psql is needed")
    sys.exit(main())
