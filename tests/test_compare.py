"""对比: cases side by side at a stable address, as a page, a spreadsheet and a Word table."""

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from cases.compare import first_sentences, parse_ids
from cases.models import Case, KeyFigure, Region
from tests.factories import CaseFactory, KeyFigureFactory


def test_ids_are_read_in_order_once_each():
    assert parse_ids("12, 7,12，x9,,3") == ([12, 7, 3], ["x9"])


def test_the_problem_is_the_first_two_sentences_of_the_background():
    assert first_sentences("山区村庄分散。老人看病难！年轻人外出务工。\n其他") == "山区村庄分散。老人看病难！"


@pytest.fixture
def two(seeded):
    county = Region.objects.get(code="511822")
    first = CaseFactory(
        title="荥经县巡回医疗",
        province=county.parent.parent,
        prefecture=county.parent,
        county=county,
        terrain="mountain",
        background="村庄分散。就医路远。第三句。",
        measures="组建巡回医疗队。",
        outcomes="覆盖全县128个行政村。",
        year=2021,
    )
    second = CaseFactory(title="浙江的积分制治理", background="", measures="积分兑换。", year=2019)
    return first, second


@pytest.fixture
def detailed(two):
    """The first of ``two`` with its key figures, money and lessons; the second with none of them."""
    first, second = two
    KeyFigureFactory(case=first, indicator="卫生厕所普及率", value=95, unit="%", baseline=62, year_from=2018,
                     year_to=2021, quote="卫生厕所普及率从62%提高到95%")  # fmt: skip
    KeyFigureFactory(case=first, indicator="惠及群众", value=32000, unit="人", confirmed=False)
    KeyFigureFactory(case=first, kind=KeyFigure.Kind.INVESTMENT, indicator="总投资", value=3000000, unit="元")
    KeyFigureFactory(case=first, kind=KeyFigure.Kind.FUNDING, indicator="县级财政", value=None, unit="")
    KeyFigureFactory(case=first, kind=KeyFigure.Kind.RUNNING_COST, indicator="年运行费用", value=200000, unit="元",
                     confirmed=False)  # fmt: skip
    Case.objects.filter(pk=first.pk).update(
        conditions="适用于村庄分散的山区县。", problems="村医年龄偏大。", lessons="巡诊要固定日子。"
    )
    return first, second


# The rows of ``detailed`` that its second case leaves blank: the page, the spreadsheet and the Word table.
DETAILED_ROWS = [
    ["关键数据", "卫生厕所普及率 95%（基线 62%）（2018–2021）\n惠及群众 3.2万人［自动提取］", "原文未写明"],
    ["投资与资金", "总投资 300万元\n资金来源：县级财政\n运行费用：年运行费用 20万元［自动提取］", "原文未写明"],
    ["适用条件", "适用于村庄分散的山区县。", "原文未写明"],
    ["存在问题", "村医年龄偏大。", "原文未写明"],
    ["经验启示", "巡诊要固定日子。", "原文未写明"],
]
DETAILED_LABELS = [label for label, *_ in DETAILED_ROWS]


def test_two_cases_side_by_side(client, two):
    first, second = two
    response = client.get("/compare/", {"ids": f"{first.pk},{second.pk}"})
    assert response.status_code == 200
    assert [label for label, _ in response.context["rows"]] == [
        "地点", "县级类型", "区域", "地形", "年份", "主题", "文档类型", "摘要", "问题（背景）", "主要做法", "成效", "关键数据",
        "投资与资金", "适用条件", "存在问题", "经验启示", "来源",
    ]  # fmt: skip
    rows = dict(response.context["rows"])
    assert rows["地点"] == ["四川省 › 雅安市 › 荥经县", "浙江省"]
    assert rows["县级类型"] == ["县", "原文未写明"]
    assert rows["区域"] == ["西部", "东部"]
    assert rows["地形"] == ["山区", "原文未写明"]
    assert rows["问题（背景）"] == ["村庄分散。就医路远。", "原文未写明"]
    assert rows["主要做法"] == ["组建巡回医疗队。", "积分兑换。"]

    html = response.content.decode()
    assert f'href="/compare/export.xlsx?ids={first.pk},{second.pk}"' in html
    assert '<th scope="row" class="row-label">成效</th><td>覆盖全县128个行政村。</td>' in html


def test_figures_money_and_lessons_side_by_side(client, detailed):
    first, second = detailed
    response = client.get("/compare/", {"ids": f"{first.pk},{second.pk}"})
    rows = dict(response.context["rows"])
    assert [[label, *rows[label]] for label in DETAILED_LABELS] == DETAILED_ROWS
    html = response.content.decode()
    assert (
        '<th scope="row" class="row-label">投资与资金</th><td>总投资 300万元<br>资金来源：县级财政<br>'
        "运行费用：年运行费用 20万元［自动提取］</td><td>原文未写明</td>" in html
    )


def test_a_text_without_sections_is_compared_by_its_whole_text(client, seeded):
    case = CaseFactory(
        title="一篇新闻", summary="摘要一句。", background="", measures="", outcomes="", body="全文第一段。"
    )
    rows = dict(client.get("/compare/", {"ids": str(case.pk)}).context["rows"])
    assert rows["摘要"] == ["摘要一句。"]
    assert rows["主要做法"] == ["（原文未分节，以下为正文）\n全文第一段。"]


def test_unknown_and_unpublished_ids_are_ignored_with_a_note(client, two):
    first, _ = two
    draft = Case.objects.exclude(status="published").first()
    response = client.get("/compare/", {"ids": f"{first.pk},{draft.pk},99999,abc"})
    assert [case.pk for case in response.context["cases"]] == [first.pk]
    assert response.context["ignored"] == ["abc", str(draft.pk), "99999"]
    assert "以下编号没有对应的已发布案例，已忽略：abc、" in response.content.decode()


def test_more_than_four_are_refused_politely(client, seeded):
    ids = list(Case.objects.published().values_list("pk", flat=True)[:5])
    response = client.get("/compare/", {"ids": ",".join(map(str, ids))})
    assert response.status_code == 400
    html = response.content.decode()
    assert "一次最多对比 4 个案例，您选择了 5 个。" in html
    assert f'href="/compare/?ids={",".join(map(str, ids[:4]))}"' in html
    assert client.get("/compare/export.xlsx", {"ids": ",".join(map(str, ids))}).status_code == 400


def test_the_comparison_downloads_as_a_spreadsheet(client, two):
    first, second = two
    response = client.get("/compare/export.xlsx", {"ids": f"{first.pk},{second.pk}"})
    assert response.status_code == 200
    assert "case-comparison_" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == ["对比项", "荥经县巡回医疗", "浙江的积分制治理"]
    assert ["地形", "山区", "原文未写明"] in values
    assert values[-1][0] == "链接" and values[-1][1].endswith(f"/c/{first.pk}/")


def test_the_downloads_carry_the_figures_money_and_lessons(client, detailed):
    first, second = detailed
    ids = {"ids": f"{first.pk},{second.pk}"}
    sheet = load_workbook(io.BytesIO(client.get("/compare/export.xlsx", ids).content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert [row for row in values if row[0] in DETAILED_LABELS] == DETAILED_ROWS
    table = Document(io.BytesIO(client.get("/compare/export.docx", ids).content)).tables[0]
    cells = [[cell.text for cell in row.cells] for row in table.rows]
    assert [row for row in cells if row[0] in DETAILED_LABELS] == DETAILED_ROWS


def test_the_comparison_downloads_as_a_word_table(client, two):
    first, second = two
    response = client.get("/compare/export.docx", {"ids": f"{first.pk},{second.pk}"})
    document = Document(io.BytesIO(response.content))
    table = document.tables[0]
    assert [cell.text for cell in table.rows[0].cells] == ["对比项", "荥经县巡回医疗", "浙江的积分制治理"]
    assert [cell.text for cell in table.rows[5].cells] == ["年份", "2021", "2019"]
    assert document.paragraphs[0].text == "乡村公共服务案例对比"


def test_the_compare_page_reads_a_fixed_number_of_queries(client, two, django_assert_max_num_queries):
    first, second = two
    third = Case.objects.published().exclude(pk__in=[first.pk, second.pk]).first()
    with django_assert_max_num_queries(12):
        client.get("/compare/", {"ids": f"{first.pk}"})
    with django_assert_max_num_queries(12):
        client.get("/compare/", {"ids": f"{first.pk},{second.pk},{third.pk}"})


def test_cards_and_case_pages_carry_the_compare_checkbox(client, two):
    first, _ = two
    html = client.get("/cases/").content.decode()
    assert f'<input type="checkbox" data-compare="{first.pk}" data-title="荥经县巡回医疗">' in html
    html = client.get(first.get_absolute_url()).content.decode()
    assert f'data-compare="{first.pk}"' in html and 'id="compare-tray"' in html


def test_the_comparison_in_english(client, two):
    first, second = two
    html = client.get("/en/compare/", {"ids": f"{first.pk},{second.pk}"}).content.decode()
    assert "<h1>Compare cases</h1>" in html
    assert '<th scope="row" class="row-label">Terrain</th><td>Mountains</td><td>Not stated in the source</td>' in html
    assert '<th scope="row" class="row-label">Macro-region</th><td>West</td><td>East</td>' in html
