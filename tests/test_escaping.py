"""Case and source texts containing HTML or script are shown as text everywhere."""

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cases.models import Case, Region, Source, Theme

SCRIPT = "<script>alert('x')</script>"
IMG = '<img src=x onerror="alert(1)">'
HOSTILE = f"养老{SCRIPT}{IMG}\"'&amp;"


@pytest.fixture
def hostile(seeded):
    source = Source.objects.create(
        file_name="hostile.txt", title=f"来源{SCRIPT}", sha256="f" * 64, raw_text=f"原文{SCRIPT}{IMG}", publisher=IMG
    )
    case = Case(
        slug="hostile-01",
        title=f"互助养老{SCRIPT}",
        summary=f"摘要{HOSTILE}",
        measures=f"做法{HOSTILE}",
        body=f"正文{HOSTILE}",
        region_label=f"北京{IMG}",
        year=2024,
        source=source,
        ordinal=1,
        span_start=0,
        span_end=10,
        status=Case.Status.PUBLISHED,
    )
    case.set_place(Region.objects.get(code="110116"))
    case.save()
    case.themes.set([Theme.objects.get(slug="elderly-care")])
    case.tags.set([f"标签{SCRIPT}"])
    return case


def body_of(response, text: bool = True) -> str | bytes:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8", "replace") if text else raw


def assert_no_markup(html: str, where: str):
    assert SCRIPT not in html, where
    assert IMG not in html, where
    assert 'onerror="alert' not in html, where


def test_public_pages_escape_case_and_source_text(client, hostile):
    pages = {
        "case": hostile.get_absolute_url(),
        "list": reverse("case_list") + "?q=互助养老",
        "list-query": reverse("case_list") + "?q=" + SCRIPT,
        "home": reverse("home"),
        "source": reverse("source_detail", args=[hostile.source_id]),
        "tag": reverse("case_list") + "?tag=" + f"标签{SCRIPT}",
    }
    for where, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, where
        html = body_of(response)
        assert_no_markup(html, where)
    case_page = body_of(client.get(hostile.get_absolute_url()))
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in case_page
    assert 'content="互助养老&lt;script&gt;' in case_page  # Open Graph attributes too


def test_feeds_and_api_carry_text_not_markup(client, hostile):
    feed = body_of(client.get(reverse("case_feed")))
    assert "<script>" not in feed and "&lt;script&gt;" in feed
    sitemap = body_of(client.get(reverse("sitemap")))
    assert "<script>" not in sitemap
    api = client.get(f"/api/cases/{hostile.slug}/")
    assert api["Content-Type"].startswith("application/json") and api["X-Content-Type-Options"] == "nosniff"
    assert json.loads(api.content)["title"] == f"互助养老{SCRIPT}"  # JSON keeps the text as it is


def test_exports_keep_the_text_and_are_not_executable(client, hostile):
    csv_text = body_of(client.get(reverse("case_export", args=["csv"]) + "?q=互助养老"))
    assert f"互助养老{SCRIPT}" in csv_text  # a CSV shows text, exactly
    response = client.get(reverse("case_export", args=["json"]) + "?q=互助养老")
    assert response["Content-Type"].startswith("application/json")
    assert json.loads(body_of(response))["cases"][0]["title"] == f"互助养老{SCRIPT}"
    from openpyxl import load_workbook

    xlsx = client.get(reverse("case_export", args=["xlsx"]) + "?q=互助养老")
    book = load_workbook(io.BytesIO(body_of(xlsx, text=False)))
    assert any(f"互助养老{SCRIPT}" == cell.value for row in book.worksheets[0].iter_rows() for cell in row)
    bib = body_of(client.get(reverse("case_citation", args=[hostile.slug, "bib"])))
    assert "互助养老" in bib


def test_the_admin_escapes_case_text(client, hostile):
    user = get_user_model().objects.create_superuser("root", "root@example.org", "Rural-case-2026!")
    client.force_login(user)
    for url in (
        reverse("admin:cases_case_changelist"),
        reverse("admin:cases_case_changelist") + "?q=互助养老",
        reverse("admin:cases_case_change", args=[hostile.pk]),
        reverse("admin:cases_case_history", args=[hostile.pk]),
        reverse("admin:cases_case_preview", args=[hostile.pk]),
        reverse("admin:cases_source_change", args=[hostile.source_id]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        html = body_of(response)
        assert SCRIPT not in html and IMG not in html, url
