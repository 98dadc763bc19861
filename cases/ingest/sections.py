"""Summary, background, measures, outcomes, conditions, problems, lessons and next steps
from the headings a text has."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from .labels import opening_courtesy

# What a heading names, tried in this order: the first kind whose words it holds wins
# (经验做法 are measures, 经验启示 lessons; 存在问题 are problems, not background).
KINDS = {
    "conditions": r"适用条件|适用范围|推广条件|适用对象",
    "problems": r"存在(的)?(问题|困难|不足)|问题与不足|问题和不足|困难和问题|不足之处",
    "next_steps": r"下一步|今后打算|今后工作|工作打算|工作计划|努力方向",
    "measures": r"做法|措施|举措|推进|机制|方法|过程",
    "lessons": r"启示|体会|经验",
    "background": r"背景|基本情况|简介|现状|概况|引言|问题|工作目标|改革目标",
    "outcomes": r"成效|成果|效果|成绩|进展",
}
NAMES = (
    r"改革背景|主要做法|改革成效|改革目标|改革措施|工作成效|基本情况|镇情简介|几点体会|"
    r"工作目标|存在的问题|主要成效|经验启示|背景|取得成效|发展成效|成效|"
    r"适用条件|适用范围|适用条件和范围|适用条件与范围|推广条件|"
    r"存在问题|存在的不足|问题与不足|问题和不足|存在的困难和问题|困难和问题|存在的问题与不足|"
    r"启示|几点启示|经验|经验与启示|体会|"
    # 下一步打算, 今后工作打算, 下一步工作思路, 今后的努力方向 …
    r"(?:下一步|今后)(?:的)?(?:工作)?(?:打算|计划|思路|重点|方向|努力方向)?|工作打算|工作计划|努力方向"
)
NUMBERING = r"(?:0?\d\s*|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)"
# 存在的问题及建议: a section of problems that ends in proposals is a section of problems.
TAIL = r"(?:及建议|和建议|与建议|及对策|和对策|及原因)?"
HEADING = re.compile(rf"^{NUMBERING}?({NAMES}){TAIL}[：:]?$")
# A numbered heading glued to its section's first numbered point, as text copied from a PDF
# or a web page often is: 三、存在的问题及建议1. 教育资源配置不均衡…
GLUED = re.compile(rf"^{NUMBERING}({NAMES}){TAIL}\s*(?=\d{{1,2}}\s*[.．、]|（[一二三四五六七八九十]+）)")


@dataclass
class Sections:
    summary: str = ""
    background: str = ""
    measures: str = ""
    outcomes: str = ""
    skipped: str = ""  # the addressee line or salutation the summary leaves out
    conditions: str = ""  # 适用条件、适用范围
    problems: str = ""  # 存在问题、问题与不足
    lessons: str = ""  # 经验启示、启示、体会
    next_steps: str = ""  # 下一步打算


# A case's sections, in their order on its page, in the forms, the exports and the API (Case.SECTIONS).
SECTIONS = tuple(f.name for f in fields(Sections) if f.name != "skipped")
PARTS = SECTIONS[1:]  # the sections a heading starts (all but the summary)


def _kind(heading: str) -> str | None:
    return next((kind for kind, pattern in KINDS.items() if re.search(pattern, heading)), None)


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
    parts: dict[str, list[str]] = {name: [] for name in PARTS}
    for p in paragraphs:
        if p.startswith("摘要"):
            out.summary = re.sub(r"^摘要[：:]?", "", p).strip()
            continue
        m = HEADING.match(p)
        if m:
            current = _kind(m.group(1))
            continue
        glued = GLUED.match(p)
        if glued:
            current, p = _kind(glued.group(1)), p[glued.end() :]
        if current:
            parts[current].append(p)
    for name in PARTS:
        setattr(out, name, "\n".join(parts[name]))
    if not out.summary:
        out.summary, out.skipped = lead(paragraphs)
    return out
