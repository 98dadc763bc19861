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
        # A comma after a Chinese character before a number is Chinese; a thousands separator stays.
        ("这是基本要求,2021年起全面推开", "这是基本要求，2021年起全面推开"),
        ("建成田径场2个,200米跑道3条", "建成田径场2个，200米跑道3条"),
        ("投入资金1,200万元", "投入资金1,200万元"),
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


@pytest.mark.parametrize(
    "line",
    [
        "发布时间：2021年06月04日 17:33:24 浏览量：2438",
        "發佈時間:2023-01-03 14:15:42 | 來源:中國網 | 作者: | 責任編輯:王靜",
        "2024-01-08 10:21:33　来源：新华网　作者：　编辑：刘洋",
        "日期：2020-11-12　　来源：德化县卫健局　　作者：林芳　　【打印本页】【关闭窗口】",
        "发布日期：2023-01-28 11:54 信息编号：3399495 所属类别：行业新闻",
        "上传人：a****3 文档编号：8812345 上传时间：2023-03-02 格式：DOCX 页数：6 大小：24.1KB",
        "当前位置：首页 > 政务公开 > 工作动态",
        "您所在的位置: 东南网 > 福建频道> 今日要闻 > 正文",
        "中国乡村报社主管 乡村之声传媒主办",
        "湘潭县人民政府主办 湘潭县融媒体中心承办",
        "Copyright © 2020 德化县人民政府 版权所有",
        "首頁|新聞中心|電視點播|專題專欄|視聽|長三角 設為首頁|收藏本站",
        "中国政府网 | 福建省人民政府 | 泉州市人民政府",
        "已阅读5页，还剩16页未读 继续免费阅读",
        "版权说明：本文档由用户提供并上传，收益归属内容提供方，若内容存在侵权，请进行举报或认领",
        "12/28",
        "14:33",
        "2024年02月28日 13:20",
    ],
)
def test_page_furniture_is_chrome_whatever_joins_it(line):
    assert is_chrome(normalize_line(line))


@pytest.mark.parametrize(
    "line",
    [
        "2020",  # a lone year: a table's row, a title's first line
        "2022年9月16日",  # a signature's date
        "时间银行让低龄老人服务高龄老人。",
        "村民扫码即可反映诉求、办理事项，村干部限时办结。",
        "相关部门要加强协作。",
    ],
)
def test_a_lone_year_a_signature_and_prose_are_not_chrome(line):
    assert not is_chrome(normalize_line(line))


def test_furniture_glued_to_a_title_is_cut_off_and_its_date_kept():
    raw = "发布时间：2024年01月05日 09:12:40 浏览量：3521【乡村振兴】关于公布第六批典型案例的通知\n正文。"
    doc = normalize_document(raw)
    assert [p.text for p in doc.paragraphs] == ["【乡村振兴】关于公布第六批典型案例的通知", "正文。"]
    assert (doc.furniture[0].year, doc.furniture[0].glued) == (2024, True)


def test_a_title_is_not_glued_to_the_text_after_a_blank_line():
    raw = "坚持党建引领，做实“三个一”服务，打通农村养老服务最后一公里\n\n近年来，荣成市推行养老服务模式。"
    assert [p.text for p in normalize_document(raw).paragraphs] == [
        "坚持党建引领，做实“三个一”服务，打通农村养老服务最后一公里",
        "近年来，荣成市推行养老服务模式。",
    ]
