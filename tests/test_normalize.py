import pytest

from cases.ingest.chrome import is_chrome
from cases.ingest.normalize import drop_annotations, normalize_document, normalize_line


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("提高農(nóng)村公共服務(wù)效能", "提高農村公共服務效能"),
        ("醫(yī)養(yǎng)結合", "醫養結合"),
        # Not a reading of the character before it: kept.
        ("使用GDP(gdp)核算", "使用GDP(gdp)核算"),
        ("第(yī)一", "第(yī)一"),
    ],
)
def test_it_drops_only_annotations_that_are_readings(raw, expected):
    assert drop_annotations(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("北京市懷柔區立足山區農村實際,梳理涉農事項", "北京市怀柔区立足山区农村实际，梳理涉农事项"),
        ("打破城鄉學校“圍墻”</span>", "打破城乡学校“围墙”"),
        ("<p>村民&nbsp;议事</p>", "村民 议事"),
        ('庭后疏导矛盾纠纷化解"三步法"。', "庭后疏导矛盾纠纷化解“三步法”。"),
        ("全国乡村振兴系统会议 10 日在京召开。", "全国乡村振兴系统会议10日在京召开。"),
        ("抓住新机遇 努力推进教育城乡一体化", "抓住新机遇 努力推进教育城乡一体化"),
        ("(一)基层党的建设进一步加强", "（一）基层党的建设进一步加强"),
        ("小学师生比为19:1。", "小学师生比为19:1。"),
    ],
)
def test_it_normalizes_a_line(raw, expected):
    assert normalize_line(raw) == expected


@pytest.mark.parametrize(
    "line",
    [
        "文似观山不喜平 — — 观山文库◆记住我,来上我~",
        "微信扫码领取福利",
        "识别二维码 关注我们",
        "责任编辑：王丹阳 郑冬辰",
        "联系邮箱：info@tsingyanresearch.com",
        "个人简历 述职报告 实习报告 辞职报告 工作计划 入职转正 简历模板",
        "本类热门",
        "221381",
        "- 1、下载文档前请自行甄别文档内容的完整性，平台不提供额外的编辑、内容补充、找答案等附加服务。",
    ],
)
def test_it_recognizes_site_chrome(line):
    assert is_chrome(normalize_line(line))


@pytest.mark.parametrize(
    "line", ["03改革成效", "一、工作目标", "湖南益阳 | 赫山区 12 所农村中小学校被认定为“新优质学校”"]
)
def test_it_keeps_real_lines(line):
    assert not is_chrome(normalize_line(line))


def test_it_rejoins_a_sentence_broken_by_a_page_break():
    raw = "充分发挥5名干警优势,创新组建审判单元,抓改革强示范,促调解提质效,四\n\n年来共审结各类民商事案件1089件。\n03改革成效"
    doc = normalize_document(raw)
    assert [p.text for p in doc.paragraphs] == [
        "充分发挥5名干警优势，创新组建审判单元，抓改革强示范，促调解提质效，四年来共审结各类民商事案件1089件。",
        "03改革成效",
    ]
    assert (doc.paragraphs[0].start, doc.paragraphs[0].end) == (0, raw.index("\n03"))


def test_it_does_not_join_a_title_to_its_body():
    doc = normalize_document("落实《关于统筹推进区域内城乡义务教育一体化改革发展》工作情况汇报\n宝山区教育局\n")
    assert len(doc.paragraphs) == 2


def test_angle_brackets_of_nested_titles_are_not_markup():
    line = "《关于转发黑龙江省教育督导委员会办公室<关于开展专项督导的通知>的通知》"
    assert normalize_line(line) == line
