from datetime import date

import pytest

from cases.ingest import dates
from cases.ingest.normalize import Paragraph
from cases.ingest.pipeline import merge_duplicates, near_duplicate, shingles
from cases.ingest.sections import split_sections
from cases.ingest.segment import RawItem
from cases.ingest.themes import doc_type_for, tags_for, themes_for

LATEST = 2026


@pytest.mark.parametrize(
    "text, years",
    [("二O一一年六月十五日", [2011]), ("二〇二一年十二月", [2021]), ("二零一九年三月八日", [2019]), ("十一五期间", [])],
)
def test_it_reads_dates_written_in_chinese_numerals(text, years):
    assert dates.chinese_years(text) == years


def test_a_signature_beats_rewritten_arabic_years():
    page = "2024年6月\n2024年实现农民人均纯收入8860元。\n花源镇人民政府\n二O一一年六月十五日\n第二篇\n2024年11月表彰。"
    doc = dates.document_dates(page, LATEST)
    assert (doc.rewritten, doc.year) == (True, 2011)
    assert dates.item_year("2024年6月……二O一一年六月十五日", doc, LATEST)[:2] == (2011, ["year-conflict"])
    assert dates.item_year("2024年11月我市被表彰", doc, LATEST)[:2] == (None, ["year-conflict"])


def test_without_a_signature_the_latest_own_year_counts():
    doc = dates.document_dates("2019年开展第一批。2021年扫黑除恶工作。", LATEST)
    assert doc == dates.DocumentDates(rewritten=False, year=None)
    assert dates.item_year("2019年开展第一批。2021年扫黑除恶工作。", doc, LATEST)[0] == 2021
    assert dates.item_year("本世纪初", doc, LATEST)[:2] == (None, [])
    assert dates.item_year("2014年以来", doc, LATEST, newsletter_year=2021)[:2] == (2021, [])


@pytest.mark.parametrize(
    "text",
    [
        "到2025年，全县建成养老服务网络。",  # a target
        "2018-2022年累计投入一亿元。",  # a range
        "继2019年实现全覆盖之后。",  # an earlier event
        "根据《“十四五”规划（2021-2025年）》和（国办发〔2015〕13号）文件。",  # cited documents
        "信息来源：《求索》2018年第6期",  # a journal's issue
    ],
)
def test_years_that_are_not_the_texts_own_never_become_its_year(text):
    doc = dates.DocumentDates(rewritten=False, year=None)
    assert dates.item_year(text, doc, LATEST)[0] is None


def test_a_text_is_no_older_than_the_document_it_cites():
    doc = dates.DocumentDates(rewritten=False, year=None)
    assert dates.item_year("按照双政教督【2018】2号文件，我区小学于2010年全部通过", doc, LATEST)[0] is None


def test_the_page_date_beats_the_signature_and_the_own_number():
    from cases.ingest.normalize import normalize_document

    raw = "标题\n发布时间：2021年06月04日 17:33 浏览量：12\n农社发〔2019〕3号\n正文。\n某某局\n2020年5月6日"
    doc = normalize_document(raw)
    own = dates.own_date([p.text for p in doc.paragraphs], doc.furniture)
    assert (own.year, own.evidence) == (2021, "页面日期 ‘发布时间：2021年06月04日17:33’")
    doc = normalize_document(raw.replace("发布时间：2021年06月04日 17:33 浏览量：12\n", ""))
    assert dates.own_date([p.text for p in doc.paragraphs], doc.furniture).year == 2020
    doc = normalize_document(raw.split("\n某某局")[0].replace("发布时间：2021年06月04日 17:33 浏览量：12\n", ""))
    assert dates.own_date([p.text for p in doc.paragraphs], doc.furniture).year == 2019
    # A signature in Chinese numerals is read as the year it writes.
    signed = dates.own_date(["正文。", "某某局", "二〇一一年六月十五日"], [])
    assert (signed.year, signed.evidence) == (2011, "落款日期 ‘二〇一一年六月十五日’")


def test_years_after_today_are_not_evidence():
    assert dates.arabic_years("到2035年基本实现", LATEST) == []
    assert date.today().year >= 2025


def test_sections_come_from_the_headings_a_text_has():
    sections = split_sections(
        [
            "摘要：X市筛选14个乡镇街道。",
            "01改革背景",
            "改革仍存在落实不够到位的问题。",
            "02改革目标",
            "打造示范点。",
            "03改革措施",
            "强化三个坚持。",
            "04改革成效",
            "全市101个乡镇街道均完成改革任务。",
        ]
    )
    assert sections.summary == "X市筛选14个乡镇街道。"
    assert sections.background == "改革仍存在落实不够到位的问题。\n打造示范点。"
    assert sections.measures == "强化三个坚持。"
    assert sections.outcomes == "全市101个乡镇街道均完成改革任务。"


def test_without_headings_the_summary_is_the_lead_paragraph():
    lead = "北京市怀柔区立足山区农村实际，梳理涉农事项代办清单，打造全天候代办队伍。"
    sections = split_sections(["01-北京怀柔", lead, "第二段。"])
    assert (sections.summary, sections.background, sections.measures) == (lead, "", "")


def test_a_truncated_preview_is_a_near_duplicate_of_the_full_text():
    full = "宝山区现有小学6所，其中农村小学1所，目前在校生1655人。" * 5 + "十二、加强留守儿童关爱保护。"
    preview = full[:80]
    assert near_duplicate(full, preview)
    assert not near_duplicate(full, "义务教育均衡发展工作是我国教育改革发展的一项重要任务。" * 3)
    # A text compared with many is cut up once: its shingles give the same answers.
    assert near_duplicate(full, shingles(preview)) and near_duplicate(shingles(full), preview)
    assert not near_duplicate(shingles(full), "义务教育均衡发展工作是我国教育改革发展的一项重要任务。" * 3)
    items = [RawItem("汇报", [Paragraph(preview, 0, 80)]), RawItem("汇报", [Paragraph(full, 100, 300)])]
    assert [i.body for i in merge_duplicates(items)] == [full]


@pytest.mark.parametrize(
    "title, text, expected",
    [
        (
            "“众筹养老”绘就晚年幸福图景",
            "兴建村级慈善幸福院，探索“众筹式”养老模式，激活社会力量参与。",
            ["elderly-care", "diverse-supply"],
        ),
        ("“小幼连贯”赋能农村幼教", "解决偏远地区农村孩子就近入园问题，学前三年毛入园率达到90.91%。", ["childcare"]),
        ("城乡共通丹江水 农村吃上优质水", "让农民群众吃上干净的水，将饮水工程列为民生工程之首。", ["water-supply"]),
    ],
)
def test_themes_follow_title_and_text(title, text, expected):
    assert sorted(themes_for(title, text)) == sorted(expected)


def test_an_item_gets_no_theme_by_default_and_at_most_three():
    assert themes_for("会议", "无关内容") == []
    # Department names and a list of themes (a notice's 主题包括…) are no theme.
    assert themes_for("关于开展工作的通知", "县教育局、县卫生健康局、乡村振兴（扶贫）部门参加。") == []
    listed = "主题包括：农村供水、人居环境整治、农村教育、医疗卫生、养老服务、托幼服务。"
    assert themes_for("关于征集案例的通知", listed, short_case=False) == []
    many = "养老 教育 供水 垃圾 文化 医疗 留守儿童 幼儿园 就业 保险 治理 脱贫"
    assert 1 <= len(themes_for(many, many * 3)) <= 3


@pytest.mark.parametrize(
    "title, text, shape, expected",
    [
        ("关于开展第二批乡村治理示范村镇创建工作的通知", "", "newsletter", "policy"),
        (
            "成都市推进城乡一体化专题之三",
            "中共成都市委 成都市人民政府关于统筹城乡发展的意见\n各区（市）县委和人民政府，市级各部门：",
            "articles",
            "policy",
        ),
        ("积极开展扫黑除恶", "乡村振兴是时代使命。笔者评论认为，推进乡村振兴关键在人。", "newsletter", "commentary"),
        ("深入开展扫黑除恶宣传", "今年以来，县工信局深入开展宣传。", "newsletter", "news"),
        ("义务教育均衡发展工作情况汇报", "我们加大了对薄弱学校的支持。", "report-collection", "report"),
        ("“全程代办”实现农村公共服务“零距离”", "名山区探索推行村级事务全程代办制度。", "numbered-list", "case"),
    ],
)
def test_doc_types(title, text, shape, expected):
    assert doc_type_for(title, text, shape) == expected


def test_tags_are_specific_keywords():
    assert sorted(tags_for("推行垃圾“四分法”和“五指分类法”，建立积分反馈机制")) == ["垃圾分类", "积分制"]
    assert "对口帮扶" not in tags_for("对易返贫致贫户动态帮扶清零")


def test_conditions_problems_lessons_and_next_steps_are_sections_of_their_own():
    sections = split_sections(
        [
            "一、基本情况",
            "全县辖12个乡镇。",
            "二、主要做法",
            "整合资金建设食堂。",
            "三、取得成效",
            "建成食堂236个。",
            "四、适用条件",
            "适用于村集体有一定收入的山区县。",
            "五、存在问题",
            "运营资金不稳定。",
            "六、经验启示",
            "建管并重。",
            "七、下一步打算",
            "计划新增食堂40个。",
        ]
    )
    assert (sections.background, sections.measures, sections.outcomes) == (
        "全县辖12个乡镇。",
        "整合资金建设食堂。",
        "建成食堂236个。",
    )
    assert (sections.conditions, sections.problems, sections.lessons, sections.next_steps) == (
        "适用于村集体有一定收入的山区县。",
        "运营资金不稳定。",
        "建管并重。",
        "计划新增食堂40个。",
    )


@pytest.mark.parametrize(
    ("heading", "kind"),
    [
        ("（四）适用范围", "conditions"),
        ("问题与不足", "problems"),
        ("三、存在的问题", "problems"),
        ("启示", "lessons"),
        ("五、几点体会", "lessons"),
        ("经验", "lessons"),
        ("（六）下一步", "next_steps"),
        ("四、下一步工作打算", "next_steps"),
        ("今后打算：", "next_steps"),
        ("四、今后工作打算", "next_steps"),
        ("三、工作计划", "next_steps"),
        ("（五）下一步工作思路", "next_steps"),
        ("五、今后的努力方向", "next_steps"),
        ("努力方向", "next_steps"),
    ],
)
def test_each_new_heading_names_its_section(heading, kind):
    sections = split_sections([heading, "一段文字。"])
    assert getattr(sections, kind) == "一段文字。"


def test_a_heading_glued_to_its_first_point_still_starts_its_section():
    sections = split_sections(["二、主要做法", "建成食堂。", "三、存在的问题及建议1. 资金不足。", "2. 人员不够。"])
    assert (sections.measures, sections.problems) == ("建成食堂。", "1. 资金不足。\n2. 人员不够。")


def test_a_heading_word_inside_a_sentence_starts_no_section():
    sections = split_sections(["一、基本情况", "下一步，全县将新建食堂。", "经验表明，建管并重。"])
    assert (sections.background, sections.next_steps, sections.lessons) == (
        "下一步，全县将新建食堂。\n经验表明，建管并重。",
        "",
        "",
    )
