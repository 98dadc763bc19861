"""Cases side by side (/compare/?ids=…): one table of rows, drawn as a page and written as
XLSX and DOCX by the existing writers (cases/export.py, cases/documents.py)."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

MOST = 4  # cases compared at once: beyond, a page is no longer readable side by side
SENTENCE = re.compile(r"[^。！？!?；;]*[。！？!?；;]?")


def parse_ids(raw: str) -> tuple[list[int], list[str]]:
    """The ids asked for, in their order and each once, and the pieces that are no ids."""
    ids: list[int] = []
    bad: list[str] = []
    for piece in raw.replace("，", ",").split(","):
        piece = piece.strip()
        if not piece:
            continue
        if piece.isdigit() and len(piece) < 10:
            if int(piece) not in ids:
                ids.append(int(piece))
        else:
            bad.append(piece[:20])
    return ids, bad


def first_sentences(text: str, count: int = 2) -> str:
    """The problem a case starts from: the first sentences of its 背景."""
    sentences = [s for s in SENTENCE.findall(text.replace("\n", "")) if s.strip()]
    return "".join(sentences[:count]).strip()


def place(case) -> str:
    parts = [region.display_name for region in (case.province, case.prefecture, case.county) if region]
    return " › ".join(parts) or case.region_label or _("地区未知")


def rows(cases) -> list[tuple[str, list[str]]]:
    """(label, one text per case) for each row of the comparison, in reading order; cases as
    CaseQuerySet.with_related() gives them.  Empty texts say the source did not state it."""
    missing = _("原文未写明")

    def row(label, values):
        return (label, [value if value not in (None, "") else missing for value in values])

    return [
        row(_("地点"), [place(c) for c in cases]),
        row(_("县级类型"), [c.county.get_kind_display() if c.county else "" for c in cases]),
        row(_("区域"), [c.province.get_macro_region_display() if c.province else "" for c in cases]),
        row(_("地形"), [c.get_terrain_display() for c in cases]),
        row(_("年份"), [_year(c) for c in cases]),
        row(_("主题"), ["、".join(t.display_name for t in c.themes.all()) for c in cases]),
        row(_("文档类型"), [c.get_doc_type_display() for c in cases]),
        row(_("摘要"), [c.summary for c in cases]),
        row(_("问题（背景）"), [first_sentences(c.background) for c in cases]),
        row(_("主要做法"), [c.measures or _unsectioned(c) for c in cases]),
        row(_("成效"), [c.outcomes for c in cases]),
        row(_("关键数据"), [_figures(c, money=False) for c in cases]),
        row(_("投资与资金"), [_figures(c, money=True) for c in cases]),
        row(_("适用条件"), [c.conditions for c in cases]),
        row(_("存在问题"), [c.problems for c in cases]),
        row(_("经验启示"), [c.lessons for c in cases]),
        row(_("来源"), [_source(c) for c in cases]),
    ]


def _year(case) -> str:
    if case.year_in_doubt:
        return f"{case.year or ''}（{_('年份存疑')}）".lstrip()
    return str(case.year) if case.year else ""


def _figures(case, money: bool) -> str:
    """Key figures (or investment, running cost and funding), one a line, as the case page gives
    them (cases prefetched with their figures); those not yet confirmed by an editor say so."""
    from .models import KeyFigure

    lines = []
    for figure in case.figures.all():
        if (figure.kind != KeyFigure.Kind.FIGURE) != money:
            continue
        text = f"{figure.indicator} {figure.display_value}".strip()
        if figure.display_baseline:
            text += _("（基线 %(baseline)s）") % {"baseline": figure.display_baseline}
        if figure.years:
            text += f"（{figure.years}）"
        if money and figure.kind != KeyFigure.Kind.INVESTMENT:
            text = f"{figure.get_kind_display()}：{text}"
        if not figure.confirmed:
            text += _("［自动提取］")
        lines.append(text)
    return "\n".join(lines)


def _unsectioned(case) -> str:
    """A text without 背景/做法/成效 (a short item, a news report): its whole text, said to be so."""
    if case.background or case.outcomes or not case.body or case.body == case.summary:
        return ""
    return _("（原文未分节，以下为正文）") + "\n" + case.body


def _source(case) -> str:
    if not case.source_id:
        return ""
    return f"{case.source}" + (_("（第 %(n)s 篇）") % {"n": case.ordinal} if case.ordinal else "")
