"""Resolve the place a text is about against the national gazetteer.

Pure functions over a :class:`Gazetteer` read from ``fixtures/regions.json``;
no database.  The rules, in order:

* a national body (国务院, a ministry, a national firm) gets no region and the
  label 全国;
* the place words of a title (``北京怀柔``, ``湖南益阳|赫山区…``) are parsed as
  province + prefecture/county stems; same-named places (two 宝山区) are told
  apart by the other places the text names;
* a prefecture from the title narrows to a county when the title names one,
  or when the text is about exactly one of its counties and never names the
  prefecture itself (广东清远 | 佛冈县工信局…);
* without title words, official names in the text decide (新津县 → 新津区 by
  its former name; 胶南市 → 黄岛区);
* an anonymized text (X市, XX区, 某区) names its partners, not itself: only
  document-level evidence gives it a province, and never a county;
* without evidence nothing is guessed.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

LEVELS = ("province", "prefecture", "county")
ETHNIC = (
    "蒙古|回|藏|维吾尔|苗|彝|壮|布依|朝鲜|满|侗|瑶|白|土家|哈尼|哈萨克|傣|黎|傈僳|佤|畲|高山|拉祜|水|"
    "东乡|纳西|景颇|柯尔克孜|土|达斡尔|仫佬|羌|布朗|撒拉|毛南|仡佬|锡伯|阿昌|普米|塔吉克|怒|乌孜别克|"
    "俄罗斯|鄂温克|德昂|保安|裕固|京|塔塔尔|独龙|鄂伦春|赫哲|门巴|珞巴|基诺|各"
)
SUFFIX = re.compile(
    rf"(特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|(?:(?:{ETHNIC})族)+自治(?:州|县|旗)|"
    r"自治州|自治县|自治旗|地区|林区|省|市|县|区|盟|旗)$"
)
# County names that are also common words ("城区" of 阳泉, 晋城 …).
COMMON_WORDS = {"城区", "郊区", "矿区", "市中区", "新区", "开发区"}
NATIONAL = re.compile(
    r"^(国务院|中共中央|中央|全国|国家|中华人民共和国|中国(?!.{0,2}[省市县]))|(部|总局|委员会|等[一二三四五六七八九十\d]+部门)$"
)
PLACEHOLDER = re.compile(
    r"(?<![A-Za-z])(?:X{1,3}|某)(?:省|市|县|区|镇|乡|街道|村|人民法庭|法院|中学)|(?<=[\u4e00-\u9fff])X(?=[\u4e00-\u9fff])"
)
SELF_REFERENCE = re.compile(r"我(省|市|县|区|镇|乡)|本(区|县|市)")


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    level: str
    parent: str | None


@dataclass
class Resolution:
    province: str | None = None
    prefecture: str | None = None
    county: str | None = None
    label: str = ""
    national: bool = False
    flags: list[str] = field(default_factory=list)
    evidence: str = ""  # where the region was read, or the rule that decided it

    @property
    def code(self) -> str | None:
        return self.county or self.prefecture or self.province


def trie_pattern(names) -> str:
    """One regular expression for many names, shaped as their trie: it finds the longest
    name at each place, as the names' alternation sorted by length would, but a text is
    read once instead of once per name (a 5 MB document in seconds, not minutes)."""
    trie: dict = {}
    for name in names:
        node = trie
        for char in name:
            node = node.setdefault(char, {})
        node[""] = True

    def pattern(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return f"(?:{body})?"
        return body

    return "(?:" + "|".join(re.escape(c) + pattern(child) for c, child in sorted(trie.items()) if c) + ")"


def stem(name: str) -> str:
    return SUFFIX.sub("", name)


class Gazetteer:
    def __init__(self, rows: list[dict]) -> None:
        self.places = {r["code"]: Place(r["code"], r["name"], r["level"], r["parent"]) for r in rows}
        # Landmarks and functional zones that texts name instead of an official
        # place (四面山 → 江津区, 江东新区 → 河源市): a small reviewed table.
        self.hints: dict[str, str] = {}
        self.full: dict[str, list[str]] = {}
        self.stems: dict[str, list[str]] = {}
        for r in rows:
            for name in [r["name"], *r.get("aliases", [])]:
                self.full.setdefault(name, []).append(r["code"])
            s = stem(r["name"])
            if len(s) >= 2 and s != r["name"]:
                self.stems.setdefault(s, []).append(r["code"])

    @classmethod
    def from_json(cls, path: str | Path) -> Gazetteer:
        return cls(json.loads(Path(path).read_text(encoding="utf-8")))

    @cached_property
    def full_pattern(self) -> re.Pattern:
        return re.compile(trie_pattern(n for n in self.full if len(n) >= 2 and n not in COMMON_WORDS))

    @cached_property
    def stem_pattern(self) -> re.Pattern:
        return re.compile(trie_pattern(self.stems))

    def chain(self, code: str) -> list[Place]:
        return list(self._chains(code))

    def path(self, code: str) -> str:
        """北京市 › 怀柔区: how the pages show a place."""
        return " › ".join(p.name for p in self._chains(code))

    @lru_cache(maxsize=8192)  # noqa: B019 — one gazetteer per process, loaded once
    def _chains(self, code: str) -> tuple[Place, ...]:
        out = []
        place = self.places.get(code)
        while place:
            out.append(place)
            place = self.places.get(place.parent) if place.parent else None
        return tuple(out[::-1])

    def province_of(self, code: str) -> str:
        return self.chain(code)[0].code

    def is_within(self, code: str, ancestor: str) -> bool:
        return any(p.code == ancestor for p in self._chains(code))

    def mentions(self, text: str) -> Counter:
        """Official names (and former names) in a text, counted per code."""
        return Counter(self._mentions(text))

    @lru_cache(maxsize=4096)  # noqa: B019 — a text is read for its places by several rules
    def _mentions(self, text: str) -> Counter:
        counts: Counter = Counter()
        for m in self.full_pattern.finditer(text):
            for code in self.full[m.group()]:
                counts[code] += 1
        return counts

    def hint_mentions(self, text: str) -> Counter:
        return Counter({self.hints[name]: text.count(name) for name in self.hints if name in text})

    def stem_mentions(self, text: str, levels=("province", "prefecture")) -> Counter:
        counts: Counter = Counter()
        for m in self.stem_pattern.finditer(text):
            for code in self.stems[m.group()]:
                if self.places[code].level in levels:
                    counts[code] += 1
        return counts

    def parse_label(self, label: str) -> list[list[str]]:
        """Candidate codes for each place word of a title label, outermost first."""
        return [codes for _, codes in self.place_words(label)[0]]

    def place_words(self, text: str, word_ends=None) -> tuple[list[tuple[str, list[str]]], str]:
        """The place names ``text`` starts with, each within the one before it when that one was
        one place (北京怀柔, 四川养老 → 四川 + 养老): [(name, candidate codes)], and the rest.
        ``word_ends``: where the words of a text end, when a name must end where a word does."""
        found: list[tuple[str, list[str]]] = []
        scope: str | None = None
        while len(text) >= 2:
            ends = word_ends(text) if word_ends else range(len(text) + 1)
            for length in range(min(len(text), 12), 1, -1):
                word = text[:length]
                codes = self.full.get(word, []) + self.stems.get(word, []) if length in ends else []
                if scope:
                    codes = [c for c in codes if self.is_within(c, scope) and c != scope]
                if codes:
                    break
            else:
                break
            codes = list(dict.fromkeys(codes))
            found.append((word, codes))
            text = text[length:]
            if len(codes) == 1:
                scope = codes[0]
        return found, text


@lru_cache(maxsize=2)
def load_gazetteer(path: str) -> Gazetteer:
    gz = Gazetteer.from_json(path)
    hints = Path(path).with_name("place_hints.csv")
    if hints.exists():
        with open(hints, encoding="utf-8") as fh:
            gz.hints = {row["name"]: row["code"] for row in csv.DictReader(fh)}
    return gz


def _support(gz: Gazetteer, code: str, counts: Counter) -> int:
    """How strongly the text supports a place: its own mentions and its family's."""
    return sum(n for other, n in counts.items() if gz.is_within(other, code) or gz.is_within(code, other))


def _fill(gz: Gazetteer, code: str, res: Resolution) -> Resolution:
    for place in gz.chain(code):
        setattr(res, place.level, place.code)
    return res


ANONYMOUS_PROVINCE = re.compile(r"(?:X{1,3}|某)省")


def is_anonymized(text: str) -> bool:
    """Place names blanked out: an anonymous province once, or placeholders twice."""
    return bool(ANONYMOUS_PROVINCE.search(text)) or len(PLACEHOLDER.findall(text)) >= 2


def is_national(label: str, text: str, gz: Gazetteer) -> bool:
    if label:
        return bool(NATIONAL.search(label)) and not gz.parse_label(label)
    local = gz.mentions(text)
    return text.count("全国") >= 2 and not local and not is_anonymized(text) and not SELF_REFERENCE.search(text)


# A national issuer or subject: a ministry, a national batch (第三批全国…).
NATIONAL_SUBJECT = re.compile(
    r"第[一二三四五六七八九十\d]+批全国|全国[\u4e00-\u9fff]{0,16}(?:典型|案例|示范|名单)"
    r"|^(?:农业农村部|国务院|中共中央|中央|国家[\u4e00-\u9fff]{1,10}(?:局|部|委|委员会))"
    r"|(?:农业农村部|国家发展改革委|国家乡村振兴局|国务院|民政部|教育部)[^，。]{0,20}(?:发布|公布|印发|联合)"
)


# A national body a report of several provinces comes from (记者从水利部获悉).
# The State Council's ministries are a closed list: 干部 or 支部 are no ministry.
MINISTRIES = (
    "农业农村|水利|民政|教育|财政|自然资源|生态环境|住房和城乡建设|住房城乡建设|交通运输|人力资源和社会保障|"
    "人力资源社会保障|商务|文化和旅游|司法|公安|工业和信息化|科技|应急管理|退役军人事务"
)
NATIONAL_BODY = re.compile(
    rf"国务院|(?<![省市县区厅局])(?:{MINISTRIES})部|国家(?:发展改革委|卫生健康委|乡村振兴局|疾控局|[\u4e00-\u9fff]{{2,8}}局)"
)


def national_source(text: str) -> str | None:
    """The national body a text names, if any: several provinces reported from a ministry
    make a national text, not an ambiguous one."""
    m = NATIONAL_BODY.search(text)
    return m.group() if m else None


def national_subject(gz: Gazetteer, title: str, lead: str) -> str | None:
    """The words that make a document national, when its title names no place of its own."""
    if gz.mentions(title) or gz.stem_mentions(title):
        return None
    m = NATIONAL_SUBJECT.search(title) or NATIONAL_SUBJECT.search(lead[:200])
    return m.group() if m else None


def resolve(gz: Gazetteer, label: str, title: str, text: str) -> Resolution:
    """The region of one item from its title label, title and text."""
    if is_national(label, text, gz):
        return Resolution(label="全国", national=True, evidence="规则：全国性文本（多次提及全国，未提及地方）")
    anonymized = is_anonymized(title + text)
    title_counts = gz.mentions(title)
    counts = title_counts + gz.mentions(text)
    words = gz.parse_label(label) if label else []
    if words:
        candidates = words[-1]
        code = max(candidates, key=lambda c: (counts[c] > 0, _support(gz, c, counts), gz.places[c].level == "county"))
        res = _fill(gz, code, Resolution(label=label))
        if gz.places[code].level != "county":
            narrower = _narrow(gz, code, counts, title_counts, text)
            if narrower:
                res = _fill(gz, narrower, Resolution(label=label))
        res.evidence = f"标题地名 ‘{label}’"
        return res
    if anonymized or not counts:
        hints = gz.hint_mentions(title + text)
        if hints and not anonymized:
            code = hints.most_common(1)[0][0]
            word = next(name for name, c in gz.hints.items() if c == code and name in title + text)
            return _fill(gz, code, Resolution(label=word, flags=["region-from-landmark"]))
        if not anonymized:
            by_stem = _from_stems(gz, title + "\n" + text)
            if by_stem:
                return by_stem
        found = sorted(PLACEHOLDER.findall(title + text), key=len, reverse=True)
        return Resolution(label=found[0] if found else "", flags=["region-unknown"])
    if title_counts:
        res = _from_mentions(gz, title_counts + counts, title)
        res.evidence = f"标题 ‘{title}’"
        return res
    return _subject(gz, counts, text)


def _names(gz: Gazetteer, codes) -> str:
    return "、".join(gz.places[c].name for c in list(codes)[:6])


def _common_ancestor(gz: Gazetteer, codes: list[str]) -> str | None:
    chains = [[p.code for p in gz.chain(c)] for c in codes]
    common = None
    for level in zip(*chains, strict=False):
        if len(set(level)) != 1:
            break
        common = level[0]
    return common


def _subject(gz: Gazetteer, counts: Counter, text: str) -> Resolution:
    """The place a text is about.  Several places with no clear subject: their common
    province or city when they share one, else no region (``region-ambiguous``) —
    never the first or the last place named."""
    leaves = [c for c in counts if not any(o != c and gz.is_within(o, c) for o in counts)]
    # Places of one name (two 宝山区) are one place named, told apart below.
    best: dict[str, str] = {}
    for c in sorted(leaves, key=lambda c: -_support(gz, c, counts)):
        best.setdefault(gz.places[c].name, c)
    leaves = list(best.values())
    if len(leaves) > 1:
        support = sorted(((_support(gz, c, counts), c) for c in leaves), reverse=True)
        (top, _), (second, _) = support[0], support[1]
        if not (top >= 2 and top >= 2 * second):
            common = _common_ancestor(gz, leaves)
            if common:
                res = _fill(gz, common, Resolution(label=gz.places[common].name, flags=["region-inferred"]))
                res.evidence = f"推断：文中各地（{_names(gz, leaves)}）同属{gz.places[common].name}"
                return res
            return Resolution(
                flags=["region-ambiguous"], evidence=f"规则：文中有多个地方（{_names(gz, leaves)}）且无明确主体"
            )
    res = _from_mentions(gz, counts, text)
    res.evidence = f"正文 ‘{res.label}’"
    return res


def _from_stems(gz: Gazetteer, text: str) -> Resolution | None:
    """Provinces and cities a text names only in short (浙江安吉, 新甘肃): one family
    gives its place, inferred; several give none, and say so."""
    stems = gz.stem_mentions(text)
    if not stems:
        return None
    leaves = [c for c in stems if not any(o != c and gz.is_within(o, c) for o in stems)]
    common = leaves[0] if len(leaves) == 1 else _common_ancestor(gz, leaves)
    if common:
        res = _fill(gz, common, Resolution(label=gz.places[common].name, flags=["region-inferred"]))
        words = [m.group() for m in gz.stem_pattern.finditer(text)][:3]
        res.evidence = f"推断：文中简称 ‘{'、'.join(words)}’"
        return res
    return Resolution(flags=["region-ambiguous"], evidence=f"规则：文中有多个地方（{_names(gz, leaves)}）且无明确主体")


def _narrow(gz: Gazetteer, code: str, counts: Counter, title_counts: Counter, text: str) -> str | None:
    inside = [c for c in counts if c != code and gz.is_within(c, code) and gz.places[c].level == "county"]
    named_in_title = [c for c in inside if title_counts[c]]
    if len(named_in_title) == 1:
        return named_in_title[0]
    if gz.places[code].level != "prefecture" or len(inside) != 1:
        return None
    own = gz.places[code]
    if own.name in text or stem(own.name) in text:
        return None
    return inside[0]


def _from_mentions(gz: Gazetteer, counts: Counter, text: str) -> Resolution:
    def rank(code: str) -> tuple:
        return (_support(gz, code, counts), counts[code], LEVELS.index(gz.places[code].level))

    code = max(counts, key=rank)
    # Prefer the deepest place among the best supported family.
    family = [c for c in counts if gz.is_within(c, code) or gz.is_within(code, c)]
    deepest = max(family, key=lambda c: (LEVELS.index(gz.places[c].level), counts[c]))
    first = next((m for m in gz.full_pattern.finditer(text) if deepest in gz.full[m.group()]), None)
    return _fill(gz, deepest, Resolution(label=first.group() if first else gz.places[deepest].name))


def evidence_province(gz: Gazetteer, text: str) -> str | None:
    """The one province that the place words of a text agree on, if any.

    An anonymized case still names its neighbours and partners (深圳、韶关、
    梅州… or "广东'最美人民法庭'"); when they agree, that is its province.
    """
    provinces: Counter = Counter()
    for table, pattern in ((gz.full, gz.full_pattern), (gz.stems, gz.stem_pattern)):
        for m in pattern.finditer(text):
            codes = [c for c in table[m.group()] if gz.places[c].level != "county" or table is gz.full]
            # A name shared by places in several provinces is split between them.
            for code in codes:
                provinces[gz.province_of(code)] += 1 / len(codes)
    if not provinces:
        return None
    best, n = provinces.most_common(1)[0]
    return best if n >= 1.5 and n / sum(provinces.values()) >= 0.6 else None


def infer_anonymized(
    gz: Gazetteer, res: Resolution, text: str, pooled: str | None, pooled_city: str | None = None
) -> Resolution:
    """A province for an anonymized item from its own evidence, else from its
    document's other anonymized items (``pooled``).  Never when the province
    itself is anonymized (XX省).  A prefecture only from a functional zone of
    the city itself (江东新区 is 河源's), in the item or its document
    (``pooled_city``) — partners named are never the item's own place; and
    never a county."""
    if "region-unknown" not in res.flags or ANONYMOUS_PROVINCE.search(text):
        return res
    if not is_anonymized(text):
        return res
    province = evidence_province(gz, text) or pooled
    if not province:
        return res
    city = own_city(gz, text) or pooled_city
    if city and gz.province_of(city) == province:
        return _fill(gz, city, Resolution(label=res.label, flags=["region-inferred"]))
    return Resolution(province=province, label=res.label, flags=["region-inferred"])


def own_city(gz: Gazetteer, text: str) -> str | None:
    """The prefecture of the functional zones a text names, if they agree."""
    cities = {c if gz.places[c].level == "prefecture" else gz.places[c].parent for c in gz.hint_mentions(text)}
    return cities.pop() if len(cities) == 1 else None


def place_by_names(gz: Gazetteer, names: list[str]) -> Resolution:
    """The place that a province, a prefecture and a county column name (outermost first, blanks
    skipped), as a spreadsheet gives them: each name, full (浙江省), stem (浙江) or former, must be
    one place of its level within the place before it.  ``全国`` alone is national.  Otherwise the
    Resolution is flagged ``region-unknown`` or ``region-ambiguous``, its label the names up to the
    one at fault."""
    names = [name.strip() for name in names]
    if names[0] == "全国" and not any(names[1:]):
        return Resolution(label="全国", national=True)
    scope: str | None = None
    read: list[str] = []
    for level, name in zip(LEVELS, names, strict=False):
        if not name:
            continue
        read.append(name)
        codes = dict.fromkeys(gz.full.get(name, []) + gz.stems.get(name, []))
        found = [c for c in codes if gz.places[c].level == level and (scope is None or gz.is_within(c, scope))]
        if len(found) != 1:
            return Resolution(label=" › ".join(read), flags=["region-ambiguous" if found else "region-unknown"])
        scope = found[0]
    if scope is None:
        return Resolution(flags=["region-unknown"])
    return _fill(gz, scope, Resolution(label=gz.places[scope].name))
