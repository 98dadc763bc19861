"""Key figures in the filters, the downloads and the API: one FilterSet drives them all."""

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from cases.models import Case, KeyFigure
from tests.factories import CaseFactory, KeyFigureFactory


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def library(db):
    """Three published cases: one with 800万元 invested, one with 3000万元, one without figures."""
    small = CaseFactory(title="小投资案例", lessons="建管并重。")
    KeyFigureFactory(case=small, kind=KeyFigure.Kind.INVESTMENT, indicator="项目总投资", value=8_000_000, unit="元")
    KeyFigureFactory(
        case=small, kind=KeyFigure.Kind.FUNDING, indicator="县级财政", value=None, unit="", confirmed=False
    )
    large = CaseFactory(title="大投资案例")
    KeyFigureFactory(case=large, kind=KeyFigure.Kind.INVESTMENT, indicator="总投资", value=30_000_000, unit="元")
    KeyFigureFactory(case=large, indicator="惠及群众", value=32000, unit="人", baseline=None, confirmed=False)
    KeyFigureFactory(case=large, kind=KeyFigure.Kind.FUNDING, indicator="中央财政", value=20_000_000, unit="元")
    bare = CaseFactory(title="无数据案例")
    Case.objects.exclude(pk__in=[small.pk, large.pk, bare.pk]).delete()  # the seeded library, in this test only
    return small, large, bare


def titles(client, query: str) -> list[str]:
    data = client.get(f"/api/cases/?{query}&sort=title").json()
    return [row["title"] for row in data["results"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("has_figures=yes", ["大投资案例", "小投资案例"]),
        ("investment_min=1000", ["大投资案例"]),
        ("investment_max=1000", ["小投资案例"]),
        ("investment_min=500&investment_max=1000", ["小投资案例"]),
        ("investment_min=900&investment_max=2000", []),
        ("investment_min=0", ["大投资案例", "小投资案例"]),
    ],
)
def test_the_list_filters_by_key_figures_and_investment_range(library, client, query, expected):
    assert titles(client, query) == expected


def test_the_list_page_offers_the_new_filters_with_chips(library, client):
    html = client.get("/cases/?has_figures=yes&investment_min=500").content.decode()
    assert 'name="has_figures"' in html and 'name="investment_min"' in html and 'name="investment_max"' in html
    assert "有关键数据 ×" in html and "投资≥500万元 ×" in html
    assert "/cases/figures.csv?has_figures=yes&amp;investment_min=500" in html


def test_a_negative_investment_is_refused_by_the_api(library, client):
    response = client.get("/api/cases/?investment_min=-5")
    assert response.status_code == 400 and "investment_min" in response.json()["detail"]


def test_the_figures_csv_has_one_row_a_figure_of_the_filtered_cases(library, client):
    small, large, bare = library
    response = client.get("/cases/figures.csv?investment_min=1000&headers=codes")
    rows = list(csv.DictReader(io.StringIO(body(response).decode("utf-8-sig"))))
    assert [(r["case_id"], r["kind"], r["indicator"], r["value"], r["unit"], r["confirmed"]) for r in rows] == [
        (str(large.pk), "investment", "总投资", "30000000", "元", "True"),
        (str(large.pk), "figure", "惠及群众", "32000", "人", "False"),
        (str(large.pk), "funding", "中央财政", "20000000", "元", "True"),
    ]
    people = body(client.get("/cases/figures.csv?investment_min=1000")).decode("utf-8-sig").splitlines()
    assert people[0] == "案例编号,案例短标识,类别,指标,数值,上限,单位,基线,起始年份,截止年份,已核实,原文"


def test_the_figures_csv_refuses_a_filter_it_cannot_use(library, client):
    assert client.get("/cases/figures.csv?investment_min=abc").status_code == 400


def test_json_nests_the_figures_and_the_tables_carry_investment_and_sources(library, client):
    small, large, bare = library
    data = json.loads(body(client.get("/cases/export.json?sort=title")))
    by_title = {c["title"]: c for c in data["cases"]}
    assert by_title["大投资案例"]["figures"] == [
        {"kind": "investment", "indicator": "总投资", "value": 30000000, "value_max": None, "unit": "元",
         "baseline": None, "year_from": None, "year_to": None, "confirmed": True, "quote": "惠及群众3.2万人"},
        {"kind": "figure", "indicator": "惠及群众", "value": 32000, "value_max": None, "unit": "人",
         "baseline": None, "year_from": None, "year_to": None, "confirmed": False, "quote": "惠及群众3.2万人"},
        {"kind": "funding", "indicator": "中央财政", "value": 20000000, "value_max": None, "unit": "元",
         "baseline": None, "year_from": None, "year_to": None, "confirmed": True, "quote": "惠及群众3.2万人"},
    ]  # fmt: skip
    assert (by_title["大投资案例"]["investment"], by_title["大投资案例"]["funding_sources"]) == (30000000, ["中央财政"])
    assert (by_title["小投资案例"]["lessons"], by_title["无数据案例"]["figures"]) == ("建管并重。", [])
    rows = list(
        csv.DictReader(io.StringIO(body(client.get("/cases/export.csv?headers=codes&sort=title")).decode("utf-8-sig")))
    )
    assert [(r["title"], r["investment"], r["funding_sources"]) for r in rows] == [
        ("大投资案例", "30000000", "中央财政"),
        ("小投资案例", "8000000", "县级财政"),
        ("无数据案例", "", ""),
    ]


def test_the_workbook_has_a_figures_sheet(library, client):
    small, large, bare = library
    book = load_workbook(io.BytesIO(body(client.get("/cases/export.xlsx?sort=title&headers=codes"))))
    assert [s.title for s in book.worksheets] == ["案例 Cases", "关键数据 Figures", "说明 About"]
    rows = list(book.worksheets[1].iter_rows(values_only=True))
    assert rows[0][:5] == ("case_id", "case_slug", "kind", "indicator", "value")
    assert [(r[0], r[3], r[4]) for r in rows[1:]] == [
        (large.pk, "总投资", 30000000),
        (large.pk, "惠及群众", 32000),
        (large.pk, "中央财政", 20000000),
        (small.pk, "项目总投资", 8000000),
        (small.pk, "县级财政", None),
    ]


def test_the_api_carries_the_figures_and_the_new_sections(library, client):
    small, large, bare = library
    data = client.get(f"/api/cases/{small.slug}/").json()
    assert data["lessons"] == "建管并重。" and data["conditions"] == ""
    assert [(f["kind"], f["indicator"], f["value"], f["confirmed"]) for f in data["figures"]] == [
        ("investment", "项目总投资", 8000000.0, True),
        ("funding", "县级财政", None, False),
    ]
    schema = client.get("/api/schema/?format=json").json()
    names = {p["name"] for p in schema["paths"]["/api/cases/"]["get"]["parameters"]}
    assert {"has_figures", "investment_min", "investment_max"} <= names
    assert "figures" in schema["components"]["schemas"]["Case"]["properties"]


def test_the_data_dictionary_describes_the_figures_table(db, client):
    html = client.get("/cases/export/fields").content.decode()
    assert "<code>baseline</code>" in html and "基线（从62%提高到95%中的62）" in html
    assert "<code>funding_sources</code>" in html and "<code>conditions</code>" in html


def queries(client, url: str) -> int:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        assert response.status_code == 200
        body(response)  # a download's rows are read as it streams
    return len(captured)


@pytest.mark.parametrize("url", ["/api/cases/?has_figures=yes", "/cases/export.json?has_figures=yes&sort=title"])
def test_a_list_with_figures_costs_the_same_queries_for_1_and_3_cases(library, client, url):
    small, large, bare = library
    queries(client, url)  # the first download also sets up the export slots
    three = queries(client, url)
    KeyFigure.objects.filter(case=large).delete()
    bare.delete()
    assert queries(client, url) == three
