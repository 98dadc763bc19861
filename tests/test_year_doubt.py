"""A case whose text's years disagree with the document's own date (year-conflict) says so,
politely and with the evidence, wherever its year is shown: its page, its card, its citations
and its Word document."""

import io
import re
from datetime import date

import pytest
from django.utils.html import strip_tags

from cases.citations import bibtex, gbt7714, ris

from .factories import CaseFactory

pytestmark = pytest.mark.django_db

EVIDENCE = "文中的年份（2024年）与落款日期 ‘二〇一一年六月十五日’ 不一致，采用落款年份"


@pytest.fixture
def doubtful():
    return CaseFactory(
        title="某镇推进城乡教育一体化",
        year=2011,
        quality_flags=["year-conflict"],
        evidence={"year": EVIDENCE},
        source__publisher="某镇人民政府",
    )


@pytest.fixture
def plain():
    return CaseFactory(title="某县推行村级便民服务", year=2022)


def text_of(response) -> str:
    return " ".join(strip_tags(response.content.decode()).split())


def test_the_case_page_warns_that_the_year_is_uncertain_with_the_evidence(client, doubtful):
    html = client.get(doubtful.get_absolute_url()).content.decode()
    note = " ".join(strip_tags(re.search(r'<div class="note year-doubt".*?</div>', html, re.S).group()).split())

    assert note == (
        "年份存疑：文中的年份与文件落款的日期不一致，原网页可能改动过文中的年份。本页采用落款年份 2011 年。"
        f"引用前请对照原件核实。 依据：{EVIDENCE}"
    )


def test_a_case_without_a_year_says_it_gives_none(client):
    case = CaseFactory(year=None, quality_flags=["year-conflict"], evidence={})

    text = text_of(client.get(case.get_absolute_url()))

    assert "原网页可能改动过文中的年份。本页不标注年份。引用前请对照原件核实。" in text
    assert "依据：" not in text


def test_a_case_with_a_sure_year_shows_no_warning(client, plain):
    html = client.get(plain.get_absolute_url()).content.decode()

    assert "year-doubt" not in html and "年份存疑" not in html


def test_the_english_page_warns_in_english(client, doubtful):
    text = text_of(client.get("/en" + doubtful.get_absolute_url()))

    assert (
        "Year doubtful: the years in the text disagree with the date the document was signed; the web page it "
        "was taken from may have altered the years in the text. This page gives the year of the signature, 2011. "
        "Please check against the original before citing it."
    ) in text
    assert f"Evidence (in Chinese): {EVIDENCE}" in text


def test_the_card_in_a_list_marks_the_year_as_uncertain(client, doubtful, plain):
    def cards(case) -> dict[str, str]:
        html = client.get("/cases/", {"source": case.source_id}).content.decode()
        return {
            strip_tags(m.group(1)).strip(): " ".join(strip_tags(m.group(2)).split())
            for m in re.finditer(r'<h3>(.*?)</h3>\s*<p class="meta">(.*?)</p>', html, re.S)
        }

    assert cards(doubtful) == {"某镇推进城乡教育一体化": "浙江省 · 2011年 年份存疑 · 案例"}
    assert cards(plain) == {"某县推行村级便民服务": "浙江省 · 2022年 · 案例"}


def test_citations_put_the_year_in_brackets_or_say_it_is_uncertain(doubtful, plain):
    url, cited = "https://example.cn/c/1/", date(2026, 12, 1)

    assert gbt7714(doubtful, url, cited) == (
        "某镇人民政府. 某镇推进城乡教育一体化[EB/OL]. 乡村公共服务案例库, [2011][2026-12-01]. https://example.cn/c/1/."
    )
    assert ", 2022[2026-12-01]" in gbt7714(plain, url, cited)
    assert f"  note = {{来源：{doubtful.source}；年份存疑：文中年份与落款日期不一致}}" in bibtex(doubtful, url, cited)
    assert "年份存疑" not in bibtex(plain, url, cited)
    assert "N1  - 年份存疑：文中年份与落款日期不一致" in ris(doubtful, url, cited).splitlines()
    assert "年份存疑" not in ris(plain, url, cited)


def test_the_word_document_says_the_year_is_uncertain(client, doubtful):
    from docx import Document

    response = client.get(f"/cases/{doubtful.slug}/export.docx")
    paragraphs = [p.text for p in Document(io.BytesIO(response.content)).paragraphs]

    assert paragraphs[1:3] == ["浙江省 · 2011年 · 案例", f"年份存疑：{EVIDENCE}。"]


def test_the_comparison_marks_the_uncertain_year(client, doubtful, plain):
    from cases.compare import rows
    from cases.models import Case

    cases = list(Case.objects.filter(pk__in=[doubtful.pk, plain.pk]).order_by("pk").with_related())
    assert dict(rows(cases))["年份"] == ["2011（年份存疑）", str(plain.year)]
    page = client.get("/compare/", {"ids": f"{doubtful.pk},{plain.pk}"}).content.decode()
    assert "2011（年份存疑）" in page
