"""Words that label a text rather than belong to it: the page number of a paged copy, a
series' label, a notice's addressee line, a speech's salutation.

Seen on many pages of the genre:

* page numbers after a title, where document libraries and forums split a long text over
  pages: ``题目（第3/5页）``, ``题目_第2页``, ``题目 - 第2页``, ``题目 第4页``;
* a series' label standing where a title should be (``某市推进城乡一体化专题之三``,
  ``……系列报道之二``): the document's own title follows it;
* the addressee line of a notice (``各区（市）县人民政府，市政府各部门：``) and the
  salutation of a speech (``尊敬的各位领导：大家好！``): they open a text but say nothing
  of it, so they are never its summary.

Pure functions; what they remove is returned, so that the pipeline keeps it as evidence.
"""

from __future__ import annotations

import re

CN_NUMBER = r"[一二三四五六七八九十百\d]+"
# A page number at the end of a title: (第3/5页) (第3页) _第2页 - 第2页 第2页, half- or full-width.
PAGE_NUMBER = re.compile(
    r"\s*(?:[（(]\s*第\s*\d{1,4}\s*(?:/\s*\d{1,4}\s*)?页\s*[）)]"
    r"|(?:[_|｜]|\s[-—–]\s?|\s)\s*第\s*\d{1,4}\s*(?:/\s*\d{1,4}\s*)?页(?:\s*/?\s*共\s*\d{1,4}\s*页)?)\s*$"
)
# A series' label: 专题之三, 系列报道之二, 系列谈（三）.
SERIES = re.compile(
    rf"(?:专题|系列|系列报道|系列谈|系列评论|系列文章|连载)\s*(?:之\s*{CN_NUMBER}|[（(]{CN_NUMBER}[）)])$"
)
# A notice's addressee line: 各…：, listing bodies (政府, 部门, 委, 局, 单位 …), no sentence.
# What is said to them (要做好以下工作：, 认真落实，具体如下：) is a sentence, not the line.
ADDRESSEE = re.compile(
    r"^(?![^：:\n]*(?:要(?!求)|应(?!急)|须|如下|以下|做好|认真|积极|参与|落实|开展))"
    r"各[^。！？]{1,120}?(?:政府|部门|部委|委员会|委|办|局|厅|单位|机构|团体|组织|街道|学校|公司|党委|党组)"
    r"[^。！？：:]{0,20}[：:]"
)
# A speech's salutation: 尊敬的…：, 同志们：, 各位…：, with the greeting after it (大家好！).
# Before a comma only with the greeting: 各位村民积极参与， is a sentence.
GREETING = r"(?:大家(?:上午|下午|晚上)?好[！!。]?|你们好[！!。]?)"
SALUTATION = re.compile(
    r"^(?:尊敬的[^。！？：:]{1,40}|(?:各位|在座的)[^。！？：:，,]{1,30}|同志们|朋友们|女士们、?先生们)"
    rf"(?:[：:]\s*{GREETING}?|[，,！!]\s*{GREETING})\s*"
)


def strip_page_number(title: str) -> tuple[str, str]:
    """The title without the page number a paged copy put after it, and what was cut."""
    m = PAGE_NUMBER.search(title)
    if not m or not title[: m.start()].strip():
        return title, ""
    return title[: m.start()].rstrip(), m.group().strip()


def is_series_label(title: str) -> bool:
    return bool(SERIES.search(title.strip()))


def opening_courtesy(paragraph: str) -> str:
    """The addressee line or salutation a paragraph opens with ("" when it opens with text)."""
    m = ADDRESSEE.match(paragraph) or SALUTATION.match(paragraph)
    return m.group() if m else ""
