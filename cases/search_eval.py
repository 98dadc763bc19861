"""The search relevance harness (issue 16): nDCG@10 and zero-result rate of our own query set.

The set (fixtures/search_relevance.toml) names cases by seed file and title; each query is
run as the list page runs it (``CaseFilter`` with ``q``, published cases, default order),
so that what is scored is what an official sees on the first page.
"""

from __future__ import annotations

import math
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import QueryDict

RELEVANCE_SET = Path(settings.BASE_DIR) / "fixtures" / "search_relevance.toml"
DEPTH = 10


@dataclass
class Judged:
    cls: str
    query: str
    grades: dict[str, int]  # case key -> grade


@dataclass
class Scored:
    judged: Judged
    found: list[str]  # keys of the first DEPTH results
    total: int
    ndcg: float


def load(path: Path = RELEVANCE_SET) -> list[Judged]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    keys = data["cases"]
    return [
        Judged(q["class"], q["q"], {keys[name]: grade for name, grade in q["relevant"].items()}) for q in data["query"]
    ]


def ndcg(found: list[str], grades: dict[str, int], depth: int = DEPTH) -> float:
    """Normalised discounted cumulative gain with gains 2^grade - 1."""
    dcg = sum((2 ** grades.get(key, 0) - 1) / math.log2(i + 2) for i, key in enumerate(found[:depth]))
    ideal = sorted(grades.values(), reverse=True)[:depth]
    best = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / best if best else 0.0


def case_key(case) -> str:
    return f"{case.source.file_name[:3] if case.source else ''}:{case.title}"


def run(judged: list[Judged]) -> list[Scored]:
    from .filters import CaseFilter
    from .models import Case

    out = []
    for item in judged:
        case_filter = CaseFilter(QueryDict(mutable=True) | {"q": item.query}, queryset=Case.objects.published())
        results = case_filter.qs
        top = list(results.select_related("source").only("title", "source__file_name")[:DEPTH])
        found = [case_key(c) for c in top]
        total = results.count() if top else 0
        out.append(Scored(item, found, total, ndcg(found, item.grades)))
    return out


def by_class(scored: list[Scored]) -> dict[str, dict]:
    """{class: {"queries", "ndcg", "zero"}} and "overall" (mean nDCG, share of empty result pages)."""
    groups = defaultdict(list)
    for s in scored:
        groups[s.judged.cls].append(s)
        groups["overall"].append(s)
    return {
        cls: {
            "queries": len(items),
            "ndcg": sum(s.ndcg for s in items) / len(items),
            "zero": sum(1 for s in items if not s.found) / len(items),
        }
        for cls, items in groups.items()
    }


def table(scored: list[Scored]) -> str:
    rows = by_class(scored)
    lines = [f"{'class':<14}{'queries':>8}{'nDCG@10':>10}{'zero-result':>13}"]
    for cls, r in rows.items():
        if cls != "overall":
            lines.append(f"{cls:<14}{r['queries']:>8}{r['ndcg']:>10.3f}{r['zero']:>12.0%} ")
    r = rows["overall"]
    lines.append(f"{'overall':<14}{r['queries']:>8}{r['ndcg']:>10.3f}{r['zero']:>12.0%} ")
    return "\n".join(lines)


def details(scored: list[Scored]) -> str:
    return "\n".join(
        f"{s.ndcg:.2f} {s.judged.cls:<12} {s.judged.query:<10} found {s.total:>3}: "
        + " | ".join(("*" if k in s.judged.grades else "") + k.split(":", 1)[1][:14] for k in s.found[:5])
        for s in scored
    )
