"""A curator's corrections to how a document was cut into items: split an item in
two at a paragraph, merge two adjacent items.

The parsed items, laid end to end, make one sequence of lines (each item's
title, then its paragraphs).  A *layout* is the list of positions in that
sequence where an item starts; the pipeline's own cut is one layout, and a
split or a merge adds or removes one position.  The layout is all a preview
form has to carry: the items are rebuilt from the document, which is parsed
again, so nothing posted can change the text itself.

An item the curator did not touch stays exactly as the pipeline read it, with
the whole document as context.  A new item is read again on its own text for
its place, themes and flags; its year and document type, which belong to the
document rather than to one case, are kept from the item it came from when
its own text does not state them.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from .pipeline import ParsedCase, ParsedDocument, parse_document
from .regions import Gazetteer
from .sections import SECTIONS, split_sections
from .segment import spans


@dataclass(frozen=True)
class Line:
    text: str
    case: int  # the parsed item the line comes from
    title: bool  # the item's title (possibly empty), not a paragraph


def lines_of(doc: ParsedDocument) -> list[Line]:
    lines = []
    for n, case in enumerate(doc.cases):
        lines.append(Line(case.title, n, True))
        lines += [Line(text, n, False) for text in case.body.split("\n") if text.strip()]
    return lines


def original_layout(doc: ParsedDocument) -> list[int]:
    return [n for n, line in enumerate(lines_of(doc)) if line.title]


def to_string(layout: list[int]) -> str:
    return ",".join(map(str, layout))


def from_string(value: str, doc: ParsedDocument) -> list[int]:
    """The layout a form posted, or ValueError when it does not fit this document."""
    size = len(lines_of(doc))
    layout = [int(part) for part in value.split(",")] if value.strip() else []
    if not layout or layout[0] != 0 or any(b <= a for a, b in zip(layout, layout[1:], strict=False)):
        raise ValueError("layout out of order")
    if layout[-1] >= size:
        raise ValueError("layout beyond the document")
    return layout


def ranges(layout: list[int], doc: ParsedDocument) -> list[tuple[int, int]]:
    return spans(layout, len(lines_of(doc)))


def split(layout: list[int], at: int, doc: ParsedDocument) -> list[int]:
    """A new item starts at line ``at``; it must leave a paragraph on either side."""
    for start, end in ranges(layout, doc):
        if start + 1 < at < end:
            return sorted({*layout, at})
    raise ValueError("no item to split there")


def merge(layout: list[int], index: int) -> list[int]:
    """Item ``index`` and the one after it become one."""
    if not 0 <= index < len(layout) - 1:
        raise ValueError("no item to merge with")
    return layout[: index + 1] + layout[index + 2 :]


def title_like(text: str) -> bool:
    """A line that can head a new item: short, and not a sentence."""
    return 4 <= len(text) <= 60 and not re.search("[，。；！？]", text.rstrip("。"))


def items(doc: ParsedDocument, layout: list[int], gazetteer: Gazetteer) -> list[ParsedCase]:
    lines = lines_of(doc)
    untouched = {span: n for n, span in enumerate(ranges(original_layout(doc), doc))}
    out = []
    for ordinal, span in enumerate(ranges(layout, doc), start=1):
        if span in untouched:
            out.append(dataclasses.replace(doc.cases[untouched[span]], ordinal=ordinal))
        else:
            out.append(_reread(doc, lines[span[0] : span[1]], ordinal, gazetteer))
    return out


def _reread(doc: ParsedDocument, lines: list[Line], ordinal: int, gazetteer: Gazetteer) -> ParsedCase:
    base = doc.cases[lines[0].case]
    first = lines[0]
    if first.title or title_like(first.text):
        title, rest = first.text, lines[1:]
    else:
        title, rest = "", lines
    paragraphs = [line.text for line in rest if line.text]
    body = "\n".join(paragraphs)
    alone = parse_document(f"{title}\n\n{body}" if title else body, doc.file_name, gazetteer)
    read = alone.cases[0] if alone.cases else None
    sections = read if read is not None and len(alone.cases) == 1 and read.body == body else split_sections(paragraphs)
    evidence = dict(read.evidence) if read else {}
    year = read.year if read is not None else None
    if year is None and base.year is not None:
        year = base.year
        evidence["year"] = _kept("年份", base.evidence.get("year"))
    evidence["doc_type"] = _kept("文档类型", base.evidence.get("doc_type"))
    flags = [f for f in (read.flags if read is not None else ["region-unknown"]) if f != "no-title"]
    if not title:
        flags.append("no-title")
    # Built from the item it came from, so that whatever else the pipeline keeps on an item carries over.
    case = dataclasses.replace(
        base,
        ordinal=ordinal,
        title=title,
        **{name: getattr(sections, name) for name in SECTIONS},
        body=body,
        province=read.province if read else None,
        prefecture=read.prefecture if read else None,
        county=read.county if read else None,
        region_label=read.region_label if read else "",
        themes=list(read.themes) if read else [],
        tags=list(read.tags) if read else [],
        doc_type=base.doc_type,
        year=year,
        span=_span(doc, lines),
        flags=sorted(set(flags)),
    )
    case.evidence = evidence
    return case


def _kept(what: str, why: str | None) -> str:
    return f"沿用拆分前条目的{what}" + (f"（{why}）" if why else "")


def _span(doc: ParsedDocument, lines: list[Line]) -> tuple[int, int]:
    """Where the lines stand in the raw text: found there when the text kept them as written,
    else the span of the items they come from."""
    first, last = doc.cases[lines[0].case].span, doc.cases[lines[-1].case].span
    head = next((line.text for line in lines if line.text), "")
    tail = next((line.text for line in reversed(lines) if line.text), "")
    start = doc.raw.find(head[:12], first[0]) if head else -1
    start = start if 0 <= start <= first[1] else first[0]
    end = doc.raw.find(tail[-12:], start) if tail else -1
    end = end + len(tail[-12:]) if 0 <= end <= last[1] else last[1]
    return start, max(start, end)
