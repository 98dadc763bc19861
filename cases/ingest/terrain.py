"""The terrain of a case's place, where its text states it (山区县, 海岛, 牧区, 地处平原 …).

Texts of the genre say it in a few shapes: a place called what it is ("景宁是典型的山区县",
"纯牧业县", "海岛县"), where it lies ("地处秦岭山区", "位于黄泛平原", "属丘陵地带"), or
whom a measure serves ("山区群众", "海岛群众", "牧区群众").  Exactly one terrain stated
gives the case that terrain; none, or several (a text about "山区和平原"), gives none:
nothing is guessed.  Place names that contain a terrain word (宝山区, 平原县, 中山区) are
not statements about terrain and are masked first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# Each terrain's words, as they are written of a place.  "山区" after 地处/位于/属 or before
# 县/群众/村 …, never the last two characters of a district's name (masked by the caller's names).
WORDS = {
    "mountain": r"山区|山地县|八山一水一分田|九山半水半分田|大山深处|深山",
    "hills": r"丘陵",
    "plain": r"(?:冲积|黄泛|华北|东北|江汉|成都|关中|松嫩|三江|河套|黄淮海?)平原|平原(?:地区|地带|农区|县份|乡村|水网)|地处平原|位于平原|属平原",  # noqa: E501
    "plateau": r"高原",
    # 农村牧区 is Inner Mongolia's word for all its countryside, not a statement of terrain.
    "pastoral": r"(?<!农村)牧区|牧业县|纯牧|半农半牧",
    "island": r"海岛|岛屿|悬水小岛|离岛|群岛",
}
PATTERN = re.compile("|".join(f"(?P<{name}>{words})" for name, words in WORDS.items()))
LABELS = {"mountain": "山区", "hills": "丘陵", "plain": "平原", "plateau": "高原", "pastoral": "牧区", "island": "海岛"}
CONTEXT = 8  # characters either side of the words quoted as evidence


def masked(text: str, place_names: Iterable[str]) -> str:
    """The text with each place name containing a terrain word blanked out (same length)."""
    names = sorted({n for n in place_names if PATTERN.search(n)}, key=len, reverse=True)
    if not names:
        return text
    return re.sub("|".join(map(re.escape, names)), lambda m: "□" * len(m.group()), text)


def terrain_for(title: str, body: str, place_names: Iterable[str] = ()) -> tuple[str, str]:
    """(terrain code or "", evidence): the one terrain the text states, quoted; "" when it
    states none, or several (then the evidence names them, for an editor to decide)."""
    text = masked(f"{title}\n{body}", place_names)
    found: dict[str, str] = {}
    for match in PATTERN.finditer(text):
        terrain = match.lastgroup
        if terrain not in found:
            start, end = max(0, match.start() - CONTEXT), match.end() + CONTEXT
            found[terrain] = text[start:end].replace("\n", " ").strip()
    if len(found) == 1:
        terrain, quote = next(iter(found.items()))
        return terrain, f"原文 ‘{quote}’"
    if len(found) > 1:
        return "", "原文提到多种地形（" + "、".join(LABELS[t] for t in found) + "），未设定，请编辑核实"
    return "", ""
