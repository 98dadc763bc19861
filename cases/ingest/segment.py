"""Split a normalized document into its items (cases, reports, articles, news).

Web documents come in a handful of shapes; each shape has a detector that
returns the items it finds, or nothing when the document is not of its shape.
Nothing from a table of contents, a menu or a footer becomes an item.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .dates import CN_YEAR
from .normalize import NormalizedDocument, Paragraph


@dataclass
class RawItem:
    title: str
    paragraphs: list[Paragraph]
    label: str = ""  # the place words a title carries, as written (北京怀柔, 湖南益阳)
    heading: str = ""  # the section of a newsletter the item sits in
    shape: str = ""
    stub: bool = False  # an entry of a list or table, without text of its own

    @property
    def body(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)

    @property
    def span(self) -> tuple[int, int]:
        return self.paragraphs[0].start, self.paragraphs[-1].end


@dataclass
class Segmentation:
    shape: str
    items: list[RawItem] = field(default_factory=list)
    title: str = ""  # the page's own title, when it has one


NUMBERED = re.compile(r"^(\d{1,3})[-－.、．]\s*([^：:|，。]{2,20})[：:](.{0,80})$")
# A place as a list names it: ends as a place's name does.
PLACE_LIKE = re.compile(r"(省|市|区|县|旗|州|盟|镇|乡|村|街道)$")
# The end of a notice's text: its issuer over a date, an attachment.
DATE_LINE = re.compile(rf"^(?:19|20)\d{{2}}\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日$|^{CN_YEAR}年")
ISSUER_LINE = re.compile(
    r"^\S.{1,40}(部|厅|局|委|办|办公室|政府|委员会|中心|院|社|会|镇|乡)(\s+\S.{1,30}(部|厅|局|委|办公室))*$"
)
ATTACHMENT = re.compile(r"^附件\s*\d*[：:]?")
SECTION_HEADING = re.compile(r"^0?\d\s*(改革背景|主要做法|改革成效|改革目标|改革措施|工作成效|基本情况|经验启示)$")
ARTICLE = re.compile(r"^第([一二三四五六七八九十百\d]+)篇[：:]\s*(.+)$")
PIPE_ITEM = re.compile(r"^([^|]{1,24})\|(.{2,80})$")
PAGE_TITLE = re.compile(r"（第\d+/\d+页）$")


def spans(starts: list[int], end: int) -> list[tuple[int, int]]:
    """Each start with where the next one starts (the last with ``end``); none without starts."""
    return list(zip(starts, [*starts[1:], end], strict=True)) if starts else []


def _short_title(text: str) -> bool:
    return 4 <= len(text) <= 60 and not re.search("[，。；！？]", text)


def _is_signature(paras: list[Paragraph], i: int) -> bool:
    """Paragraph ``i`` starts a signature (issuer over a date) or an attachment."""
    text = paras[i].text
    if ATTACHMENT.match(text) or DATE_LINE.match(text):
        return True
    return bool(ISSUER_LINE.match(text)) and i + 1 < len(paras) and bool(DATE_LINE.match(paras[i + 1].text))


def _until_signature(paras: list[Paragraph], start: int, end: int) -> int:
    return next((j for j in range(start, end) if _is_signature(paras, j)), end)


def numbered_list(doc: NormalizedDocument) -> Segmentation | None:
    """``NN-地区：标题`` lines, each followed by a commentary paragraph — or, in a list
    of names (名单), by nothing: then each entry is a stub."""
    paras = doc.paragraphs
    starts = [i for i, p in enumerate(paras) if NUMBERED.match(p.text)]
    # A list counts 1, 2, 3 …: numbers that do not follow are not entries.
    numbers = [int(NUMBERED.match(paras[i].text).group(1)) for i in starts]
    if len(starts) < 3 or numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        return None
    bodies = [end - i - 1 for i, end in spans(starts, len(paras))]
    names = sum(b == 0 for b in bodies[:-1]) >= max(1, (len(starts) - 1) // 2)
    seg = Segmentation("numbered-list", title=_page_title(doc) if names else "")
    for i, end in spans(starts, len(paras)):
        m = NUMBERED.match(paras[i].text)
        label, title = m.group(2).strip(), m.group(3).strip()
        if names:
            if PLACE_LIKE.search(label):
                seg.items.append(RawItem(title or label, [paras[i]], label=label, stub=True))
            continue
        body = paras[i + 1 : _until_signature(paras, i + 1, end)]
        if body and len(title) >= 4:
            seg.items.append(RawItem(title, [paras[i], *body], label=label))
    return seg


def _cells(text: str) -> list[str]:
    return [c.strip().replace(" ", "") for c in text.strip().strip("|｜").split("|")]


def place_table(doc: NormalizedDocument) -> Segmentation | None:
    """A table of places (``地点 | 特色``), one entry a row, with header and group rows."""
    paras = doc.paragraphs
    rows = [i for i, p in enumerate(paras) if "|" in p.text and len(_cells(p.text)) >= 2]
    runs: list[list[int]] = []
    for i in rows:
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    table = max(runs, key=len, default=[])
    if len(table) < 3:
        return None
    seg = Segmentation("place-table", title=_page_title(doc))
    heading = ""
    for k, i in enumerate(table):
        cells = [c for c in _cells(paras[i].text) if c]
        if len(cells) == 1:
            heading = cells[0]  # a group row (县级案例 | |)
            continue
        words = [c for c in cells if not c.isdigit()]
        if k == 0 and all(len(c) <= 4 for c in words):
            continue  # the header row
        if len(words) < 2:
            continue
        label, title = words[0], max(words[1:], key=len)
        seg.items.append(RawItem(title, [paras[i]], label=label, heading=heading, stub=True))
    return seg


CASE_START = re.compile(r"^案例\s*([一二三四五六七八九十\d]+)\s*[：:、.．]?\s*(.*)$")
TOP_HEADING = re.compile(r"^[一二三四五六七八九十]+、")
LABELLED_TITLE = re.compile(r"^([^：:，。“”]{2,16})[：:](.{4,})$")


def case_compilation(doc: NormalizedDocument) -> Segmentation | None:
    """``案例一`` … ``案例二`` …: the cases of a notice or a compilation.  A table of
    contents (entries without text) is skipped; the last case ends before the
    article's closing section (二、…发展方向), a signature or an attachment."""
    paras = doc.paragraphs
    starts = [i for i, p in enumerate(paras) if CASE_START.match(p.text)]
    if len(starts) < 2:
        return None
    seg = Segmentation("case-compilation")
    if _title_like(paras[0].text) and not CASE_START.match(paras[0].text):
        seg.title = paras[0].text
    top_level = any(TOP_HEADING.match(paras[i - 1].text) for i in starts[:1] if i)
    for n, (i, end) in enumerate(spans(starts, len(paras))):
        end = _until_signature(paras, i + 1, end)
        if n + 1 == len(starts) or top_level:
            # The closing section of the article is not the last case's.
            end = next((j for j in range(i + 1, end) if TOP_HEADING.match(paras[j].text)), end)
        title = CASE_START.match(paras[i].text).group(2).strip()
        first = i + 1
        if not title and first < end:
            title, first = paras[first].text, first + 1
        body = paras[first:end]
        if not body:
            continue  # an entry of the table of contents
        label = ""
        m = LABELLED_TITLE.match(title)
        if m:
            label, title = m.group(1).strip(), m.group(2).strip()
        seg.items.append(RawItem(title, paras[first - 1 : end], label=label))
    return seg


def reform_collection(doc: NormalizedDocument) -> Segmentation | None:
    """A page of a reform-case collection: 标题 / 摘要 / 01改革背景 / 02主要做法 / 03改革成效."""
    paras = doc.paragraphs
    if sum(bool(SECTION_HEADING.match(p.text)) for p in paras) < 3:
        return None
    seg = Segmentation("reform-collection")
    starts = [i - 1 for i, p in enumerate(paras) if p.text.startswith("摘要") and i and _short_title(paras[i - 1].text)]
    head_end = starts[0] if starts else len(paras)
    head = paras[:head_end]
    for p in list(head):
        if PAGE_TITLE.search(p.text):
            seg.title = p.text
            head.remove(p)
    if not (starts or seg.title):  # one such case on a page of its own, no collection: a single document
        return None
    # The page starts in the middle of a case: keep that part, without a title.
    if sum(len(p.text) for p in head) > 80:
        seg.items.append(RawItem("", head))
    for i, end in spans(starts, len(paras)):
        seg.items.append(RawItem(paras[i].text, paras[i:end]))
    return seg


def articles(doc: NormalizedDocument) -> Segmentation | None:
    """A page with several articles ``第N篇：标题``."""
    paras = doc.paragraphs
    starts = [i for i, p in enumerate(paras) if ARTICLE.match(p.text)]
    if len(starts) < 2:
        return None
    seg = Segmentation("articles")
    # The page's own title is the last title-like line before the first article.
    for p in paras[: starts[0]]:
        if _short_title(p.text) and (" " in p.text.strip() or len(p.text) > 10):
            seg.title = p.text
    for i, end in spans(starts, len(paras)):
        title = ARTICLE.match(paras[i].text).group(2).strip()
        body = paras[i + 1 : end]
        # The article repeats its title, sometimes with a dash subtitle.
        while body and body[0].text.replace(" ", "") == title.replace(" ", ""):
            body = body[1:]
        if body and body[0].text.startswith("——"):
            title = f"{title}{body[0].text}"
            body = body[1:]
        if body:
            seg.items.append(RawItem(title, [paras[i], *body]))
    return seg


def newsletter(doc: NormalizedDocument) -> Segmentation | None:
    """A newsletter: section headings and ``地区|标题`` items, after a table of contents."""
    paras = doc.paragraphs
    pipes = [i for i, p in enumerate(paras) if PIPE_ITEM.match(p.text)]
    if len(pipes) < 4:
        return None
    seg = Segmentation("newsletter")
    heading = ""
    i = 0
    while i < len(paras):
        text = paras[i].text
        m = PIPE_ITEM.match(text)
        if not m:
            if _section_name(text):
                heading = text
            i += 1
            continue
        j = i + 1
        while j < len(paras) and not PIPE_ITEM.match(paras[j].text) and not _is_heading(paras, j):
            j += 1
        body = paras[i + 1 : j]
        # A table-of-contents entry has no text under it.
        if body:
            seg.items.append(RawItem(m.group(2).strip(), [paras[i], *body], label=m.group(1).strip(), heading=heading))
        i = j
    return seg


def _section_name(text: str) -> bool:
    return len(text) <= 8 and not re.search("[，。；：！？]", text)


def _is_heading(paras: list[Paragraph], j: int) -> bool:
    """A newsletter's section heading: a section's name over an item."""
    return _section_name(paras[j].text) and j + 1 < len(paras) and bool(PIPE_ITEM.match(paras[j + 1].text))


TITLE_ENDS = re.compile(r"(汇报|报告|建议|总结|情况|材料|讲话|意见|通知|方案|做法|经验|调研)$")
ISSUER = re.compile(r"^.{2,20}(局|政府|委员会|办公室|中心|学校)$")


def _clean_title(title: str) -> str:
    title = re.sub(r"\.(docx?|pdf|wps)$", "", title)
    return re.sub(r"^(最新整理|精选|推荐|原创)", "", title).strip()


def report_collection(doc: NormalizedDocument) -> Segmentation | None:
    """A collection of reports: a title line, then a body that repeats it or names its issuer."""
    paras = doc.paragraphs
    starts = []
    for i, p in enumerate(paras[:-1]):
        title = _clean_title(p.text)
        nxt = paras[i + 1].text
        if not _short_title(title) or not TITLE_ENDS.search(title):
            continue
        if nxt.startswith(p.text) or nxt.startswith(title) or nxt.startswith("最新整理" + title):
            starts.append(i)
        elif ISSUER.match(nxt) and i + 2 < len(paras) and len(paras[i + 2].text) > 20:
            starts.append(i)
    if len(starts) < 3:
        return None
    seg = Segmentation("report-collection")
    if starts[0] > 0:
        seg.title = paras[0].text
    for i, end in spans(starts, len(paras)):
        title = _clean_title(paras[i].text)
        body = [
            Paragraph(_strip_repeated_title(p.text, title) if k == 0 else p.text, p.start, p.end, p.uncertain)
            for k, p in enumerate(paras[i + 1 : end])
        ]
        body = [p for p in body if p.text]
        if body:
            seg.items.append(RawItem(title, [paras[i], *body]))
    return seg


def _strip_repeated_title(text: str, title: str) -> str:
    text = re.sub(r"^最新整理", "", text)
    while text.startswith(title):
        text = text[len(title) :]
    return text.strip()


def _title_like(text: str) -> bool:
    """A title: short, no full stop, not a lone number, not a salutation."""
    return (
        4 <= len(text) <= 60
        and "。" not in text
        and not text.endswith(("：", ":", "，"))
        and not re.fullmatch(r"[\d\s年月日/:：.-]+", text)
        and not re.fullmatch(r"[（(].*[）)]", text)
    )


def clean_title(title: str) -> str:
    """A title without the column tag a page put before it (【乡村振兴】)."""
    title = re.sub(r"\.(docx?|pdf|wps|txt)$", "", title)
    return re.sub(r"^【[^】]{1,10}】\s*", "", title).strip()


def _anchored_title(doc: NormalizedDocument) -> int | None:
    """The title next to the page's date or source line: the line before it, or the
    text glued after it, or the line after it."""
    paras = doc.paragraphs
    for f in doc.furniture:
        if not (f.year or re.search(r"来源|作者|发布|日期|时间", f.text)) or f.position > 6:
            continue
        if f.position > 1 and f.position >= len(paras) * 2 / 3:
            continue  # a date at the foot of the text dates it, but stands by no title
        before = f.position - 1
        if not f.glued and before >= 0 and _title_like(paras[before].text):
            return before
        if f.position < len(paras) and _title_like(paras[f.position].text):
            return f.position
    return None


def _page_title(doc: NormalizedDocument) -> str:
    """The title of the page a list or a table stands in (its notice, its article)."""
    at = _anchored_title(doc)
    if at is None and doc.paragraphs and _title_like(doc.paragraphs[0].text):
        at = 0
    return clean_title(doc.paragraphs[at].text) if at is not None else ""


def single_document(doc: NormalizedDocument) -> Segmentation:
    paras = doc.paragraphs
    if not paras:
        return Segmentation("single")
    at = _anchored_title(doc)
    if at is None:
        at = 0 if _short_title(paras[0].text) or _title_like(paras[0].text) and len(paras) > 1 else None
    if at is None:
        return Segmentation("single", [RawItem("", paras)], "")
    title = clean_title(paras[at].text)
    return Segmentation("single", [RawItem(title, paras[at:])], title)


SHAPES: list[Callable[[NormalizedDocument], Segmentation | None]] = [
    numbered_list,
    reform_collection,
    articles,
    newsletter,
    report_collection,
    case_compilation,
    place_table,
]


def segment(doc: NormalizedDocument) -> Segmentation:
    for shape in SHAPES:
        found = shape(doc)
        # One item is no collection: a page with one ``栏目 | 标题`` line is not a newsletter.
        if found and (len(found.items) > 1 or found.items and shape is not newsletter):
            return found
    return single_document(doc)
