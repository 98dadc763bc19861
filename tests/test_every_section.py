"""Every section of a case and its terrain reach the places that name a case's fields: the Word
document, and the admin's history (its diff and its revert)."""

import io

from django.urls import reverse
from docx import Document

from cases.models import Case
from tests.factories import CaseFactory
from tests.test_admin import change_url, make_user, post_data

LATER = {
    "conditions": "村里有闲置校舍可改造。",
    "problems": "运营资金主要靠财政补助。",
    "lessons": "群众参与是关键。",
    "next_steps": "明年推广到全镇。",
}


def test_a_word_document_holds_every_section_of_the_case(db, client):
    case = CaseFactory(background="过去老人吃饭难。", measures="办起互助食堂。", outcomes="服务老人300人。", **LATER)
    paragraphs = [
        p.text for p in Document(io.BytesIO(client.get(f"/cases/{case.slug}/export.docx").content)).paragraphs
    ]
    expected = [
        ("摘要", case.summary),
        ("背景", "过去老人吃饭难。"),
        ("主要做法", "办起互助食堂。"),
        ("成效", "服务老人300人。"),
        ("适用条件", LATER["conditions"]),
        ("存在问题", LATER["problems"]),
        ("经验启示", LATER["lessons"]),
        ("下一步打算", LATER["next_steps"]),
    ]
    start = paragraphs.index("摘要")
    assert paragraphs[start : start + 16] == [text for pair in expected for text in pair]


def test_a_word_document_is_in_chinese_for_an_english_reader(db, client):
    case = CaseFactory(lessons="群众参与是关键。")
    paragraphs = [
        p.text for p in Document(io.BytesIO(client.get(f"/en/cases/{case.slug}/export.docx").content)).paragraphs
    ]
    assert "经验启示" in paragraphs and "Lessons" not in " ".join(paragraphs)


def test_the_history_shows_and_a_revert_restores_the_terrain(db, client):
    client.force_login(make_user("bianji", "editor"))
    case = CaseFactory(status=Case.Status.DRAFT, terrain="plain")
    client.post(change_url(case), post_data(case, terrain="mountain"))
    case.refresh_from_db()
    assert case.terrain == "mountain"
    latest, before = case.history.order_by("-history_id")[:2]
    diff = client.get(reverse("admin:cases_case_history_diff", args=[case.pk, latest.history_id])).content.decode()
    assert "地形" in diff and "<del>平原</del>" in diff and "<ins>山区</ins>" in diff
    client.post(
        reverse("admin:cases_case_history_revert", args=[case.pk, before.history_id]), {"version": case.version}
    )
    case.refresh_from_db()
    assert case.terrain == "plain"


def test_the_form_warns_of_a_duplicate_written_in_the_later_sections_as_the_save_does(db, client):
    client.force_login(make_user("bianji", "editor"))
    told = "合作社统一收购村民种植的蓝莓，冷链运输到城市超市，收益按股分红到户。" * 6
    twin = CaseFactory(summary="", body="", problems=told, lessons=told)
    data = post_data(twin, status="draft", version="", year="不详")  # refused: the form is shown again
    page = client.post(reverse("admin:cases_case_add"), data).content.decode()
    assert "可能重复" in page and change_url(twin) in page
