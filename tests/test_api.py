"""The read-only API: the list's filters, only published cases, JSON errors, caching headers, CORS."""

from datetime import UTC, datetime

import pytest

from cases.filters import CaseFilter
from cases.models import Case, LibraryState, Theme

from .factories import CaseFactory, SourceFactory

pytestmark = pytest.mark.usefixtures("empty_library")
DRAFT, REVIEW = Case.Status.DRAFT, Case.Status.REVIEW

EDITOR_ONLY = {"status", "quality_flags", "imported", "search_title", "search_body", "span_start", "span_end"}


def test_the_list_has_the_filters_and_order_of_the_list_page(client):
    from django.http import QueryDict

    third = CaseFactory(place="511803", title="3号四川案例")
    first = CaseFactory(place="510100", title="1号四川案例")
    second = CaseFactory(place="510000", title="2号四川案例")
    CaseFactory(place="511803", title="0号四川草稿", status=DRAFT)
    CaseFactory(title="0号浙江案例")
    params = "province=510000&sort=title"

    data = client.get(f"/api/cases/?{params}").json()

    assert [c["slug"] for c in data["results"]] == [first.slug, second.slug, third.slug]
    assert (data["count"], data["page"], data["pages"]) == (3, 1, 1)
    listed = CaseFilter(QueryDict(params), queryset=Case.objects.published()).qs  # the list page's filter
    assert list(listed.values_list("slug", flat=True)) == [first.slug, second.slug, third.slug]


def test_pages_carry_counts_and_links(client):
    CaseFactory.create_batch(45)
    CaseFactory(status=DRAFT)

    data = client.get("/api/cases/?page_size=10&page=2").json()

    assert (data["count"], data["page"], data["pages"]) == (45, 2, 5)
    assert data["next"] == "http://testserver/api/cases/?page=3&page_size=10"
    assert data["previous"] == "http://testserver/api/cases/?page_size=10"
    assert len(data["results"]) == 10
    assert len(client.get("/api/cases/?page_size=10&page=5").json()["results"]) == 5


def test_a_case_in_full_without_editor_fields(client):
    themes = Theme.objects.filter(slug__in=["rural-governance", "living-environment"])
    source = SourceFactory(file_name="baotou.txt")
    case = CaseFactory(place="150207", themes=list(themes), source=source, ordinal=4, span_start=10, span_end=90)

    data = client.get(f"/api/cases/{case.slug}/").json()

    assert data["province"] == {"code": "150000", "name": "内蒙古自治区"}
    assert data["county"] == {"code": "150207", "name": "九原区"}
    assert data["themes"] == ["农村人居环境整治", "乡村治理"]  # in the programme's order
    assert data["themes_en"] == ["Rural living-environment improvement", "Rural governance"]
    assert data["source_locator"] == "baotou.txt#4@10-90"
    assert not EDITOR_ONLY & set(data)


def test_drafts_never_appear(client):
    source, unpublished = SourceFactory(), SourceFactory()
    published = CaseFactory.create_batch(2, source=source)
    draft = CaseFactory(source=source, status=DRAFT)
    review = CaseFactory(source=unpublished, status=REVIEW)

    assert client.get(f"/api/cases/{draft.slug}/").status_code == 404
    assert client.get(f"/api/cases/{review.slug}/").status_code == 404
    slugs = [c["slug"] for c in client.get("/api/cases/?page_size=100").json()["results"]]
    assert sorted(slugs) == sorted(case.slug for case in published)
    sources = client.get("/api/sources/").json()["results"]
    assert [(s["id"], s["cases"]) for s in sources] == [(source.pk, 2)]  # a source without a public case is not listed


@pytest.mark.parametrize(
    "params, field",
    [
        ("province=999999", "province"),
        ("year_min=abc", "year_min"),
        ("page=1000000000", "page"),
        ("doc_type=poem", "doc_type"),
        ("theme=nope", "theme"),
        ("page_size=x&page=y", "page"),
    ],
)
def test_bad_parameters_answer_400_with_a_json_error(client, params, field):
    response = client.get(f"/api/cases/?{params}")
    assert response.status_code == 400
    body = response.json()
    assert body["error"] and field in body["detail"]


def test_the_gazetteer_one_level_at_a_time(client):
    provinces = client.get("/api/regions/").json()
    assert len(provinces) == 34 and provinces[0] == {
        "code": "110000",
        "name": "北京市",
        "level": "province",
        "parent": None,
        "aliases": [],
        "kind": "",
        "macro_region": "east",
        "longitude": 116.407394,
        "latitude": 39.904211,
    }
    sichuan = client.get("/api/regions/?parent=511800").json()
    mingshan = {"code": "511803", "name": "名山区", "level": "county", "parent": "511800", "aliases": ["名山县"]}
    assert {
        **mingshan,
        "kind": "district",
        "macro_region": "west",
        "longitude": 103.109184,
        "latitude": 30.069954,
    } in sichuan
    assert client.get("/api/regions/?parent=nope").status_code == 400


def test_facets_match_the_list(client):
    elderly = Theme.objects.get(slug="elderly-care")
    CaseFactory.create_batch(2, place="511803", themes=[elderly])
    CaseFactory(themes=[elderly], year=2021)
    CaseFactory()  # another theme
    CaseFactory(place="511803", themes=[elderly], status=DRAFT)

    facets = client.get("/api/facets/?theme=elderly-care").json()

    provinces = next(f for f in facets if f["name"] == "province")["values"]
    assert [(v["value"], v["count"]) for v in provinces] == [("510000", 2), ("330000", 1)]
    years = next(f for f in facets if f["name"] == "year")["values"]
    assert sorted((v["value"], v["count"]) for v in years) == [("2021", 1), ("2030", 2)]
    assert client.get("/api/cases/?theme=elderly-care").json()["count"] == 3


def test_conditional_requests_and_cors(client):
    case = CaseFactory(place="511803")
    changed = datetime(2020, 1, 1, 8, 0, tzinfo=UTC)  # dated once the change is a whole second old
    LibraryState.objects.filter(pk=1).update(changed=changed)
    first = client.get("/api/cases/?province=510000", HTTP_ORIGIN="https://notebook.example")
    assert first.status_code == 200 and first["Access-Control-Allow-Origin"] == "*"
    assert first["ETag"] and first["Last-Modified"] == "Wed, 01 Jan 2020 08:00:00 GMT"
    again = client.get("/api/cases/?province=510000", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    since = client.get("/api/cases/?province=510000", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    detail = client.get(f"/api/cases/{case.slug}/")
    assert detail.status_code == 200
    assert client.get(f"/api/cases/{case.slug}/", HTTP_IF_NONE_MATCH=detail["ETag"]).status_code == 304


def test_the_schema_and_its_documentation_are_served_by_the_portal(client):
    schema = client.get("/api/schema/?format=json").json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/cases/", "/api/cases/{slug}/", "/api/regions/", "/api/facets/", "/api/sources/"} <= set(
        schema["paths"]
    )
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs.lower() and "cdn" not in docs.lower()


@pytest.mark.parametrize("url", ["/api/regions/?parent=%00", "/api/cases/?q=%00", "/api/cases/?province=11%000000"])
def test_nul_characters_are_refused_as_bad_requests(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.json()["error"]


@pytest.mark.parametrize("url", ["/cases/?q=%00", "/cases/?theme=%00", "/cases/?tag=a%00b"])
def test_pages_refuse_nul_characters_too(client, url):
    assert client.get(url).status_code == 400
