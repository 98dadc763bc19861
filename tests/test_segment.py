import pytest

from cases.ingest.normalize import normalize_document
from cases.ingest.segment import segment


def titles(text):
    return [(i.label, i.title) for i in segment(normalize_document(text)).items]


def test_a_numbered_list_gives_one_item_per_number():
    text = "01-北京懷柔:“足不出村”辦政務\n權限下放、窗口前移是關鍵,值得借鑒。\n02-天津北辰雙街:讓農村文化“活”起來\n鄉村振興要以文化鑄魂,值得學習。\n03-河北巨鹿:醫養結合\n當前,農村老齡化問題日益突出,值得推廣。"
    assert titles(text) == [
        ("北京怀柔", "“足不出村”办政务"),
        ("天津北辰双街", "让农村文化“活”起来"),
        ("河北巨鹿", "医养结合"),
    ]


def test_a_reform_collection_keeps_the_case_it_starts_in_the_middle_of():
    text = (
        "全面深化改革优秀典型案例合集16篇(第3/5页)\n"
        "出庭前摸底、庭审释法、庭后疏导矛盾纠纷化解三步法,联动多方进行诉前调解,寻求各方利益最佳平衡点,促进社会和谐稳定。\n"
        "03改革成效\n基层党的建设进一步加强,切实将党组织优势转化为乡村建设优势。\n"
        "深化乡镇街道体制改革示范行动\n摘要:为扎实做好乡镇街道体制改革,X市筛选14个乡镇街道。\n"
        "01改革背景\n深化乡镇街道体制改革是重要配套措施。\n02改革目标\n打造示范点。\n03改革措施\n强化三个坚持。\n"
    )
    seg = segment(normalize_document(text))
    assert seg.title == "全面深化改革优秀典型案例合集16篇（第3/5页）"
    assert [i.title for i in seg.items] == ["", "深化乡镇街道体制改革示范行动"]


def test_numbered_reform_headings_without_any_abstract_are_one_case(gz):
    # The shape of a reform collection's case (01改革背景, 02…, 03…) on a page of its own, without the
    # 摘要 line that starts each case of a collection: the page is the case (it once raised instead).
    from cases.ingest.pipeline import parse_document

    text = (
        "某镇推行村级事务代办的做法\n"
        "01改革背景\n山区村民居住分散，到镇上办一件事往返要大半天，年纪大的村民尤其不便，办事难的意见很多。\n"
        "02主要做法\n镇里在每个村设立代办点，由村干部轮流值守，群众的事项统一收件、统一送办、统一反馈。\n"
        "03改革成效\n一年来代办事项两千余件，群众少跑路，满意度明显提高。\n"
    )
    assert len(segment(normalize_document(text)).items) == 1
    parsed = parse_document(text, "village-agency.txt", gz)
    assert [case.title for case in parsed.cases] == ["某镇推行村级事务代办的做法"]


def test_a_collection_page_that_starts_no_case_keeps_its_text_without_a_title():
    text = (
        "全面深化改革典型案例选编(第4/5页)\n"
        "村里的理事会每月开一次会，议题由村民提出，决定的事项张榜公布，接受大家监督，执行情况年底考评。\n"
        "02主要做法\n理事会成员由村民推选，任期三年。\n03改革成效\n矛盾纠纷明显减少。\n04经验启示\n群众的事群众议。\n"
    )
    seg = segment(normalize_document(text))
    assert seg.title == "全面深化改革典型案例选编（第4/5页）"
    assert [i.title for i in seg.items] == [""]  # the middle of a case: not titled by its first line


def test_articles_are_split_at_their_numbers_and_keep_a_dash_subtitle():
    text = (
        "首页 > 范文大全 > 二号文库\n抓住新机遇 努力推进教育城乡一体化\n最新文章\n"
        "第一篇:抓住新机遇 努力推进教育城乡一体化\n抓住新机遇 努力推进教育城乡一体化\n——花源镇“两基”教育工作汇报材料\n"
        "尊敬的各位领导:首先,请允许我代表花源镇党委表示欢迎。\n"
        "第二篇:推进城乡教育一体化\n近年来,胶南市始终把教育摆在优先发展的战略位置。\n本类热门\n"
    )
    seg = segment(normalize_document(text))
    assert seg.shape == "articles"
    assert seg.title == "抓住新机遇 努力推进教育城乡一体化"
    assert [i.title for i in seg.items] == [
        "抓住新机遇 努力推进教育城乡一体化——花源镇“两基”教育工作汇报材料",
        "推进城乡教育一体化",
    ]
    assert "本类热门" not in seg.items[-1].body


def test_a_newsletter_skips_its_table_of_contents():
    text = (
        "宏观形势\n\n国务院 | 全国乡村振兴会议\n\n中央农办 | 关于开展创建工作的通知\n\n公共服务\n\n浙江景宁 | 办好小规模学校\n\n"
        "宏观形势\n\n国务院 | 全国乡村振兴会议\n\n会议10日在京召开,强调巩固拓展脱贫攻坚成果。\n\n"
        "中央农办 | 关于开展创建工作的通知\n\n决定联合开展第二批乡村治理示范村镇创建工作。\n\n"
        "公共服务\n\n浙江景宁 | 办好小规模学校\n\n景宁推进小规模学校建设,校园越来越美。\n\n识别二维码 关注我们\n"
    )
    seg = segment(normalize_document(text))
    assert seg.shape == "newsletter"
    assert [(i.label, i.title, i.heading) for i in seg.items] == [
        ("国务院", "全国乡村振兴会议", "宏观形势"),
        ("中央农办", "关于开展创建工作的通知", "宏观形势"),
        ("浙江景宁", "办好小规模学校", "公共服务"),
    ]
    assert "二维码" not in seg.items[-1].body


def test_a_report_collection_finds_titles_repeated_in_their_bodies():
    text = (
        "城乡一体化发展情况汇报\n\n城乡一体化发展情况汇报尊敬的领导,各位同事:我今天向大家汇报城乡一体化发展情况。\n"
        "教育城乡一体化工作汇报\n\n教育城乡一体化工作汇报近年来,教育城乡一体化已成为重要方向。\n"
        "最新整理统筹推进县域内城乡义务教育一体化发展自查报告.docx\n\n"
        "最新整理统筹推进县域内城乡义务教育一体化发展自查报告统筹推进县域内城乡义务教育一体化发展自查报告统筹推进,意义重大。\n"
    )
    seg = segment(normalize_document(text))
    assert [i.title for i in seg.items] == [
        "城乡一体化发展情况汇报",
        "教育城乡一体化工作汇报",
        "统筹推进县域内城乡义务教育一体化发展自查报告",
    ]
    assert seg.items[2].paragraphs[1].text == "统筹推进，意义重大。"


@pytest.mark.parametrize(
    "prefix, shape, count",
    [
        ("000", "numbered-list", 23),
        ("001", "reform-collection", 5),
        ("002", "articles", 5),
        ("003", "report-collection", 9),
        ("004", "newsletter", 17),
    ],
)
def test_each_seed_has_its_shape(parsed, prefix, shape, count):
    from pathlib import Path

    from django.conf import settings

    path = next(Path(settings.SEED_SOURCES).glob(f"{prefix}_*.txt"))
    seg = segment(normalize_document(path.read_text(encoding="utf-8")))
    assert (seg.shape, len(seg.items)) == (shape, count)
