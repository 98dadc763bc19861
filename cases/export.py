"""Rows of cases for exports: one generator feeds every format.

What a person sees in the list is what they download: every export takes the
list's ``CaseFilter`` and its sort.  CSV and JSON stream row by row; XLSX is
written by openpyxl's write-only workbook, row by row, to a temporary file.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Iterable, Iterator
from datetime import datetime

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

    Plain rows, not model instances: the columns in one streamed query, the
    regions, sources and themes from small lookups made once, and themes and
    keywords with one query per 2,000 cases — a whole library streams at
    several thousand rows a second in constant memory."""
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

    for row in queryset.values_list(*COLUMNS).iterator(chunk_size=CHUNK):
        chunk.append(row)
        if len(chunk) >= CHUNK:
            yield from flush()
    if chunk:
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


def csv_stream(rows: Iterable[dict]) -> Iterator[str]:
    """UTF-8 CSV with a BOM (Excel on Chinese Windows), one line per case."""
    writer = csv.writer(_Echo())
    fields = TABULAR_FIELDS

    yield "\ufeff" + writer.writerow(fields)  # at once: the download starts before the first query
    yield from _batched(writer.writerow([neutralize(row[f]) for f in fields]) for row in rows)


def meta(filters: dict, count: int | None = None) -> dict:
    return {
        "portal": "乡村公共服务案例库",
        "version": getattr(settings, "PORTAL_VERSION", ""),
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "filters": clean(filters),
        "count": count,
        "fields": {name: {"zh": zh, "en": en} for name, (zh, en) in FIELD_DOCS.items()},
    }


def json_stream(rows: Iterable[dict], filters: dict, count: int) -> Iterator[str]:
    """``{"meta": …, "cases": [...]}``, written one case at a time."""

    yield '{"meta": ' + json.dumps(meta(filters, count), ensure_ascii=False) + ', "cases": ['
    yield from _batched(("," if i else "") + "\n" + json.dumps(row, ensure_ascii=False) for i, row in enumerate(rows))
    yield "\n]}\n"


COLUMN_WIDTHS = {"title": 40, "summary": 60, "background": 40, "measures": 40, "outcomes": 40, "body": 60,
                 "themes": 30, "themes_en": 30, "tags": 30, "source_title": 30, "source_locator": 32, "url": 30}  # fmt: skip


def xlsx_file(rows: Iterable[dict], filters: dict, count: int) -> tempfile.SpooledTemporaryFile:
    """A workbook: the cases (header, frozen, sized columns), then a sheet describing the export."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet("案例 Cases")
    sheet.freeze_panes = "B2"
    for i, name in enumerate(TABULAR_FIELDS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = COLUMN_WIDTHS.get(name, 14)
    bold = Font(bold=True)
    header = []
    for name in TABULAR_FIELDS:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([neutralize(row[f]) for f in TABULAR_FIELDS])
    about = book.create_sheet("说明 About")
    info = meta(filters, count)
    about.append(["乡村公共服务案例库 · Rural Public-Service Case Library"])
    about.append(["导出时间 Exported at", info["exported_at"]])
    about.append(["版本 Portal version", info["version"]])
    about.append(["案例数 Cases", count])
    about.append(["筛选条件 Filters", json.dumps(info["filters"], ensure_ascii=False) if filters else "（无 none）"])
    about.append([])
    about.append(["字段 Field", "说明", "Description"])
    for name in TABULAR_FIELDS:
        zh, en = FIELD_DOCS[name]
        about.append([name, zh, en])
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    book.save(out)
    out.seek(0)
    return out


def export_filename(extension: str) -> str:
    return f"cases-{datetime.now().strftime('%Y%m%d-%H%M')}.{extension}"


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
