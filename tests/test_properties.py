"""Property-based tests: arbitrary query strings never crash a public endpoint.

Hypothesis builds parameter sets from the real filter names (with valid,
almost valid and hostile values) and from arbitrary names.  Every answer is
a 200 (the value used, or ignored with a visible note on the HTML list), a
400 that says why (downloads, the API), or a 404/405 — never a 500."""

import json
import string
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.models import Case

NAMES = [
    "q", "province", "prefecture", "county", "theme", "tag", "doc_type",
    "year_min", "year_max", "source", "sort", "page", "page_size", "format", "parent",
]  # fmt: skip
VALUES = st.one_of(
    st.sampled_from(
        [
            "",
            "养老",
            "養老",
            "110000",
            "510000",
            "000000",
            "education",
            "elderly-care",
            "case",
            "2020",
            "-1",
            "99999999999999999999",
            "1e309",
            "NaN",
            "0",
            "1",
            "2",
            "last",
            "relevance",
            "newest",
            "title",
            "' OR 1=1 --",
            "<script>alert(1)</script>",
            "%",
            "_",
            "\\",
            "../..",
            "𠀀𠀁",
            "\u200b",
            "\ufeff",
            "a" * 300,
            "养老 " * 60,
            "&",
            "=",
            "#",
            "?",
            "；",
            "\u3000",
        ]
    ),  # fmt: skip
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
)
PARAMS = st.lists(
    st.tuples(
        st.one_of(st.sampled_from(NAMES), st.text(string.ascii_letters + "_[]", min_size=1, max_size=12)), VALUES
    ),
    max_size=6,
)
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


def get(client, path, params):
    response = client.get(path + "?" + urlencode(params))
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


@pytest.mark.parametrize("path", ["/cases/", "/"])
@SETTINGS
@given(params=PARAMS)
def test_pages_never_fail(seeded, client, path, params):
    response, body = get(client, path, params)
    assert response.status_code in (200, 400), (params, response.status_code)
    text = body.decode()
    if path == "/cases/" and response.status_code == 200:
        # Nothing in the query is echoed unescaped.
        assert "<script>alert(1)</script>" not in text
        total = int(text.split('id="total">')[1].split("<")[0])
        assert total <= Case.objects.published().count()


@pytest.mark.parametrize("fmt", ["csv", "json"])
@SETTINGS
@given(params=PARAMS)
def test_exports_never_fail(seeded, client, fmt, params):
    response, body = get(client, f"/cases/export.{fmt}", params)
    assert response.status_code in (200, 400), (params, response.status_code)
    if response.status_code == 400:
        assert "Invalid filter" in body.decode()
    elif fmt == "json":
        document = json.loads(body)
        assert len(document["cases"]) == document["meta"]["count"] <= Case.objects.published().count()


@pytest.mark.parametrize("path", ["/api/cases/", "/api/facets/", "/api/regions/", "/api/sources/", "/cases/feed/"])
@SETTINGS
@given(params=PARAMS)
def test_api_never_fails(seeded, client, path, params):
    response, body = get(client, path, params)
    assert response.status_code in (200, 400, 404), (params, response.status_code)
    if path.startswith("/api/"):
        payload = json.loads(body)
        if response.status_code == 400:
            assert payload["error"]


def test_an_invalid_filter_is_ignored_with_a_note_on_the_list_and_refused_by_downloads(seeded, client):
    page = client.get("/cases/", {"year_min": "abc", "q": "养老"}).content.decode()
    assert "以下筛选条件无效，已忽略" in page and "起始年份“abc”" in page
    assert 'id="total">0<' not in page  # the valid part of the query still applies
    for url in ("/cases/export.csv", "/cases/export.json", "/cases/cite.bib", "/cases/export.docx", "/cases/feed/"):
        response = client.get(url, {"year_min": "abc"})
        assert response.status_code == 400 and "起始年份" in response.content.decode(), url
    assert client.get("/api/cases/", {"year_min": "abc"}).status_code == 400


@pytest.mark.parametrize("sort", ["title", "relevance"])
def test_an_invalid_filter_leaves_the_order_asked_for(seeded, client, sort):
    params = {"q": "养老", "sort": sort}
    valid = client.get("/cases/", params).context["page"].object_list
    ignored = client.get("/cases/", {**params, "year_min": "abc"}).context["page"].object_list
    assert [c.pk for c in ignored] == [c.pk for c in valid]
    assert len(valid) >= 3


@pytest.mark.parametrize("path", ["/cases/", "/api/cases/"])
def test_a_search_within_a_filter_that_matches_nothing_is_an_empty_list(seeded, client, path):
    # A year beyond the column's range compiles to "nothing" (EmptyResultSet), not to SQL.
    response = client.get(path, {"q": "养老", "year_min": "110000"})
    assert response.status_code == 200
    if path == "/api/cases/":
        assert response.json()["count"] == 0
    else:
        assert 'id="total">0<' in response.content.decode()
