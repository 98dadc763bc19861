"""Personal data that must not be published: ID-card numbers, mobile phone
numbers and children named in the text (beneficiaries are minors; a case
names them only by a pseudonym such as 小明（化名） or 王某某).

Pure functions; ``findings`` returns what was found so that an editor sees
why a case is held back, and ``digest`` lets a reviewer's clearance apply to
exactly those findings and no others."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

# GB 11643-1999: 6-digit region, birth date, 3-digit sequence, check digit.
ID_CARD = re.compile(
    r"(?<![0-9A-Za-z])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])"
)
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
# Mainland mobile numbers, written whole or as 3-4-4 groups.
MOBILE = re.compile(r"(?<![0-9])1[3-9]\d(?:[ -]?\d{4}){2}(?![0-9])")

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范"
    "金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
CHILD = r"(?:留守儿童|困境儿童|孤儿|儿童|孩子|小学生|中学生|学生|女孩|男孩|小朋友|患儿|女童|男童)"
AGE = r"(?:\d{1,2}|[一二两三四五六七八九十]{1,3})(?:周)?岁"
NAME = rf"(?:[{SURNAMES}][\u4e00-\u9fff]{{1,2}}|小[\u4e00-\u9fff])"
# What may follow a name: punctuation, an age, or a verb that starts a sentence about the child.
AFTER = rf"(?=[，。、；：,.;:（(“”\s]|{AGE}|今年|是|说|的|在|家|从小|和|与|同学|一家|父母|爷爷|奶奶|外婆|妈妈|爸爸)"
LISTED = re.compile(rf"[、和及]({NAME}){AFTER}")
PSEUDONYM = re.compile(r"\s*[（(]\s*化名\s*[）)]")
CHILD_NAMED = (
    re.compile(rf"{CHILD}({NAME}){AFTER}"),
    re.compile(rf"{AGE}的?(?:留守)?{CHILD}?({NAME}){AFTER}"),
    re.compile(rf"(?<![\u4e00-\u9fff])({NAME})[，,（(]\s*{AGE}"),
)


@dataclass(frozen=True)
class Finding:
    kind: str  # "id-card", "mobile", "child-name"
    text: str
    start: int


def valid_id_card(number: str) -> bool:
    total = sum(int(d) * w for d, w in zip(number[:17], ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11] == number[17].upper()


def _child_names(text: str) -> list[Finding]:
    found = {}
    for pattern in CHILD_NAMED:
        for m in pattern.finditer(text):
            name = m.group(1)
            if "某" in name or PSEUDONYM.match(text, m.end(1)):
                continue
            found.setdefault(m.start(1), Finding("child-name", name, m.start(1)))
            # 学生谭佳、胡一梦: the names listed after the first one.
            pos = m.end(1)
            while (more := LISTED.match(text, pos)) and "某" not in more.group(1):
                found.setdefault(more.start(1), Finding("child-name", more.group(1), more.start(1)))
                pos = more.end(1)
    return list(found.values())


def findings(text: str) -> list[Finding]:
    out = [Finding("id-card", m.group(), m.start()) for m in ID_CARD.finditer(text) if valid_id_card(m.group())]
    out += [Finding("mobile", m.group(), m.start()) for m in MOBILE.finditer(text)]
    out += _child_names(text)
    return sorted(out, key=lambda f: f.start)


def digest(found: list[Finding]) -> str:
    """A fingerprint of what was found: a clearance is for these findings only."""
    key = "\n".join(sorted({f"{f.kind}:{f.text}" for f in found}))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16] if found else ""
