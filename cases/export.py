"""Rows of cases for exports: one generator feeds every format.

What a person sees in the list is what they download: every export takes the
list's ``CaseFilter`` and its sort.  CSV and JSON stream row by row; XLSX is
written by openpyxl's write-only workbook, row by row, to a temporary file.
"""

from __future__ import annotations

import csv
import io
import json
import re
import tempfile
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.utils import timezone

from .ingest.controls import strip_controls
from .models import Case

FIELDS = [
    "id", "slug", "url", "title", "summary", "background", "measures", "outcomes", "body", "province",
    "prefecture", "county", "region_code", "region_label", "themes", "tags", "doc_type", "year", "source",
    "source_title", "source_locator", "status", "quality_flags",
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
    "body": ("清洗后的全文", "Full cleaned text"),
    "province": ("省级行政区全称", "Province, official name"),
    "prefecture": ("地级行政区全称", "Prefecture, official name"),
    "county": ("县级行政区全称", "County, official name"),
    "region_code": ("最细一级的 GB/T 2260 区划代码", "GB/T 2260 code of the narrowest place"),
    "region_label": ("文中地名写法；全国性条目为“全国”", "Place as the text writes it; 全国 for national items"),
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
# Column headers for people (the default in CSV and XLSX); ``?headers=codes`` writes the field codes
# instead, for programs.  With Chinese headers the type and status are written in words too.
HEADERS = {
    "id": "编号", "slug": "短标识", "url": "链接", "title": "标题", "summary": "摘要", "background": "背景",
    "measures": "主要做法", "outcomes": "成效", "body": "正文", "province": "省份", "prefecture": "地市",
    "county": "区县", "region_code": "区划代码", "region_label": "地名（原文）", "themes": "主题", "tags": "关键词",
    "doc_type": "文档类型", "year": "年份", "source": "来源文件", "source_title": "来源标题",
    "source_locator": "来源定位", "status": "状态", "quality_flags": "质量标记", "themes_en": "主题（英文）",
}  # fmt: skip
# Cells that a spreadsheet would run as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


COLUMNS = (
    "pk", "slug", "title", "summary", "background", "measures", "outcomes", "body", "province_id",
    "prefecture_id", "county_id", "region_label", "doc_type", "year", "source_id", "ordinal", "span_start",
    "span_end", "status", "quality_flags",
)  # fmt: skip
CHUNK = 2000


def case_rows(queryset, base: str = "") -> Iterator[dict]:
    """One dict per case; ``base`` (scheme and host) makes the URLs absolute.

    Plain rows, not model instances: the list's ids in one query, then the columns,
    themes and keywords with one query each per 2,000 cases, and the regions, sources
    and themes from small lookups made once — a whole library streams at several
    thousand rows a second in (nearly) constant memory: 100,000 ids are 4 MB."""
    from django.urls import reverse

    from .models import CaseKeyword, Region, Source, Theme

    base = base or getattr(settings, "SITE_URL", "")
    prefix = base + reverse("case_detail", args=["x"])[:-2]  # …/cases/
    regions = dict(Region.objects.values_list("code", "name"))
    sources = {pk: (name, title) for pk, name, title in Source.objects.values_list("pk", "file_name", "title")}
    themes = {t.pk: t for t in Theme.objects.all()}
    chunk: list[tuple] = []

    def flush():
        ids = [row[0] for row in chunk]
        by_case: dict[int, list] = {}
        for case_id, theme_id in (
            Case.themes.through.objects.filter(case_id__in=ids)
            .order_by("case_id", "theme__position")
            .values_list("case_id", "theme_id")
        ):
            by_case.setdefault(case_id, []).append(themes[theme_id])
        tags: dict[int, list[str]] = {}
        for case_id, name in CaseKeyword.objects.filter(content_object_id__in=ids).values_list(
            "content_object_id", "tag__name"
        ):
            tags.setdefault(case_id, []).append(name)
        for row in chunk:
            yield clean(_row(row, prefix, regions, sources, by_case.get(row[0], []), sorted(tags.get(row[0], []))))
        chunk.clear()

    # The list's order is read first, as ids alone: sorting the wide rows themselves made PostgreSQL
    # sort the whole library's text on disk (a whole-library CSV took 98 s, most of it waiting).
    # Then each chunk's columns by id, put back in that order.
    ids = list(queryset.values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        wanted = ids[start : start + CHUNK]
        found = {row[0]: row for row in Case.objects.filter(pk__in=wanted).values_list(*COLUMNS)}
        chunk.extend(found[pk] for pk in wanted if pk in found)
        yield from flush()


def _row(row, prefix, regions, sources, case_themes, tags) -> dict:
    (pk, slug, title, summary, background, measures, outcomes, body, province, prefecture, county, label,
     doc_type, year, source_id, ordinal, span_start, span_end, status, flags) = row  # fmt: skip
    source = sources.get(source_id)
    region = county or prefecture or province
    return {
        "id": pk,
        "slug": slug,
        "url": f"{prefix}{slug}/",
        "title": title,
        "summary": summary,
        "background": background,
        "measures": measures,
        "outcomes": outcomes,
        "body": body,
        "province": regions.get(province),
        "prefecture": regions.get(prefecture),
        "county": regions.get(county),
        "region_code": region,
        "region_label": label,
        "themes": [t.name for t in case_themes],
        "tags": tags,
        "doc_type": doc_type,
        "year": year,
        "source": source[0] if source else None,
        "source_title": source[1] if source else None,
        "source_locator": f"{source[0]}#{ordinal}@{span_start}-{span_end}" if source else "",
        "status": status,
        "quality_flags": flags,
        "themes_en": [t.name_en for t in case_themes],
    }


def clean(values: dict) -> dict:
    """Without control characters, which no XML file (XLSX, DOCX, Atom) may hold: saves strip
    them, but a row written before that, a keyword or a filter's text may still carry some."""
    return {key: _without_controls(value) for key, value in values.items()}


def _without_controls(value):
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, list):
        return [_without_controls(v) for v in value]
    return value


def neutralize(value):
    """A cell as text that no spreadsheet will run as a formula; lists joined with ';', each
    element neutralised (a spreadsheet splitting on ';' would read each as a cell)."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(str(neutralize(v)) for v in value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


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
    if not codes:
        row = {**row, "doc_type": DOC_TYPES.get(row["doc_type"], row["doc_type"]),
               "status": STATUSES.get(row["status"], row["status"])}  # fmt: skip
    return [neutralize(row[name]) for name in TABULAR_FIELDS]


DOC_TYPES = {code: str(label) for code, label in Case.DocType.choices}
STATUSES = {code: str(label) for code, label in Case.Status.choices}


def csv_stream(rows: Iterable[dict], codes: bool = False) -> Iterator[str]:
    """UTF-8 CSV with a BOM (Excel on Chinese Windows), one line per case."""
    writer = csv.writer(_Echo())

    yield "\ufeff" + writer.writerow(header_row(codes))  # at once: the download starts before the first query
    yield from _batched(writer.writerow(cells(row, codes)) for row in rows)


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
) -> tempfile.SpooledTemporaryFile:
    """A workbook: the cases (header, frozen, sized columns, an autofilter), then a sheet describing
    the export.  openpyxl's write-only mode keeps one row in memory; ``out``: where to save it."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

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
    try:
        for row in rows:
            sheet.append(cells(row, codes))
    except BaseException:
        _discard(sheet)
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
    out = out if out is not None else tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    book.save(out)
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
    sheet.append(header)
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
