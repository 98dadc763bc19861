"""Key figures (关键数据) proposed from a case's text: what was measured, its value and
unit, the baseline and the years where the text states them, and the money: investment,
running cost and where the money came from.

Text in, dataclasses out.  Every proposal keeps its span in the text it was read from,
so that an editor can check it against the words.  Never silently wrong: a number
that is a date, a document number, an ordinal (第三批), a phone number, part of a
model's name (“1945”模式, “八个一”) or a target (力争到2025年达到…) is not proposed.
Targets are dropped rather than kept as figures: a key figure says what a case
achieved, and a plan is not an achievement (decided for issue 18; tests pin it).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .dates import ARABIC_YEAR

FIGURE, INVESTMENT, RUNNING_COST, FUNDING = "figure", "investment", "running_cost", "funding"

CN_DIGITS = {**dict.fromkeys("零〇○", 0), **{c: n for n, c in enumerate("一二三四五六七八九", start=1)}, "两": 2}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_BIG = {"万": 10**4, "亿": 10**8}
CN_NUM = "".join([*CN_DIGITS, *CN_UNITS, *CN_BIG])

# Measure words and units a quantity of this genre is counted in, longest first.
UNITS = (
    "个百分点|百分点|%|平方公里|平方米|立方米|公顷|公里|千米|千瓦|亩|吨|米|"
    "人次|万人次|人|名|户|位|"
    "元|"
    "个月|分钟|小时|天|倍|"
    "场次|家次|户次|个|所|家|座|处|项|件|宗|起|条|支|场|次|台|辆|套|张|间|栋|口|眼|期|份|块|盏|册|本|部|批|棵|株|头|只|床"
)
# People counted without a measure word, after 万 or 亿 (35.32万搬迁群众, 3万余名群众).
PEOPLE = "群众|人口|农民|村民|居民|老人|老年人|儿童|学生|贫困人口"
PER = r"(?:/(?:年|月|天|人|户|次|亩|吨|平方米))?"
MAGNITUDE = {
    "": 1,
    "十": 10,
    "百": 100,
    "千": 1000,
    "万": 10**4,
    "十万": 10**5,
    "百万": 10**6,
    "千万": 10**7,
    "亿": 10**8,
}
MAGNITUDES = "十万|百万|千万|万|亿|千|百"  # after Arabic digits (3.2万), the longer first
ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?"
NUMBER = rf"(?:{ARABIC}(?:{MAGNITUDES})?|[{CN_NUM}]+(?:点[零〇一二三四五六七八九]+)?)"
QUANTITY = re.compile(
    rf"(?<![0-9A-Za-z.．/\-+_第])"
    rf"(?P<num>{NUMBER})"
    rf"(?:\s*(?:-|－|—|~|～|至|到)\s*(?P<num2>{NUMBER}))?"
    rf"(?P<approx>余|多|来)?"
    rf"(?:(?P<unit>{UNITS}){PER}|(?<=[万亿余多])名?(?P<people>{PEOPLE}))"
    rf"(?![0-9A-Za-z/])"
)
CN_PERCENT = re.compile(rf"百分之(?P<num>[{CN_NUM}]+(?:点[零〇一二三四五六七八九]+)?)")

FULL_WIDTH = str.maketrans("０１２３４５６７８９％．，", "0123456789%.,")
FULL_WIDTH_CHARS = re.compile("[０-９％．]")
# Where a figure ends its clause and its sentence.
CLAUSE_END = "，,；;。！？!?：:\n"
SENTENCE_END = "；;。！？!?\n"
QUOTES = re.compile(r"“[^”\n]{0,16}”|‘[^’\n]{0,16}’|「[^」\n]{0,16}」|\"[^\"\n]{0,16}\"|《[^》\n]*》")
# 60岁以上老年人, 66人以上超大班额, 10万元以上的村: a figure that qualifies a group is no figure.
QUALIFIER = re.compile(r"^(?:以上|以下|及以上|及以下)(?:的)?[\u4e00-\u9fff]")
# 最后一公里, 最后100米: the idiom of the last stretch, not a length.
IDIOM_BEFORE = re.compile(r"最后$")

# A target, not an achievement: from such a word to the end of its sentence.
TARGET_BEFORE = re.compile(
    r"力争|争取(?![^，。；]{0,8}(?:资金|经费|补助|奖补|支持|项目|投资))|预计|计划(?!生育|单列)|拟|有望|"
    r"目标(?:是|为)|规划(?:到|在)|下一步|确保|"
    r"将(?:实现|达到|建成|覆盖|提高|提升|新建|完成|增加|投入|惠及|全面|基本|再|进一步|力争|坚持|继续|持续|加快|加大|"
    r"推进|推动|重点|着力|围绕|探索|在|于|逐步|努力|积极|大力|全力|深入)|"
    # A standard a text quotes is a rule, not a result.
    r"不低于|不高于|不超过|不少于(?=[^，。；]{0,6}(?:比例|%))|至少|"
    r"(?<![截高升增长降减少大])(?:到|至)\s*\d{4}\s*年"
)
ACHIEVED = re.compile(r"已|累计|共计|先后")
TARGET_AFTER = re.compile(
    r"^[^，。；！？\n]{0,6}?的(?:规划|预期|工作|奋斗)?目标|^[^，。；！？\n]{0,6}(?:规划|预期|奋斗)目标|"
    r"^[^，。；！？\n]{0,4}(?:没有达到|未达到|未能达到|未完成)"
)

CHANGE = (
    r"(?:提高|提升|增加|增长|上升|扩大|下降|降低|减少|缩短|压缩|跃升|攀升|调整|缩减|变|增|升|降|减)了?(?:到|至|为|成)"
)
BASELINE_BEFORE = re.compile(r"(?:从|由)[^，。；！？\n\d]{0,6}(?:\s*\d{4}\s*年(?:底|末|初)?的?)?\s*$")
BETWEEN = re.compile(
    rf"^(?:的水平)?[^，。；！？\n\d]{{0,8}}?{CHANGE}"
    rf"(?:\s*\d{{4}}\s*年(?:底|末|初)?|现在|目前|当前|今年|去年)?的?\s*$"
)

YEAR_BY_VALUE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年(?:底|末|初)?的?\s*$")
YEAR_RANGE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*(?:年)?\s*(?:-|－|—|–|~|～|至|到)\s*((?:19|20)\d{2})\s*年")
YEAR_SINCE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年(?:\d{1,2}月)?以来")
YEAR_UNTIL = re.compile(r"(?:截至|截止|截止到|到)\s*((?:19|20)\d{2})\s*年")

# Where the money came from: a label, and the words that name it.
FUNDING_SOURCES = {
    "中央财政": r"中央财政|中央资金|中央预算内|中央补助|中央专项|中央投资",
    "省级财政": r"省级财政|省财政|省级资金|省级补助|省级专项|省级奖补",
    "市级财政": r"市级财政|市财政|市级资金|市资金|市级补助|市级专项|市级奖补|州财政|州级财政",
    "县级财政": r"县级财政|县财政|区级财政|区财政|县级资金|区级资金|县本级|区本级|县级配套|县级补助",
    "乡镇财政": r"乡镇财政|镇财政|乡财政|镇级资金|镇[（(][^）)]{1,3}[）)]财政",
    "财政资金": r"(?<![央省市县区镇乡级])财政(?:资金|投入|补助|奖补|专项|拨款)",
    "专项债": r"专项债",
    "村集体": r"村集体|集体经济|村级集体",
    "社会资本": r"社会资本|企业投资|企业投入|社会投资|民间资本|企业出资|企业赞助",
    "群众自筹": r"群众自筹|村民自筹|农户自筹|自筹|群众筹资|村民筹资|农民筹资|投工投劳|以劳折资",
    "社会捐助": r"社会捐助|社会捐赠|捐资|捐款|捐赠|乡贤捐|爱心人士|慈善",
    "银行贷款": r"银行贷款|贷款",
}
# The lookahead lets the scan skip, at one test a character, the places where no source starts.
SOURCE = re.compile(
    "(?=["
    + "".join(sorted({p[0] for pattern in FUNDING_SOURCES.values() for p in pattern.split("|")} - {"("}))
    + "财])(?:"
    + "|".join(f"(?P<s{i}>{p})" for i, p in enumerate(FUNDING_SOURCES.values()))
    + ")"
)
SOURCE_LABELS = list(FUNDING_SOURCES)
# A source's words that name an office or an income, not money given (before an amount).
NOT_SOURCE = re.compile(r"^(?:局|厅|部门|所|收入|增收|年收入|经营|组织成员|经济发展|经济组织建设)")
MONEY_CONTEXT = re.compile(r"资金|经费|投入|投资|筹|出资|承担|补助|奖补|资助|捐|分担|配套|拨付|融资|费用")
# A source named without an amount gives money only when its words say so (县财政补助, 群众自筹,
# 专项债) or money follows it, after the other sources it is listed with (由县财政、村集体和群众自筹
# 共同承担; 村集体出资): 村集体经济实力增强 or 发展壮大集体经济 name no money given.
MONEY_WORDS = re.compile(MONEY_CONTEXT.pattern + r"|专项|贷款|预算内|投劳|折资|赞助|拨款")
LISTED_SOURCES = re.compile(r"(?:\s*(?:、|，|,|和|及|与|以及)\s*(?:" + SOURCE.pattern + r"))*")
MONEY_AFTER = re.compile(
    r"^(?:经济组织|股份经济合作社|经济合作社)?(?:共同|按比例|分别|各|等)?"
    r"(?:[^，,。；;！？\n]{0,2}?(?:" + MONEY_CONTEXT.pattern + r")|[出补筹拿捐凑掏](?:一点|一部分|一些))"
)
# … or money stands before it: 引入社会资本, 资金来源为县财政和社会资本.
MONEY_BEFORE = re.compile(r"(?:引入|引进|吸引|撬动|整合|统筹|来源(?:为|是|有|包括|主要为|主要是)?[：:]?)$")
SOURCES_BEFORE = re.compile(r"(?:(?:" + SOURCE.pattern + r")\s*(?:、|，|,|和|及|与|以及)\s*)*$")

INVEST_WORDS = re.compile(r"投资|投入|筹集|整合|安排|争取|撬动|落实|拨付|下达|建设|资金|经费|资助|补助|奖补|补贴")
RUNNING_WORDS = re.compile(r"运行|运维|维护|管护|运营|保洁|成本")
# Money given again and again to each person, meal or month runs a service.
RECURRING = re.compile(r"每(?:人|户|餐|月|天|次)")
NOT_COST = re.compile(r"节约|节省|减少|降低|增收|收入|收益|营业额|产值|销售|分红|工资|人均|损失")
FUND_AFTER = re.compile(r"^的?[\u4e00-\u9fff]{0,8}(?:资金|基金|经费)")

# Words around a figure that say nothing of what was measured.
LEADING = re.compile(
    r"^(?:[、，\s]|近?\d{1,2}年(?:来|以来)?|(?:截至|截止|截止到|到|至|自|从)?\s*\d{4}\s*年(?:\d{1,2}\s*月)?(?:底|末|初|以来|起|上半年|下半年|期间)?的?|"
    r"\d{1,2}\s*月(?:底|末|初|以来)?|"
    r"目前|现在|近年来|近年|近三年|今年以来|今年|去年|当年|全年|其中|同时|此外|另外|并且|并|均|先后|已经|已|"
    r"累计|共计|总计|合计|共|通过|实现|带动|全县|全镇|全市|全区|全乡|全村|全省|我县|我镇|我市|我区|该县|该镇|该市|该区|"
    r"有|为|是|约|近)+"
)
TRAILING = re.compile(
    r"(?:达到了|达到|已达|达|分别为|分别达|为|是|有|约|近|超过|超|逾|共有|共|累计|总计|合计|突破|增至|至|到|了|的|以上|"
    r"仅为|仅|只有|提高|提升|增加|增长|上升|下降|降低|减少|[、，\s])+$"
)
CHANGE_WORD = re.compile(r"(?:提高|提升|增加|增长|上升|下降|降低|减少)了?$")
NOUN_AFTER = re.compile(r"^[\u4e00-\u9fff]{1,12}")
INDICATOR_MAX = 20
UNNAMED = "（原文未写明指标）"


@dataclass
class Figure:
    kind: str  # FIGURE, INVESTMENT, RUNNING_COST or FUNDING
    indicator: str  # what was measured, as the text words it (for FUNDING: the source's label)
    value: Decimal | None  # in the unit below, 万 and 亿 multiplied out; None: a source without an amount
    unit: str  # 元, 人, 个, %, 个百分点 …
    start: int  # span in the text it was read from
    end: int
    value_max: Decimal | None = None  # the upper end of a range (3-5万元)
    baseline: Decimal | None = None  # 从62%提高到95%: 62
    year_from: int | None = None
    year_to: int | None = None


def chinese_number(text: str) -> Decimal | None:
    """三千二百 → 3200, 两万 → 20000, 一亿二千万 → 120000000, 三点五 → 3.5, 十二 → 12."""
    if "点" in text:
        whole, _, frac = text.partition("点")
        head = chinese_number(whole) if whole else Decimal(0)
        if head is None or any(c not in CN_DIGITS for c in frac):
            return None
        return head + Decimal("0." + "".join(str(CN_DIGITS[c]) for c in frac))
    if len(text) > 1 and all(c in CN_DIGITS for c in text):
        if not set(text) & set("〇○零"):
            return None  # 三二: not a number
        return Decimal("".join(str(CN_DIGITS[c]) for c in text))  # 二〇二一 read digit by digit
    total, section, digit = 0, 0, None
    for c in text:
        if c in "零〇○":
            continue  # 一百零五: a place left empty
        if c in CN_DIGITS:
            if digit is not None:
                return None  # 三二: not a number
            digit = CN_DIGITS[c]
        elif c in CN_UNITS:
            section += (1 if digit is None else digit) * CN_UNITS[c]
            digit = None
        elif c in CN_BIG:
            section += digit or 0
            if section == 0:
                return None
            total = (total + section) * CN_BIG[c] if c == "亿" else total + section * CN_BIG[c]
            section, digit = 0, None
        else:
            return None
    return Decimal(total + section + (digit or 0))


def parse_number(text: str) -> Decimal | None:
    """A number as written: 3.2万 → 32000, 1,200 → 1200, 两万 → 20000, 三千二百 → 3200."""
    text = text.strip()
    m = re.fullmatch(rf"({ARABIC})({MAGNITUDES})?", text)
    if m:
        try:
            value = Decimal(m.group(1).replace(",", ""))
        except InvalidOperation:
            return None
        return value * MAGNITUDE[m.group(2) or ""]
    return chinese_number(text)


def plain_number(value: Decimal | None) -> Decimal | None:
    """A number as a reader writes it: no trailing zeros, no exponent (32000, not 3.2E+4 or
    32000.0000; 95.5).  The one normaliser of the importer's figures, their rows and the exports."""
    if value is None:
        return None
    value = value.normalize()
    return value.quantize(Decimal(1)) if value == value.to_integral() else value


def _start(text: str, pos: int, ends: str = CLAUSE_END) -> int:
    """Where the clause (with SENTENCE_END: the sentence) around ``pos`` starts."""
    i = pos
    while i > 0 and text[i - 1] not in ends:
        i -= 1
    return i


def _end(text: str, pos: int, ends: str = CLAUSE_END) -> int:
    i = pos
    while i < len(text) and text[i] not in ends:
        i += 1
    return i


def _protected(text: str) -> list[tuple[int, int]]:
    """Quoted names (“1945”模式, “八个一”) and titles of documents (《…》): no figure lies there."""
    return [m.span() for m in QUOTES.finditer(text)]


def _is_target(text: str, start: int, end: int) -> bool:
    sentence = text[_start(text, start, SENTENCE_END) : start]
    marker = None
    for m in TARGET_BEFORE.finditer(sentence):
        marker = m
    if marker is not None:
        weak = marker.group().startswith(("到", "至"))
        # 计划投资500万元，目前已完成投资300万元: the figure's own clause, after the target's, says it was done.
        clause = max(sentence.rfind(c) for c in "，,") + 1
        done_since = sentence[marker.end() :] if weak else sentence[clause:] if clause > marker.end() else ""
        if not ACHIEVED.search(done_since):
            return True
    return bool(TARGET_AFTER.search(text[end:]))


def _years(text: str, start: int, end: int) -> tuple[int | None, int | None]:
    """The years a figure's sentence gives it, up to the figure's end."""
    before = text[_start(text, start, SENTENCE_END) : end]
    ranges = list(YEAR_RANGE.finditer(before))
    if ranges:
        return int(ranges[-1].group(1)), int(ranges[-1].group(2))
    since = list(YEAR_SINCE.finditer(before))
    until = list(YEAR_UNTIL.finditer(before))
    if since:
        return int(since[-1].group(1)), int(until[-1].group(1)) if until else None
    if until:
        return None, int(until[-1].group(1))
    years = [int(y.group(1)) for y in ARABIC_YEAR.finditer(before)]
    if not years:
        return None, None
    # 由1993年的7.5%提升至2016年的80.3%: the first and the last year of the change.
    return (years[0], years[-1]) if len(years) > 1 and re.search(CHANGE, before) else (years[-1], years[-1])


# Where the noun a unit counts ends: a verb, an adverb or a function word
# (示范乡镇街道带动引领 → 示范乡镇街道, 乡镇累计共开展 → 乡镇, 统一为农村学生配设 → nothing).
NOUN_END = re.compile(
    r"[的是在为和与及等将了均共都由到按把被让使向对从于以]|带动|引领|承担|负责|参加|参与|实现|开展|完成|安排|统一|"
    r"实施|用于|累计|分别|已经|全部|进行|得到|获得|达到|提供|覆盖|建成|通过|配设|认领|接受"
)


def _noun_phrase(text: str) -> str:
    """The noun phrase a text starts with: up to the first verb or function word."""
    end = NOUN_END.search(text)
    return text[: end.start()] if end else text


def _indicator(text: str, clause_start: int, num_start: int, unit_end: int) -> tuple[str, int, int]:
    """What was measured: the clause's words before the number, without time words, fillers and
    verbs of amount, and the noun the unit counts (覆盖全县128个行政村 → 覆盖全县行政村).  Also the
    span of the whole expression."""
    prefix = text[clause_start:num_start]
    lead = LEADING.match(prefix)
    skip = lead.end() if lead else 0
    core = TRAILING.sub("", prefix[skip:])
    if len(core) <= 2 and CHANGE_WORD.search(prefix):
        core = prefix[skip:].strip()  # 同比增长7.6%: the change is what was measured
    start = clause_start + skip
    if len(core) > INDICATOR_MAX:
        start += len(core) - INDICATOR_MAX
        core = core[-INDICATOR_MAX:]
    noun = NOUN_AFTER.match(text[unit_end : _end(text, unit_end)])
    # A noun after the unit belongs to the figure (128个行政村), a verb phrase does not.
    after = _noun_phrase(noun.group()) if noun else ""
    end = unit_end + len(after)
    return (core.strip() + after).strip(), start if core else num_start, end


def _money_kind(text: str, clause_start: int, num_start: int, end: int, unit: str) -> tuple[str, str]:
    """An amount of money: its kind, and for FUNDING the source's label."""
    prefix = text[clause_start:num_start]
    source = _last_source(prefix)
    if NOT_COST.search(prefix):
        return FIGURE, ""
    if source:
        return FUNDING, source
    if RUNNING_WORDS.search(prefix) or unit != "元" or RECURRING.search(prefix) and INVEST_WORDS.search(prefix):
        return RUNNING_COST, ""  # 运维经费, 每吨水成本, 600元/年, 每人每餐补贴3元
    if INVEST_WORDS.search(prefix) or FUND_AFTER.match(text[end : _end(text, end)]):
        return INVESTMENT, ""
    return FIGURE, ""


def _last_source(text: str) -> str:
    label = ""
    for m in SOURCE.finditer(text):
        if NOT_SOURCE.match(text[m.end() :]):
            continue
        label = SOURCE_LABELS[int(m.lastgroup[1:])]
    return label


def _quantities(text: str) -> list[tuple[int, int, Decimal, Decimal | None, str]]:
    """(start of number, end of unit, value, upper value of a range, unit) of every quantity."""
    protected = _protected(text)
    found = []
    for m in QUANTITY.finditer(text):
        start, end = m.start(), m.end()
        if any(a <= start < b for a, b in protected):
            continue
        num = m.group("num")
        unit = text[m.start("unit") : end] if m.group("unit") else "人"
        value = parse_number(num)
        if value is None or QUALIFIER.match(text[end:]) or IDIOM_BEFORE.search(text[:start]):
            continue
        if m.group("unit") == "位" and text[end : end + 1] == "数":
            continue  # 两位数: digits, not people
        chinese = num[0] in CN_NUM
        if chinese:
            if num[0] in "百千万亿":
                continue  # 千家万户, 百姓, 万村: a word, not a number
            if value < 10 and text[end : end + 1] not in CLAUSE_END or value == 1:
                continue  # 三张榜单, 两基: a small count that names a method's parts; 一次, 一所: "a"
        digits = re.sub(r"\D", "", num)
        if not chinese and len(digits) >= 7 and "," not in num and "." not in num and unit != "元":
            continue  # a telephone or an identifier
        if unit in ("个", "次", "位", "批", "期", "口") and value.to_integral() != value:
            continue  # 1.5个: not a count
        high = parse_number(m.group("num2")) if m.group("num2") else None
        if high is not None and m.group("num2")[-1] in "万亿千百" and num[-1] not in "万亿千百":
            # 3-5万元: the magnitude of the upper end is the lower end's too.
            bare = parse_number(re.sub(rf"({MAGNITUDES})$", "", m.group("num2")))
            if not bare:
                continue  # 0-0万元, 3-万元: no range a reader could check
            value *= high / bare
        if high is not None and high < value:
            continue  # 5-3个: a date or a score, not a range
        if unit == "万人次":
            value, unit = value * 10**4, "人次"
        found.append((start, end, value, high, unit))
    for m in CN_PERCENT.finditer(text):
        if any(a <= m.start() < b for a, b in protected):
            continue
        value = chinese_number(m.group("num"))
        if value is not None:
            found.append((m.start(), m.end(), value, None, "%"))
    return sorted(found)


def extract_figures(text: str) -> list[Figure]:
    """The key figures, investment, running cost and funding sources a text states, in order."""
    # Full-width digits and signs read as their ASCII twins; one character each, so spans hold.
    scan = text.translate(FULL_WIDTH) if FULL_WIDTH_CHARS.search(text) else text
    quantities = _quantities(scan)
    figures: list[Figure] = []
    used: set[int] = set()
    ends: list[int] = []  # where the quantities before this one and the figures so far end, sorted
    for n, (start, end, value, high, unit) in enumerate(quantities):
        if n:
            bisect.insort(ends, quantities[n - 1][1])
        if n in used or _is_target(scan, start, end):
            continue
        baseline, number_start = None, start
        # 从62%提高到95%: the first is the baseline of the second.
        nxt = quantities[n + 1] if n + 1 < len(quantities) else None
        if (
            nxt
            and nxt[4] == unit
            and BASELINE_BEFORE.search(scan[_start(scan, start) : start])
            and BETWEEN.match(scan[end : nxt[0]])
            and not _is_target(scan, nxt[0], nxt[1])
        ):
            used.add(n + 1)
            baseline = value
            start, end, value, high, unit = nxt
        clause_start = _start(scan, number_start)
        # The words of this figure start after the figure before it in the clause.
        last = bisect.bisect_right(ends, number_start)
        if last and ends[last - 1] >= clause_start:
            clause_start = ends[last - 1]
        if baseline is not None:
            # The indicator stands before 从/由 and the baseline's years.
            prefix_end = clause_start + BASELINE_BEFORE.search(scan[clause_start:number_start]).start()
        else:
            prefix_end = number_start
        indicator, span_start, span_end = _indicator(scan, clause_start, prefix_end, end)
        if baseline is not None:
            span_start = min(span_start, number_start)
        kind, source = (FIGURE, "")
        if unit.startswith("元"):
            kind, source = _money_kind(scan, clause_start, prefix_end, end, unit)
        if kind == FUNDING:
            indicator = source
        year_from, year_to = _years(scan, start, end)
        if baseline is not None:
            # 由2024年的1131元增长到现在的3328元: the years stand by the two values.
            stated = YEAR_BY_VALUE.search(scan[clause_start:number_start]), YEAR_BY_VALUE.search(scan[:start])
            if stated[0] or stated[1]:
                year_from, year_to = (int(m.group(1)) if m else None for m in stated)
        figures.append(
            Figure(
                kind=kind,
                indicator=indicator,
                value=plain_number(value),
                unit=unit,
                start=span_start,
                end=span_end,
                value_max=plain_number(high),
                baseline=plain_number(baseline),
                year_from=year_from,
                year_to=year_to,
            )
        )
        bisect.insort(ends, span_end)
    figures += _sources_without_amounts(scan, figures)
    for f in figures:
        if not f.indicator.strip():
            f.indicator = UNNAMED  # 其中，500万元用于道路: said so, for the editor to name (with the quote)
    return sorted(figures, key=lambda f: (f.start, f.end))


def _gives_money(text: str, m: re.Match) -> bool:
    if MONEY_WORDS.search(m.group()):
        return True
    after = LISTED_SOURCES.match(text, m.end()).end()
    if MONEY_AFTER.match(text[after : after + 12]):
        return True
    before = text[max(0, m.start() - 60) : m.start()]
    return bool(MONEY_BEFORE.search(before[: SOURCES_BEFORE.search(before).start()]))


def _sources_without_amounts(text: str, figures: list[Figure]) -> list[Figure]:
    """Funding sources a sentence about money names without an amount (由县财政、村集体和群众自筹共同承担)."""
    named = {f.indicator for f in figures if f.kind == FUNDING}
    taken = [(f.start, f.end) for f in figures]
    out = []
    for m in SOURCE.finditer(text):
        label = SOURCE_LABELS[int(m.lastgroup[1:])]
        if label in named or not _gives_money(text, m):
            continue
        if any(a <= m.start() < b for a, b in taken):
            continue
        sentence = text[_start(text, m.start(), SENTENCE_END) : _end(text, m.end(), SENTENCE_END)]
        if not MONEY_CONTEXT.search(sentence) or _is_target(text, m.start(), m.end()):
            continue
        named.add(label)
        out.append(Figure(FUNDING, label, None, "", m.start(), m.end()))
    return out
