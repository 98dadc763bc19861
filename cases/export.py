"""Rows of cases for exports: one generator feeds every format.

What a person sees in the list is what they download: every export takes the
list's ``CaseFilter`` and its sort.  CSV and JSON are written row by row, XLSX by
openpyxl's write-only workbook, each to a temporary file that is sent once whole
(cases/limits.py: a download is complete or refused, never cut; why not streamed is said there).

A row costs about 60 µs of Python (plain ``values_list`` tuples, never model instances; columns,
themes, keywords and figures read per 1,000 cases, their ids written into the statement (``among``);
controls searched once per row; CSV lines by ``csv_line``, not the csv module) and about 45 µs of
PostgreSQL, mostly reading the wide texts: 100,000 cases make a 765 MB CSV in about 11 s on two
shared cores, 1.8–2.0× a bare ``COPY`` of the same rows (bench/README.md; before: 3.0×).  That is why
CSV and JSON need no largest list.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
import typing
import zipfile
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db.models.expressions import RawSQL
from django.utils import timezone

from .ingest.controls import CONTROLS, strip_controls
from .ingest.figures import plain_number
from .models import Case
from .places import CountyKind, MacroRegion, Terrain, macro_region

FIELDS = [
    "id", "slug", "url", "title", *Case.SECTIONS, "body",
    "province", "prefecture", "county", "region_code", "region_label", "county_kind",
    "macro_region", "terrain", "themes",
    "tags", "doc_type", "year", "investment", "funding_sources", "source", "source_title", "source_locator",
    "status", "quality_flags",
]  # fmt: skip

# The data dictionary: every column, in Chinese and English.
FIELD_DOCS = {
    "id": ("数字编号", "Numeric id, stable"),
    "slug": ("短标识，用于链接", "Stable short identifier used in links"),
    "url": ("案例页面地址", "Address of the case page"),
    "title": ("标题", "Title"),
    "summary": ("摘要", "Summary"),
    "background": ("背景", "Background"),
    "measures": ("主要做法", "Measures"),
    "outcomes": ("成效", "Outcomes"),
    "conditions": ("适用条件、适用范围", "Conditions and scope: where and for whom the practice applies"),
    "problems": ("存在问题、问题与不足", "Problems and shortcomings the text states"),
    "lessons": ("经验启示", "Lessons"),
    "next_steps": ("下一步打算", "Next steps the text plans"),
    "investment": (
        "投资（元）：文中所述投资金额中最大的一项，含未核实的自动提取值；各项金额见关键数据表",
        "Investment (yuan): the largest investment amount the text states, unverified extractions included; "
        "every amount is in the key-figures table",
    ),
    "funding_sources": (
        "资金来源（如 中央财政、县级财政、村集体、群众自筹；多个以 ; 分隔）",
        "Funding sources (e.g. 中央财政 central budget, 村集体 village collective; ';'-separated in CSV/XLSX)",
    ),
    "figures": (
        "关键数据（仅 JSON：每项的字段见关键数据表）",
        "Key figures (JSON only: fields as in the key-figures table)",
    ),
    "body": ("清洗后的全文", "Full cleaned text"),
    "province": ("省级行政区全称", "Province, official name"),
    "prefecture": ("地级行政区全称", "Prefecture, official name"),
    "county": ("县级行政区全称", "County, official name"),
    "region_code": ("最细一级的 GB/T 2260 区划代码", "GB/T 2260 code of the narrowest place"),
    "region_label": ("文中地名写法；全国性条目为“全国”", "Place as the text writes it; 全国 for national items"),
    "county_kind": (
        "县级类型：district 市辖区/county 县/city 县级市/autonomous-county 自治县/banner 旗/autonomous-banner 自治旗/forestry 林区/special 特区/other 其他",  # noqa: E501
        "County type from the official name: district/county/city/autonomous-county/banner/autonomous-banner/forestry/special/other",  # noqa: E501
    ),
    "macro_region": (
        "区域（国家统计局四大区域，按省份）：east 东部/central 中部/west 西部/northeast 东北",
        "Macro-region (NBS, by province): east/central/west/northeast",
    ),
    "terrain": (
        "地形（仅原文写明时）：plain 平原/hills 丘陵/mountain 山区/plateau 高原/pastoral 牧区/island 海岛",
        "Terrain, only where the text states it: plain/hills/mountain/plateau/pastoral/island",
    ),
    "themes": ("主题（中文名，多个以 ; 分隔）", "Themes (Chinese names; ';'-separated in CSV/XLSX)"),
    "themes_en": ("主题（英文名）", "Themes (English names)"),
    "tags": ("关键词（多个以 ; 分隔）", "Keywords (';'-separated in CSV/XLSX)"),
    "doc_type": ("文档类型：case/report/policy/news/commentary", "Document type: case/report/policy/news/commentary"),
    "year": ("年份（文件自身日期）", "Year, from the document's own dates"),
    "source": ("来源文件名", "Source file name"),
    "source_title": ("来源文档标题", "Source document title"),
    "source_locator": ("来源定位：文件#序号@字符区间", "Locator: file#ordinal@character span"),
    "status": ("状态（公开导出均为 published）", "Status (always published in public exports)"),
    "quality_flags": ("质量标记", "Quality flags"),
}
TABULAR_FIELDS = FIELDS + ["themes_en"]
# A case in JSON: the same fields, and its key figures nested after its funding sources.
JSON_FIELDS = [
    *FIELDS[: FIELDS.index("funding_sources") + 1],
    "figures",
    *FIELDS[FIELDS.index("funding_sources") + 1 :],
]
JSON_FIELDS.append("themes_en")
# Column headers for people (the default in CSV and XLSX); ``?headers=codes`` writes the field codes
# instead, for programs.  With Chinese headers the type and status are written in words too.
HEADERS = {
    "id": "编号", "slug": "短标识", "url": "链接", "title": "标题", "summary": "摘要", "background": "背景",
    "measures": "主要做法", "outcomes": "成效", "conditions": "适用条件", "problems": "存在问题",
    "lessons": "经验启示", "next_steps": "下一步打算", "investment": "投资（元）", "funding_sources": "资金来源",
    "figures": "关键数据", "body": "正文", "province": "省份", "prefecture": "地市",
    "county": "区县", "region_code": "区划代码", "region_label": "地名（原文）", "county_kind": "县级类型",
    "macro_region": "区域", "terrain": "地形", "themes": "主题", "tags": "关键词",
    "doc_type": "文档类型", "year": "年份", "source": "来源文件", "source_title": "来源标题",
    "source_locator": "来源定位", "status": "状态", "quality_flags": "质量标记", "themes_en": "主题（英文）",
}  # fmt: skip
# The key-figures table: a second CSV file, a sheet of the workbook, a table of the data package;
# in JSON each case carries its figures (without the case's id and slug).
FIGURE_FIELDS = [
    "case_id", "case_slug", "kind", "indicator", "value", "value_max", "unit", "baseline", "year_from", "year_to",
    "confirmed", "quote",
]  # fmt: skip
FIGURE_DOCS = {
    "case_id": ("案例编号（案例表的 id）", "Case id (the id of the cases table)"),
    "case_slug": ("案例短标识", "Case slug"),
    "kind": (
        "类别：figure 成效数据 / investment 投资 / running_cost 运行费用 / funding 资金来源",
        "Kind: figure / investment / running_cost / funding (a source, with its amount when stated)",
    ),
    "indicator": ("指标：测量的是什么；资金来源为来源名称", "Indicator: what was measured; for funding, the source"),
    "value": ("数值（万、亿已换算）", "Value (万 and 亿 multiplied out)"),
    "value_max": ("范围的上限（如 3-5万元）", "Upper end of a range (3-5万元)"),
    "unit": ("单位：元、人、户、个、% …", "Unit: 元 yuan, 人 people, 户 households, 个 items, % …"),
    "baseline": ("基线（从62%提高到95%中的62）", "Baseline (62 in 从62%提高到95%, from 62% to 95%)"),
    "year_from": ("起始年份", "First year"),
    "year_to": ("截止年份", "Last year"),
    "confirmed": (
        "已由编辑对照原文核实（否则为自动提取，未核实）",
        "Verified by an editor against the text (else extracted, unverified)",
    ),
    "quote": ("原文中的数据表述", "The words of the text"),
}
FIGURE_HEADERS = {
    "case_id": "案例编号", "case_slug": "案例短标识", "kind": "类别", "indicator": "指标", "value": "数值",
    "value_max": "上限", "unit": "单位", "baseline": "基线", "year_from": "起始年份", "year_to": "截止年份",
    "confirmed": "已核实", "quote": "原文",
}  # fmt: skip
# Cells that a spreadsheet would run as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


COLUMNS = (
    "pk", "slug", "title", *Case.SECTIONS, "body", "province_id", "prefecture_id", "county_id", "region_label",
    "doc_type", "year", "source_id", "ordinal", "span_start", "span_end", "status", "quality_flags", "terrain",
)  # fmt: skip
AFTER_SECTIONS = 3 + len(Case.SECTIONS)
CHUNK = 1000  # rows of wide text fetched at once: 9 MB more at the peak than 500, and 5 % less CPU; 2,000: 40 MB more


def case_rows(queryset, base: str = "") -> Iterator[dict]:
    """One dict per case; ``base`` (scheme and host) makes the URLs absolute.

    Plain rows, not model instances: the list's ids in one query, then the columns,
    themes, keywords and figures with one query each per CHUNK cases, and the regions,
    sources and themes from small lookups made once — a whole library streams at about
    ten thousand rows a second in (nearly) constant memory: 100,000 ids are 4 MB."""
    from django.urls import reverse

    from .models import CaseKeyword, Region, Source, Theme

    base = base or getattr(settings, "SITE_URL", "")
    prefix = base + reverse("case_detail", args=["x"])[:-2]  # …/cases/
    regions = dict(Region.objects.values_list("code", "name"))
    kinds = dict(Region.objects.filter(level="county").values_list("code", "kind"))
    sources = {pk: (name, title) for pk, name, title in Source.objects.values_list("pk", "file_name", "title")}
    themes = {t.pk: t for t in Theme.objects.all()}
    chunk: list[tuple] = []

    def flush():
        ids = [row[0] for row in chunk]
        by_case: dict[int, list] = {}
        for case_id, theme_id in (
            Case.themes.through.objects.filter(case_id__in=among(ids))
            .order_by("case_id", "theme__position")
            .values_list("case_id", "theme_id")
        ):
            by_case.setdefault(case_id, []).append(themes[theme_id])
        tags: dict[int, list[str]] = {}
        for case_id, name in CaseKeyword.objects.filter(content_object_id__in=among(ids)).values_list(
            "content_object_id", "tag__name"
        ):
            tags.setdefault(case_id, []).append(name)
        figures = figures_by_case(ids)
        for row in chunk:
            case_tags = sorted(tags.get(row[0], []))
            case_figures = figures.get(row[0], [])
            yield clean(_row(row, prefix, regions, kinds, sources, by_case.get(row[0], []), case_tags, case_figures))
        chunk.clear()

    # The list's order is read first, as ids alone: sorting the wide rows themselves made PostgreSQL
    # sort the whole library's text on disk (a whole-library CSV took 98 s, most of it waiting).
    # Then each chunk's columns by id, put back in that order.
    ids = list(queryset.values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        wanted = ids[start : start + CHUNK]
        found = {row[0]: row for row in Case.objects.filter(pk__in=among(wanted)).order_by().values_list(*COLUMNS)}
        chunk.extend(found[pk] for pk in wanted if pk in found)
        yield from flush()


def among(ids: list[int]) -> RawSQL:
    """``field__in=among(ids)``: the ids written into the statement as numbers (``IN (3,1,2)``), not as
    one parameter each that Django prepares and the driver quotes: that was 2 ms of CPU a query of 500
    ids, four queries a chunk, a quarter of a whole-library export.  ``int()``: nothing else gets in;
    no ids (the chunk's cases all deleted meanwhile) is ``IN (NULL)``, which matches nothing."""
    return RawSQL(",".join([str(int(pk)) for pk in ids]) or "NULL", ())


def _row(row, prefix, regions, kinds, sources, case_themes, tags, figures) -> dict:
    pk, slug, title = row[:3]
    (body, province, prefecture, county, label, doc_type, year, source_id, ordinal, span_start, span_end, status,
     flags, terrain) = row[AFTER_SECTIONS:]  # fmt: skip
    investments = [f["value"] for f in figures if f["kind"] == "investment" and f["value"] is not None]
    source = sources.get(source_id)
    region = county or prefecture or province
    return {
        "id": pk,
        "slug": slug,
        "url": f"{prefix}{slug}/",
        "title": title,
        **dict(zip(Case.SECTIONS, row[3:AFTER_SECTIONS], strict=True)),
        "body": body,
        "province": regions.get(province),
        "prefecture": regions.get(prefecture),
        "county": regions.get(county),
        "region_code": region,
        "region_label": label,
        "county_kind": kinds.get(county, ""),
        "macro_region": macro_region(province),
        "terrain": terrain,
        "themes": [t.name for t in case_themes],
        "tags": tags,
        "doc_type": doc_type,
        "year": year,
        "investment": max(investments, default=None),
        "funding_sources": list(dict.fromkeys(f["indicator"] for f in figures if f["kind"] == "funding")),
        "figures": [{k: v for k, v in f.items() if k not in ("case_id", "case_slug")} for f in figures],
        "source": source[0] if source else None,
        "source_title": source[1] if source else None,
        "source_locator": f"{source[0]}#{ordinal}@{span_start}-{span_end}" if source else "",
        "status": status,
        "quality_flags": flags,
        "themes_en": [t.name_en for t in case_themes],
    }


def _number(value):
    """A Decimal as a program reads it: an integer when it is one (32000, not 32000.0000)."""
    if value is None:
        return None
    value = plain_number(value)
    return int(value) if value == value.to_integral() else float(value)


def figures_by_case(ids: list[int]) -> dict[int, list[dict]]:
    """The key figures of these cases, each as a dict of FIGURE_FIELDS, in each case's order."""
    from .models import KeyFigure

    out: dict[int, list[dict]] = {}
    rows = KeyFigure.objects.filter(case_id__in=among(ids)).order_by("case_id", "pk")
    for values in rows.values_list("case_id", "case__slug", *FIGURE_FIELDS[2:]):
        row = dict(zip(FIGURE_FIELDS, values, strict=True))
        for name in ("value", "value_max", "baseline"):
            row[name] = _number(row[name])
        out.setdefault(row["case_id"], []).append(row)
    return out


def figure_rows(queryset) -> Iterator[dict]:
    """The key figures of the listed cases, in the list's order: the second CSV file."""
    ids = list(queryset.values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        wanted = ids[start : start + CHUNK]
        found = figures_by_case(wanted)
        for pk in wanted:
            yield from (clean(row) for row in found.get(pk, []))


def figure_cells(row: dict) -> list:
    return [neutralize(row[name]) for name in FIGURE_FIELDS]


def figures_csv_stream(rows: Iterable[dict], codes: bool = False) -> Iterator[str]:
    """The key-figures table as CSV (UTF-8 BOM), Chinese headers unless ``codes``."""
    yield "\ufeff" + csv_line(FIGURE_FIELDS if codes else [FIGURE_HEADERS[n] for n in FIGURE_FIELDS])
    yield from _batched(csv_line(figure_cells(row)) for row in rows)


def clean(values: dict) -> dict:
    """Without control characters, which no XML file (XLSX, DOCX, Atom) may hold: saves strip
    them, but a row written before that, a keyword or a filter's text may still carry some.
    (One search over the row's text first: most rows have none, and are returned as they are.)"""
    if not CONTROLS.search(_text(values)):
        return values
    return {key: _without_controls(value) for key, value in values.items()}


def _text(value) -> str:
    """Every string in a value, nested lists and dicts (the key figures) included, joined by line
    breaks (not controls): one search a row, where a generator a value took a tenth of a build."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        value = value.values()
    elif not isinstance(value, list | tuple):
        return ""
    return "\n".join([v if v.__class__ is str else _text(v) for v in value])


def _without_controls(value):
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, list):
        return [_without_controls(v) for v in value]
    if isinstance(value, dict):
        return {k: _without_controls(v) for k, v in value.items()}
    return value


def neutralize(value):
    """A cell as text that no spreadsheet will run as a formula; lists joined with ';', each
    element neutralised (a spreadsheet splitting on ';' would read each as a cell)."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(
            [v if v.__class__ is str and not v.startswith(FORMULA_STARTS) else str(neutralize(v)) for v in value]
        )
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_line(cells: list) -> str:
    """A row as Python's ``csv.writer`` writes it (the ``excel`` dialect: a cell quoted only when it
    holds a comma, a quote or a line break, quotes doubled, lines ended by CRLF), in a quarter of its
    time: the C writer looks up every character of a cell in the line terminator, a fifth of the CPU
    of a whole-library CSV, where these four searches run at memory speed (tests pin it to the module).
    A row of cells, never a lone empty one (which the module writes as ``""``)."""
    out = []
    for cell in cells:
        if cell.__class__ is not str:
            cell = "" if cell is None else str(cell)  # as the module writes them (floats by repr, which is str)
        if '"' in cell:
            cell = '"' + cell.replace('"', '""') + '"'
        elif "," in cell or "\n" in cell or "\r" in cell:
            cell = '"' + cell + '"'
        out.append(cell)
    return ",".join(out) + "\r\n"


def _batched(lines: Iterable[str], size: int = 1 << 16) -> Iterator[str]:
    """Lines gathered into pieces of about ``size`` characters: one write to the
    socket per piece instead of one per case."""
    buffer, length = [], 0
    for line in lines:
        buffer.append(line)
        length += len(line)
        if length >= size:
            yield "".join(buffer)
            buffer, length = [], 0
    if buffer:
        yield "".join(buffer)


def header_row(codes: bool = False) -> list[str]:
    return list(TABULAR_FIELDS) if codes else [HEADERS[name] for name in TABULAR_FIELDS]


def cells(row: dict, codes: bool = False) -> list:
    """A row's cells for a spreadsheet: neutralised, and for people the type and status in words."""
    words = {} if codes else IN_WORDS
    out = []
    for name in TABULAR_FIELDS:
        value = row[name]
        if name in words:
            value = words[name].get(value, value)
        # Most cells are text that starts with no formula sign: kept as they are without a call.
        out.append(value if value.__class__ is str and not value.startswith(FORMULA_STARTS) else neutralize(value))
    return out


DOC_TYPES = {code: str(label) for code, label in Case.DocType.choices}
STATUSES = {code: str(label) for code, label in Case.Status.choices}
# The coded columns a person reads in words (the field codes' headers keep the codes).
IN_WORDS = {
    "doc_type": DOC_TYPES,
    "status": STATUSES,
    **{
        name: {code: str(label) for code, label in choices.choices}
        for name, choices in (("county_kind", CountyKind), ("macro_region", MacroRegion), ("terrain", Terrain))
    },
}


def csv_stream(rows: Iterable[dict], codes: bool = False) -> Iterator[str]:
    """UTF-8 CSV with a BOM (Excel on Chinese Windows), one line per case."""
    yield "\ufeff" + csv_line(header_row(codes))  # at once: the download starts before the first query
    yield from _batched(csv_line(cells(row, codes)) for row in rows)


def built(chunks: Iterable[str]):
    """Text chunks written as UTF-8 to a temporary file, rewound: the download, whole."""
    out = tempfile.TemporaryFile()
    try:
        for chunk in chunks:
            out.write(chunk.encode())
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out


def meta(filters: dict, count: int | None = None, described: list[tuple[str, str]] = ()) -> dict:
    return {
        "portal": "乡村公共服务案例库",
        "version": getattr(settings, "PORTAL_VERSION", ""),
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "filters": clean(filters),
        "filters_in_words": clean({label: value for label, value in described}),
        "count": count,
        "fields": {
            name: {"zh": zh, "en": en, "header": HEADERS.get(name, "")} for name, (zh, en) in FIELD_DOCS.items()
        },
    }


def json_stream(
    rows: Iterable[dict], filters: dict, count: int, described: list[tuple[str, str]] = ()
) -> Iterator[str]:
    """``{"meta": …, "cases": [...]}``, written one case at a time (field codes: JSON is for programs)."""

    yield '{"meta": ' + json.dumps(meta(filters, count, described), ensure_ascii=False) + ', "cases": ['
    yield from _batched(("," if i else "") + "\n" + json.dumps(row, ensure_ascii=False) for i, row in enumerate(rows))
    yield "\n]}\n"


COLUMN_WIDTHS = {"title": 40, "summary": 60, "background": 40, "measures": 40, "outcomes": 40, "body": 60,
                 "themes": 30, "themes_en": 30, "tags": 30, "source_title": 30, "source_locator": 32, "url": 30}  # fmt: skip


def xlsx_file(
    rows: Iterable[dict], described: list[tuple[str, str]], count: int, codes: bool = False, out=None
) -> typing.IO[bytes]:
    """A workbook: the cases (header, frozen, sized columns, an autofilter), then a sheet describing
    the export.  openpyxl's write-only mode keeps one row in memory; ``out``: where to save it."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.writer.excel import ExcelWriter

    book = Workbook(write_only=True)
    sheet = book.create_sheet("案例 Cases")
    sheet.freeze_panes = "B2"
    last = get_column_letter(len(TABULAR_FIELDS))
    sheet.auto_filter.ref = f"A1:{last}{count + 1}"
    for i, name in enumerate(TABULAR_FIELDS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = COLUMN_WIDTHS.get(name, 14)
    bold = Font(bold=True)
    header = []
    for name in header_row(codes):
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    # The key figures on a sheet of their own, written as the cases pass (write-only sheets each
    # keep their own file: nothing is held in memory).
    figures = book.create_sheet("关键数据 Figures")
    figures.freeze_panes = "A2"
    for i, name in enumerate(FIGURE_FIELDS, start=1):
        figures.column_dimensions[get_column_letter(i)].width = {"indicator": 30, "quote": 50}.get(name, 12)
    figure_header = []
    for name in FIGURE_FIELDS if codes else [FIGURE_HEADERS[n] for n in FIGURE_FIELDS]:
        cell = WriteOnlyCell(figures, value=name)
        cell.font = bold
        figure_header.append(cell)
    figures.append(figure_header)
    try:
        for row in rows:
            sheet.append(cells(row, codes))
            for figure in row["figures"]:
                figures.append(figure_cells({**figure, "case_id": row["id"], "case_slug": row["slug"]}))
    except BaseException:
        _discard(sheet)
        _discard(figures)
        raise
    about = book.create_sheet("说明 About")
    about.column_dimensions["A"].width = 24
    about.column_dimensions["B"].width = 40
    about.column_dimensions["C"].width = 50
    about.append(["乡村公共服务案例库 · Rural Public-Service Case Library"])
    about.append(["导出时间 Exported at", timezone.localtime().strftime("%Y-%m-%d %H:%M")])
    about.append(["版本 Portal version", getattr(settings, "PORTAL_VERSION", "")])
    about.append(["案例数 Cases", count])
    about.append(
        [
            "筛选条件 Filters",
            strip_controls("；".join(f"{label}：{value}" for label, value in described))
            or "全部已发布案例 All published cases",
        ]
    )
    about.append([])
    about.append(["表头 Header", "字段 Field", "说明", "Description"])
    for name in TABULAR_FIELDS:
        zh, en = FIELD_DOCS[name]
        about.append([HEADERS[name], name, zh, en])
    about.append([])
    about.append(["关键数据表 Key figures sheet"])
    for name in FIGURE_FIELDS:
        zh, en = FIGURE_DOCS[name]
        about.append([FIGURE_HEADERS[name], name, zh, en])
    out = out if out is not None else tempfile.TemporaryFile()
    # Deflate level 4: the sheet's XML is most of the time a large workbook takes; on Chinese text
    # level 4 takes about half the time of the default level 6 for a file about a tenth larger.
    ExcelWriter(book, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, allowZip64=True, compresslevel=4)).save()
    if hasattr(out, "seek"):
        out.seek(0)
    return out


def _discard(sheet) -> None:
    """An unfinished write-only sheet's temporary file removed now, not when the worker exits."""
    import contextlib
    import os

    for generator in (getattr(sheet, "_rows", None), getattr(getattr(sheet, "_writer", None), "xf", None)):
        with contextlib.suppress(Exception):
            generator.close()
    writer = getattr(sheet, "_writer", None)
    if writer is not None:
        with contextlib.suppress(Exception):
            os.remove(writer.out)


def filters_in_words(case_filter) -> list[tuple[str, str]]:
    """(label, value) of each filter of a valid, bound CaseFilter, as a person says it:
    names of places, themes and types rather than their codes."""
    if not case_filter.is_bound or not case_filter.form.is_valid():
        return []
    data = case_filter.form.cleaned_data
    out = []
    for key, label in (("province", "省份"), ("prefecture", "地市"), ("county", "区县")):
        if data.get(key):
            out.append((label, data[key].name))
    if data.get("theme"):
        out.append(("主题", "、".join(theme.name for theme in data["theme"])))
    if data.get("doc_type"):
        out.append(("类型", DOC_TYPES.get(data["doc_type"], data["doc_type"])))
    if data.get("tag"):
        out.append(("关键词标签", data["tag"].name))
    for key, label in (("county_kind", "县级类型"), ("macro_region", "区域"), ("terrain", "地形")):
        if data.get(key):
            out.append((label, IN_WORDS[key].get(data[key], data[key])))
    if data.get("mine") and data.get("sort") == "like_mine":
        out.append(("我的县", data["mine"].name))
    if data.get("q"):
        out.append(("检索词", data["q"]))
    low, high = data.get("year_min"), data.get("year_max")
    if low is not None or high is not None:
        if low is not None and high is not None:
            out.append(("年份", f"{int(low)}–{int(high)}年" if low != high else f"{int(low)}年"))
        else:
            out.append(("年份", f"{int(low)}年及以后" if low is not None else f"{int(high)}年及以前"))
    if data.get("source"):
        out.append(("来源文档", data["source"].title or data["source"].file_name))
    if data.get("has_figures"):
        out.append(("关键数据", "有关键数据"))
    low, high = data.get("investment_min"), data.get("investment_max")
    if low is not None or high is not None:
        amount = (
            f"{low:g}–{high:g}万元"
            if low is not None and high is not None
            else (f"{low:g}万元及以上" if low is not None else f"{high:g}万元及以下")
        )
        out.append(("投资", amount))
    if data.get("sort"):
        out.append(("排序", str(dict(case_filter.SORTS).get(data["sort"], data["sort"]))))
    return [(label, strip_controls(value)) for label, value in out]  # they go into XML files and names


NAME_PREFIX = "乡村公共服务案例"
UNSAFE_IN_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f\s]+')


def download_names(described: list[tuple[str, str]], extension: str, day=None) -> tuple[str, str]:
    """(file name, ASCII fallback) saying what was filtered and when, e.g.
    ``乡村公共服务案例_四川省_农村养老服务_2026-12-01.xlsx`` and ``rural-cases_2026-12-01.xlsx``."""
    day = (day or timezone.localdate()).isoformat()
    values = [UNSAFE_IN_NAMES.sub("-", value).strip("-.")[:24] for label, value in described if label != "排序"]
    name = "_".join([NAME_PREFIX, *(v for v in values if v), day])[:150]
    return f"{name}.{extension}", f"rural-cases_{day}.{extension}"


def content_disposition(name: str, fallback: str, inline: bool = False) -> str:
    """RFC 6266: the UTF-8 name for browsers that read ``filename*``, an ASCII one for the rest."""
    from urllib.parse import quote

    kind = "inline" if inline else "attachment"
    if name == fallback:
        return f'{kind}; filename="{fallback}"'
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def filtered_cases(include_drafts: bool = False, province: str = "", theme: str = "", q: str = ""):
    """The command line's filters, through the same FilterSet as the pages."""
    from .filters import CaseFilter
    from .models import Region, Theme

    queryset = Case.objects.all() if include_drafts else Case.objects.published()
    params = {"q": q}
    if province:
        region = (
            Region.objects.filter(level="province", name__startswith=province).first()
            or Region.objects.filter(code=province).first()
        )
        params["province"] = region.code if region else "000000"
    if theme:
        found = Theme.objects.filter(name=theme).first() or Theme.objects.filter(slug=theme).first()
        params["theme"] = [found.slug if found else theme]
    case_filter = CaseFilter(params, queryset=queryset)
    return case_filter.qs if case_filter.is_valid() else queryset.none()


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_csv(header: list, rows: list[list]) -> str:
    """A small table (the statistics page's) as CSV with a BOM, for Excel on Chinese Windows."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([[neutralize(v) for v in row] for row in rows])
    return "\ufeff" + out.getvalue()


def table_xlsx(header: list, rows: list[list]) -> bytes:
    """A small table as a workbook: bold frozen header, an autofilter, the first column wide."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.append([neutralize(v) for v in header])  # the compared cases' titles head the columns
    for row in rows:
        sheet.append([neutralize(v) for v in row])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = sheet.dimensions
    sheet.column_dimensions["A"].width = 28
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
