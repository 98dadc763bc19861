"""Years from a document's own dates.

Some pages rewrote every Arabic year to a recent one while the signature kept
the original date in Chinese numerals (二O一一年六月十五日).  The signature
wins, and every item of such a page is flagged: its Arabic years are not
evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DIGITS = {
    "〇": 0,
    "零": 0,
    "O": 0,
    "o": 0,
    "○": 0,
    "Ｏ": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CHINESE_YEAR = re.compile(r"([一二三四五六七八九〇零○OoＯ]{4})年[一二三四五六七八九十]{1,3}月")
ARABIC_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
DOC_NUMBER = re.compile(r"[〔【\[（(]((?:19|20)\d{2})[〕】\]）)]")


def chinese_years(text: str) -> list[int]:
    return [int("".join(str(DIGITS[c]) for c in m.group(1))) for m in CHINESE_YEAR.finditer(text)]


def arabic_years(text: str, latest: int) -> list[int]:
    years = [int(m.group(1)) for m in ARABIC_YEAR.finditer(text)]
    years += [int(m.group(1)) for m in DOC_NUMBER.finditer(text)]
    return [y for y in years if 1949 <= y <= latest]


@dataclass
class DocumentDates:
    rewritten: bool  # Arabic years disagree with a Chinese-numeral signature
    year: int | None  # the document's own date, when it has one


def document_dates(text: str, latest: int) -> DocumentDates:
    signed = chinese_years(text)
    arabic = arabic_years(text, latest)
    rewritten = bool(signed) and bool(arabic) and not set(signed) & set(arabic)
    return DocumentDates(rewritten, signed[-1] if signed else None)


def item_year(
    text: str, doc: DocumentDates, latest: int, newsletter_year: int | None = None
) -> tuple[int | None, list[str]]:
    """The year of one item and the flags that explain doubts about it."""
    signed = chinese_years(text)
    if doc.rewritten:
        return (signed[-1] if signed else None), ["year-conflict"]
    if newsletter_year:
        return newsletter_year, []
    years = arabic_years(text, latest)
    if signed:
        return signed[-1], []
    return (max(years) if years else None), []
