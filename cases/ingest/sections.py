"""Summary, background, measures and outcomes from the headings a text has."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .labels import opening_courtesy

KINDS = {
    "background": r"背景|基本情况|简介|现状|概况|引言|问题|工作目标|改革目标",
    "measures": r"做法|措施|举措|经验|推进|机制|方法|过程",
    "outcomes": r"成效|成果|效果|成绩|进展|体会|启示",
}
HEADING = re.compile(
    r"^(?:0?\d\s*|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)?"
    r"(改革背景|主要做法|改革成效|改革目标|改革措施|工作成效|基本情况|镇情简介|几点体会|"
    r"工作目标|存在的问题|主要成效|经验启示|背景|取得成效|发展成效|主要成效|成效)[：:]?$"
)


@dataclass
class Sections:
    summary: str = ""
    background: str = ""
    measures: str = ""
    outcomes: str = ""
    skipped: str = ""  # the addressee line or salutation the summary leaves out


def _kind(heading: str) -> str | None:
    for kind, pattern in KINDS.items():
        if re.search(pattern, heading):
            return kind
    return None


def lead(paragraphs: list[str], limit: int = 300) -> tuple[str, str]:
    """The first prose paragraph, cut at a sentence end near ``limit``, without the
    addressee line or salutation it opens with; and what was left out."""
    skipped = []
    for p in paragraphs:
        courtesy = opening_courtesy(p)
        if courtesy:
            skipped.append(courtesy.strip())
            p = p[len(courtesy) :].strip()
        if len(p) >= 30 and re.search("[，。]", p):
            if len(p) <= limit:
                return p, "；".join(skipped)
            cut = p.rfind("。", 0, limit)
            return (p[: cut + 1] if cut > 40 else p[:limit] + "…"), "；".join(skipped)
    return "", "；".join(skipped)


def split_sections(paragraphs: list[str]) -> Sections:
    out = Sections()
    current: str | None = None
    parts: dict[str, list[str]] = {"background": [], "measures": [], "outcomes": []}
    for p in paragraphs:
        if p.startswith("摘要"):
            out.summary = re.sub(r"^摘要[：:]?", "", p).strip()
            continue
        m = HEADING.match(p)
        if m:
            current = _kind(m.group(1))
            continue
        if current:
            parts[current].append(p)
    out.background = "\n".join(parts["background"])
    out.measures = "\n".join(parts["measures"])
    out.outcomes = "\n".join(parts["outcomes"])
    if not out.summary:
        out.summary, out.skipped = lead(paragraphs)
    return out
