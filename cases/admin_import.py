"""Importing from the admin: a document (uploaded or pasted) through the
ingestion pipeline with an editable preview, and spreadsheets that provinces
keep, with a validation report per row.  Nothing is written before the
editor confirms; everything is saved as drafts under a new Source."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field

from django import forms
from django.contrib import admin as django_admin
from django.contrib import messages
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from .duplicates import near_duplicates
from .export import table_csv
from .ingest import rearrange
from .ingest.decode import MAX_BYTES, BadInput, decode_document
from .ingest.formats import read_document
from .ingest.pipeline import ParsedCase, ParsedDocument, parse_document
from .ingest.regions import LEVELS, Resolution, place_by_names
from .load import LoadReport, gazetteer, load_document, load_regions
from .models import Case, Region, Source, Theme
from .quality import flag
from .text import normalize

# ---- a document ------------------------------------------------------------------------------


class DocumentForm(forms.Form):
    file = forms.FileField(
        label=_l("上传文件"),
        required=False,
        help_text=_l(
            "纯文本（UTF-8、GBK/GB18030、UTF-16）、Word 文档（.docx）、带文字层的 PDF 或保存的网页（.html），"
            "不超过 10 MB"
        ),
    )
    text = forms.CharField(label=_l("或粘贴文本"), required=False, widget=forms.Textarea(attrs={"rows": 14}))
    title = forms.CharField(label=_l("文档标题"), required=False, help_text=_l("留空则从文中识别"))
    publisher = forms.CharField(label=_l("发布者"), required=False)

    def clean(self):
        cleaned = super().clean()
        upload, text = cleaned.get("file"), (cleaned.get("text") or "")
        if upload is None and not text.strip():
            raise forms.ValidationError(_("请上传文件或粘贴文本。"))
        try:
            if upload is not None:
                if upload.size > MAX_BYTES:
                    raise BadInput(f"文件过大：{upload.size / 1024 / 1024:.1f} MB，上限为 10 MB")
                extracted = read_document(upload.name, upload.read(MAX_BYTES + 1))
                name = upload.name
            else:
                extracted = read_document("pasted.txt", text.encode("utf-8"))
                name = "pasted.txt"
        except BadInput as error:
            raise forms.ValidationError(_("无法导入：%s。没有保存任何内容。") % error) from None
        cleaned["raw"], cleaned["encoding"], cleaned["file_name"] = _newlines(extracted.text), extracted.format, name
        cleaned["file_title"] = extracted.title
        return cleaned


def _newlines(text: str) -> str:
    # Browsers send form text with CRLF; files read by the loader have LF.  One form, one hash.
    return text.replace("\r\n", "\n").replace("\r", "\n")


class PlaceField(forms.ModelChoiceField):
    """A region chosen by typing its name (the admin's autocomplete), shown by its path (北京市 › 怀柔区)."""

    def __init__(self, **kwargs):
        widget = AutocompleteSelect(Case._meta.get_field("county"), django_admin.site)
        super().__init__(Region.objects.select_related("parent__parent"), required=False, widget=widget, **kwargs)

    def label_from_instance(self, region):
        return region.path


def _text(label, rows: int = 3):
    """A text of the preview, as tall as its text (css/admin.css)."""
    return forms.CharField(
        label=label, required=False, widget=forms.Textarea(attrs={"rows": rows, "class": "import-text"})
    )


class PreviewCaseForm(forms.Form):
    include = forms.BooleanField(label=_l("导入"), required=False, initial=True)
    title = forms.CharField(label=_l("标题"), required=False)
    doc_type = forms.ChoiceField(label=_l("文档类型"), choices=Case.DocType.choices)
    year = forms.IntegerField(label=_l("年份"), required=False, min_value=1949, max_value=2100)
    place = PlaceField(label=_l("地区"))
    themes = forms.ModelMultipleChoiceField(
        Theme.objects.all(),
        required=False,
        label=_l("主题"),
        widget=AutocompleteSelectMultiple(Case._meta.get_field("themes"), django_admin.site),
    )
    summary = _text(_l("摘要"))
    background = _text(_l("背景"))
    measures = _text(_l("主要做法"), rows=4)
    outcomes = _text(_l("成效"))


PreviewFormSet = forms.formset_factory(PreviewCaseForm, extra=0)
# The sections a preview form and a spreadsheet row carry (the others are edited in the case's own form).
TEXTS = ("summary", "background", "measures", "outcomes")


class ConfirmForm(forms.Form):
    raw = forms.CharField(widget=forms.HiddenInput)
    file_name = forms.CharField(widget=forms.HiddenInput)
    title = forms.CharField(widget=forms.HiddenInput, required=False)
    publisher = forms.CharField(widget=forms.HiddenInput, required=False)
    file_title = forms.CharField(widget=forms.HiddenInput, required=False)
    sha256 = forms.CharField(widget=forms.HiddenInput)
    # Where each item starts (cases/ingest/rearrange.py): the curator's splits and merges.
    layout = forms.CharField(widget=forms.HiddenInput, required=False)


def _parse(raw: str, file_name: str, title: str, publisher: str, file_title: str = "") -> ParsedDocument:
    load_regions()
    doc = parse_document(raw, file_name, gazetteer())
    doc.title = title or file_title or doc.title
    doc.publisher = publisher or doc.publisher
    return doc


def _initial(parsed) -> dict:
    code = parsed.county or parsed.prefecture or parsed.province
    return {
        "include": True,
        "title": parsed.title,
        "doc_type": parsed.doc_type,
        "year": parsed.year,
        "place": code,
        "themes": list(Theme.objects.filter(slug__in=parsed.themes)),
        **{name: getattr(parsed, name) for name in TEXTS},
    }


def _apply_edits(parsed, data: dict) -> None:
    region: Region | None = data.get("place")
    lineage = region.lineage() if region else {}
    code = parsed.county or parsed.prefecture or parsed.province
    # A value the editor chose is no longer inferred: its evidence is the editor.
    chosen = {
        "region": (region.code if region else None) != code,
        "year": data.get("year") != parsed.year,
        "doc_type": data.get("doc_type", parsed.doc_type) != parsed.doc_type,
        "themes": sorted(t.slug for t in data.get("themes", [])) != sorted(parsed.themes),
    }
    parsed.evidence.update({name: "编辑在导入预览中指定" for name, changed in chosen.items() if changed})
    # What was cut from a title or left out of a summary explains the importer's text only.
    for name in ("title", "summary"):
        if _newlines(data.get(name, getattr(parsed, name))).strip() != getattr(parsed, name):
            parsed.evidence.pop(name, None)
    parsed.title = data.get("title", parsed.title).strip()
    for name in TEXTS:
        setattr(parsed, name, _newlines(data.get(name, getattr(parsed, name))).strip())
    parsed.province, parsed.prefecture, parsed.county = (lineage[k].code if lineage.get(k) else None for k in LEVELS)
    # The flags the editor's values settle.
    settled = {"year-conflict": data.get("year") != parsed.year, "region-unknown": region, "no-title": parsed.title}
    parsed.flags = [f for f in parsed.flags if not settled.get(f)]
    parsed.year = data.get("year")
    parsed.doc_type = data.get("doc_type") or parsed.doc_type
    parsed.themes = sorted(t.slug for t in data.get("themes", []))


def _formset(items, posted=None):
    return PreviewFormSet(posted, initial=[_initial(c) for c in items], prefix="case")


def _already(sha256: str) -> Source | None:
    return Source.objects.filter(sha256=sha256).first()


def document_view(admin):
    def view(request):
        if not admin.has_add_permission(request):
            raise PermissionDenied
        context = {**admin.admin_site.each_context(request), "opts": Case._meta, "title": _("导入文档")}
        step = request.POST.get("step") if request.method == "POST" else None
        if step == "confirm":
            return _confirm(request, context)
        form = DocumentForm(request.POST or None, request.FILES or None)
        if step == "preview" and form.is_valid():
            data = form.cleaned_data
            doc = _parse(data["raw"], data["file_name"], data["title"], data["publisher"], data["file_title"])
            if (source := _already(doc.sha256)) is not None:
                form.add_error(
                    None,
                    _("这份文档已经导入过（来源“%(source)s”，%(n)d 个案例），没有重复导入。")
                    % {"source": source, "n": source.cases.count()},
                )
                context["existing"] = source
            elif not doc.cases:
                form.add_error(None, _("没有在文本中找到任何案例。没有保存任何内容。"))
            else:
                layout = rearrange.original_layout(doc)
                return _preview(request, context, doc, data, layout, rearrange.items(doc, layout, gazetteer()))
        return TemplateResponse(request, "admin/cases/case/import_document.html", {**context, "form": form})

    return view


# The form fields beside which each kind of evidence is shown; the rest is listed under the item.
EVIDENCE_FIELDS = {
    "place": ("region", "place", "province", "prefecture", "county"),
    "themes": ("themes", "theme"),
    "doc_type": ("doc_type", "type"),
    "year": ("year", "date"),
    "title": ("title",),
    "summary": ("summary",),
}


def _evidence_rows(parsed, case_form) -> tuple[list, list]:
    evidence = dict(parsed.evidence)
    fields = []
    for bound in case_form:
        notes = [evidence.pop(key) for key in EVIDENCE_FIELDS.get(bound.name, ()) if evidence.get(key)]
        fields.append((bound, "；".join(notes)))
    return fields, sorted(evidence.items())


def _preview(request, context, doc, data, layout, items, formset=None):
    formset = formset or _formset(items)
    lines = rearrange.lines_of(doc)
    rows = []
    for n, (parsed, case_form, (start, end)) in enumerate(
        zip(items, formset.forms, rearrange.ranges(layout, doc), strict=True)
    ):
        text = "\n".join(getattr(parsed, name) for name in (*TEXTS, "body"))
        fields, other_evidence = _evidence_rows(parsed, case_form)
        # The item's paragraphs, each with the place where a new item could start before it.
        paragraphs = [(at, lines[at].text, start + 1 < at) for at in range(start + 1, end) if lines[at].text]
        if not lines[start].title and not parsed.title:  # an item without a title starts with a paragraph
            paragraphs.insert(0, (start, lines[start].text, False))
        rows.append(
            {
                "number": n + 1,
                "parsed": parsed,
                "form": case_form,
                "fields": fields,
                "evidence": other_evidence,
                "paragraphs": paragraphs,
                "can_merge": n + 1 < len(items),
                "flags": [flag(c) for c in parsed.flags],
                "duplicates": near_duplicates(parsed.title, text),
            }
        )
    confirm = ConfirmForm(
        initial={
            "raw": doc.raw,
            "file_name": doc.file_name,
            "title": data.get("title", ""),
            "publisher": data.get("publisher", ""),
            "file_title": data.get("file_title", ""),
            "sha256": doc.sha256,
            "layout": rearrange.to_string(layout),
        }
    )
    return TemplateResponse(
        request,
        "admin/cases/case/import_preview.html",
        {**context, "doc": doc, "rows": rows, "formset": formset, "confirm": confirm, "media": formset.media},
    )


def _rearranged(request, context, doc, data, layout, items, action: str):
    """The preview again after a split or a merge: the items the curator did not touch keep what
    was typed into them; nothing is saved."""
    old = rearrange.ranges(layout, doc)
    kind, _sep, argument = action.partition(":")
    try:
        if kind == "split":
            new_layout = rearrange.split(layout, int(argument), doc)
        elif kind == "merge":
            new_layout = rearrange.merge(layout, int(argument))
        else:
            raise ValueError(action)
    except ValueError:
        messages.error(request, _("无法在这里拆分或合并。"))
        new_layout = layout
    posted = _formset(items, request.POST)
    kept = {span: form.cleaned_data for span, form in zip(old, posted.forms, strict=False) if form.is_valid()}
    new_items = rearrange.items(doc, new_layout, gazetteer())
    initial = [
        kept.get(span) or _initial(item)
        for span, item in zip(rearrange.ranges(new_layout, doc), new_items, strict=True)
    ]
    return _preview(request, context, doc, data, new_layout, new_items, PreviewFormSet(initial=initial, prefix="case"))


def _again(request, message: str):
    messages.error(request, message)
    return HttpResponseRedirect(reverse("admin:cases_case_import"))


def _confirm(request, context):
    confirm = ConfirmForm(request.POST)
    if not confirm.is_valid():
        return _again(request, _("导入数据不完整，请重新导入。"))
    data = confirm.cleaned_data
    raw = _newlines(data["raw"])
    doc = _parse(raw, data["file_name"], data["title"], data["publisher"], data["file_title"])
    if doc.sha256 != data["sha256"]:
        return _again(request, _("导入数据在预览后被改动，请重新导入。"))
    try:
        layout = rearrange.from_string(data["layout"], doc) if data["layout"] else rearrange.original_layout(doc)
    except ValueError:
        return _again(request, _("导入数据不完整，请重新导入。"))
    items = rearrange.items(doc, layout, gazetteer())
    if action := request.POST.get("action"):
        return _rearranged(request, context, doc, data, layout, items, action)
    formset = _formset(items, request.POST)
    if not formset.is_valid() or len(formset.forms) != len(items):
        return _preview(request, context, doc, data, layout, items, formset)
    if (source := _already(doc.sha256)) is not None:
        messages.warning(request, _("这份文档已经导入过，没有重复导入。"))
        return HttpResponseRedirect(reverse("admin:cases_case_changelist") + f"?source__id__exact={source.pk}")
    kept = []
    for parsed, case_data in zip(items, formset.cleaned_data, strict=True):
        if case_data.get("include"):
            _apply_edits(parsed, case_data)
            kept.append(parsed)
    if not kept:
        messages.warning(request, _("没有选择要导入的案例，没有保存任何内容。"))
        return HttpResponseRedirect(reverse("admin:cases_case_import"))
    doc.cases = kept
    report = LoadReport()
    with transaction.atomic():
        source = load_document(doc, report, publish=False)
    messages.success(
        request,
        _("已导入 %(n)d 个案例，状态为草稿。来源：%(source)s") % {"n": report.counts["created"], "source": source},
    )
    return HttpResponseRedirect(reverse("admin:cases_case_changelist") + f"?source__id__exact={source.pk}")


# ---- spreadsheets ----------------------------------------------------------------------------

COLUMNS = [
    ("title", "标题", True, "必填"),
    ("province", "省份", True, "如：浙江省；全国性条目填“全国”"),
    ("prefecture", "地市", False, "如：湖州市"),
    ("county", "区县", False, "如：安吉县"),
    ("year", "年份", False, "四位数字，如 2023"),
    ("themes", "主题", True, "一至三个，用顿号或分号分隔；见“主题”表"),
    ("tags", "关键词", False, "用顿号或分号分隔"),
    ("doc_type", "文档类型", False, "案例、报告、政策、新闻、评论；默认为案例"),
    ("summary", "摘要", False, ""),
    ("background", "背景", False, ""),
    ("measures", "主要做法", False, "与“正文”至少填一项"),
    ("outcomes", "成效", False, ""),
    ("body", "正文", False, "与“主要做法”至少填一项"),
]
HEADERS = {label: key for key, label, _req, _help in COLUMNS}
LABELS = list(HEADERS)
SPLIT = re.compile(r"[、;；,，\n]+")
MAX_ROWS = 5000
EXAMPLE = {
    "title": "某县“积分超市”激发村民参与人居环境整治",
    "province": "浙江省",
    "prefecture": "湖州市",
    "county": "安吉县",
    "year": "2023",
    "themes": "农村人居环境",
    "tags": "垃圾分类、积分制",
    "doc_type": "案例",
    "summary": "（示例行，导入前请删除）",
    "measures": "……",
}


def sheet_template(request, fmt: str):
    """The template provinces fill in: XLSX (with a themes sheet) or CSV."""
    if not request.user.has_perm("cases.add_case"):
        raise PermissionDenied
    example = [EXAMPLE.get(key, "") for key in HEADERS.values()]
    if fmt == "csv":
        response = HttpResponse(table_csv(LABELS, [example]), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="cases-template.csv"'
        return response
    if fmt != "xlsx":
        raise PermissionDenied
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = "案例"
    sheet.append(LABELS)
    sheet.append(example)
    for cell, (_key, _label, required, help_text) in zip(sheet[1], COLUMNS, strict=True):
        cell.font = Font(bold=True, color="AA0000" if required else "000000")
        if help_text:
            cell.comment = Comment(("必填。" if required else "") + help_text, "案例库")
        sheet.column_dimensions[cell.column_letter].width = 40 if _key in ("title", "summary", "measures") else 14
    types = DataValidation(type="list", formula1='"案例,报告,政策,新闻,评论"', allow_blank=True)
    sheet.add_data_validation(types)
    types.add(f"H2:H{MAX_ROWS + 1}")
    themes = book.create_sheet("主题")
    themes.append(["主题名称", "英文", "说明"])
    for theme in Theme.objects.order_by("position"):
        themes.append([theme.name, theme.name_en, theme.description])
    themes.column_dimensions["A"].width = 30
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="cases-template.xlsx"'
    return response


class SheetForm(forms.Form):
    file = forms.FileField(
        label=_l("表格文件"), help_text=_l("按模板填写的 XLSX 或 CSV（UTF-8 或 GBK），不超过 5000 行")
    )


class SheetError(Exception):
    pass


# A spreadsheet is read as a stream and refused as soon as it is too big: an XLSX is a zip whose
# parts may decompress to a thousand times their size (a 1.9 MB file of 200,000 rows once held a
# worker for 41 s at 0.9 GB).  The parts' declared sizes are summed before anything is parsed
# (zipfile never inflates a part beyond its declared size), and rows are counted as they come.
MAX_UNZIPPED = 50 * 1024 * 1024
MAX_COLUMNS = 40  # the template has 13; cells further right are not read
MAX_BLANK_ROWS = MAX_ROWS  # blank rows are skipped, but not without end


def _xlsx_rows(data: bytes):
    import zipfile

    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise SheetError(_("不是有效的 XLSX 文件")) from None
    if unzipped > MAX_UNZIPPED:
        raise SheetError(
            _("解压后内容过大（%(mb)d MB，上限 %(max)d MB）") % {"mb": unzipped >> 20, "max": MAX_UNZIPPED >> 20}
        )
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
    except Exception:  # openpyxl raises many kinds of errors for broken files
        raise SheetError(_("不是有效的 XLSX 文件")) from None
    try:
        for row in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
            yield ["" if v is None else str(v).strip() for v in row]
    finally:
        book.close()


def _csv_rows(data: bytes):
    try:
        text, _encoding = decode_document(data)
    except BadInput as error:
        raise SheetError(str(error)) from None
    for row in csv.reader(io.StringIO(_newlines(text))):
        yield [v.strip() for v in row[:MAX_COLUMNS]]


def read_sheet(name: str, data: bytes) -> list[dict]:
    """Rows as {column key: text}, by the template's Chinese headers; at most MAX_ROWS of them."""
    if len(data) > MAX_BYTES:
        raise SheetError(_("文件过大（上限 10 MB）"))
    if name.lower().endswith(".xlsx"):
        table = _xlsx_rows(data)
    elif name.lower().endswith(".csv"):
        table = _csv_rows(data)
    else:
        raise SheetError(_("只支持 .xlsx 和 .csv 文件"))
    first = next(table, None)
    if first is None:
        raise SheetError(_("表格是空的"))
    header = [HEADERS.get(normalize(h).strip()) for h in first]
    missing = [label for key, label, required, _h in COLUMNS if required and key not in header]
    if missing:
        raise SheetError(_("缺少必需的列：%s（请使用下载的模板）") % "、".join(missing))
    rows, blank = [], 0
    for values in table:
        if not any(values):
            blank += 1
            if blank > MAX_BLANK_ROWS:
                raise SheetError(_("空行过多（超过 %d 行）") % MAX_BLANK_ROWS)
            continue
        if len(rows) == MAX_ROWS:
            raise SheetError(_("行数过多：超过 %d 行") % MAX_ROWS)
        rows.append({key: value for key, value in zip(header, values, strict=False) if key})
    return rows


@dataclass
class RowReport:
    number: int  # the row number in the spreadsheet (the header is row 1)
    values: dict
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    place: Resolution | None = None
    place_path: str = ""
    themes: list[Theme] = field(default_factory=list)
    duplicates: list[Case] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _place(gz, row: dict) -> tuple[Resolution, str | None]:
    """The row's place by the one resolver of cases/ingest/regions.py, and what is wrong with it."""
    names = [normalize(row.get(k, "")).strip() for k in LEVELS]
    place = place_by_names(gz, names)
    if "region-ambiguous" in place.flags:
        return place, _("地区不唯一：%s") % place.label
    if "region-unknown" in place.flags:
        return place, (_("未知地区：%s") % place.label) if place.label else _("未填写地区")
    return place, None


def _year(row: dict) -> str:
    return row.get("year", "").strip().removesuffix(".0").removesuffix("年")


def _doc_types() -> dict[str, str]:  # a row's document type by its label (案例) or value (case)
    return {str(label): value for value, label in Case.DocType.choices} | {v: v for v in Case.DocType.values}


def validate_rows(rows: list[dict]) -> list[RowReport]:
    gz = gazetteer()
    themes = {t.name: t for t in Theme.objects.all()} | {t.slug: t for t in Theme.objects.all()}
    types = _doc_types()
    reports, seen = [], {}
    this_year = timezone.localdate().year
    for number, row in enumerate(rows, start=2):
        report = RowReport(number, row)
        title = normalize(row.get("title", "")).strip()
        if not title:
            report.errors.append(_("缺少标题"))
        report.place, error = _place(gz, row)
        if error:
            report.errors.append(error)
        elif report.place.code:
            report.place_path = gz.path(report.place.code)
        names = [n.strip() for n in SPLIT.split(normalize(row.get("themes", ""))) if n.strip()]
        unknown = [n for n in names if n not in themes]
        if unknown:
            report.errors.append(_("未知主题：%s") % "、".join(unknown))
        if not names:
            report.errors.append(_("缺少主题"))
        if len(names) > 3:
            report.errors.append(_("主题最多三个"))
        report.themes = [themes[n] for n in names if n in themes]
        doc_type = normalize(row.get("doc_type", "")).strip()
        if doc_type and doc_type not in types:
            report.errors.append(_("未知文档类型：%s") % doc_type)
        year = _year(row)
        if year and not (year.isdigit() and 1949 <= int(year) <= this_year):
            report.errors.append(_("年份无效：%s") % row.get("year"))
        if not (row.get("measures", "").strip() or row.get("body", "").strip()):
            report.errors.append(_("缺少内容：“主要做法”和“正文”都是空的"))
        if not row.get("summary", "").strip():
            report.warnings.append(_("没有摘要"))
        key = (title, report.place.code or "")
        if title and key in seen:
            report.errors.append(_("与第 %d 行重复") % seen[key])
        seen.setdefault(key, number)
        text = "\n".join(row.get(k, "") for k in (*TEXTS, "body"))
        report.duplicates = near_duplicates(title, text) if title else []
        if report.duplicates:
            report.errors.append(_("与已有案例重复"))
        reports.append(report)
    return reports


def sheet_document(reports: list[RowReport], file_name: str, data: bytes) -> ParsedDocument:
    """The valid rows as a parsed document, for cases/load.py like any other import.  The source
    text is the spreadsheet as CSV, and each case points at its own row in it."""
    types = _doc_types()
    raw, spans = _as_csv(reports)
    cases = []
    for report in reports:
        if not report.ok:
            continue
        row, place = report.values, report.place
        texts = {k: _newlines(normalize(row.get(k, ""))).strip() for k in (*TEXTS, "body")}
        cases.append(
            ParsedCase(
                ordinal=report.number,
                title=normalize(row.get("title", "")).strip(),
                **texts,
                province=place.province,
                prefecture=place.prefecture,
                county=place.county,
                region_label=place.label,
                themes=sorted(t.slug for t in report.themes),
                tags=sorted({t.strip() for t in SPLIT.split(normalize(row.get("tags", ""))) if t.strip()}),
                doc_type=types.get(normalize(row.get("doc_type", "")).strip(), Case.DocType.CASE),
                year=int(_year(row)) if _year(row) else None,
                span=spans[report.number],
            )
        )
    return ParsedDocument(
        file_name=file_name,
        sha256=hashlib.sha256(data).hexdigest(),
        raw=raw,
        title=file_name,
        kind="spreadsheet",
        publisher="",
        batch="",
        doc_number="",
        year=None,
        cases=cases,
    )


def _save_rows(reports: list[RowReport], file_name: str, data: bytes) -> tuple[Source, int]:
    load_regions()
    report = LoadReport()
    source = load_document(sheet_document(reports, file_name, data), report, publish=False)
    return source, report.counts["created"]


def _as_csv(reports: list[RowReport]) -> tuple[str, dict[int, tuple[int, int]]]:
    """The spreadsheet as CSV text, and where each row (by its number) is in it."""

    def line(values: list[str]) -> str:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerow(values)
        return out.getvalue()

    parts, spans = [line(LABELS)], {}
    length = len(parts[0])
    for report in reports:
        text = line([report.values.get(k, "") for k, *_rest in COLUMNS])
        spans[report.number] = (length, length + len(text) - 1)
        parts.append(text)
        length += len(text)
    return "".join(parts), spans


def sheet_view(admin):
    salt = "cases.sheet-import"

    def view(request):
        if not admin.has_add_permission(request):
            raise PermissionDenied
        context = {**admin.admin_site.each_context(request), "opts": Case._meta, "title": _("从表格批量导入")}
        if request.method == "POST" and request.POST.get("step") == "confirm":
            try:
                payload = signing.loads(request.POST.get("payload", ""), salt=salt)
            except signing.BadSignature:
                messages.error(request, _("导入数据无效，请重新上传。"))
                return HttpResponseRedirect(reverse("admin:cases_case_import_sheet"))
            data = payload["data"].encode("latin-1")
            if _already(hashlib.sha256(data).hexdigest()):
                messages.warning(request, _("这个表格已经导入过，没有重复导入。"))
                return HttpResponseRedirect(reverse("admin:cases_case_changelist"))
            reports = validate_rows(read_sheet(payload["name"], data))  # again: the library may have changed
            source, created = _save_rows(reports, payload["name"], data)
            skipped = sum(1 for r in reports if not r.ok)
            messages.success(
                request,
                _("已导入 %(n)d 个案例（草稿），跳过 %(skipped)d 行有错误的行。") % {"n": created, "skipped": skipped},
            )
            return HttpResponseRedirect(reverse("admin:cases_case_changelist") + f"?source__id__exact={source.pk}")
        form = SheetForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read(MAX_BYTES + 1)
            try:
                rows = read_sheet(upload.name, data)
            except SheetError as error:
                form.add_error("file", _("无法读取：%s。没有保存任何内容。") % error)
            else:
                if _already(hashlib.sha256(data).hexdigest()):
                    form.add_error("file", _("这个表格已经导入过，没有重复导入。"))
                else:
                    reports = validate_rows(rows)
                    payload = signing.dumps(
                        {"name": upload.name, "data": data.decode("latin-1")}, salt=salt, compress=True
                    )
                    return TemplateResponse(
                        request,
                        "admin/cases/case/import_sheet_report.html",
                        {
                            **context,
                            "reports": reports,
                            "ok": sum(1 for r in reports if r.ok),
                            "bad": sum(1 for r in reports if not r.ok),
                            "payload": payload,
                            "file_name": upload.name,
                        },
                    )
        return TemplateResponse(request, "admin/cases/case/import_sheet.html", {**context, "form": form})

    return view
