"""Search at library scale, as people meet it: the FIRST request of each distinct query (issue 16).

Run against a copy of the 100,000-case bench database (COMMON: never the shared one):

    DATABASE_URL=postgres://…/bench_copy python bench/search_cold.py

Each query is asked once through the whole Django stack (middleware, view, templates) with an
empty cache, so nothing it needs was computed before; p50 / p95 / max per scenario, and the
suggestions endpoint the same way.  Bounded: 10 queries a scenario, one request each.

Latencies on a shared machine depend on its neighbours; the CPU a request costs does not (much):
each row also gives the mean CPU per request of this process (Django) and of its PostgreSQL
backend (from /proc), and the load average is printed with the table.
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

SCENARIOS = {
    "common word": ["服务", "治理", "教育", "农村", "发展", "建设", "管理", "工作", "推进", "文化"],
    "two words": [
        "农村 养老",
        "乡村 治理",
        "教育 均衡",
        "垃圾 分类",
        "饮水 安全",
        "文化 服务",
        "留守 关爱",
        "医疗 卫生",
        "就业 扶贫",
        "人居 环境",
    ],
    "colloquial question": [
        "老人吃饭难",
        "孩子上学",
        "村民办事不出村",
        "吃水难",
        "农村垃圾怎么处理",
        "老人没人照顾怎么办",
        "如何防止返贫",
        "农村学校太小",
        "看病难怎么办",
        "厕所怎么改",
    ],
    "synonym-expanded": [
        "敬老院",
        "老年食堂",
        "留守孩子",
        "厕所革命",
        "自来水",
        "一站式服务",
        "幼儿园",
        "医共体",
        "积分制",
        "农村环卫",
    ],
}
SUGGESTED = ["养", "留守", "河", "yang", "教育", "四川", "垃圾", "文化", "扶", "医"]


def backend_cpu_ms() -> float:
    """CPU time (user + system) spent so far by this connection's PostgreSQL backend, in ms."""
    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def first_requests(client: Client, path: str, values: list[str]) -> tuple[list[float], float, float]:
    """Latencies (ms) of the first request of each value; mean CPU ms per request of Django and PostgreSQL."""
    times, django_cpu, database_cpu = [], 0.0, 0.0
    for value in values:
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


def main() -> None:
    client = Client()
    client.get("/cases/", {"q": "预热"}, secure=True)  # load jieba, the gazetteer and the templates once
    lines = [
        "| scenario (first request of each query) | queries | p50 ms | p95 ms | max ms | CPU ms/req Django "
        "| CPU ms/req PostgreSQL |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, queries in SCENARIOS.items():
        lines.append(row(f"search: {name}", first_requests(client, "/cases/", queries)))
        print(lines[-1], flush=True)
    lines.append(row("suggestions", first_requests(client, "/cases/suggest/", SUGGESTED)))
    print(lines[-1], flush=True)
    print("\n".join(lines))
    print("load average (1, 5, 15 min):", " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
