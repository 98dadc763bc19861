"""Split a normalized document into its items (cases, reports, articles, news).

Web documents come in a handful of shapes; each shape has a detector that
returns the items it finds, or nothing when the document is not of its shape.
Nothing from a table of contents, a menu or a footer becomes an item.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .normalize import NormalizedDocument, Paragraph


@dataclass
class RawItem:
    title: str
    paragraphs: list[Paragraph]
    label: str = ""  # the place words a title carries, as written (北京怀柔, 湖南益阳)
    heading: str = ""  # the section of a newsletter the item sits in
    shape: str = ""

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


NUMBERED = re.compile(r"^(\d{1,3})[-－.、]\s*([^：:|]{2,12})[：:](.{4,80})$")
SECTION_HEADING = re.compile(r"^0?\d\s*(改革背景|主要做法|改革成效|改革目标|改革措施|工作成效|基本情况|经验启示)$")
ARTICLE = re.compile(r"^第([一二三四五六七八九十百\d]+)篇[：:]\s*(.+)$")
PIPE_ITEM = re.compile(r"^([^|]{1,24})\|(.{2,80})$")
PAGE_TITLE = re.compile(r"（第\d+/\d+页）$")


def _short_title(text: str) -> bool:
    return 4 <= len(text) <= 60 and not re.search("[，。；！？]", text)


def numbered_list(doc: NormalizedDocument) -> Segmentation | None:
    """``NN-地区：标题`` lines, each followed by a commentary paragraph."""
    paras = doc.paragraphs
    starts = [i for i, p in enumerate(paras) if NUMBERED.match(p.text)]
    if len(starts) < 3:
        return None
    seg = Segmentation("numbered-list")
    for n, i in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(paras)
        m = NUMBERED.match(paras[i].text)
        body = paras[i + 1 : end]
        if body:
            seg.items.append(RawItem(m.group(3).strip(), [paras[i], *body], label=m.group(2).strip()))
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
    # The page starts in the middle of a case: keep that part, without a title.
    if sum(len(p.text) for p in head) > 80:
        seg.items.append(RawItem("", head))
    for n, i in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(paras)
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
        if _short_title(p.text) and " " in p.text.strip() or len(p.text) > 10 and _short_title(p.text):
            seg.title = p.text
    for n, i in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(paras)
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
            if len(text) <= 8 and not re.search("[，。；：！？]", text):
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


def _is_heading(paras: list[Paragraph], j: int) -> bool:
    text = paras[j].text
    return (
        len(text) <= 8
        and not re.search("[，。；：！？]", text)
        and j + 1 < len(paras)
        and bool(PIPE_ITEM.match(paras[j + 1].text))
    )


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
    for n, i in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(paras)
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


def single_document(doc: NormalizedDocument) -> Segmentation:
    paras = doc.paragraphs
    if not paras:
        return Segmentation("single")
    title = paras[0].text if _short_title(paras[0].text) else ""
    body = paras[1:] if title else paras
    return Segmentation("single", [RawItem(title, paras if not body else [paras[0], *body] if title else body)], title)


SHAPES: list[Callable[[NormalizedDocument], Segmentation | None]] = [
    numbered_list,
    reform_collection,
    articles,
    newsletter,
    report_collection,
]


def segment(doc: NormalizedDocument) -> Segmentation:
    for shape in SHAPES:
        found = shape(doc)
        if found and found.items:
            return found
    return single_document(doc)
