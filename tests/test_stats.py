"""The statistics page: province × theme with totals, years with the unknown ones, the table as a file."""

import csv
import io
import json
import re

import pytest
from openpyxl import load_workbook

from cases.models import Case, Theme


def table_rows(html: str) -> list[list[str]]:
    """The grid's rows as the reader sees them: header, body rows, footer."""
    grid = re.search(r'<table class="grid">(.*?)</table>', html, re.S).group(1)
    rows = []
    for tr in re.findall(r"<tr>(.*?)</tr>", grid, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)
        rows.append([re.sub(r"<[^>]+>", "", c).strip() for c in cells])
    return rows


@pytest.mark.django_db
def test_the_table_has_a_total_per_province_per_theme_and_overall(client, seeded):
    published = Case.objects.published()
    rows = table_rows(client.get("/stats/").content.decode())
    themes = list(Theme.objects.all())

    header, body, footer = rows[0], rows[1:-1], rows[-1]
    assert header == ["省份", *(t.name for t in themes), "合计（案例数）"]
    sichuan = next(r for r in body if r[0] == "四川省")
    assert sichuan[-1] == str(published.filter(province="510000").count())
    without = published.filter(province=None).count()
    assert [r[-1] for r in body if r[0] == "未标明省份（全国性或地区不明）"] == ([str(without)] if without else [])
    assert footer[0] == "全部"
    assert footer[1:-1] == [str(published.filter(themes=t).count()) for t in themes]
    assert footer[-1] == str(published.count())
    assert sum(int(r[-1]) for r in body) == published.count()  # each case once, in one row


@pytest.mark.django_db
def test_cases_without_a_year_have_their_own_bar(client, seeded):
    no_year = Case.objects.published().filter(year=None).count()
    Case.objects.filter(pk=Case.objects.published().exclude(year=None).first().pk).update(year=None)

    html = client.get("/stats/").content.decode()

    assert f"<tr><td>年份不详</td><td>{no_year + 1}</td></tr>" in html
    chart = json.loads(re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', html).group(1))
    assert (chart["years"][-1], chart["year_counts"][-1]) == ("年份不详", no_year + 1)  # the chart's last bar


@pytest.mark.django_db
def test_the_table_downloads_as_csv_and_xlsx_with_the_same_numbers(client, seeded):
    page = table_rows(client.get("/stats/").content.decode())
    expected = [page[0]] + [[row[0], *(cell or "0" for cell in row[1:])] for row in page[1:]]  # blank cells are 0

    response = client.get("/stats/table.csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text[1:]))) == [[c for c in row] for row in expected]
    assert "filename*=utf-8''%E4%B9%A1%E6%9D%91" in response["Content-Disposition"]

    book = load_workbook(io.BytesIO(client.get("/stats/table.xlsx").content))
    sheet = book.active
    assert [[("" if v is None else str(v)) for v in row] for row in sheet.iter_rows(values_only=True)] == expected
    assert sheet.auto_filter.ref == sheet.dimensions
    assert client.get("/stats/table.pdf").status_code == 404
