"""Turn a raw web document into clean simplified-Chinese paragraphs.

Each paragraph keeps the character span of the raw text it came from, so that
a case can point back to the original.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from .charlm import model
from .chinese import ANNOTATION, readings, to_simplified
from .chrome import furniture, strip_inline_chrome
from .controls import strip_controls
from .mojibake import REPLACEMENT, repair_document


@dataclass
class Paragraph:
    text: str
    start: int  # span in the raw document
    end: int
    uncertain: int = 0


@dataclass
class PageFurniture:
    """Furniture removed from the text, and where it stood: before paragraph ``position``."""

    position: int
    text: str
    year: int | None
    date_text: str = ""
    glued: bool = False  # real text followed it on its line (that text is paragraph ``position``)


@dataclass
class NormalizedDocument:
    raw: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    furniture: list[PageFurniture] = field(default_factory=list)
    repeated: int = 0  # lines dropped as repetitions of the line before

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)


def drop_annotations(text: str) -> str:
    """Drop ``字(zì)`` annotations that are a reading of the character before them."""

    def keep_or_drop(m: re.Match) -> str:
        before = text[m.start() - 1] if m.start() else ""
        return "" if before and m.group(1) in readings(before) else m.group(0)

    return ANNOTATION.sub(keep_or_drop, text)


# Only real markup: a tag name in ASCII (Chinese text uses <…> as book-title marks).
TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>\n]{0,200})?/?>|<!--.*?-->")
# A closing tag whose "<" a mojibake slip swallowed.
BROKEN_TAG = re.compile(r"/(?:span|p|div|strong|em|font|b|i|a|td|tr|li)>")


def strip_markup(text: str) -> str:
    text = TAG.sub("", text)
    text = BROKEN_TAG.sub("", text)
    return html.unescape(text).replace("\xa0", " ")


CJK = r"\u3400-\u9fff"
CJK_OR_QUOTE = CJK + "“”‘’《》（）、。，；：！？"


def fullwidth_punctuation(text: str) -> str:
    """Half-width punctuation inside Chinese prose becomes full-width."""
    if not any(c in text for c in ',;:!?("'):
        return text  # most lines: nothing to convert, and seven searches saved
    # After a Chinese character a comma is Chinese, whatever follows (要求,2020年); between digits
    # it separates thousands (1,000) and stays.
    text = re.sub(rf"(?<=[{CJK_OR_QUOTE}]),|(?<=\w),(?=\D)|(?<=\D),(?=[{CJK_OR_QUOTE}])", "，", text)
    text = re.sub(rf"(?<=[{CJK_OR_QUOTE}]);|;(?=[{CJK_OR_QUOTE}])", "；", text)
    text = re.sub(rf"(?<=[{CJK_OR_QUOTE}]):|(?<=[{CJK}]\d):(?=[{CJK}])|:(?=[{CJK_OR_QUOTE}])", "：", text)
    text = re.sub(rf"(?<=[{CJK_OR_QUOTE}])!|!(?=[{CJK_OR_QUOTE}])", "！", text)
    text = re.sub(rf"(?<=[{CJK_OR_QUOTE}])\?", "？", text)
    text = re.sub(rf"\(([^()\n]{{0,60}}[{CJK}][^()\n]{{0,60}})\)", r"（\1）", text)
    text = re.sub(rf"(?<=[{CJK}])\((?=[{CJK}\d])", "（", text)
    return _curly_quotes(text)


def _curly_quotes(text: str) -> str:
    """Straight double quotes in Chinese prose become “ and ” in turn."""
    if '"' not in text or not re.search(rf"[{CJK}]", text):
        return text
    first, *parts = text.split('"')
    return first + "".join(("”" if i % 2 else "“") + part for i, part in enumerate(parts))


def tidy_spaces(text: str) -> str:
    text = text.replace("\u3000", " ").replace("\t", " ")
    if " " not in text and "\n" not in text:
        return text.strip()
    # Spaces typeset around numbers and punctuation carry no meaning in
    # Chinese; between two characters they separate the parts of a title.
    text = re.sub(rf"(?<=[{CJK}，。、；：“”（）|])\s+(?=[\w%（(“])", _space_between, text)
    text = re.sub(rf"(?<=[\w%)）”])\s+(?=[{CJK}，。、；：“”（）|])", _space_between, text)
    return re.sub(r" {2,}", " ", text).strip()


def _space_between(m: re.Match) -> str:
    s, e = m.string[m.start() - 1], m.string[m.end()]
    both_cjk = re.match(rf"[{CJK}“”]", s) and re.match(rf"[{CJK}“”]", e)
    return " " if both_cjk else ""


def normalize_line(line: str) -> str:
    line = strip_markup(strip_controls(line))
    line = drop_annotations(line)
    line = to_simplified(line)
    line = fullwidth_punctuation(line)
    return tidy_spaces(line)


TERMINAL = tuple("。！？；：”」』）)…")


def _continues(previous: str, following: str, first: bool = False) -> bool:
    """Was ``following`` cut from ``previous`` by a page break?  A title (the first line
    after furniture or at the top, with few commas) is never continued."""
    if len(previous) < 20 or previous.endswith(TERMINAL) or "|" in previous:
        return False
    if not re.search("[，。、；]", previous):
        return False
    if first and previous.count("，") <= 2 and "。" not in previous:
        return False
    if re.match(
        r"^(第[一二三四五六七八九十\d]+[篇章节]|\d{2}\s*改革|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|摘要|"
        r"案例[一二三四五六七八九十\d]+|附件|\d{1,3}[.、．])",
        following,
    ):
        return False
    return bool(re.match(rf"[{CJK}\d，。、；：”）]", following))


def normalize_document(raw: str) -> NormalizedDocument:
    """Repair, convert and re-join a raw document, paragraph by paragraph."""
    lm = model()
    offset = 0
    raw_lines = raw.split("\n")
    fixed_lines = raw_lines
    if "?" in raw:
        # Runs never cross a line, so the repaired text keeps the raw lines.
        repaired, _ = repair_document(raw, lm, lambda t: to_simplified(ANNOTATION.sub("", t)))
        fixed_lines = repaired.split("\n")
    doc = NormalizedDocument(raw)
    previous_raw = None
    barrier = True  # nothing joins across furniture or the top of the document
    first = True
    for raw_line, fixed in zip(raw_lines, fixed_lines, strict=True):
        start, end = offset, offset + len(raw_line)
        offset = end + 1
        if raw_line.strip() and raw_line == previous_raw:
            # Runs of a repeated line (a pasted page, a stuck footer) keep one copy.
            doc.repeated += 1
            continue
        if raw_line.strip():
            previous_raw = raw_line
        text = strip_inline_chrome(normalize_line(fixed))
        found = furniture(text)
        if found:
            doc.furniture.append(
                PageFurniture(len(doc.paragraphs), found.pieces, found.year, found.date_text, bool(found.rest))
            )
            barrier = first = True
            text = found.rest
        if not text:
            continue
        last = doc.paragraphs[-1] if doc.paragraphs else None
        if last and not barrier and _continues(last.text, text, first):
            last.text += text
            last.end = end
            last.uncertain += text.count(REPLACEMENT)
        else:
            first = barrier
            doc.paragraphs.append(Paragraph(text, start, end, text.count(REPLACEMENT)))
        barrier = False
    return doc
