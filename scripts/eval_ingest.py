"""Score the ingestion pipeline on the documents we wrote (tests/documents/).

Each ``NN-name.txt`` has its expected reading in ``NN-name.json``:

    {"cases": [{"title", "region" ("省/市/县", "national" or "none"), "year", "doc_type",
                "themes", "flags", "sections": {"background": "starts with", ...}}],
     "chrome": [strings of page furniture the text holds, that no case may keep],
     "leaks": [text outside every case (a signature, an article's tail)],
     "keep": [text some case must keep],
     "refused": true when the document must be refused,
     "heldout": true for documents written after the rules, scored apart}

Run ``make eval-ingest``; tests/test_eval_ingest.py pins the scores.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cases.ingest.decode import BadInput  # noqa: E402
from cases.ingest.pipeline import parse_document  # noqa: E402
from cases.ingest.regions import load_gazetteer  # noqa: E402

DOCUMENTS = ROOT / "tests" / "documents"
# Flags the expected reading decides on both ways: raised when expected, never otherwise.
DECIDED_FLAGS = {"stub", "region-ambiguous", "theme-unknown", "repeated-text"}
# Page furniture no title may hold, whatever the document.
FURNITURE = re.compile(
    r"发布时间|发布日期|来源[：:]|浏览|点击[数：:]|当前位置|您的位置|版权所有|ICP|字号|打印|上传人|责任编辑"
)


@dataclass
class Tally:
    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.right += bool(ok)
        self.total += 1

    @property
    def rate(self) -> float:
        return self.right / self.total if self.total else 1.0


@dataclass
class Scores:
    documents: int = 0
    split: Tally = field(default_factory=Tally)
    region: Tally = field(default_factory=Tally)
    year: Tally = field(default_factory=Tally)
    doc_type: Tally = field(default_factory=Tally)
    themes: Tally = field(default_factory=Tally)
    flags: Tally = field(default_factory=Tally)
    sections: Tally = field(default_factory=Tally)
    titles_with_chrome: int = 0
    chrome_left: int = 0
    leaks: int = 0
    lost: int = 0
    misses: list[str] = field(default_factory=list)


def region_path(gz, case) -> str:
    if case.region_label == "全国":
        return "national"
    names = [gz.places[c].name for c in (case.province, case.prefecture, case.county) if c]
    return "/".join(names) or "none"


def score_document(gz, path: Path, expected: dict, scores: Scores) -> None:
    name = path.stem
    scores.documents += 1
    try:
        doc = parse_document(path.read_text(encoding="utf-8"), path.name, gz)
    except BadInput:
        scores.split.add(bool(expected.get("refused")))
        return
    if expected.get("refused"):
        scores.split.add(False)
        scores.misses.append(f"{name}: accepted, should be refused")
        return
    got, want = doc.cases, expected["cases"]
    split_ok = len(got) == len(want) and all(g.title == w["title"] for g, w in zip(got, want, strict=False))
    scores.split.add(split_ok)
    if not split_ok:
        scores.misses.append(f"{name}: split {[g.title for g in got]}")
    by_title = {g.title: g for g in got}
    for i, w in enumerate(want):
        g = by_title.get(w["title"]) or (got[i] if len(got) == len(want) else None)
        checks = {
            "region": g is not None and region_path(gz, g) == w["region"],
            "year": g is not None and g.year == w["year"],
            "doc_type": g is not None and g.doc_type == w["doc_type"],
            "themes": g is not None and sorted(g.themes) == sorted(w["themes"]),
            "flags": g is not None
            and set(w["flags"]) <= set(g.flags)
            and not (set(g.flags) & DECIDED_FLAGS) - set(w["flags"]),
        }
        for what, ok in checks.items():
            getattr(scores, what).add(ok)
            if not ok:
                seen = {
                    "region": g and region_path(gz, g),
                    "year": g and g.year,
                    "doc_type": g and g.doc_type,
                    "themes": g and g.themes,
                    "flags": g and g.flags,
                }[what]
                scores.misses.append(f"{name} #{i + 1} {what}: {seen!r} != {w[what]!r}")
        for section, start in w.get("sections", {}).items():
            ok = g is not None and getattr(g, section).startswith(start)
            scores.sections.add(ok)
            if not ok:
                scores.misses.append(f"{name} #{i + 1} {section}: {getattr(g, section, '')[:20]!r}")
    for g in got:
        if any(c in g.title for c in expected.get("chrome", [])) or FURNITURE.search(g.title):
            scores.titles_with_chrome += 1
            scores.misses.append(f"{name}: title with chrome {g.title!r}")
    texts = "\n".join(g.title + "\n" + g.body for g in got)
    for chrome in expected.get("chrome", []):
        if chrome in texts:
            scores.chrome_left += 1
            scores.misses.append(f"{name}: chrome left {chrome!r}")
    for leak in expected.get("leaks", []):
        if leak in texts:
            scores.leaks += 1
            scores.misses.append(f"{name}: leaked {leak!r}")
    for keep in expected.get("keep", []):
        if keep not in texts:
            scores.lost += 1
            scores.misses.append(f"{name}: lost {keep!r}")


def evaluate(directory: Path = DOCUMENTS) -> dict[str, Scores]:
    gz = load_gazetteer(str(ROOT / "fixtures" / "regions.json"))
    results = {"development": Scores(), "held-out": Scores(), "all": Scores()}
    for path in sorted(directory.glob("*.txt")):
        expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        part = "held-out" if expected.get("heldout") else "development"
        score_document(gz, path, expected, results[part])
        score_document(gz, path, expected, results["all"])
    return results


ROWS = [
    ("documents split right", "split"),
    ("region (or national / none) right", "region"),
    ("year right", "year"),
    ("doc type right", "doc_type"),
    ("themes right", "themes"),
    ("flags right", "flags"),
    ("section starts right", "sections"),
]
COUNTS = [
    ("titles with chrome", "titles_with_chrome"),
    ("chrome lines left in texts", "chrome_left"),
    ("text leaked into a case", "leaks"),
    ("text lost", "lost"),
]


def table(results: dict[str, Scores]) -> str:
    parts = list(results)
    head = f"| {'field':<36} | " + " | ".join(f"{p:>16}" for p in parts) + " |"
    lines = [head, "|" + "-" * 38 + "|" + "|".join("-" * 18 for _ in parts) + "|"]
    lines.append(f"| {'documents':<36} | " + " | ".join(f"{results[p].documents:>16}" for p in parts) + " |")
    for label, key in ROWS:
        cells = []
        for p in parts:
            t = getattr(results[p], key)
            cells.append(f"{t.rate:>7.1%} ({t.right:>3}/{t.total:<3})")
        lines.append(f"| {label:<36} | " + " | ".join(f"{c:>16}" for c in cells) + " |")
    for label, key in COUNTS:
        lines.append(f"| {label:<36} | " + " | ".join(f"{getattr(results[p], key):>16}" for p in parts) + " |")
    return "\n".join(lines)


def main() -> None:
    results = evaluate()
    print(table(results))
    misses = results["all"].misses
    if misses:
        print(f"\n{len(misses)} differences:")
        print("\n".join(f"  {m}" for m in misses))


if __name__ == "__main__":
    main()
