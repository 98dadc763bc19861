"""Expected results per seed, read from the texts themselves by hand.

Each row: title (as cleaned), province, prefecture, county, first theme,
doc type, year.  None where the text gives no evidence.
"""

import re

import pytest

SEED_000 = [
    ("北京市", None, "怀柔区", "乡镇公共服务与便民服务"),
    ("天津市", None, "北辰区", "乡村公共文化体育"),
    ("河北省", "邢台市", "巨鹿县", "农村养老服务"),
    ("山西省", "运城市", "万荣县", "城乡公共资源均衡配置"),
    ("内蒙古自治区", "包头市", "九原区", "农村人居环境整治"),
    ("辽宁省", "大连市", "庄河市", "农村人居环境整治"),
    ("上海市", None, "松江区", "乡镇公共服务与便民服务"),
    ("江苏省", "苏州市", "吴江区", "农村人居环境整治"),
    ("浙江省", "宁波市", "宁海县", "农村人居环境整治"),
    ("浙江省", "绍兴市", "柯桥区", "乡村公共文化体育"),
    ("福建省", "三明市", None, "农村留守儿童关爱保护"),
    ("江西省", "新余市", None, "农村养老服务"),
    ("山东省", "威海市", "荣成市", "农村养老服务"),
    ("河南省", "焦作市", "武陟县", "农村养老服务"),
    ("河南省", "濮阳市", "南乐县", "农村供水保障"),
    ("湖北省", "荆州市", "松滋市", "农村留守儿童关爱保护"),
    ("湖南省", "株洲市", "攸县", "乡村公共文化体育"),
    ("广东省", "惠州市", "惠阳区", "乡村公共文化体育"),
    ("四川省", "雅安市", "名山区", "乡镇公共服务与便民服务"),
    ("重庆市", None, "奉节县", "巩固脱贫攻坚成果"),
    ("宁夏回族自治区", "中卫市", "海原县", "农村公共基础设施"),
    ("宁夏回族自治区", "固原市", "彭阳县", "农村供水保障"),
    ("新疆维吾尔自治区", "昌吉回族自治州", "昌吉市", "农村教育"),
]

SEED_004 = [
    ("全国乡村振兴系统建设和工作推进电视电话会议", None, None, None, "news"),
    ("关于开展第二批乡村治理示范村镇创建工作的通知", None, None, None, "policy"),
    ("“防、稳、扶、治”四招巩固成果 防止规模性返贫", "四川省", "凉山彝族自治州", None, "news"),
    ("牢牢稳住就业扶贫“压舱石”", "云南省", "迪庆藏族自治州", None, "news"),
    ("“保险+”服务助力乡村振兴", "河南省", "信阳市", None, "news"),
    ("财政局发文 创新发展农业保险助力乡村振兴", "安徽省", "六安市", None, "news"),
    ("深化特色保险扶贫机制，绘就乡村振兴壮美画卷", None, None, None, "news"),
    ("银保监会印发指导意见 推动辖内银行业和保险业高质量服务乡村振兴", "青海省", None, None, "news"),
    ("环境整治 如何让乡村更宜居", "安徽省", None, None, "news"),
    ("推进农业农村高质量发展打造乡村全面振兴新高地新闻发布会", "江西省", "九江市", None, "news"),
    ("深入开展扫黑除恶宣传", "广东省", "清远市", "佛冈县", "news"),
    ("全面推进乡村振兴 新闻发布会上“话”成果", "河南省", "许昌市", None, "news"),
    ("积极开展扫黑除恶 扎实推进乡村振兴", "湖南省", "永州市", None, "commentary"),
    ("实施法治乡村建设“一二三四五”工程 服务乡村振兴发展", "山东省", "淄博市", "周村区", "news"),
    ("“小幼连贯”赋能农村幼教", "贵州省", "黔东南苗族侗族自治州", None, "news"),
    ("办好小规模学校 家门口的“小学校”越来越美啦", "浙江省", "丽水市", "景宁畲族自治县", "news"),
    ("赫山区12所农村中小学校被认定为“新优质学校”", "湖南省", "益阳市", "赫山区", "news"),
]


def place(gz, code):
    return gz.places[code].name if code else None


def row(gz, case):
    return (place(gz, case.province), place(gz, case.prefecture), place(gz, case.county))


def theme_names(slugs):
    from cases.ingest.themes import THEMES

    names = {slug: name for slug, name, _ in THEMES}
    return [names[s] for s in slugs]


def test_seed_000_is_23_commented_cases_with_their_counties(gz, parsed):
    cases = parsed["000"].cases
    assert [(*row(gz, c), theme_names(c.themes)[0]) for c in cases] == SEED_000
    assert {c.doc_type for c in cases} == {"case"}
    assert cases[0].title == "“足不出村”办政务打通村民办事“最后一公里”"
    assert cases[0].region_label == "北京怀柔"


def test_seed_001_is_a_guangdong_collection_that_starts_mid_case(gz, parsed):
    doc = parsed["001"]
    assert doc.title == "全面深化改革优秀典型案例合集16篇"
    assert [c.title for c in doc.cases] == [
        "",
        "创新“三位一体”治理模式助推完善生态环境治理体系",
        "创建“矛盾-化解-维稳”一体化综合治理新模式",
        "深化乡镇街道体制改革示范行动",
        "委托办学改革激活教育一池春水",
    ]
    # Anonymized (X市, X县): the province comes from the partners and
    # neighbours named, the city from its own new district (江东新区, 河源).
    assert [row(gz, c) for c in doc.cases] == [("广东省", "河源市", None)] * 5
    assert all("region-inferred" in c.flags for c in doc.cases)
    assert "no-title" in doc.cases[0].flags and not doc.cases[0].complete
    second = doc.cases[1]
    assert second.summary.startswith("X市检察机关坚持为大局服务")
    assert second.background.startswith("X最大的优势在生态")
    assert second.measures.startswith("（一）制定实施方案，强化组织领导。")
    assert second.outcomes.startswith("2021年，共办理公益诉讼案件96件")
    assert theme_names(doc.cases[4].themes)[0] == "农村教育"


def test_seed_002_articles_and_their_rewritten_years(gz, parsed):
    cases = parsed["002"].cases
    assert [c.title for c in cases] == [
        "抓住新机遇 努力推进教育城乡一体化——花源镇“两基”教育工作汇报材料",
        "推进城乡教育一体化",
        "强力推进城乡一体化 努力建设中心大城市",
        "推进城乡环卫一体化",
        "中共成都市委 成都市人民政府关于统筹城乡经济社会发展推进城乡一体化的意见（2024年2月6日）",
    ]
    assert [row(gz, c) for c in cases] == [
        ("四川省", "成都市", "新津区"),  # 新津县 then
        ("山东省", "青岛市", "黄岛区"),  # 胶南市 then
        ("重庆市", None, "江津区"),  # "我市" with 四面山 and 中山古镇
        (None, None, None),  # XX街道
        ("四川省", "成都市", None),
    ]
    assert [c.region_label for c in cases[:2]] == ["新津县", "胶南市"]
    # The page rewrote every year to 2024; the signature 二O一一年 is the truth.
    assert [c.year for c in cases] == [2011, None, None, None, None]
    assert all("year-conflict" in c.flags for c in cases)
    assert [c.doc_type for c in cases] == ["report", "case", "commentary", "case", "policy"]


def test_seed_003_reports_with_the_duplicate_merged(gz, parsed):
    cases = parsed["003"].cases
    assert [c.title for c in cases] == [
        "推进义务教育均衡发展工作情况汇报",
        "城乡一体化发展情况汇报",
        "统筹推进县域内城乡义务教育一体化发展自查报告",
        "教育城乡一体化工作汇报",
        "义务教育均衡发展工作情况汇报",
        "落实《关于统筹推进区域内城乡义务教育一体化改革发展》工作情况汇报",
        "某区推动城乡义务教育一体化发展情况汇报及建议",
        "2024关于城乡义务教育一体化工作改革发展情况的自查报告",
    ]
    baoshan = cases[5]
    assert row(gz, baoshan) == ("黑龙江省", "双鸭山市", "宝山区")
    # The full version, not the truncated preview, is kept.
    assert "达不到的地方，我们将与区政府等方面联系" in baoshan.body
    # It cites a 2018 document and names 2010 as its history: its own year is not known.
    assert baoshan.year is None
    assert cases[1].region_label == "全国" and cases[1].complete
    assert [c.complete for c in cases] == [False, True, False, False, False, True, False, False]
    assert {c.doc_type for c in cases} == {"report"}


def test_seed_004_newsletter_items_without_the_table_of_contents(gz, parsed):
    cases = parsed["004"].cases
    assert [(c.title, *row(gz, c), c.doc_type) for c in cases] == SEED_004
    assert {c.year for c in cases} == {2021}
    assert parsed["004"].publisher == "清研智库社会发展研究部"
    assert theme_names(cases[14].themes)[0] == "农村托幼服务"
    assert "识别二维码" not in cases[-1].body


def all_cases(parsed):
    return [c for doc in parsed.values() for c in doc.cases]


def test_the_corpus_has_58_distinct_items(parsed):
    assert {k: len(v.cases) for k, v in parsed.items()} == {"000": 23, "001": 5, "002": 5, "003": 8, "004": 17}


FORBIDDEN = {
    "pinyin annotation": re.compile(r"\([a-zü\u00e0-\u01dc]{1,7}\)|[\u00e0-\u01dc]"),
    "markup": re.compile(r"</?[a-z]+[^>]*>|/span>|&nbsp;"),
    "mojibake": re.compile(r"椤耙|鸷拓|芭氖|厝罕|皣鷫|嶋H|剡€|剞r|\?;"),
    "site chrome": re.compile(r"微信扫码|识别二维码|下载文档|加入收藏|记住我|本类热门|联系邮箱|责任编辑|领取福利"),
    "traditional characters": re.compile(r"[農務縣區鄉養與為關於這來們實際發會經濟]"),
}


@pytest.mark.parametrize("what", FORBIDDEN)
def test_no_case_text_keeps(parsed, what):
    found = [
        (c.title, m.group())
        for c in all_cases(parsed)
        for text in (c.title, c.summary, c.background, c.measures, c.outcomes, c.body)
        if (m := FORBIDDEN[what].search(text))
    ]
    assert found == []


def test_uncertain_characters_are_flagged_and_kept_as_drafts(parsed):
    flagged = [c for c in all_cases(parsed) if "unrecoverable-characters" in c.flags]
    assert all("\ufffd" in c.title + c.body for c in flagged)
    assert all(not c.complete for c in flagged)
    assert len(flagged) <= 4
