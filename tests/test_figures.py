"""Key figures proposed from a case's text (cases/ingest/figures.py): the shapes the genre
writes its numbers in, and the numbers that are no figures.  Our own sentences, in the
shapes of real typical-case pages."""

from decimal import Decimal

import pytest

from cases.ingest.figures import chinese_number, extract_figures, parse_number


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("三千二百", 3200),
        ("两万", 20000),
        ("十二", 12),
        ("一百零五", 105),
        ("一亿二千万", 120000000),
        ("三点五", Decimal("3.5")),
        ("3.2万", 32000),
        ("1,200", 1200),
        ("1.5亿", 150000000),
        ("300万", 3000000),
    ],
)
def test_numbers_are_read_as_written(written, value):
    assert parse_number(written) == Decimal(value)


def test_chinese_digits_out_of_order_are_no_number():
    assert chinese_number("三二") is None


def one(text):
    figures = extract_figures(text)
    assert len(figures) == 1, figures
    return figures[0]


@pytest.mark.parametrize(
    ("text", "indicator", "value", "unit", "baseline"),
    [
        ("全县卫生厕所普及率从62%提高到95%。", "卫生厕所普及率", "95", "%", "62"),
        ("项目实施后，惠及3.2万人。", "惠及", "32000", "人", None),
        ("年节约资金300万元。", "年节约资金", "3000000", "元", None),
        ("网络覆盖全县128个行政村。", "网络覆盖全县行政村", "128", "个", None),
        ("农村自来水普及率达到百分之九十八。", "农村自来水普及率", "98", "%", None),
        ("全县共有农村供水工程三百余处。", "农村供水工程", "300", "处", None),
        ("新建调蓄水池两座。", "新建调蓄水池", "2", "座", None),
        ("村民平均就医距离由18公里缩短到4公里。", "村民平均就医距离", "4", "公里", "18"),
        ("水质合格率由2019年的83%提升至2022年的98%。", "水质合格率", "98", "%", "83"),
        ("小学由35所调整为26所。", "小学", "26", "所", "35"),
        ("远程会诊达到两万三千人次。", "远程会诊", "23000", "人次", None),
        ("确保10万余名群众喝上放心水。", None, None, None, None),
        ("累计脱贫3.5万余名群众。", "脱贫群众", "35000", "名", None),
        ("易地搬迁35.32万群众。", "易地搬迁", "353200", "人", None),
        ("全年检查医疗机构140家次。", "检查医疗机构", "140", "家次", None),
    ],
)
def test_a_figure_is_read_with_what_was_measured(text, indicator, value, unit, baseline):
    figures = extract_figures(text)
    if indicator is None:
        assert figures == []
        return
    assert len(figures) == 1, figures
    f = figures[0]
    assert (f.indicator, f.value, f.unit, f.baseline) == (
        indicator,
        Decimal(value),
        unit,
        Decimal(baseline) if baseline else None,
    )


def test_a_figure_keeps_its_span_in_the_text():
    text = "目前，全县已建成幸福院120个，运行良好。"
    f = one(text)
    assert text[f.start : f.end] == "建成幸福院120个"


def test_a_range_keeps_both_ends():
    f = one("每户补助3-5万元。")
    assert (f.value, f.value_max, f.unit) == (Decimal(30000), Decimal(50000), "元")


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("2018-2020年，全县累计改造乡镇卫生院十所。", (2018, 2020)),
        ("2019年以来，全县新建村卫生室45个。", (2019, None)),
        ("截至2021年底，全县建成幸福院120个。", (None, 2021)),
        ("2021年，共办理案件96件。", (2021, 2021)),
        ("普及率由1993年的7.5%提升至2016年的80.3%。", (1993, 2016)),
        ("全县建成幸福院120个。", (None, None)),
    ],
)
def test_the_years_of_a_figure_come_from_its_sentence(text, years):
    f = one(text)
    assert (f.year_from, f.year_to) == years


@pytest.mark.parametrize(
    "text",
    [
        "2021年12月5日，县政府召开会议。",  # a date
        "根据国办发〔2015〕13号文件要求。",  # a document number
        "该县入选第三批全国农村公共服务典型案例。",  # an ordinal
        "联系电话：0915-1234567，13812345678。",  # telephones
        "探索“1945”农村生活垃圾治理模式，实施“八个一”工程。",  # names of models
        "推出三张榜单，制定三份清单，构建三级服务体系。",  # parts of a method
        "解决群众用水最后100米问题，打通最后一公里。",  # the idiom of the last stretch
        "力争到2025年全县卫生厕所普及率达到98%。",  # a target
        "下一步，将新建幸福食堂40个。",  # a plan
        "保证完成粮食扩面2.6万亩的目标任务。",  # a target, after the figure
        "交流轮岗教师比例不低于教师总数的10%。",  # a standard quoted
        "骨干教师比例20%没有达到。",  # a figure not reached
        "全县60岁以上老年人享受补贴。",  # an age qualifying a group
        "按照《“十四五”卫生健康规划（2021-2025年）》要求。",  # inside a title
        "督导组每天对各村至少巡查一次。",  # a frequency with 一
    ],
)
def test_numbers_that_are_no_figures_are_not_proposed(text):
    assert extract_figures(text) == []


def test_a_target_after_an_achievement_in_one_sentence_is_dropped_alone():
    figures = extract_figures("到2020年底，全县已建成幸福院120个，力争到2025年建成200个。")
    assert [(f.value, f.year_to) for f in figures] == [(Decimal(120), 2020)]


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("计划投资500万元，目前已完成投资300万元。", [Decimal(3000000)]),
        ("计划新建食堂20个，已建成12个。", [Decimal(12)]),
        ("力争到2025年，全县建成幸福院200个。", []),
        ("计划到2025年建成食堂20个，今年将新建8个。", []),
    ],
)
def test_what_a_later_clause_says_was_done_is_no_target(text, values):
    assert [f.value for f in extract_figures(text)] == values


def test_money_is_told_apart_investment_running_cost_and_funding_by_source():
    text = (
        "项目总投资2.35亿元，其中中央财政补助8600万元，村集体投入79万元，群众自筹1600万元。"
        "每年运行维护经费约380万元。年节约资金300万元。资金由县财政、社会资本共同承担。"
    )
    assert [(f.kind, f.indicator, f.value) for f in extract_figures(text)] == [
        ("investment", "项目总投资", Decimal(235000000)),
        ("funding", "中央财政", Decimal(86000000)),
        ("funding", "村集体", Decimal(790000)),
        ("funding", "群众自筹", Decimal(16000000)),
        ("running_cost", "每年运行维护经费", Decimal(3800000)),
        ("figure", "年节约资金", Decimal(3000000)),
        ("funding", "县级财政", None),
        ("funding", "社会资本", None),
    ]


def test_an_office_or_an_income_is_no_funding_source():
    assert extract_figures("县财政局牵头，村集体经济收入稳步增长，农村信贷覆盖面扩大。") == []


@pytest.mark.parametrize(
    ("text", "sources"),
    [
        ("改厕费用由县财政、村集体和群众自筹共同承担。", ["县级财政", "村集体", "群众自筹"]),
        ("村集体经济组织出资建设幸福院，运营资金有了保障。", ["村集体"]),
        ("资金来源为县财政和社会资本，用于食堂建设。", ["县级财政", "社会资本"]),
        ("引入社会资本参与水厂建设，资金压力减轻。", ["社会资本"]),
        ("按照村集体出一点、社会捐一点的办法筹集资金。", ["村集体"]),
        # A source named beside money it does not give:
        ("发展壮大村集体经济，争取上级资金支持。", []),
        ("村集体经济实力不断增强，资金使用更加规范。", []),
        ("坚持集体经济发展与资金整合并重。", []),
    ],
)
def test_a_source_without_an_amount_is_one_only_when_it_gives_the_money(text, sources):
    assert [f.indicator for f in extract_figures(text) if f.kind == "funding"] == sources


def test_a_value_whose_words_name_nothing_says_so():
    figures = extract_figures("全县共投入资金2000万元，其中，500万元用于道路硬化。")
    assert [(f.indicator, f.value) for f in figures] == [
        ("投入资金", Decimal(20000000)),
        ("（原文未写明指标）", Decimal(5000000)),
    ]


def test_full_width_digits_are_read_and_spans_hold():
    text = "惠及群众３．２万人。"
    f = one(text)
    assert (f.value, text[f.start : f.end]) == (Decimal(32000), "惠及群众３．２万人")


@pytest.mark.parametrize("text", ["0-0万元", "5-3个", "万万人"])
def test_an_empty_or_inverted_range_or_no_digit_is_no_figure(text):
    assert extract_figures(text) == []


@pytest.mark.parametrize("text", ["3-万元", "点五个", "〇〇〇元", "１２３４５６７８９０１２元"])
def test_odd_numbers_raise_nothing(text):
    extract_figures(text)  # fails by raising
