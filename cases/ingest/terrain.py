"""The terrain of a case's place, where its text states it (山区县, 海岛, 牧区, 地处平原 …).

Texts of the genre state it in two shapes: where the place lies ("地处秦岭山区", "位于黄泛平原",
"属丘陵地带", "全区共有一百多个岛屿") and what it is ("景宁是典型的山区县", "该旗是纯牧业旗",
"作为海岛县"); and a few sayings are statements by themselves ("八山一水一分田").  Anywhere else
a terrain word is only mentioned: whom a measure serves ("山区群众"), what others did ("借鉴山区
经验"), a policy's scope ("统筹山区和平原地区").  Exactly one terrain stated gives the case that
terrain; several stated give none; mentions alone give none either, and their evidence tells an
editor what was seen.  Nothing is guessed.  Place names that contain a terrain word (宝山区, 平原县,
中山区) are not statements about terrain and are masked first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Each terrain's words, as they are written of a place.
WORDS = {
    "mountain": r"山区|山地|大山深处|深山",
    "hills": r"丘陵",
    "plain": r"平原",
    "plateau": r"高原",
    # 农村牧区 is Inner Mongolia's word for all its countryside, not a statement of terrain.
    "pastoral": r"(?<!农村)牧区|牧业|纯牧|半农半牧",
    "island": r"海岛|岛屿|悬水小岛|离岛|群岛",
}
PATTERN = re.compile("|".join(f"(?P<{name}>{words})" for name, words in WORDS.items()))
# Sayings that state a terrain by themselves.
SAYINGS = re.compile(r"(?P<mountain>八山一水一分田|九山半水半分田|七山一水二分田|山多地少)")
STOPS = "，。；：！？,.;:!?\n"  # a clause ends
CLAUSE = f"[^{STOPS}]"  # within one clause
# Where the place lies: the terrain word a few characters after (地处秦岭南麓的山区).
WHERE = re.compile(rf"(?:地处|位于|地跨|属于|属|坐落于|立足|境内|全县|全市|全区|全旗|全乡|全镇|全村){CLAUSE}{{0,12}}$")
# What the place is: a terrain word right before a place's noun or the clause's end (是典型的山区县),
# not before whom it serves (这是山区群众最盼望的事).
WHAT = re.compile(rf"(?:是|系|作为){CLAUSE}{{0,8}}$")
PLACE_NOUN = re.compile(rf"(?:{CLAUSE}{{0,4}}?(?:县|市|区|旗|乡|镇|村|地区|地带|县份|县城|城市))?(?=[{STOPS}]|$)")
LABELS = {"mountain": "山区", "hills": "丘陵", "plain": "平原", "plateau": "高原", "pastoral": "牧区", "island": "海岛"}
CONTEXT = 8  # characters either side of the words quoted as evidence


def masked(text: str, place_names: Iterable[str]) -> str:
    """The text with each place name containing a terrain word blanked out (same length)."""
    names = sorted({n for n in place_names if PATTERN.search(n)}, key=len, reverse=True)
    if not names:
        return text
    return re.sub("|".join(map(re.escape, names)), lambda m: "□" * len(m.group()), text)


def stated(text: str, match: re.Match) -> bool:
    """Whether the terrain word ``match`` is said of the place itself."""
    before = text[max(0, match.start() - 16) : match.start()]
    return bool(WHERE.search(before) or (WHAT.search(before) and PLACE_NOUN.match(text, match.end())))


def terrain_for(title: str, body: str, place_names: Iterable[str] = ()) -> tuple[str, str]:
    """(terrain code or "", evidence): the one terrain the text states, quoted; "" when it
    states none or several, the evidence then saying what was seen, for an editor to decide."""
    text = masked(f"{title}\n{body}", place_names)
    said: dict[str, str] = {}
    mentioned: dict[str, str] = {}
    for match in [*SAYINGS.finditer(text), *PATTERN.finditer(text)]:
        found = said if match.re is SAYINGS or stated(text, match) else mentioned
        start, end = max(0, match.start() - CONTEXT), match.end() + CONTEXT
        found.setdefault(match.lastgroup, text[start:end].replace("\n", " ").strip())
    if len(said) == 1:
        terrain, quote = next(iter(said.items()))
        return terrain, f"原文 ‘{quote}’"
    if said:
        return "", "原文写明多种地形（" + "、".join(LABELS[t] for t in said) + "），未设定，请编辑核实"
    if mentioned:
        terrain, quote = next(iter(mentioned.items()))
        words = "、".join(LABELS[t] for t in mentioned)
        return "", f"原文提到{words}（‘{quote}’），但未写明本地的地形，未设定，请编辑核实"
    return "", ""
