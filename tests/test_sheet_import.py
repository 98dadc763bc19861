"""Spreadsheets from the provinces: places by the one gazetteer resolver, and files too big to read."""

import io
import time
import tracemalloc
import zipfile

import pytest
from django.conf import settings

from cases.admin_import import MAX_ROWS, MAX_UNZIPPED, SheetError, read_sheet, sheet_document, validate_rows
from cases.ingest.regions import load_gazetteer, place_by_names
from cases.load import LoadReport, load_document
from cases.models import Case, Theme


@pytest.fixture(scope="module")
def gz():
    return load_gazetteer(str(settings.REGIONS_FIXTURE))


@pytest.mark.parametrize(
    "names, code, flags, label",
    [
        (["浙江省", "湖州市", "安吉县"], "330523", [], "安吉县"),
        (["浙江", "湖州", "安吉"], "330523", [], "安吉县"),  # stems, as people type them
        (["北京市", "", "朝阳区"], "110105", [], "朝阳区"),  # a municipality's district, no prefecture
        (["吉林省", "", "朝阳区"], "220104", [], "朝阳区"),  # the other 朝阳区
        (["浙江省", "", ""], "330000", [], "浙江省"),
        (["全国", "", ""], None, [], "全国"),
        (["火星省", "", ""], None, ["region-unknown"], "火星省"),
        (["浙江省", "火星市", ""], None, ["region-unknown"], "浙江省 › 火星市"),
        (["", "", "朝阳区"], None, ["region-ambiguous"], "朝阳区"),  # which one?
        (["", "", ""], None, ["region-unknown"], ""),
    ],
)
def test_places_of_a_row_come_from_the_gazetteer(gz, names, code, flags, label):
    place = place_by_names(gz, names)
    assert (place.code, place.flags, place.label) == (code, flags, label)


def test_valid_rows_are_written_by_the_loader_with_their_row_in_the_source(seeded):
    theme = Theme.objects.first()
    rows = [
        {"title": "甲县互助养老", "province": "浙江", "prefecture": "湖州", "county": "安吉", "themes": theme.name,
         "tags": "互助养老；积分制", "year": "2023.0", "measures": "做法甲"},
        {"title": "乙县", "province": "火星省", "themes": theme.name, "measures": "做法乙"},
        {"title": "全国性文件", "province": "全国", "themes": theme.slug, "doc_type": "政策", "body": "正文丙"},
    ]  # fmt: skip
    reports = validate_rows(rows)
    assert [r.errors for r in reports] == [[], ["未知地区：火星省"], []]
    assert reports[0].place_path == "浙江省 › 湖州市 › 安吉县"
    doc = sheet_document(reports, "浙江.csv", b"the uploaded bytes")
    report = LoadReport()
    source = load_document(doc, report, publish=False)
    assert (source.kind, report.counts["created"]) == ("spreadsheet", 2)
    first, national = Case.objects.filter(source=source).order_by("ordinal")
    assert (first.ordinal, first.county_id, first.region_label, first.year, first.status) == (
        2, "330523", "安吉县", 2023, "draft"
    )  # fmt: skip
    assert sorted(first.tags.names()) == ["互助养老", "积分制"] and list(first.themes.all()) == [theme]
    assert first.source_excerpt.startswith("甲县互助养老,浙江,湖州,安吉,2023.0,")
    assert (national.province_id, national.region_label, national.doc_type) == (None, "全国", "policy")
    assert national.source_excerpt.startswith("全国性文件,全国")
    assert first.imported["title"] == "甲县互助养老"  # the loader remembers what it wrote


# ---- files too big to read (issue 20, finding 5) ------------------------------------------------

HEADER = ["标题", "省份", "主题", "主要做法"]


def xlsx(rows: int, cell: str = "x") -> bytes:
    """An XLSX of ``rows`` rows under the header, written part by part so that it costs the test
    little: a sheet of inline strings compresses a hundredfold."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(HEADER)
    template = io.BytesIO()
    book.save(template)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                z.writestr(info, src.read(info.filename))
                continue
            head, _, tail = src.read(info.filename).decode().partition("<sheetData>")
            tail = tail.partition("</sheetData>")[2]
            head = head.replace('<dimension ref="A1:D1"/>', f'<dimension ref="A1:D{rows + 1}"/>')
            with z.open(info.filename, "w") as part:
                part.write((head + "<sheetData>").encode())

                def row(number, values):
                    cells = "".join(
                        f'<c r="{col}{number}" t="inlineStr"><is><t>{value}</t></is></c>'
                        for col, value in zip("ABCD", values, strict=True)
                    )
                    return f'<row r="{number}">{cells}</row>'.encode()

                part.write(row(1, HEADER))
                for number in range(2, rows + 2):
                    part.write(row(number, [cell] * 4))
                part.write(("</sheetData>" + tail).encode())
    return out.getvalue()


def test_a_sheet_at_the_limit_is_read():
    rows = read_sheet("a.xlsx", xlsx(MAX_ROWS))
    assert len(rows) == MAX_ROWS and rows[0] == {"title": "x", "province": "x", "themes": "x", "measures": "x"}


def test_rows_are_counted_while_streaming_and_reading_stops_at_the_limit():
    data = xlsx(20_000)
    tracemalloc.start()
    try:
        with pytest.raises(SheetError, match="行数过多"):
            read_sheet("a.xlsx", data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # Reading every row before counting them held all 20,000 (5.7 MB here; 0.9 GB for 200,000 long ones).
    assert peak < 3 * 1024 * 1024


def test_a_zip_bomb_is_refused_before_it_is_inflated():
    data = xlsx(1, "啊" * (MAX_UNZIPPED // 3 + 1000))
    assert len(data) < 1024 * 1024  # tens of megabytes of text compress to almost nothing
    started = time.monotonic()
    tracemalloc.start()
    try:
        with pytest.raises(SheetError, match="解压后内容过大"):
            read_sheet("a.xlsx", data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1024 * 1024 and time.monotonic() - started < 1


def test_endless_blank_rows_are_refused():
    data = ("标题,省份,主题,主要做法\n" + ",,,\n" * (MAX_ROWS + 1) + "a,b,c,d\n").encode()
    with pytest.raises(SheetError, match="空行过多"):
        read_sheet("a.csv", data)
