"""The import preview as a curator's tool: split an item at a paragraph, merge two adjacent
items, edit doc type and year, see the evidence of each field; nothing is saved before 确认导入."""

import pytest
from django.urls import reverse

from cases.ingest import rearrange
from cases.ingest.pipeline import parse_document
from cases.models import Case, Source
from tests import samples

from .test_admin import confirm_data
from .test_formats import editor, upload  # noqa: F401  (the editor fixture)

URL = "admin:cases_case_import"


def parsed_sample(gz):
    from cases.ingest.formats import read_document

    return parse_document(read_document("选编.docx", samples.make_docx()).text, "选编.docx", gz)


def hidden_line(doc) -> int:
    return next(n for n, line in enumerate(rearrange.lines_of(doc)) if line.text == samples.HIDDEN)


# ---- the layout, without the web ---------------------------------------------------------------


def test_the_pipeline_cut_is_a_layout_and_comes_back_unchanged(gz):
    doc = parsed_sample(gz)
    layout = rearrange.original_layout(doc)
    assert len(layout) == len(doc.cases) == 2
    assert rearrange.from_string(rearrange.to_string(layout), doc) == layout
    assert rearrange.items(doc, layout, gz) == doc.cases


def test_a_split_reads_the_new_item_on_its_own_text(gz):
    doc = parsed_sample(gz)
    layout = rearrange.split(rearrange.original_layout(doc), hidden_line(doc), doc)
    first, second, third = rearrange.items(doc, layout, gz)
    assert first == doc.cases[0]  # untouched
    assert (second.title, second.county) == (samples.SECOND, "511803")
    assert samples.HIDDEN not in second.body and second.body.startswith("四川省雅安市名山区")
    assert (third.title, third.county, third.ordinal) == (samples.HIDDEN, "510525", 3)
    assert third.body.startswith("四川省泸州市古蔺县") and third.body.endswith("家长外出务工更加安心。")
    assert third.doc_type == doc.cases[1].doc_type
    assert third.evidence["doc_type"].startswith("沿用拆分前条目的文档类型")
    # Its span points at its own text in the document.
    assert doc.raw[third.span[0] : third.span[1]].startswith(samples.HIDDEN + "\n四川省泸州市古蔺县")


def test_a_split_items_sections_are_read_from_its_own_text(gz):
    text = (
        "四川省雅安市名山区推进农村养老服务\n一、主要做法\n"
        "四川省雅安市名山区建设村级互助养老站，组织志愿者每周上门探访独居老人，解决了老人吃饭难的问题。\n"
        "二、经验启示\n坚持党建引领，把互助养老纳入村规民约，让老人在家门口安享晚年。\n"
    )
    doc = parse_document(text, "养老.txt", gz)
    assert doc.cases[0].lessons.startswith("坚持党建引领")
    first, second = rearrange.items(doc, rearrange.split(rearrange.original_layout(doc), 3, doc), gz)
    assert first.measures.startswith("四川省雅安市名山区建设") and first.lessons == ""  # not the whole item's
    assert (second.title, second.measures, second.lessons) == ("二、经验启示", "", "")


def test_merging_the_split_items_gives_back_the_pipeline_item(gz):
    doc = parsed_sample(gz)
    original = rearrange.original_layout(doc)
    layout = rearrange.split(original, hidden_line(doc), doc)
    assert rearrange.merge(layout, 1) == original
    merged = rearrange.items(doc, rearrange.merge(original, 0), gz)
    assert len(merged) == 1 and merged[0].title == samples.FIRST
    # The second item's title stays in the text, as the heading it was.
    assert samples.heading(1, samples.SECOND) not in merged[0].body and samples.SECOND in merged[0].body


@pytest.mark.parametrize("value", ["", "1,5", "0,3,3", "0,2,1", "0,9999", "0,x"])
def test_a_layout_that_does_not_fit_the_document_is_refused(gz, value):
    with pytest.raises(ValueError):
        rearrange.from_string(value, parsed_sample(gz))


def test_a_split_must_leave_a_paragraph_on_each_side(gz):
    doc = parsed_sample(gz)
    layout = rearrange.original_layout(doc)
    for at in (0, layout[1], layout[1] + 1, len(rearrange.lines_of(doc))):
        with pytest.raises(ValueError):
            rearrange.split(layout, at, doc)
    with pytest.raises(ValueError):
        rearrange.merge(layout, 1)


@pytest.mark.parametrize(
    "text, expected",
    [("古蔺县开展留守儿童关爱服务", True), ("主要做法：梳理高频事项三十余项，明确办理时限。", False), ("一、", False)],
)
def test_a_line_can_head_a_new_item_when_it_is_short_and_not_a_sentence(text, expected):
    assert rearrange.title_like(text) is expected


# ---- the preview in the admin ------------------------------------------------------------------


def act(client, response, action: str, **edits):
    return client.post(reverse(URL), {**confirm_data(response, **edits), "action": action})


def test_a_curator_splits_an_item_and_confirms_three_drafts(editor, client):  # noqa: F811
    response = upload(client, "选编.docx", samples.make_docx())
    page = response.content.decode()
    assert page.count('name="action" value="split:') > 3 and page.count('value="merge:') == 1
    at = hidden_line(response.context["doc"])
    assert f'value="split:{at}"' in page
    split = act(client, response, f"split:{at}", **{"case-0-title": "编辑改过的标题"})
    assert split.status_code == 200
    rows = split.context["rows"]
    assert [(r["parsed"].title, r["parsed"].county) for r in rows] == [
        (samples.FIRST, "330523"),
        (samples.SECOND, "511803"),
        (samples.HIDDEN, "510525"),
    ]
    # What the curator typed into an item the split did not touch is kept.
    assert split.context["formset"].forms[0].initial["title"] == "编辑改过的标题"
    # The new item's evidence stands beside its field.
    doc_type = dict((bound.name, note) for bound, note in rows[2]["fields"])["doc_type"]
    assert doc_type.startswith("沿用拆分前条目的文档类型")
    assert "沿用拆分前条目的文档类型" in split.content.decode()
    assert Source.objects.filter(file_name="选编.docx").count() == 0  # still nothing saved
    edits = {"case-2-doc_type": "report", "case-2-year": "2021"}
    done = client.post(reverse(URL), confirm_data(split, **edits))
    assert done.status_code == 302
    cases = list(Source.objects.get(file_name="选编.docx").cases.order_by("ordinal"))
    assert [(c.ordinal, c.title, c.county_id, c.status) for c in cases] == [
        (1, "编辑改过的标题", "330523", "draft"),
        (2, samples.SECOND, "511803", "draft"),
        (3, samples.HIDDEN, "510525", "draft"),
    ]
    assert (cases[2].doc_type, cases[2].year) == ("report", 2021)
    assert samples.HIDDEN not in cases[1].body
    assert cases[2].source_excerpt.startswith(samples.HIDDEN)


def test_a_curator_merges_two_items(editor, client):  # noqa: F811
    response = upload(client, "选编.pdf", samples.make_pdf())
    merged = act(client, response, "merge:0")
    assert [r["parsed"].title for r in merged.context["rows"]] == [samples.FIRST]
    assert 'value="merge:' not in merged.content.decode()
    client.post(reverse(URL), confirm_data(merged))
    (case,) = Source.objects.get(file_name="选编.pdf").cases.all()
    assert case.title == samples.FIRST and samples.HIDDEN in case.body


def test_a_posted_layout_that_does_not_fit_saves_nothing(editor, client):  # noqa: F811
    response = upload(client, "选编.docx", samples.make_docx())
    before = (Source.objects.count(), Case.objects.count())
    for layout in ("0,9999", "5"):
        done = client.post(reverse(URL), confirm_data(response, layout=layout))
        assert done.status_code == 302 and done["Location"] == reverse(URL)
    bad_split = act(client, response, "split:1")
    assert "无法在这里拆分或合并" in bad_split.content.decode()
    assert len(bad_split.context["rows"]) == 2
    assert (Source.objects.count(), Case.objects.count()) == before


def test_doc_type_and_year_are_edited_in_the_preview(editor, client):  # noqa: F811
    response = upload(client, "选编.html", samples.make_html())
    page = response.content.decode()
    assert 'name="case-0-doc_type"' in page and 'name="case-0-year"' in page
    assert 'class="import-text"' in page  # the text areas that grow with their text
    client.post(reverse(URL), confirm_data(response, **{"case-1-doc_type": "news", "case-1-year": "2023"}))
    case = Source.objects.get(file_name="选编.html").cases.get(ordinal=2)
    assert (case.doc_type, case.year) == ("news", 2023)


@pytest.mark.django_db
def test_what_an_editor_changes_in_the_preview_is_said_to_be_the_editors_and_settles_its_flags(gz):
    import dataclasses

    from cases.admin_import import _apply_edits
    from cases.models import Region

    read = dataclasses.replace(
        parsed_sample(gz).cases[0],
        title="",
        year=2011,
        province=None,
        prefecture=None,
        county=None,
        themes=[],
        flags=["no-title", "region-unknown", "theme-unknown", "year-conflict"],
        evidence={"region": "r", "year": "y", "doc_type": "d", "themes": "t", "title": "cut", "summary": "s"},
    )
    untouched = dataclasses.replace(read, evidence=dict(read.evidence), flags=list(read.flags))
    same = {"title": "", "year": 2011, "doc_type": read.doc_type, "themes": [], "summary": read.summary}
    _apply_edits(untouched, same)
    assert untouched.flags == ["no-title", "region-unknown", "theme-unknown", "year-conflict"]
    assert untouched.evidence == read.evidence
    place = Region.objects.get(code="110116")
    _apply_edits(read, {**same, "title": "新标题", "year": 2012, "place": place})
    assert read.flags == ["theme-unknown"]
    assert (read.title, read.year, read.county, read.province) == ("新标题", 2012, "110116", "110000")
    edited = "编辑在导入预览中指定"
    assert read.evidence == {"region": edited, "year": edited, "doc_type": "d", "themes": "t", "summary": "s"}
