"""Labels a page put on a text never reach titles, summaries and citations: page numbers of a
paged copy, a series' label, a notice's addressee line, a speech's salutation."""

import pytest

from cases.citations import gbt7714
from cases.ingest import labels
from cases.ingest.pipeline import parse_document
from cases.load import load_document
from cases.models import Case

from .factories import CaseFactory


@pytest.mark.parametrize(
    "title, clean, cut",
    [
        ("某镇便民服务经验汇编（第3/5页）", "某镇便民服务经验汇编", "（第3/5页）"),
        ("某镇便民服务经验汇编(第2/4页)", "某镇便民服务经验汇编", "(第2/4页)"),
        ("某镇便民服务经验汇编（第2页）", "某镇便民服务经验汇编", "（第2页）"),
        ("某县养老服务调研报告_第2页", "某县养老服务调研报告", "_第2页"),
        ("某县养老服务调研报告 - 第12页", "某县养老服务调研报告", "- 第12页"),
        ("某县养老服务调研报告 第4页", "某县养老服务调研报告", "第4页"),
        ("某县养老服务调研报告 第4页/共9页", "某县养老服务调研报告", "第4页/共9页"),
    ],
)
def test_a_page_number_after_a_title_is_cut_off_and_told(title, clean, cut):
    assert labels.strip_page_number(title) == (clean, cut)


@pytest.mark.parametrize(
    "title",
    [
        "第2页",  # nothing but a page number: no title to keep
        "学校第3页的课文",
        "《第一页》编读往来",
        "某县推进第2批示范村建设",
    ],
)
def test_a_title_without_a_trailing_page_number_stays_as_it_is(title):
    assert labels.strip_page_number(title) == (title, "")


@pytest.mark.parametrize(
    "title, label",
    [
        ("某市推进城乡一体化专题之三", True),
        ("乡村振兴系列报道之二", True),
        ("基层治理系列谈（四）", True),
        ("某县推进城乡一体化", False),
        ("专题学习之后的体会", False),
        ("一体化的三个专题", False),
    ],
)
def test_series_labels(title, label):
    assert labels.is_series_label(title) is label


@pytest.mark.parametrize(
    "paragraph, courtesy",
    [
        ("各区（市）县人民政府，市政府各部门：", "各区（市）县人民政府，市政府各部门："),
        ("各乡镇人民政府、街道办事处，县直各单位：", "各乡镇人民政府、街道办事处，县直各单位："),
        ("各市、州、县人民政府，省政府各部门：现将有关事项通知如下。", "各市、州、县人民政府，省政府各部门："),
        ("尊敬的各位领导、各位来宾：大家好！今天我汇报三点。", "尊敬的各位领导、各位来宾：大家好！"),
        ("同志们：今天召开这次会议，主要任务是部署工作。", "同志们："),
        ("各位代表：", "各位代表："),
        # Sentences that open with the same words are text.
        ("各乡镇人民政府高度重视，迅速行动。", ""),
        ("各村因地制宜建起了幸福院，老人吃饭更方便。", ""),
        ("尊敬老人是村里的好传统。", ""),
        ("主要做法：一是整合资源。", ""),
        ("各镇（街道）要做好以下工作：一是加强领导。", ""),
        ("各地各部门要认真落实，具体如下：加强领导。", ""),
        ("各位村民积极参与，主要做法如下：建食堂。", ""),
        # … and lines that are courtesy, whatever their bodies are called.
        ("各区县应急管理局、民政局：", "各区县应急管理局、民政局："),
        ("各位代表，大家好！今天我汇报三点。", "各位代表，大家好！"),
    ],
)
def test_the_addressee_line_or_salutation_a_paragraph_opens_with(paragraph, courtesy):
    assert labels.opening_courtesy(paragraph) == courtesy


SERIES_PAGE = (
    "县域资料选编\n"
    "第一篇：清河县推进城乡养老服务专题之二\n"
    "清河县推进城乡养老服务专题之二\n"
    "清河县人民政府关于加强农村养老服务的意见\n"
    "各乡镇人民政府，县政府各部门：\n"
    "为让农村老年人就近得到照料，结合本县幸福院和敬老院的布局，现就加强农村养老服务提出如下意见。\n"
    "第二篇：清河县推进城乡供水专题之三\n"
    "清河县推进城乡供水专题之三\n"
    "各乡镇人民政府，县政府各部门：\n"
    "全县农村供水管网改造已经启动，水厂到村的主管网今年年底前完成，请各单位按分工抓紧落实。\n"
)


def test_a_series_label_gives_way_to_the_documents_own_title_and_is_kept_as_evidence(gz):
    first, second = parse_document(SERIES_PAGE, "t.txt", gz).cases

    assert first.title == "清河县人民政府关于加强农村养老服务的意见"
    assert first.evidence["title"] == "‘清河县推进城乡养老服务专题之二’是栏目标签，标题取其后的文件标题"
    assert "清河县人民政府关于加强农村养老服务的意见" not in first.body
    # Without a title of its own after it, the label stays: a title is better than none.
    assert second.title == "清河县推进城乡供水专题之三"
    assert "title" not in second.evidence


def test_a_summary_never_is_an_addressee_line_which_stays_in_the_text_and_the_evidence(gz):
    first, second = parse_document(SERIES_PAGE, "t.txt", gz).cases

    assert first.summary == (
        "为让农村老年人就近得到照料，结合本县幸福院和敬老院的布局，现就加强农村养老服务提出如下意见。"
    )
    assert second.summary == "全县农村供水管网改造已经启动，水厂到村的主管网今年年底前完成，请各单位按分工抓紧落实。"
    assert first.evidence["summary"] == "摘要略去称呼 ‘各乡镇人民政府，县政府各部门：’"
    assert "各乡镇人民政府，县政府各部门：" in first.body


def test_a_speech_summary_starts_after_its_salutation(gz):
    text = (
        "在全镇便民服务工作会上的讲话\n"
        "尊敬的各位领导、同志们：大家好！今年以来，我镇便民服务中心推行帮办代办，群众办事少跑腿，全年办理事项八千余件。\n"
    )
    (case,) = parse_document(text, "t.txt", gz).cases

    assert case.summary == "今年以来，我镇便民服务中心推行帮办代办，群众办事少跑腿，全年办理事项八千余件。"
    assert case.evidence["summary"] == "摘要略去称呼 ‘尊敬的各位领导、同志们：大家好！’"


def test_a_paged_copys_page_number_reaches_neither_the_title_nor_the_source(gz):
    text = (
        "平山县村级便民服务站建设情况（第2/3页）\n"
        "发布时间：2023-04-06 10:20\n"
        "平山县在每个行政村建设便民服务站，代办社保、医保和证明材料，群众办事不出村。\n"
    )
    doc = parse_document(text, "t.txt", gz)

    assert doc.title == "平山县村级便民服务站建设情况"
    assert [c.title for c in doc.cases] == ["平山县村级便民服务站建设情况"]
    assert doc.cases[0].evidence["title"] == "删去页码 ‘（第2/3页）’"


def test_a_number_cited_in_a_sentence_is_not_the_documents_own(gz):
    cited = "某区义务教育工作汇报\n我区按照某政教督【2018】2号文件的要求，全面推进城乡义务教育一体化，各校办学条件明显改善。\n"
    own = "关于做好农村供水工作的通知\n某县政办发〔2021〕12号\n各乡镇人民政府：\n现将农村供水工作有关事项通知如下，请认真贯彻执行。\n"

    assert parse_document(cited, "a.txt", gz).doc_number == ""
    assert parse_document(own, "b.txt", gz).doc_number == "某县政办发〔2021〕12号"


@pytest.mark.django_db
def test_a_citation_carries_the_clean_titles(gz):
    text = (
        "平山县村级便民服务站建设情况（第2/3页）\n"
        "发布时间：2023-04-06 10:20\n"
        "平山县在每个行政村建设便民服务站，代办社保、医保和证明材料，群众办事不出村。\n"
    )
    from datetime import date

    from cases.load import load_regions

    load_regions()
    source = load_document(parse_document(text, "t.txt", gz))
    case = source.cases.get()

    assert source.title == "平山县村级便民服务站建设情况"
    assert gbt7714(case, "https://example.cn/c/1/", date(2026, 12, 1)) == (
        "平山县村级便民服务站建设情况[EB/OL]. 乡村公共服务案例库, 2023[2026-12-01]. https://example.cn/c/1/."
    )


@pytest.mark.django_db
def test_a_reload_keeps_an_editors_title_and_drops_the_title_evidence(gz):
    from cases.load import load_regions

    load_regions()
    doc = parse_document(SERIES_PAGE, "t.txt", gz)
    load_document(doc)
    case = Case.objects.get(title="清河县人民政府关于加强农村养老服务的意见")
    case.title = "清河县加强农村养老服务"
    case.save()

    load_document(parse_document(SERIES_PAGE, "t.txt", gz))
    case.refresh_from_db()

    assert case.title == "清河县加强农村养老服务"
    assert "title" not in case.evidence
    assert case.evidence["summary"] == "摘要略去称呼 ‘各乡镇人民政府，县政府各部门：’"


@pytest.mark.django_db
def test_the_admin_shows_what_was_cut_from_a_title(admin_client):
    case = CaseFactory(evidence={"title": "删去页码 ‘（第2/3页）’"})

    html = admin_client.get(f"/admin/cases/case/{case.pk}/change/").content.decode()

    assert "删去页码 ‘（第2/3页）’" in html
