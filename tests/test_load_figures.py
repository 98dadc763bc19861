"""The loader writes the key figures it proposes, and never the editors' over them."""

from decimal import Decimal

import pytest

from cases.load import LoadReport, load_document
from cases.models import Case, KeyFigure


@pytest.fixture
def case(seeded):
    """001#4: 14个乡镇街道, 279项执法事项, 由6161件增加到6632件 …"""
    return Case.objects.get(source__file_name__startswith="001", ordinal=4)


def reload(parsed) -> LoadReport:
    report = LoadReport()
    load_document(parsed["001"], report)
    return report


def test_the_proposals_of_a_seed_are_stored_unconfirmed_with_their_words(case):
    figures = list(case.figures.all())
    assert len(figures) == 11
    assert not any(f.confirmed for f in figures)
    # Each row quotes the words its value was read from.
    assert [f.quote for f in figures if f.value in (6632, 1750)] == [
        "开展行政检查、行政处罚、行政强制1750次",
        "受理群众来电、信访等综治案件由去年同期6161件增加到6632件",
    ]
    change = case.figures.get(value=6632)
    assert (change.indicator, change.unit, change.baseline, change.years) == (
        "受理群众来电、信访等综治案件",
        "件",
        Decimal(6161),
        "",
    )
    # 截至2021年底 stands in the sentence before, which ends at its semicolon.
    assert case.figures.get(value=1750).years == "2021"


def test_a_reload_changes_nothing(case, parsed):
    before = list(case.figures.values_list("pk", "indicator", "value"))
    report = reload(parsed)
    counts = {k: report.counts[k] for k in ("figures-created", "figures-updated", "figures-removed")}
    assert counts == {"figures-created": 0, "figures-updated": 0, "figures-removed": 0}
    assert list(case.figures.values_list("pk", "indicator", "value")) == before


def test_a_reload_keeps_what_an_editor_confirmed_corrected_or_deleted(case, parsed):
    confirmed = case.figures.get(value=1750)
    confirmed.confirmed = True
    confirmed.save()
    corrected = case.figures.get(value=Decimal("7.6"))
    corrected.indicator = "综治案件同比增长"
    corrected.save()
    deleted_quote = case.figures.get(value=Decimal("39.6")).quote
    case.figures.filter(value=Decimal("39.6")).delete()
    mine = KeyFigure.objects.create(case=case, indicator="编辑新增", value=3, unit="个")

    report = reload(parsed)

    assert report.counts["figures-created"] == 0
    assert report.counts["figures-kept-editor-value"] == 2
    assert KeyFigure.objects.get(pk=confirmed.pk).confirmed
    assert KeyFigure.objects.get(pk=corrected.pk).indicator == "综治案件同比增长"
    assert not case.figures.filter(quote=deleted_quote).exists()
    assert KeyFigure.objects.filter(pk=mine.pk).exists()
    assert case.figures.count() == 11


def test_a_reload_after_an_editor_rewrote_the_body_keeps_the_proposals_and_their_quotes(case, parsed):
    before = sorted(case.figures.values_list("pk", "kind", "quote", "span_start"))
    case.body = "编辑改写的正文：全县共建成幸福院120个。" + case.body[40:]
    case.save()
    report = reload(parsed)
    assert report.counts["kept-editor-value"] == 1
    assert (report.counts["figures-created"], report.counts["figures-removed"]) == (0, 0)
    assert sorted(case.figures.values_list("pk", "kind", "quote", "span_start")) == before


def test_a_proposal_the_extractor_reads_better_now_is_updated(case, parsed):
    # As an earlier extractor would have written it: the importer's own row, wrong.
    row = case.figures.get(value=279, quote__startswith="示范行动")
    row.indicator = "旧的读法"
    row.extracted = row.extracted_values()
    row.save()
    report = reload(parsed)
    assert report.counts["figures-updated"] == 1
    row.refresh_from_db()
    assert (row.indicator, row.confirmed) == ("示范行动推动乡镇街道完成执法事项", False)


def test_the_new_sections_are_stored_and_an_editors_text_is_kept(seeded, parsed):
    case = Case.objects.get(source__file_name__startswith="002", ordinal=1)
    assert case.lessons.startswith("我镇由于强化了教育的优先地位")
    case.lessons = "编辑改写的启示。"
    case.save()
    report = LoadReport()
    load_document(parsed["002"], report)
    case.refresh_from_db()
    assert case.lessons == "编辑改写的启示。"
    assert report.counts["kept-editor-value"] == 1


def test_a_case_imported_before_the_new_sections_gets_them_on_a_reload(seeded, parsed):
    case = Case.objects.get(source__file_name__startswith="002", ordinal=1)
    imported = {k: v for k, v in case.imported.items() if k not in ("conditions", "problems", "lessons", "next_steps")}
    Case.objects.filter(pk=case.pk).update(lessons="", imported=imported)
    report = LoadReport()
    load_document(parsed["002"], report)
    case.refresh_from_db()
    assert case.lessons.startswith("我镇由于强化了教育的优先地位")
    assert report.counts["kept-editor-value"] == 0
