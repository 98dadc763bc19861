"""Documents in the formats editors receive, written by the tests themselves.

One small collection of cases (our own text, in the genre's shape: a title, a
notice's opening, articles 第一篇/第二篇 with 做法 and 成效) is written as a
Word file, a PDF and a saved web page.  The second article hides a third case
(古蔺县) under a plain line, as compilations often do, so that a curator has a
reason to split it."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

TITLE = "某省乡村公共服务典型案例选编"
OPENING = "为推广各地在乡村公共服务方面的好做法，现将两篇典型案例材料编印如下，供学习借鉴。"
FIRST = "安吉县推行城乡公交一体化"
SECOND = "名山区推行村级事务全程代办"
HIDDEN = "古蔺县开展留守儿童关爱服务"
TABLE = [["指标", "2019年", "2022年"], ["公交线路", "12条", "30条"], ["通公交的建制村", "60%", "100%"]]
ARTICLES = [
    (
        FIRST,
        [
            "浙江省湖州市安吉县统筹城乡交通资源，2019年起开通镇村公交线路，逐步实现建制村公交全覆盖，"
            "让村民在家门口就能坐上公交车，出行难的问题得到了有效解决，这是县里连续三年的民生实事项目。",
            "主要做法：一是整合客运资源，组建县域公交公司，统一线路、站点和票价；二是财政补贴票价，"
            "村民乘车一元一次，老年人免费乘车；三是在偏远山村设置预约响应站点，按需发车。",
        ],
        "取得成效：村民平均出行时间缩短一半，沿线农产品销售明显增加，群众满意度逐年提高。",
    ),
    (
        SECOND,
        [
            "四川省雅安市名山区在全区各村设立便民服务代办站，由村干部担任代办员，群众办事不出村，"
            "社保、医保、户籍等高频事项由代办员代为办理，办理结果送达到户。",
            "主要做法：梳理高频事项三十余项，明确办理时限和责任人，代办情况每月公开。",
            HIDDEN,
            "四川省泸州市古蔺县在每个乡镇建立儿童之家，组织志愿者开展课后辅导和心理陪伴，"
            "为留守儿童建立成长档案，定期家访。",
        ],
        "取得成效：留守儿童的学习成绩和心理状况明显改善，家长外出务工更加安心。",
    ),
]
NUMERALS = "一二三四五六七八九十"
PAGE_BREAK_AFTER = "办理结果送达到户。"  # the PDF's first page ends inside this paragraph


def heading(n: int, title: str) -> str:
    return f"第{NUMERALS[n]}篇：{title}"


def make_docx() -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.title = TITLE
    document.add_heading(TITLE, 0)
    document.add_paragraph(OPENING)
    for n, (title, paragraphs, outcome) in enumerate(ARTICLES):
        document.add_heading(heading(n, title), 1)
        for text in paragraphs:
            document.add_paragraph(text)
        if n == 0:
            table = document.add_table(rows=len(TABLE), cols=len(TABLE[0]))
            for row, values in zip(table.rows, TABLE, strict=True):
                for cell, value in zip(row.cells, values, strict=True):
                    cell.text = value
        document.add_paragraph(outcome)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@cache
def cjk_font() -> Path:
    """A font with Chinese glyphs on this machine (Debian's fonts-noto-cjk, which CI installs)."""
    for path in (
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    ):
        if Path(path).exists():
            return Path(path)
    raise FileNotFoundError("no CJK font: apt-get install fonts-noto-cjk")


RUNNING_HEADER = "某省农业农村厅 编印（内部资料）"


def _pdf(password: str = "", image_only: bool = False):
    from fpdf import FPDF

    class Document(FPDF):
        def header(self):
            self.set_font("cjk", size=9)
            self.cell(0, 6, RUNNING_HEADER, align="C")
            self.ln(12)

        def footer(self):
            self.set_y(-15)
            self.set_font("cjk", size=9)
            self.cell(0, 6, f"- {self.page_no()} -", align="C")

    pdf = Document()
    pdf.add_font("cjk", fname=str(cjk_font()), collection_font_number=2)  # the collection's SC face
    if password:
        pdf.set_encryption(owner_password="owner", user_password=password)
    pdf.set_font("cjk", size=12)
    pdf.add_page()
    if image_only:
        from PIL import Image

        picture = io.BytesIO()
        Image.new("RGB", (200, 100), "white").save(picture, format="PNG")
        pdf.image(picture, x=20, y=30, w=160)
        return pdf
    pdf.set_font("cjk", size=16)
    pdf.multi_cell(0, 10, TITLE, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("cjk", size=12)
    pdf.multi_cell(0, 8, "　　" + OPENING, new_x="LMARGIN", new_y="NEXT")
    for n, (title, paragraphs, outcome) in enumerate(ARTICLES):
        pdf.ln(3)
        pdf.multi_cell(0, 8, heading(n, title), new_x="LMARGIN", new_y="NEXT")
        for text in [*paragraphs, outcome]:
            if text == HIDDEN:
                pdf.multi_cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
                continue
            text = "　　" + text
            if text.endswith(PAGE_BREAK_AFTER):
                # The page ends inside this paragraph: its first line is the last of the page.
                cut = 1
                while pdf.get_string_width(text[: cut + 1]) <= pdf.epw:
                    cut += 1
                pdf.set_y(pdf.page_break_trigger - 10)
                pdf.cell(0, 8, text[:cut], new_x="LMARGIN", new_y="NEXT")
                pdf.add_page()
                text = text[cut:]
            pdf.multi_cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
    return pdf


def make_pdf() -> bytes:
    return bytes(_pdf().output())


def make_encrypted_pdf() -> bytes:
    return bytes(_pdf(password="secret").output())


def make_scanned_pdf() -> bytes:
    return bytes(_pdf(image_only=True).output())


def make_html(encoding: str = "utf-8") -> bytes:
    articles = []
    for n, (title, paragraphs, outcome) in enumerate(ARTICLES):
        articles.append(f"<h3>{heading(n, title)}</h3>")
        articles += [f"<p>{text}</p>" for text in paragraphs]
        if n == 0:
            rows = "".join("<tr>" + "".join(f"<td>{v}</td>" for v in row) + "</tr>" for row in TABLE)
            articles.append(f"<table>{rows}</table>")
        articles.append(f"<p>{outcome}</p>")
    body = "\n".join(articles)
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="{encoding}">
<title>{TITLE}_某省农业农村厅网站</title>
<meta name="PubDate" content="2023-06-04 09:30">
<meta name="keywords" content="乡村公共服务,典型案例">
<script>var trackingId = "不是正文";</script>
<style>.nav {{ color: red }}</style>
</head><body>
<div class="header"><a href="/">首页</a> | <a href="/zwgk/">政务公开</a> | <a href="/hdjl/">互动交流</a></div>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/xwzx/">新闻中心</a> &gt; 工作动态</div>
<div class="article">
<h1>{TITLE}</h1>
<p>{OPENING}</p>
{body}
</div>
<div class="share">分享到：微信 微博</div>
<div class="footer"><p>版权所有：某省农业农村厅</p><p>网站标识码 0000000000 备案号：某ICP备00000000号</p></div>
</body></html>"""
    return page.encode("gb18030" if encoding == "gbk" else encoding)
