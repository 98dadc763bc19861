"""Exports of the current filtered list: CSV, XLSX, JSON."""

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from cases.export import JSON_FIELDS, TABULAR_FIELDS
from cases.filters import CaseFilter
from cases.models import Case, Theme

FILTERS = ["", "province=510000", "theme=elderly-care", "q=養老&sort=title", "doc_type=news&year_min=2021&tag=扫黑除恶"]


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def as_json(client, params):
    response = client.get(f"/cases/export.json?{params}")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(body(response))


def expected_slugs(params):
    from django.http import QueryDict

    return list(CaseFilter(QueryDict(params), queryset=Case.objects.published()).qs.values_list("slug", flat=True))


@pytest.mark.parametrize("params", FILTERS)
def test_every_format_holds_exactly_the_filtered_list_in_its_order(seeded, client, params):
    data = as_json(client, params)
    assert [r["slug"] for r in data["cases"]] == expected_slugs(params)
    assert data["meta"]["count"] == len(data["cases"])

    text = body(client.get(f"/cases/export.csv?{params}&headers=codes")).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert [r["slug"] for r in rows] == [r["slug"] for r in data["cases"]]

    book = load_workbook(io.BytesIO(body(client.get(f"/cases/export.xlsx?{params}&headers=codes"))))
    sheet = book.worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == TABULAR_FIELDS
    assert [r[1] for r in values[1:]] == [r["slug"] for r in data["cases"]]


def test_csv_read_back_equals_the_json(seeded, client):
    data = as_json(client, "province=330000")
    text = body(client.get("/cases/export.csv?province=330000&headers=codes")).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    for row, case in zip(rows, data["cases"], strict=True):
        for field in TABULAR_FIELDS:
            value = case[field]
            expected = ";".join(value) if isinstance(value, list) else ("" if value is None else str(value))
            assert (field, row[field]) == (field, expected)


def test_multi_line_fields_survive_the_csv(seeded, client):
    text = body(client.get("/cases/export.csv?source=2&headers=codes")).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert any("\n" in r["body"] for r in rows)


def test_formula_injection_is_neutralised_in_csv_and_xlsx(seeded, client):
    case = Case.objects.published().get(county__name="名山区")
    case.title = '=HYPERLINK("http://evil.example","点我")'
    case.summary = "+1+2"
    case.region_label = "@SUM(A1)"
    case.save()
    case.tags.add("-危险")
    text = body(client.get("/cases/export.csv?county=511803&headers=codes")).decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["title"] == "'" + case.title
    assert row["summary"] == "'+1+2"
    assert row["region_label"] == "'@SUM(A1)"
    assert row["tags"].startswith("'-危险") or row["tags"] == "'-危险;代办服务"
    book = load_workbook(io.BytesIO(body(client.get("/cases/export.xlsx?county=511803"))))
    cells = {c.value for c in book.worksheets[0][2]}
    assert "'" + case.title in cells
    assert not any(isinstance(v, str) and v.startswith("=") for v in cells)


def test_the_workbook_describes_the_export(seeded, client):
    book = load_workbook(io.BytesIO(body(client.get("/cases/export.xlsx?theme=elderly-care&province=370000"))))
    cases, figures, about = book.worksheets
    assert cases.freeze_panes == "B2"
    assert cases.column_dimensions["D"].width == 40  # title
    assert cases.auto_filter.ref == "A1:AG2"  # an autofilter over the header and the one case
    assert [c.value for c in figures[1]] == [
        "案例编号",
        "案例短标识",
        "类别",
        "指标",
        "数值",
        "上限",
        "单位",
        "基线",
        "起始年份",
        "截止年份",
        "已核实",
        "原文",
    ]
    lines = [r for r in about.iter_rows(values_only=True)]
    assert lines[3][:2] == ("案例数 Cases", 1)
    assert lines[4][1] == "省份：山东省；主题：农村养老服务"  # in words, not codes
    assert ("区划代码", "region_code", "最细一级的 GB/T 2260 区划代码", "GB/T 2260 code of the narrowest place") in [
        line[:4] for line in lines
    ]


def test_json_has_the_command_keys_plus_english_themes_and_a_data_dictionary(seeded, client):
    data = as_json(client, "county=150207")
    assert list(data["cases"][0]) == JSON_FIELDS
    assert data["cases"][0]["themes_en"] == [Theme.objects.get(name=n).name_en for n in data["cases"][0]["themes"]]
    assert set(data["meta"]["fields"]) == set(JSON_FIELDS)
    assert data["meta"]["filters"] == {"county": "150207"}
    assert data["meta"]["exported_at"]
    assert data["cases"][0]["url"] == "http://testserver" + Case.objects.get(county__name="九原区").get_absolute_url()


def test_exports_never_contain_drafts(seeded, client):
    data = as_json(client, "")
    assert {c["status"] for c in data["cases"]} == {"published"}
    assert len(data["cases"]) == Case.objects.published().count()


def test_the_data_dictionary_page_lists_every_column(seeded, client):
    html = client.get("/cases/export/fields").content.decode()
    for field in TABULAR_FIELDS:
        assert f"<code>{field}</code>" in html


def test_the_list_links_to_exports_of_itself(seeded, client):
    html = client.get("/cases/?province=510000&page=1").content.decode()
    assert 'href="/cases/export.csv?province=510000"' in html
    assert 'href="/cases/export.xlsx?province=510000"' in html


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_a_download_shows_an_edit_and_a_withdrawal_at_once(seeded, client, fmt):
    url = f"/cases/export.{fmt}?province=510000"
    body(client.get(url))
    case = Case.objects.published().filter(province="510000").first()
    case.summary = "修改后的摘要（导出应立即可见）"
    case.save()
    edited = body(client.get(url))
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(edited)).worksheets[0]
        edited = "".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v).encode()
    assert "修改后的摘要（导出应立即可见）".encode() in edited

    case.status = Case.Status.DRAFT
    case.save()
    assert case.slug.encode() not in body(client.get(url))


def test_exported_at_is_the_time_of_each_request(seeded, client):
    import time

    first = json.loads(body(client.get("/cases/export.json?province=510000")))["meta"]["exported_at"]
    time.sleep(1.1)
    again = json.loads(body(client.get("/cases/export.json?province=510000")))["meta"]["exported_at"]
    assert again > first


def test_a_download_is_only_that_list(seeded, client):
    by_title = body(client.get("/cases/export.csv?province=510000&sort=title"))
    newest = body(client.get("/cases/export.csv?province=510000"))
    other_host = body(client.get("/cases/export.csv?province=510000", HTTP_HOST="127.0.0.1"))
    assert by_title != newest and other_host != newest
    assert b"http://127.0.0.1/" in other_host and b"http://127.0.0.1/" not in newest
