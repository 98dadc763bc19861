"""Parse a 5 MB document of the genre and report the time and the peak memory it took.

A measurement, not a timed test (``make bench-ingest``): issue 15 asks for under 10 s and
under 300 MB.  The document is built from the written corpus (tests/documents/), each copy
with its own numbers so that no line repeats, plus one long run of a repeated line.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_BYTES = 5 * 1024 * 1024


def document() -> str:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests" / "documents").glob("*.txt"))]
    texts = [t for t in texts if len(t.splitlines()) < 100]  # the repeated-lines document is added once
    parts, size, n = [], 0, 0
    while size < TARGET_BYTES:
        text = texts[n % len(texts)].replace("一", f"{n}号", 1)
        parts.append(f"第{n + 1}篇：汇编之{n + 1}\n{text}")
        size += len(parts[-1].encode("utf-8"))
        n += 1
    parts.insert(len(parts) // 2, "点击查看原文\n" * 50_000)
    return "\n".join(parts)


def main() -> None:
    from cases.ingest.pipeline import parse_document
    from cases.ingest.regions import load_gazetteer

    gz = load_gazetteer(str(ROOT / "fixtures" / "regions.json"))
    parse_document("宁海县：助餐点\n宁海县推进助餐点建设。", "warm.txt", gz)  # models loaded once, as in a server
    raw = document()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start, cpu = time.perf_counter(), time.process_time()
    doc = parse_document(raw, "bench.txt", gz)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"document: {len(raw.encode('utf-8')) / 1024 / 1024:.1f} MB, {raw.count(chr(10)) + 1} lines")
    # On a shared machine the wall time includes waiting for a CPU; the CPU time does not.
    load = os.getloadavg()[0]
    print(
        f"items: {len(doc.cases)}; parse time: {cpu:.1f} s of CPU, {seconds:.1f} s wall (load {load:.1f}; limit 10 s)"
    )
    print(f"peak memory of the process: {peak:.0f} MB (limit 300 MB; {before:.0f} MB before parsing)")


if __name__ == "__main__":
    main()
