"""Years from a document's own dates.

Some pages rewrote every Arabic year to a recent one while the signature kept
the original date in Chinese numerals (二O一一年六月十五日).  The signature
wins, and every item of such a page is flagged: its Arabic years are not
evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DIGITS = {**dict.fromkeys("〇零Oo○Ｏ", 0), **{c: n for n, c in enumerate("一二三四五六七八九", start=1)}}
CN_YEAR = "[" + "".join(DIGITS) + "]{4}"  # 二〇一一, 二O一一
CN_MONTH, CN_DAY = "[一二三四五六七八九十]{1,3}月", "[一二三四五六七八九十]{1,3}日"
CHINESE_YEAR = re.compile(rf"({CN_YEAR})年{CN_MONTH}")
CHINESE_DATE = re.compile(rf"{CN_YEAR}年{CN_MONTH}(?:{CN_DAY})?")
ARABIC_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
DOC_NUMBER = re.compile(r"[〔【\[（(]((?:19|20)\d{2})[〕】\]）)]")


# Years in a body that are not the document's own: targets (到2025年), ranges
# (2018-2022年), the start of an earlier event (继2019年, 从2017年起), cited documents'
# numbers (〔2015〕13号) and titles (《…2021-2025年…》), issues of a journal (2018年第6期).
NOT_OWN = re.compile(
    r"《[^》]{0,60}》"
    r"|[〔【\[（(](?:19|20)\d{2}[〕】\]）)]\s*\d{1,4}\s*号"
    r"|(?:19|20)\d{2}\s*年?\s*[-－—–~～至到]\s*(?:19|20)\d{2}\s*年?"
    r"|(?:(?<!截)到|力争|争取|预计|计划|目标|继|自|从|早在|始于)\D{0,3}(?:19|20)\d{2}\s*年"
    r"|(?:19|20)\d{2}\s*年\s*第\s*\d+\s*期"
)
# The document's own date: a line that is only a date (a signature), and its own number.
SIGNATURE_DATE = re.compile(
    r"^((?:19|20)\d{2})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$"
    rf"|^({CN_YEAR})年{CN_MONTH}{CN_DAY}$"
)
OWN_NUMBER = re.compile(r"^[\u4e00-\u9fff]{1,12}[〔【\[（(]((?:19|20)\d{2})[〕】\]）)]\s*\d{1,4}\s*号$")
LONE_YEAR = re.compile(r"^((?:19|20)\d{2})$")
MONTH_DAY = re.compile(r"^\d{1,2}/\d{1,2}")


@dataclass
class OwnDate:
    """The document's own date, and where it was read."""

    year: int | None = None
    evidence: str = ""


def own_date(paragraphs: list[str], furniture: list) -> OwnDate:
    """The page's date (furniture), else the signature date, else the year of the
    document's own number — in that order of trust."""
    for f in furniture:
        if f.year:
            return OwnDate(f.year, f"页面日期 ‘{f.date_text or f.text}’")
        # A page date split over lines: a lone year above its month/day.
        if MONTH_DAY.match(f.text) and f.position and LONE_YEAR.match(paragraphs[f.position - 1]):
            year = paragraphs[f.position - 1]
            return OwnDate(int(year), f"页面日期 ‘{year} {f.text}’")
    for text in reversed(paragraphs):
        if m := SIGNATURE_DATE.match(text):
            return OwnDate(int(m.group(1)) if m.group(1) else _year_of(m.group(2)), f"落款日期 ‘{text}’")
    for text in paragraphs[:8]:
        if m := OWN_NUMBER.match(text):
            return OwnDate(int(m.group(1)), f"文号 ‘{text}’")
    return OwnDate()


def own_years(text: str, latest: int) -> list[int]:
    """Arabic years of a body that may be its own: what NOT_OWN leaves."""
    return arabic_years(NOT_OWN.sub("", text), latest)


def _year_of(digits: str) -> int:
    """二〇一一 → 2011."""
    return int("".join(str(DIGITS[c]) for c in digits))


def chinese_years(text: str) -> list[int]:
    return [_year_of(m.group(1)) for m in CHINESE_YEAR.finditer(text)]


def arabic_years(text: str, latest: int) -> list[int]:
    years = [int(m.group(1)) for m in ARABIC_YEAR.finditer(text)]
    years += [int(m.group(1)) for m in DOC_NUMBER.finditer(text)]
    return [y for y in years if 1949 <= y <= latest]


@dataclass
class DocumentDates:
    rewritten: bool  # Arabic years disagree with a Chinese-numeral signature
    year: int | None  # the document's own date, when it has one
    signature: str = ""  # that date as written (二O一一年六月十五日)


def document_dates(text: str, latest: int) -> DocumentDates:
    signed = chinese_years(text)
    arabic = arabic_years(text, latest)
    rewritten = bool(signed) and bool(arabic) and not set(signed) & set(arabic)
    written = CHINESE_DATE.findall(text)
    return DocumentDates(rewritten, signed[-1] if signed else None, written[-1] if written else "")


def conflict_evidence(text: str, doc: DocumentDates, latest: int, year: int | None) -> str:
    """What a reader is shown of a year in doubt: the item's Arabic years and the signature."""
    years = list(dict.fromkeys(arabic_years(text, latest)))[:3]
    shown = "、".join(f"{y}年" for y in years)
    said = f"文中的年份（{shown}）" if shown else "页面上的阿拉伯数字年份"
    kept = "采用落款年份" if year else "未采用文中的年份"
    return f"{said}与落款日期 ‘{doc.signature}’ 不一致，{kept}"


def item_year(
    text: str, doc: DocumentDates, latest: int, newsletter_year: int | None = None, own: OwnDate | None = None
) -> tuple[int | None, list[str], str]:
    """The year of one item, the flags that explain doubts about it, and its evidence."""
    signed = chinese_years(text)
    if doc.rewritten:
        year = signed[-1] if signed else None
        return year, ["year-conflict"], conflict_evidence(text, doc, latest, year)
    if own and own.year:
        return own.year, [], own.evidence
    if newsletter_year:
        return newsletter_year, [], "推断：简报中最晚的年份"
    if signed:
        return signed[-1], [], "落款日期（中文数字）"
    years = own_years(text, latest)
    cited = [int(m.group(1)) for m in DOC_NUMBER.finditer(text)]
    # A text is no older than what it cites: own years before that are its history.
    if not years or (cited and max(years) < max(cited)):
        return None, [], ""
    return max(years), [], f"推断：正文中最晚的年份 ‘{max(years)}年’"
