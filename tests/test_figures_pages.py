"""Key figures and the new sections where people meet them: the editors' inline table in the
admin and the public case page."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from cases.models import Case, KeyFigure
from tests.factories import CaseFactory, KeyFigureFactory

PASSWORD = "Rural-case-2026!"


@pytest.fixture
def editor_client(db, client):
    from django.contrib.auth import get_user_model

    call_command("create_editor", "bianji", "--role", "editor", "--password", PASSWORD, stdout=io.StringIO())
    client.force_login(get_user_model().objects.get(username="bianji"))
    return client


def figure_rows(html: str) -> list[list[str]]:
    """The cells of the key-figures table, as text."""
    from html.parser import HTMLParser

    class Rows(HTMLParser):
        def __init__(self):
            super().__init__()
            self.rows, self.cell, self.inside = [], None, 0

        def handle_starttag(self, tag, attrs):
            if tag == "table" and ("class", "simple figures-table") in attrs:
                self.inside += 1
            elif self.inside and tag == "tr":
                self.rows.append([])
            elif self.inside and tag in ("td", "th"):
                self.cell = []

        def handle_endtag(self, tag):
            if tag == "table" and self.inside:
                self.inside -= 1
            elif self.inside and tag in ("td", "th") and self.cell is not None:
                self.rows[-1].append("".join(self.cell).strip())
                self.cell = None

        def handle_data(self, data):
            if self.cell is not None:
                self.cell.append(data)

    parser = Rows()
    parser.feed(html)
    return parser.rows


def test_the_case_page_shows_confirmed_figures_and_marks_extracted_ones(db, client):
    case = CaseFactory(
        conditions="适用于山区县。", lessons="建管并重。", problems="运维成本偏高。", next_steps="新建水厂3座。"
    )
    KeyFigureFactory(
        case=case, indicator="卫生厕所普及率", value=95, unit="%", baseline=62, year_from=2019, year_to=2022, quote=""
    )
    KeyFigureFactory(case=case, indicator="惠及群众", value=32000, unit="人", confirmed=False, quote="惠及群众3.2万人")
    KeyFigureFactory(
        case=case, kind=KeyFigure.Kind.INVESTMENT, indicator="项目总投资", value=235000000, unit="元", quote=""
    )
    KeyFigureFactory(
        case=case,
        kind=KeyFigure.Kind.FUNDING,
        indicator="县级财政",
        value=None,
        unit="",
        confirmed=False,
        quote="县财政",
    )

    html = client.get(case.get_absolute_url()).content.decode()

    assert figure_rows(html) == [
        ["指标", "数值", "基线", "年份", "核实"],
        ["卫生厕所普及率", "95%", "62%", "2019–2022", "已核实"],
        ["惠及群众惠及群众3.2万人", "3.2万人", "", "", "自动提取，未核实"],
        ["类别", "项目或来源", "金额", "年份", "核实"],
        ["投资", "项目总投资", "2.35亿元", "", "已核实"],
        ["资金来源", "县级财政县财政", "—", "", "自动提取，未核实"],
    ]
    assert "尚未经编辑对照原文核实" in html
    for heading, text in (
        ("适用条件", "适用于山区县。"),
        ("存在问题", "运维成本偏高。"),
        ("经验启示", "建管并重。"),
        ("下一步打算", "新建水厂3座。"),
    ):
        assert f"<h2>{heading}</h2><p>{text}</p>" in html


def test_a_case_without_figures_has_no_figures_table(db, client):
    html = client.get(CaseFactory().get_absolute_url()).content.decode()
    assert figure_rows(html) == [] and "关键数据" not in html


def test_the_english_page_translates_the_marks(db, client):
    case = CaseFactory()
    KeyFigureFactory(case=case, confirmed=False)
    html = client.get("/en" + case.get_absolute_url()).content.decode()
    assert "Key figures" in html and "Extracted automatically, not verified" in html


def inline_data(case, rows):
    """The inline formset's fields as the change form posts them."""
    data = {
        "figures-TOTAL_FORMS": str(len(rows)),
        "figures-INITIAL_FORMS": str(sum(1 for r in rows if r.get("id"))),
        "figures-MIN_NUM_FORMS": "0",
        "figures-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(rows):
        for key, value in row.items():
            data[f"figures-{n}-{key}"] = value
        data[f"figures-{n}-case"] = case.pk
    return data


def figure_fields(f: KeyFigure, **changes) -> dict:
    row = {
        "id": f.pk,
        "kind": f.kind,
        "indicator": f.indicator,
        "value": f.value if f.value is not None else "",
        "value_max": "",
        "unit": f.unit,
        "baseline": f.baseline if f.baseline is not None else "",
        "year_from": f.year_from or "",
        "year_to": f.year_to or "",
    }
    if f.confirmed:
        row["confirmed"] = "on"
    row.update(changes)
    return row


def case_fields(case) -> dict:
    return {
        "title": case.title,
        "place": case.place.code if case.place else "",
        "region_label": case.region_label,
        "year": case.year or "",
        "doc_type": case.doc_type,
        "themes": [t.pk for t in case.themes.all()],
        "summary": case.summary,
        "body": case.body,
        "status": case.status,
        "version": case.version,
    }


def test_an_editor_confirms_corrects_and_deletes_proposals_in_the_inline_table(editor_client):
    case = CaseFactory(status=Case.Status.DRAFT)
    keep = KeyFigureFactory(case=case, indicator="惠及", value=32000, unit="人", confirmed=False)
    wrong = KeyFigureFactory(case=case, indicator="建成幸福院", value=12, unit="座", confirmed=False)
    gone = KeyFigureFactory(case=case, indicator="一体化", value=1, unit="个", confirmed=False)
    url = reverse("admin:cases_case_change", args=[case.pk])

    page = editor_client.get(url).content.decode()
    assert "关键数据（自动提取的数据请对照原文核实、修改或删除）" in page
    assert 'name="figures-0-indicator"' in page and 'value="惠及"' in page

    rows = [
        figure_fields(keep, confirmed="on"),
        figure_fields(wrong, value="120", unit="个"),
        figure_fields(gone, DELETE="on"),
    ]
    response = editor_client.post(url, {**case_fields(case), **inline_data(case, rows)})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(case.figures.order_by("pk").values_list("indicator", "value", "unit", "confirmed")) == [
        ("惠及", Decimal(32000), "人", True),
        ("建成幸福院", Decimal(120), "个", False),
    ]
    assert KeyFigure.objects.get(pk=wrong.pk).edited
    assert KeyFigure.history.filter(id=gone.pk, history_type="-").exists()


@pytest.mark.parametrize(
    ("value", "written"),
    [(32000, "3.2万"), (235000000, "2.35亿"), (606328, "606328"), (Decimal("95.5"), "95.5"), (10000, "1万"), (0, "0")],
)
def test_an_amount_is_written_as_a_reader_writes_it(value, written):
    from cases.models import format_amount

    assert format_amount(value) == written


def test_an_amount_in_wan_is_asked_to_be_multiplied_out(db):
    from django.core.exceptions import ValidationError

    from tests.factories import KeyFigureFactory

    figure = KeyFigureFactory.build(kind="investment", indicator="总投资", value=300, unit="万元")
    with pytest.raises(ValidationError) as refused:
        figure.full_clean(exclude=["case"])
    assert list(refused.value.message_dict) == ["unit"]
    figure.value, figure.unit = 3000000, "元"
    figure.full_clean(exclude=["case"])
