"""Control characters (U+0000–U+001F but tab and line breaks, U+007F–U+009F) never reach a
download: stripped when a document is read and whenever a case or source is saved, and every
export and the feed drop any that are still in the database, or in the filter text."""

import io
import json

import pytest
from django.urls import reverse

from cases.ingest.controls import strip_controls
from cases.models import Case, KeyFigure, Source

DIRTY = "甲\x00乙\x0b丙\x1b丁\x7f戊\x85己\x9f庚"
CLEAN = "甲乙丙丁戊己庚"


@pytest.mark.parametrize(
    "text, expected",
    [
        (DIRTY, CLEAN),
        ("行一\n行二\r\n\t缩进", "行一\n行二\r\n\t缩进"),  # tab and line breaks are text
        ("\x0c分页\x1f", "分页"),
        ("", ""),
        ("全角　空格 ·“引号”", "全角　空格 ·“引号”"),
    ],
)
def test_strip_controls(text, expected):
    assert strip_controls(text) == expected


def test_a_document_is_read_without_its_control_characters(gz):
    from cases.ingest.pipeline import parse_document

    raw = "浙江省安吉县\x0b互助养老\x1b案例\n\n安吉县推进农村互助养老\x85服务，建成互助\x07站点120个。\n"
    parsed = parse_document(raw, "controls.txt", gz)
    texts = [c.title + c.summary + c.body for c in parsed.cases]
    assert texts and not any(strip_controls(t) != t for t in texts)


def test_saving_a_case_or_a_source_strips_them(seeded):
    case = Case.objects.published().first()
    case.title, case.summary, case.region_label = "标题\x0b一", DIRTY, "地\x1b区"
    case.save()
    case.refresh_from_db()
    assert (case.title, case.summary, case.region_label) == ("标题一", CLEAN, "地区")
    source = case.source
    source.title, source.publisher = "来源\x01标题", "发布\x7f者"
    source.save()
    source.refresh_from_db()
    assert (source.title, source.publisher) == ("来源标题", "发布者")


def test_saving_a_key_figure_strips_them(seeded):
    case = Case.objects.published().first()
    figure = KeyFigure.objects.create(case=case, indicator="投资\x0b额", value=300, unit="万\x1b元", quote="原\x07文")
    figure.refresh_from_db()
    assert (figure.indicator, figure.unit, figure.quote) == ("投资额", "万元", "原文")


def test_the_admin_form_saves_a_title_without_them(seeded, client):
    from tests.test_admin import change_url, make_user, post_data

    client.force_login(make_user("bianji", "editor"))
    case = Case.objects.filter(status=Case.Status.DRAFT).first()
    response = client.post(change_url(case), post_data(case, title="互助\x0b养老\x1b站", body=case.body + "\x0c"))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.title == "互助养老站" and strip_controls(case.body) == case.body


@pytest.fixture
def dirty_case(seeded):
    """A published case whose texts hold control characters written past save() (an old row)."""
    case = Case.objects.published().filter(province="330000").first()
    dirty = DIRTY.replace("\x00", "")  # PostgreSQL stores no NUL at all
    Case.objects.filter(pk=case.pk).update(
        title="控制\x0b字符" + case.title, summary=dirty, body=dirty + "\n" + case.body
    )
    Source.objects.filter(pk=case.source_id).update(title="来源\x1b标题")
    case.tags.add("关键\x0b词")
    figure = KeyFigure.objects.create(case=case, indicator="建成站点", value=120, unit="个")
    KeyFigure.objects.filter(pk=figure.pk).update(indicator="建成\x0b站点", unit="\x1b个")
    return Case.objects.get(pk=case.pk)


def body(response) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def no_controls(text: str) -> bool:
    return strip_controls(text) == text


def test_every_download_of_a_list_holding_them_succeeds_without_them(client, dirty_case):
    from docx import Document
    from openpyxl import load_workbook

    params = "?province=330000&foo=%1B%0B"
    csv_text = body(client.get("/cases/export.csv" + params)).decode("utf-8-sig")
    assert "控制字符" in csv_text and no_controls(csv_text.replace("\r\n", "\n"))
    data = json.loads(body(client.get("/cases/export.json" + params)))
    assert "控制字符" in json.dumps(data, ensure_ascii=False)
    assert data["meta"]["filters"]["foo"] == ""
    assert all(no_controls(json.dumps(row, ensure_ascii=False)) for row in data["cases"])
    book = load_workbook(io.BytesIO(body(client.get("/cases/export.xlsx" + params))))
    cells = [str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]
    assert any("控制字符" in c for c in cells) and all(no_controls(c) for c in cells)
    assert "建成站点" in cells  # the key figures' sheet
    for url in ("/cases/export.docx" + params, reverse("case_docx", args=[dirty_case.slug])):
        text = "\n".join(p.text for p in Document(io.BytesIO(body(client.get(url)))).paragraphs)
        assert "控制字符" in text and no_controls(text)
    feed = client.get("/cases/feed/" + params)
    assert feed.status_code == 200 and "控制字符" in feed.content.decode()
    for ext in ("txt", "bib", "ris"):
        assert client.get(f"/cases/cite.{ext}" + params).status_code == 200


@pytest.mark.parametrize("path", ["/cases/export.docx", "/cases/export.xlsx", "/cases/export.json", "/cases/feed/"])
def test_control_characters_in_the_filter_text_are_no_error(client, seeded, path):
    response = client.get(path + "?foo=%1B")
    assert response.status_code == 200


def test_the_case_page_and_api_show_a_dirty_case(client, dirty_case):
    assert client.get(dirty_case.get_absolute_url()).status_code == 200
    assert client.get(f"/api/cases/{dirty_case.slug}/").status_code == 200
