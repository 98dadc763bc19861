"""English names of China's administrative divisions, for the English pages.

Provinces have established English names; below them a place is written as the Hanyu Pinyin of
its proper name, syllables joined and an apostrophe before a syllable that starts with a vowel
(Lu'an), followed by the English word for its kind (Anji County, Mingshan District).  City names
stand alone (Heyuan), as is usual in English.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .ingest.chinese import syllables

PROVINCES = {
    "北京": "Beijing", "天津": "Tianjin", "河北": "Hebei", "山西": "Shanxi", "内蒙古": "Inner Mongolia",
    "辽宁": "Liaoning", "吉林": "Jilin", "黑龙江": "Heilongjiang", "上海": "Shanghai", "江苏": "Jiangsu",
    "浙江": "Zhejiang", "安徽": "Anhui", "福建": "Fujian", "江西": "Jiangxi", "山东": "Shandong",
    "河南": "Henan", "湖北": "Hubei", "湖南": "Hunan", "广东": "Guangdong", "广西": "Guangxi",
    "海南": "Hainan", "重庆": "Chongqing", "四川": "Sichuan", "贵州": "Guizhou", "云南": "Yunnan",
    "西藏": "Xizang", "陕西": "Shaanxi", "甘肃": "Gansu", "青海": "Qinghai", "宁夏": "Ningxia",
    "新疆": "Xinjiang", "台湾": "Taiwan", "香港": "Hong Kong", "澳门": "Macao",
}  # fmt: skip
PROVINCE_SUFFIX = re.compile(r"(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)$")
# Longest first: 自治县 before 县.
KINDS = [
    ("自治县", "Autonomous County"), ("自治旗", "Autonomous Banner"), ("自治州", "Autonomous Prefecture"),
    ("林区", "Forestry District"), ("特区", "Special District"), ("新区", "New Area"), ("地区", "Prefecture"),
    ("区", "District"), ("县", "County"), ("旗", "Banner"), ("盟", "League"), ("市", ""),
]  # fmt: skip
# The peoples named in autonomous areas' names (长阳土家族自治县), longest first.
PEOPLES = sorted(
    "土家 苗 彝 藏 回 壮 满 蒙古 维吾尔 哈萨克 朝鲜 瑶 侗 布依 白 哈尼 傣 黎 傈僳 佤 畲 拉祜 水 东乡 纳西 景颇 柯尔克孜 "
    "土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 普米 塔吉克 怒 独龙 鄂伦春 鄂温克 保安 裕固 京 基诺 门巴 珞巴 阿昌 "
    "俄罗斯 乌孜别克 塔塔尔 德昂 赫哲 各".split(),
    key=len,
    reverse=True,
)
ETHNIC = re.compile(rf"(?:(?:{'|'.join(PEOPLES)})族?)+$")
# Readings that place names keep and pypinyin's general dictionary does not: 长阳 is Changyang.
PLACE_READINGS = {"长": "chang"}


def romanize(name: str) -> str:
    """Pinyin of a proper name: 六安 -> Lu'an, 河源 -> Heyuan."""
    out = ""
    for char, syllable in zip(name, syllables(name), strict=False):
        syllable = PLACE_READINGS.get(char, syllable)
        if out and syllable[:1] in "aeo":
            out += "'"
        out += syllable
    return out[:1].upper() + out[1:]


@lru_cache(maxsize=4096)
def english_name(name: str, level: str) -> str:
    """四川省 -> Sichuan, 名山区 -> Mingshan District, 长阳土家族自治县 -> Changyang Tujia Autonomous County."""
    if level == "province":
        short = PROVINCE_SUFFIX.sub("", name)
        return PROVINCES.get(short, romanize(short))
    for suffix, kind in KINDS:
        if name.endswith(suffix) and len(name) > len(suffix):
            proper = name[: -len(suffix)]
            peoples = []
            match = ETHNIC.search(proper) if suffix.startswith("自治") else None
            if match and match.start() == 0:  # the people's own area: 鄂温克族自治旗
                proper = proper.removesuffix("族")
            elif match:
                proper = proper[: match.start()]
                peoples = [romanize(p) for p in re.findall("|".join(PEOPLES), match.group(0)) if p != "各"]
            return " ".join(part for part in [romanize(proper or name), *peoples, kind] if part)
    return romanize(name)
