"""Search at library scale, as people meet it: the FIRST request of each distinct query (issue 16).

Run against a copy of the 100,000-case bench database (COMMON: never the shared one):

    DATABASE_URL=postgres://…/bench_copy python bench/search_cold.py

Each query (bench/search_queries.py) is asked once through the whole Django stack (middleware,
view, templates), so its page is drawn, never served from the page cache; p50 / p95 / max per
scenario, and the suggestions endpoint the same way.  Twice: first with the cache emptied at the
start of each scenario, so that a query finds only what the scenario's earlier queries kept under
the public version (a word's rarity, its suggestion count: as `make bench`'s cold requests do);
then "after a publication", the cache emptied before every request.  Bounded: 10 queries a
scenario, one request each.

Latencies on a shared machine depend on its neighbours; the CPU a request costs does not (much):
each row also gives the mean CPU per request of this process (Django) and of its PostgreSQL
backend (from /proc, in clock ticks of 10 ms: a mean over 10 requests), and the load average is
printed with the table.  The process is prepared as gunicorn's workers are (portal/wsgi.py).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DEBUG", "true")  # plain static storage: no collectstatic needed
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from search_queries import SEARCHES, SUGGESTED  # noqa: E402


def backend_cpu_ms() -> float:
    """CPU time (user + system) spent so far by this connection's PostgreSQL backend, in ms."""
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def first_requests(client: Client, path: str, values: list[str], publish: bool) -> tuple[list[float], float, float]:
    """Latencies (ms) of the first request of each value; mean CPU ms per request of Django and
    PostgreSQL.  The cache is emptied before the first value; with ``publish``, before each (as
    after a publication, when nothing kept under the public version is left)."""
    times, django_cpu, database_cpu = [], 0.0, 0.0
    cache.clear()
    for value in values:
        if publish:
            cache.clear()
        database_before, cpu_before = backend_cpu_ms(), time.process_time()
        start = time.perf_counter()
        response = client.get(path, {"q": value}, secure=True)
        times.append((time.perf_counter() - start) * 1000)
        django_cpu += (time.process_time() - cpu_before) * 1000
        database_cpu += backend_cpu_ms() - database_before
        assert response.status_code == 200, (path, value, response.status_code)
    return times, django_cpu / len(values), database_cpu / len(values)


def row(name: str, measured: tuple[list[float], float, float]) -> str:
    times, django_cpu, database_cpu = measured
    times = sorted(times)
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return (
        f"| {name} | {len(times)} | {statistics.median(times):.0f} | {p95:.0f} | {times[-1]:.0f} "
        f"| {django_cpu:.0f} | {database_cpu:.0f} |"
    )


def loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    # As gunicorn runs the portal (gunicorn.conf.py preloads portal/wsgi.py): jieba's dictionary and the
    # templates loaded, and what was loaded kept out of the garbage collector's passes (gc.freeze).
    import portal.wsgi  # noqa: F401

    client = Client()
    client.get("/cases/", {"q": "预热"}, secure=True)  # the gazetteer and the vocabulary, once
    load_before = loadavg()
    lines = [
        "| scenario (first request of each query) | queries | p50 ms | p95 ms | max ms | CPU ms/req Django "
        "| CPU ms/req PostgreSQL |",
        "|---|---|---|---|---|---|---|",
    ]
    for publish, when in ((False, ""), (True, ", after a publication")):
        for name, queries in SEARCHES.items():
            lines.append(row(f"search: {name}{when}", first_requests(client, "/cases/", queries, publish)))
            print(lines[-1], flush=True)
        lines.append(row(f"suggestions{when}", first_requests(client, "/cases/suggest/", SUGGESTED, publish)))
        print(lines[-1], flush=True)
    print()
    print("\n".join(lines))
    print(f"load average (1, 5, 15 min): {load_before} at the start, {loadavg()} at the end")


if __name__ == "__main__":
    main()
