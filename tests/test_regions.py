import pytest

from cases.ingest.regions import evidence_province, infer_anonymized, resolve


def names(gz, res):
    return [gz.places[c].name if c else None for c in (res.province, res.prefecture, res.county)]


@pytest.mark.parametrize(
    "label, text, expected",
    [
        ("北京怀柔", "北京市怀柔区立足山区农村实际", ["北京市", None, "怀柔区"]),
        ("内蒙古九原", "内蒙古包头市九原区在农村牧区人居环境整治中", ["内蒙古自治区", "包头市", "九原区"]),
        ("新疆昌吉", "新疆昌吉市整合全市中小学教育资源", ["新疆维吾尔自治区", "昌吉回族自治州", "昌吉市"]),
        ("湖南攸县", "湖南省株洲市攸县总结推广", ["湖南省", "株洲市", "攸县"]),
        ("四川凉山", "凉山州坚决贯彻中央和省委决策部署", ["四川省", "凉山彝族自治州", None]),
        ("浙江景宁", "景宁是典型的山区县城", ["浙江省", "丽水市", "景宁畲族自治县"]),
        # A county in the title narrows the prefecture.
        ("湖南益阳", "赫山区实施一镇三优建设", ["湖南省", "益阳市", "赫山区"]),
        # The only county the text is about, when it never names the prefecture.
        ("广东清远", "今年以来，佛冈县工信局深入开展扫黑除恶宣传活动。", ["广东省", "清远市", "佛冈县"]),
        # The prefecture itself is the subject: a county named in passing does not narrow it.
        ("河南信阳", "重点展示河南固始小麦种植项目，让更多的人了解信阳。固始县粮油集团", ["河南省", "信阳市", None]),
        ("青海", "青海银保监局印发指导意见", ["青海省", None, None]),
    ],
)
def test_it_resolves_the_place_words_of_a_title(gz, label, text, expected):
    assert names(gz, resolve(gz, label, "", text)) == expected


def test_it_tells_the_two_baoshan_districts_apart_by_the_other_places_named(gz):
    text = "宝山区现有小学6所。按照黑龙江省标准化学校评估要求，按照双鸭山市教育局编制办要求。"
    assert names(gz, resolve(gz, "", "", text)) == ["黑龙江省", "双鸭山市", "宝山区"]
    assert names(gz, resolve(gz, "", "", "宝山区地处上海市北部。")) == ["上海市", None, "宝山区"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("花源镇位于成都市南部，新津县东北部。落实新津县“十二五”规划。", ["四川省", "成都市", "新津区"]),
        ("近年来，胶南市始终把教育摆在优先发展的战略位置，在青岛五市率先实施。", ["山东省", "青岛市", "黄岛区"]),
        ("四川省雅安市名山县推行全程代办。", ["四川省", "雅安市", "名山区"]),
    ],
)
def test_a_former_name_resolves_to_the_current_county(gz, text, expected):
    res = resolve(gz, "", "", text)
    assert names(gz, res) == expected
    # The label is the former name as the text writes it.
    assert res.label == {"新津区": "新津县", "黄岛区": "胶南市", "名山区": "名山县"}[expected[-1]]


@pytest.mark.parametrize(
    "label, text",
    [
        ("国务院", "全国乡村振兴系统建设和工作推进电视电话会议10日在京召开。"),
        ("中央农村工作领导小组办公室等六部门", "决定联合开展第二批乡村治理示范村镇创建工作。"),
        ("中国太保", "中国太保为3004万户参保农户提供风险保障。"),
        ("", "截至目前，全国农村通宽带用户达到2.6亿，全国覆盖率达到99%以上。"),
    ],
)
def test_national_items_get_no_region_and_the_label_quanguo(gz, label, text):
    res = resolve(gz, label, "", text)
    assert (res.national, res.code, res.label) == (True, None, "全国")


def test_an_anonymized_text_names_partners_not_itself(gz):
    text = "X县紧抓深圳龙华区对口帮扶契机，利用深圳市龙华区优质教育资源。X县的X中学委托龙华区教育局代管。"
    res = resolve(gz, "", "委托办学改革", text)
    assert (res.code, res.flags) == (None, ["region-unknown"])
    inferred = infer_anonymized(gz, res, text, pooled=None)
    assert names(gz, inferred) == ["广东省", None, None]
    assert inferred.flags == ["region-inferred"]


def test_an_anonymized_province_is_never_inferred(gz):
    text = "我是XX省教育局的XX。我省教育部门制定了一系列政策措施，与黑龙江省交流。"
    res = resolve(gz, "", "", text)
    assert infer_anonymized(gz, res, text, pooled="230000").code is None


def test_without_evidence_nothing_is_guessed(gz):
    res = resolve(gz, "", "教育城乡一体化工作汇报", "近年来，教育城乡一体化已成为我国教育发展的重要方向之一。")
    assert (res.code, res.flags) == (None, ["region-unknown"])


def test_partner_places_in_several_provinces_do_not_agree(gz):
    assert evidence_province(gz, "与江西赣州、福建龙岩签订协议") is None
    assert evidence_province(gz, "与深圳、韶关、梅州、惠州、江西赣州等地建立协作机制") == "440000"


def test_common_words_are_not_place_names(gz):
    assert resolve(gz, "", "", "初步形成“一江两岸”的城区格局，主城区24.7平方公里。").code is None


def test_a_landmark_places_a_text_that_names_no_official_place(gz):
    res = resolve(gz, "", "", "我市要依托四面山和中山古镇等资源打造旅游业。")
    assert names(gz, res) == ["重庆市", None, "江津区"]
    assert (res.label, res.flags) == ("四面山", ["region-from-landmark"])


def test_an_anonymized_city_is_known_by_its_own_new_district(gz):
    text = "X市检察机关向X、X县政府，江东新区管委会发出诉前检察建议。与深圳、韶关、梅州、惠州等地建立协作机制。"
    res = infer_anonymized(gz, resolve(gz, "", "", text), text, pooled=None)
    assert names(gz, res) == ["广东省", "河源市", None]
