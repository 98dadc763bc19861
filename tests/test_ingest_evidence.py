"""Evidence of inferred fields on the stored case, new quality flags, and the home page's
count of cases proper."""

import pytest
from django.core.management import call_command

from cases.ingest.pipeline import parse_document
from cases.load import gazetteer, load_document
from cases.models import Case, Theme
from cases.quality import flag, live_flags

pytestmark = pytest.mark.django_db


def load(text: str, name: str = "t.txt"):
    return load_document(parse_document(text, name, gazetteer()), publish=False)


def test_the_loader_stores_the_evidence_of_each_inferred_field(seeded):
    source = load(
        "宁海县：助餐点开到家门口\n发布时间：2022-03-15 16:40\n宁海县推进农村老年助餐点建设，养老服务更贴心，老人吃饭更方便。"
    )
    case = source.cases.get()
    assert case.evidence["region"] == "标题 ‘宁海县：助餐点开到家门口’"
    assert case.evidence["year"] == "页面日期 ‘发布时间：2022-03-15 16:40’"
    assert set(case.evidence) == {"region", "year", "doc_type", "themes"}


def test_a_reload_drops_the_evidence_of_a_field_an_editor_changed(seeded):
    text = "宁海县：助餐点开到家门口\n发布时间：2022-03-15 16:40\n宁海县推进农村老年助餐点建设，养老服务更贴心，老人吃饭更方便。"
    case = load(text).cases.get()
    case.year = 2020
    case.save()
    load(text)
    case.refresh_from_db()
    assert case.year == 2020
    assert "year" not in case.evidence and "region" in case.evidence


def test_the_admin_form_shows_the_evidence_read_only(admin_client, seeded):
    case = load("宁海县：助餐点开到家门口\n发布时间：2022-03-15 16:40\n宁海县推进助餐点建设。").cases.get()
    html = admin_client.get(f"/admin/cases/case/{case.pk}/change/").content.decode()
    assert "推断依据" in html
    assert "<li><strong>年份</strong>：页面日期 ‘发布时间：2022-03-15 16:40’</li>" in html


def test_the_public_page_says_where_a_region_was_inferred(client, seeded):
    case = load(
        "我省四县完成供水试点\n我省在古浪县、环县、渭源县、舟曲县开展农村供水试点，任务已全部完成。"
    ).cases.get()
    assert case.evidence["region"].startswith("推断")
    case.status = Case.Status.PUBLISHED
    case.save()
    html = client.get(case.get_absolute_url()).content.decode()
    assert '<p class="meta inferred">地区由上下文推断</p>' in html


def test_new_flags_have_chinese_labels_and_the_blocking_ones_block(seeded):
    assert (flag("region-ambiguous").label, flag("region-ambiguous").blocking) == ("地区不确定", True)
    assert (flag("stub").label, flag("stub").blocking) == ("只有条目", True)
    assert (flag("theme-unknown").label, flag("theme-unknown").blocking) == ("主题不明", False)
    assert (flag("repeated-text").label, flag("repeated-text").blocking) == ("有重复文字", False)
    source = load("名单\n1、建德市：议事协商\n2、象山县：村民说事\n3、东阳市：\n浙江省民政厅\n2022年3月1日")
    stub = source.cases.first()
    assert stub.quality_flags == ["stub"] and stub.status == Case.Status.DRAFT
    stub.body = "建德市在每个村设立议事会，村里的大事小情由村民代表商量决定，议定事项张榜公示，办理结果按时反馈。"
    assert "stub" not in live_flags(stub)


def test_an_editor_choosing_a_region_clears_region_ambiguous(seeded):
    case = load("经验交流\n会上，山西省万荣县、浙江省宁海县、广东省惠州市惠阳区分别作了发言。").cases.get()
    assert "region-ambiguous" in case.quality_flags
    case.province_id = "140000"
    assert "region-ambiguous" not in live_flags(case)


def test_the_home_page_counts_cases_proper_and_links_to_them(client, seeded):
    assert Case.objects.published().exclude(doc_type="case").exists()  # news, policy in the seeds
    html = client.get("/").content.decode()
    cases = Case.objects.published().cases_only()
    assert f"收录 <strong>{cases.count()}</strong> 个已发布的案例" in html
    assert 'href="/cases/?doc_type=case&amp;theme=' in html
    newest = html.split('id="newest"')[1].split("</section>")[0]
    others = Case.objects.published().exclude(doc_type="case")
    assert [c.title for c in others if c.title in newest] == []
    assert newest.count('class="case-card"') == min(6, cases.count())


def test_the_list_offers_the_document_type_as_a_facet(client, seeded):
    html = client.get("/cases/").content.decode()
    assert "?doc_type=news" in html and "?doc_type=case" in html


def test_a_theme_an_editor_adds_stays_and_its_evidence_goes(seeded):
    case = Case.objects.get(source__file_name__startswith="000", ordinal=1)
    assert "themes" in case.evidence
    case.themes.add(Theme.objects.get(name="乡村治理"))
    call_command("load_seeds")
    case.refresh_from_db()
    assert "themes" not in case.evidence and "region" in case.evidence
