"""Word documents: one case, or a filtered list as a compilation (案例汇编).

Every text is written without control characters, which Word's XML cannot hold.

Officials edit and circulate documents rather than PDFs.  The compilation has
a title page, a table of contents (a Word TOC field that Word fills in on
opening, plus a plain list of titles that needs no updating), and one
section per case with its place, themes, sections and source.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.conf import settings
from django.utils import translation
from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from .ingest.controls import strip_controls
from .ingest.sections import SECTIONS


def _new_document() -> Document:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(11)
    # East Asian text needs its own font setting.
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "SimSun")
    return doc


def _toc_field(paragraph) -> None:
    run = paragraph.add_run()
    begin, instr, separate, text, end = (OxmlElement("w:fldChar"), OxmlElement("w:instrText"),
                                         OxmlElement("w:fldChar"), OxmlElement("w:t"), OxmlElement("w:fldChar"))  # fmt: skip
    begin.set(qn("w:fldCharType"), "begin")
    instr.set(qn("xml:space"), "preserve")
    instr.text = 'TOC \\o "1-2" \\h \\z \\u'
    separate.set(qn("w:fldCharType"), "separate")
    text.text = "（打开文档后右键“更新域”生成带页码的目录）"
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, instr, separate, text, end):
        run._r.append(element)


def _place(case) -> str:
    parts = [r.name for r in (case.province, case.prefecture, case.county) if r]
    return " › ".join(parts) or case.region_label or "地区未知"


def _write_case(doc: Document, case, url: str, level: int) -> None:
    doc.add_heading(strip_controls(case.title) or "（无标题）", level=level)
    meta = [_place(case), f"{case.year}年" if case.year else "", case.get_doc_type_display()]
    doc.add_paragraph(strip_controls(" · ".join(m for m in meta if m)))
    if case.year_in_doubt:
        doc.add_paragraph(f"年份存疑：{case.evidence.get('year') or '文中的年份与文件落款的日期不一致'}。")
    themes = "、".join(t.name for t in case.themes.all())
    if themes:
        doc.add_paragraph(strip_controls(f"主题：{themes}"))
    written = False
    for field in SECTIONS:
        text = strip_controls(getattr(case, field))
        if text and not (field == "summary" and written):
            with translation.override(settings.LANGUAGE_CODE):  # the document is in Chinese, as the case is
                doc.add_heading(str(case._meta.get_field(field).verbose_name), level=level + 1)
            for line in text.split("\n"):
                doc.add_paragraph(line)
            written = written or field != "summary"
    if not written and case.body and case.body != case.summary:
        doc.add_heading("正文", level=level + 1)
        for line in strip_controls(case.body).split("\n"):
            doc.add_paragraph(line)
    source = f"来源：{case.source}（第 {case.ordinal} 篇）" if case.source_id else "来源：编辑录入"
    doc.add_paragraph(strip_controls(f"{source}  链接：{url}"))


def case_docx(case, url: str) -> bytes:
    doc = _new_document()
    _write_case(doc, case, url, level=1)
    return _save(doc)


def compilation_docx(cases: Iterable, url_for, title: str, filters_text: str) -> bytes:
    cases = list(cases)
    doc = _new_document()
    doc.add_heading(title, level=0)
    doc.add_paragraph(strip_controls(f"共 {len(cases)} 个案例。{filters_text}"))
    doc.add_heading("目录", level=1)
    _toc_field(doc.add_paragraph())
    for i, case in enumerate(cases, start=1):
        doc.add_paragraph(strip_controls(f"{i}. {case.title or '（无标题）'}"))
    for case in cases:
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        _write_case(doc, case, url_for(case), level=1)
    return _save(doc)


def table_docx(title: str, header: list[str], rows: list[list]) -> bytes:
    """A small table as a Word document (landscape: cases side by side), its header row repeated
    on every page."""
    from docx.enum.section import WD_ORIENT

    doc = _new_document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    doc.add_heading(strip_controls(title), level=1)
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = strip_controls(str(text))
        cell.paragraphs[0].runs[0].bold = True
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(repeat)
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = strip_controls(str(value))
    return _save(doc)


def _save(doc: Document) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
