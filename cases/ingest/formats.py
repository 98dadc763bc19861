"""Read the files editors actually receive: plain text, Word (.docx), PDF with a
text layer and saved web pages (.html), into the plain text the pipeline takes.

The format is told by the file's first bytes, and by its name only where the
bytes cannot tell (a web page is text).  Whatever comes out is text with one
paragraph a line, so that ``pipeline.parse_document`` sees every format alike;
a web page's own title and date are written as its first lines, the way a page
saved as text shows them.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass

from .decode import MAX_BYTES, BadInput, decode_document

# A .docx is a zip: what it unpacks to is bounded too (a "zip bomb" named .docx).
MAX_UNPACKED = 100 * 1024 * 1024
MAX_PAGES = 2000
# Fewer readable characters than this in a whole PDF: its pages are pictures.
MIN_PDF_CHARS = 20


@dataclass
class Extracted:
    text: str
    format: str  # what to tell the editor: "pdf", "docx", "html (utf-8)", "gb18030", ...
    # The title a web page declares apart from its text (its <title> or meta tags), more trustworthy than a
    # title guessed from the text.  A Word file's own "title" property is left out: it is mostly a template's.
    title: str = ""
    date: str = ""  # YYYY-MM-DD, where the format stores one apart from the text


def read_document(name: str, data: bytes) -> Extracted:
    """The text of one uploaded file, or BadInput with a one-line message for the editor."""
    if len(data) > MAX_BYTES:
        raise BadInput("文件过大：超过 10 MB 的上限")
    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    if data.startswith(b"%PDF"):
        return read_pdf(data)
    if suffix == "pdf":
        raise BadInput("不是有效的 PDF 文件")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise BadInput("旧版 Office 格式（.doc）无法读取：请在 Word 中另存为 .docx 后再导入")
    if data.startswith(b"PK\x03\x04") and _is_docx(data):
        return read_docx(data)
    if suffix == "docx":
        raise BadInput("不是有效的 Word（.docx）文件")
    if suffix in ("html", "htm", "xhtml", "shtml") or _looks_like_html(data):
        return read_html(data)
    text, encoding = decode_document(data)
    return Extracted(text, encoding)


def _finish(lines: list[str], fmt: str, title: str = "", date: str = "") -> Extracted:
    text = "\n".join(line.rstrip() for line in lines).strip("\n")
    text = re.sub(r"\n{3,}", "\n\n", text)
    if not re.search(r"\w", text):
        raise BadInput("文件中没有文字")
    if len(text) > MAX_BYTES // 2:
        raise BadInput("文件中的文字过多：超过 500 万字的上限")
    return Extracted(text, fmt, title, date)


# ---- Word ------------------------------------------------------------------------------------


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, ValueError):
        return False


def read_docx(data: bytes) -> Extracted:
    import docx
    from docx.table import Table

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED:
            raise BadInput("Word 文件解压后过大：不像是正常的文档")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:  # python-docx raises many kinds of errors for broken files
        raise BadInput("Word（.docx）文件已损坏，无法读取") from None
    lines: list[str] = []
    numbering = _Numbering(document)
    for block in _blocks(document.element.body, document._body):
        if isinstance(block, Table):
            lines.append("")
            lines += _table_rows(block)
            lines.append("")
            continue
        text = block.text.strip()
        if text:
            text = numbering.label(block) + text
        style = (block.style.name if block.style is not None else "").lower()
        if style.startswith(("heading", "title")) and text:
            # A heading starts a new block, as it would in a document saved as text.
            lines += ["", text]
        else:
            lines.append(text)
    return _finish(lines, "docx")


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _blocks(element, parent):
    """Paragraphs and tables in document order, also those inside content controls (w:sdt), where
    templates of official documents often keep the title, the issuer and the date."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in element.iterchildren():
        if child.tag == f"{W}p":
            yield Paragraph(child, parent)
        elif child.tag == f"{W}tbl":
            yield Table(child, parent)
        elif child.tag == f"{W}sdt":
            content = child.find(f"{W}sdtContent")
            if content is not None:
                yield from _blocks(content, parent)


CHINESE_DIGITS = "零一二三四五六七八九"


def _chinese(n: int) -> str:
    if n < 10:
        return CHINESE_DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else CHINESE_DIGITS[tens]) + "十" + (CHINESE_DIGITS[ones] if ones else "")
    return str(n)


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + letters, n - value
    return out


NUMBER_FORMATS = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "chineseCounting": _chinese,
    "chineseCountingThousand": _chinese,
    "chineseLegalSimplified": _chinese,
    "ideographTraditional": lambda n: "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10],
    "decimalEnclosedCircle": lambda n: chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n),
    "decimalEnclosedCircleChinese": lambda n: chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n),
    "lowerLetter": lambda n: chr(ord("a") + (n - 1) % 26),
    "upperLetter": lambda n: chr(ord("A") + (n - 1) % 26),
    "lowerRoman": lambda n: _roman(n).lower(),
    "upperRoman": _roman,
}


class _Numbering:
    """The numbers Word draws before numbered paragraphs ("1.", "（一）"), which are not in their text:
    a list of places (名单) keeps its numbers, as it would in a document saved as text."""

    def __init__(self, document):
        self.levels: dict[tuple[str, int], tuple[int, str, str]] = {}  # (numId, level) -> start, format, text
        self.counters: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {}
        for node in root.findall(f"{W}abstractNum"):
            levels = {}
            for lvl in node.findall(f"{W}lvl"):
                start = lvl.find(f"{W}start")
                fmt = lvl.find(f"{W}numFmt")
                text = lvl.find(f"{W}lvlText")
                levels[int(lvl.get(f"{W}ilvl", "0"))] = (
                    int(start.get(f"{W}val", "1")) if start is not None else 1,
                    fmt.get(f"{W}val", "decimal") if fmt is not None else "decimal",
                    text.get(f"{W}val", "") if text is not None else "",
                )
            abstract[node.get(f"{W}abstractNumId")] = levels
        for num in root.findall(f"{W}num"):
            ref = num.find(f"{W}abstractNumId")
            for level, spec in abstract.get(ref.get(f"{W}val") if ref is not None else None, {}).items():
                self.levels[(num.get(f"{W}numId"), level)] = spec

    def _num_pr(self, paragraph):
        ppr = paragraph._p.pPr
        if ppr is not None and ppr.numPr is not None:
            return ppr.numPr
        style = paragraph.style
        while style is not None:
            ppr = style.element.pPr
            if ppr is not None and ppr.numPr is not None:
                return ppr.numPr
            style = style.base_style
        return None

    def label(self, paragraph) -> str:
        num_pr = self._num_pr(paragraph)
        if num_pr is None or num_pr.numId is None:
            return ""
        num_id = str(num_pr.numId.val)
        level = num_pr.ilvl.val if num_pr.ilvl is not None else 0
        if (num_id, level) not in self.levels:
            return ""
        start, fmt, text = self.levels[(num_id, level)]
        counters = self.counters.setdefault(num_id, {})
        counters[level] = counters.get(level, start - 1) + 1
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        if fmt in ("bullet", "none") or not text:
            return ""

        def number(m: re.Match) -> str:
            at = int(m.group(1)) - 1
            spec = self.levels.get((num_id, at))
            value = counters.get(at, spec[0] if spec else 1)
            return NUMBER_FORMATS.get(spec[1] if spec else "decimal", str)(value)

        return re.sub(r"%(\d)", number, text)


def _table_rows(table) -> list[str]:
    rows = []
    for row in table.rows:
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            # A merged cell is repeated once per grid column it spans: keep it once.
            if previous is not None and cell._tc is previous:
                continue
            previous = cell._tc
            cells.append(" ".join(p.text.strip() for p in cell.paragraphs if p.text.strip()))
        if any(cells):
            rows.append(" | ".join(cells))
    return rows


# ---- PDF -------------------------------------------------------------------------------------

PAGE_NUMBER = re.compile(
    r"^[-—–－\s]*(第\s*\d+\s*页(\s*[/，,]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|[Pp]age\s*\d+(\s*of\s*\d+)?|\d{1,3})[-—–－\s]*$"
)
SENTENCE_END = tuple("。！？；：”」』）)…")


@dataclass
class _Line:
    text: str
    left: float
    right: float
    top: float
    bottom: float


def read_pdf(data: bytes) -> Extracted:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if "password" in str(error).lower():
            raise BadInput("PDF 文件已加密：请先解除密码保护再导入") from None
        raise BadInput("PDF 文件已损坏，无法读取") from None
    try:
        if len(document) > MAX_PAGES:
            raise BadInput(f"PDF 页数过多：{len(document)} 页，上限 {MAX_PAGES} 页")
        pages = [_page_lines(document[i]) for i in range(len(document))]
    finally:
        document.close()
    if sum(len(re.sub(r"\s", "", line.text)) for page in pages for line in page) < MIN_PDF_CHARS:
        raise BadInput("PDF 没有文字层（可能是扫描件）：需要先做文字识别（OCR）再导入")
    pages = _drop_running_lines(pages)
    return _finish(_paragraphs(pages), "pdf")


def _page_lines(page) -> list[_Line]:
    """The page's lines top to bottom, each with its box (PDF units, y upwards)."""
    textpage = page.get_textpage()
    try:
        boxes = [textpage.get_rect(i) for i in range(textpage.count_rects())]
        lines: list[_Line] = []
        for left, bottom, right, top in boxes:
            text = textpage.get_text_bounded(left, bottom, right, top).replace("\r", "").replace("\n", "")
            if not text.strip():
                continue
            same = lines and abs(lines[-1].bottom - bottom) < (top - bottom) / 2
            if same:  # another run of the same line
                last = lines[-1]
                gap = " " if left - last.right > (top - bottom) / 3 else ""
                last.text += gap + text
                last.right, last.top = max(last.right, right), max(last.top, top)
            else:
                lines.append(_Line(text, left, right, top, bottom))
        for line in lines:
            line.text = line.text.strip()
        return lines
    finally:
        textpage.close()
        page.close()


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s", "", text))


def _drop_running_lines(pages: list[list[_Line]]) -> list[list[_Line]]:
    """Without page numbers and the header or footer repeated on the pages."""
    edges = Counter()
    for page in pages:
        edges.update({_shape(line.text) for line in page[:2] + page[-2:]})
    running = {shape for shape, n in edges.items() if n >= 2 and n >= len(pages) / 2}
    kept = []
    for page in pages:
        edge = {id(line) for line in page[:2] + page[-2:]}
        kept.append(
            [
                line
                for line in page
                if not (id(line) in edge and (PAGE_NUMBER.match(line.text) or _shape(line.text) in running))
            ]
        )
    return kept


def _paragraphs(pages: list[list[_Line]]) -> list[str]:
    """Lines re-joined into paragraphs: a line that reaches the right margin and does not end a
    sentence goes on in the next line, on the same page or the next one."""
    out: list[str] = []
    previous: _Line | None = None
    previous_margin = 0.0
    for page in pages:
        if not page:
            continue
        left_margin = min(line.left for line in page)
        right_margin = max(line.right for line in page)
        for line in page:
            height = max(line.top - line.bottom, 1.0)
            indented = line.left - left_margin > height * 1.5
            if (
                previous is not None
                and out
                and previous_margin - previous.right < height * 1.5
                and not previous.text.endswith(SENTENCE_END)
                and not indented
                and len(previous.text) >= 10
            ):
                latin = re.match(r"[A-Za-z0-9]", line.text) and re.search(r"[A-Za-z0-9,.]$", out[-1])
                out[-1] += (" " if latin else "") + line.text
            else:
                out.append(line.text)
            previous, previous_margin = line, right_margin
    return out


# ---- web pages -------------------------------------------------------------------------------

DATE_META = tuple(
    """article:published_time og:published_time pubdate publishdate publish_date publish-date
    firstpublishedtime dc.date dc.date.issued dcterms.created date""".split()
)
TITLE_META = ("articletitle", "og:title", "dc.title")
# Block elements of HTML and of the extractor's XML (head, item, list, quote, lb).
BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "section", "article", "blockquote", "pre"}
BLOCKS |= {"head", "item", "list", "quote", "lb", "main", "doc"}
CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)
TITLE_SEPARATOR = re.compile(r"\s*(?:[_|｜]|\s[-—–]\s|--|——)\s*")


def _looks_like_html(data: bytes) -> bool:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml")) and b"<html" in data[:4096].lower()


def _html_text(data: bytes) -> tuple[str, str]:
    found = CHARSET.search(data[:4096])
    declared = found.group(1).decode("ascii").lower() if found else ""
    if declared in ("gbk", "gb2312", "gb18030", "x-gbk"):
        declared = "gb18030"
    for encoding in [e for e in (declared, "utf-8", "gb18030") if e]:
        try:
            return data.decode(encoding).lstrip("\ufeff"), encoding
        except (UnicodeDecodeError, LookupError):
            continue
    raise BadInput("无法识别网页的编码")


def read_html(data: bytes) -> Extracted:
    import lxml.etree
    import lxml.html
    import trafilatura

    text, encoding = _html_text(data)
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    try:
        page = lxml.html.document_fromstring(text)
    except Exception:  # lxml's parser errors for empty or broken documents
        raise BadInput("网页文件无法解析") from None
    title, date = _page_title(page), _page_date(page)
    main = trafilatura.extract(
        text, output_format="xml", include_tables=True, include_comments=False, favor_recall=True
    )
    if main:
        lines = _html_lines(lxml.etree.fromstring(main.encode("utf-8")))
    else:  # too little for the extractor to call main text: the whole body, without its scripts
        lines = _html_lines(page.body if page.body is not None else page)
    if title and not any(title in line for line in lines[:5]):
        lines.insert(0, title)
    if date and not any(date in line or _cn_date(date) in line for line in lines[:8]):
        at = next((i + 1 for i, line in enumerate(lines[:5]) if title and title in line), 0)
        lines.insert(at, f"发布时间：{date}")
    return _finish(lines, f"html, {encoding}", title, date)


def _meta(page, names: tuple[str, ...]) -> str:
    for element in page.iter("meta"):
        key = (element.get("name") or element.get("property") or element.get("itemprop") or "").lower()
        if key in names and (element.get("content") or "").strip():
            return element.get("content").strip()
    return ""


def _page_title(page) -> str:
    title = _meta(page, TITLE_META)
    if not title:
        element = page.find(".//title")
        title = element.text_content().strip() if element is not None else ""
        # "题目_某某县人民政府" / "题目 - 网站": the site's name is not the title.
        title = next((p for p in TITLE_SEPARATOR.split(title) if p.strip()), "")
    return re.sub(r"\s+", " ", title).strip()


def _page_date(page) -> str:
    value = _meta(page, DATE_META)
    if not value:
        element = page.find(".//time[@datetime]")
        value = element.get("datetime") if element is not None else ""
    m = re.search(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})", value or "")
    return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else ""


def _cn_date(date: str) -> str:
    year, month, day = date.split("-")
    return f"{year}年{int(month)}月{int(day)}日"


def _html_lines(root) -> list[str]:
    """Block elements as lines, table rows as ``a | b``; scripts, styles and forms left out."""
    lines: list[str] = []
    current: list[str] = []

    def flush():
        line = re.sub(r"[ \t\r\n\xa0]+", " ", "".join(current)).strip()
        if line:
            lines.append(line)
        current.clear()

    def walk(element):
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag in ("script", "style", "noscript", "form", "button", "select", "iframe", "template"):
            if element.tail:
                current.append(element.tail)
            return
        if tag in ("tr", "row"):
            flush()
            cells = ["".join(c.itertext()) for c in element if c.tag in ("td", "th", "cell")]
            cells = [re.sub(r"\s+", " ", c).strip() for c in cells]
            if any(cells):
                lines.append(" | ".join(cells))
        else:
            if tag in BLOCKS:
                flush()
            if tag and element.text:
                current.append(element.text)
            for child in element:
                walk(child)
            if tag in BLOCKS:
                flush()
        if element.tail:
            current.append(element.tail)

    walk(root)
    flush()
    return lines
