"""Page furniture: what web pages, document libraries and newspapers wrap around a text.

A general model rather than a list of remembered lines.  A line is furniture when it is
made only of furniture pieces, whatever joins them (``|``, spaces, brackets):

* labelled metadata — ``发布时间：2021-06-04 17:33``, ``来源：新华网``, ``浏览量：2438``,
  ``作者：`` (empty), ``【字号：大 中 小】``, a document library's ``上传人：… 格式：DOCX``;
* bare dates and times (``2024-01-08 10:21:33``, ``12/28``, ``14:33``) — but never a lone
  year, which a table or a split title may hold;
* page controls (打印, 关闭窗口, 分享到, 返回顶部 …);

or when it is one of the kinds of line that only furniture takes: breadcrumbs
(当前位置：首页 > …), mastheads (…主管 …主办), copyright and contact footers, ICP numbers,
navigation menus (many short items), a document library's page counters and notices.

Furniture glued to the front of real text (``浏览量：2438农业农村部办公厅关于…``) is cut
off and the text kept.  The dates furniture carries are the page's own dates: the
pipeline trusts them first for a document's year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Labels of metadata whose value is a date.
DATE_LABELS = r"发布时间|发布日期|发表时间|发稿时间|更新时间|成文日期|时间|日期"
# Labels whose value is a count.
COUNT_LABELS = r"浏览量|浏览次数|浏览|阅读量|阅读次数|阅读数|阅读|点击数|点击量|点击率|点击|访问量|访问次数|人气"
# Labels whose value is a short name (or nothing).
NAME_LABELS = (
    r"信息来源|文章来源|稿件来源|来源|稿源|出处|作者|撰稿|供稿|编辑|责任编辑|编审|审核|审校|校对|摄影|图片|通讯员|"
    r"信息编号|所属类别|所属分类|所属栏目|栏目|索引号|发布机构|字号|字体|背景颜色|背景色|"
    r"上传人|上传者|上传时间|文档编号|格式|页数|大小|贡献者|分享者"
)
DATE = r"(?:19|20)\d{2}\s*(?:[-/.年]\s*\d{1,2}\s*(?:[-/.月]\s*\d{1,2}\s*日?)?|年\s*\d{1,2}\s*月)"
TIME = r"\d{1,2}[:：]\d{2}(?:[:：]\d{2})?"
MONTH_DAY = r"\d{1,2}/\d{1,2}"
FONT_SIZE = r"字号[：:]?\s*(?:大\s*中\s*小)?"
CONTROLS = (
    r"打印本页|打印此页|打印|关闭窗口|关闭本页|关闭|收藏本页|收藏|分享到[：:]?|分享|默认|放大|缩小|大\s*中\s*小|"
    r"下载|相关|举报|纠错|我要纠错|返回顶部|顶部|扫一扫|二维码"
)
SEPARATORS = r"[\s|｜·•]*"

PIECE = re.compile(
    rf"【?(?:{FONT_SIZE}】?"
    rf"|(?P<dated>(?:{DATE_LABELS})\s*[：:]\s*(?P<date1>{DATE})?(?:\s*{TIME})?)"
    rf"|(?P<counted>(?:{COUNT_LABELS})\s*[：:]?\s*\d*\s*(?:次|人次)?)"
    rf"|(?P<named>(?:{NAME_LABELS})\s*[：:]\s*(?:(?!(?:{NAME_LABELS}|{DATE_LABELS}|{COUNT_LABELS})\s*[：:]|(?:19|20)\d{{2}}[-/.年])[^\s|｜【】：:，。；！？]){{0,20}})"
    rf"|(?P<date2>{DATE})(?:\s*{TIME})?"
    rf"|{TIME}|{MONTH_DAY}"
    rf"|(?:{CONTROLS}))】?"
)
LEADING = re.compile(rf"{SEPARATORS}(?:(?:{PIECE.pattern}){SEPARATORS})+")
YEAR = re.compile(r"(19|20)\d{2}")

# Lines of kinds that only furniture takes.  Anchored at the start, or short.
FURNITURE_LINES = re.compile(
    r"^(?:当前位置|您的位置|您现在的位置|您所在的位置|所在位置|位置)[：:]"
    r"|首页\s*[>›»]|[>›»]\s*正文$"
    r"|^(?:主办|承办|协办|主管)(?:单位)?[：:]|主管\s*\S{2,20}\s*主办|^\S{2,20}主办$|主办\s*\S{2,30}\s*承办$"
    r"|版权所有|版权说明|copyright|©|icp[备证]|公网安备|网站标识码|技术支持[：:]|powered\s*by"
    r"|^投诉建议|业务电话[：:]|^网站地图|^联系我们|^设为首页|^加入收藏|收藏本站|^无障碍|^长者模式|^皮肤设置"
    r"|^关注(?:微信|微博|我们)|^扫(?:一扫|码)|^微信扫码|^识别二维码|^分享到|^相关(?:链接|阅读|文章|新闻|推荐)"
    r"|^(?:新闻|热门|猜你)(?:推荐|喜欢)|^用户评论|^已有\d+人(?:评论|参与)|^(?:上|下)一篇|^【?(?:责任编辑|编辑)[：:]"
    r"|^(?:制作|责任编辑|审核|编辑|来源|校对)[：:].{0,40}$|^(?:联系邮箱|联系电话|电话|邮箱|地址)[：:]"
    # A document library's counters and notices.
    r"|_第\d+页$|^第\d+页\s*/\s*共\d+页$|^点击查看更多|^下载资源$|^资源描述$|^文档简介$|已阅读\d+页"
    # Lines the seeds' sites repeat on every page.
    r"|^文似观山不喜平|记住我，?来上我|^admin\s*分享|^(?:加入收藏|领取福利|本类热门|最新文章|热门文章|推荐阅读)$",
    re.IGNORECASE,
)
# A document library's notices, full sentences though they are.
LIBRARY_NOTICES = re.compile(
    r"由会员分享|继续免费阅读|下载本文档|人工客服|仅部分预览|文档侵犯|下载文档|本文档由用户提供"
)
# Inline chrome that a page break glued to real text.
INLINE_CHROME = re.compile(r"^admin\s*分享时间[：:]\s*加入收藏共计\d+个字，?预计阅读时长\d+分钟")
# Long runs of digits are counters (views, ids); a year alone is not.
COUNTER = re.compile(r"^\d{3,}$")


@dataclass
class Furniture:
    """What furniture a line held, and the text glued after it."""

    pieces: str  # the furniture itself
    rest: str  # real text after it ("" when the whole line is furniture)
    year: int | None  # the page's date, when the furniture carries one
    date_text: str = ""


def _page_year(m: re.Match) -> tuple[int | None, str]:
    """The year of the first dated piece; an upload date is not the document's."""
    for piece in PIECE.finditer(m.group()):
        date = piece.group("date1") or piece.group("date2")
        uploaded = re.search(r"上传(?:时间|日期)\s*[：:]\s*$", m.group()[: piece.start()])
        if date and not uploaded:
            return int(YEAR.match(date).group()), piece.group().strip()
    return None, ""


def furniture(line: str) -> Furniture | None:
    """The furniture at the start of a line, or None when the line starts with text."""
    stripped = line.strip()
    if not stripped:
        return None
    if LIBRARY_NOTICES.search(stripped) and len(stripped) <= 200:
        return Furniture(stripped, "", None)
    if FURNITURE_LINES.search(stripped) and len(stripped) <= 120 and "。" not in stripped:
        m = LEADING.match(stripped)
        return Furniture(stripped, "", *(_page_year(m) if m else (None, "")))
    if is_menu(stripped):
        return Furniture(stripped, "", None)
    if COUNTER.match(stripped) and not (len(stripped) == 4 and 1949 <= int(stripped) <= 2099):
        return Furniture(stripped, "", None)
    m = LEADING.match(stripped)
    if not m:
        return None
    rest = stripped[m.end() :].strip()
    controls_only = not rest and re.search(r"打印|关闭|返回顶部|分享|举报|放大|缩小", m.group())
    if not (_is_furniture_led(m.group()) or controls_only):
        return None
    # A value glued to the text after it (责任编辑：李明中国农网讯 日前，…) is cut at the text.
    year, date_text = _page_year(m)
    return Furniture(m.group().strip(), rest, year, date_text)


def _is_furniture_led(pieces: str) -> bool:
    """Pieces that make furniture: a label, a date with a time, or a month/day — never a
    lone date (a signature) or control words alone (大 中 小 may be prose)."""
    labelled = re.search(rf"(?:{DATE_LABELS}|{COUNT_LABELS}|{NAME_LABELS})\s*[：:]", pieces)
    clock = re.search(TIME, pieces)
    iso = re.fullmatch(r"\s*(?:19|20)\d{2}-\d{1,2}-\d{1,2}\s*", pieces)
    month_day = re.fullmatch(rf"\s*{MONTH_DAY}\s*", pieces)
    return bool(labelled or clock or iso or month_day)


def is_menu(line: str) -> bool:
    """A navigation menu: many short items separated by spaces or bars, no prose punctuation."""
    if re.search(r"[，。；：！？“”]", line):
        return False
    bars = [c.strip() for c in re.split(r"[|｜]", line) if c.strip()]
    if len(bars) >= 4 and all(len(c) <= 10 for c in bars):
        return True
    if len(bars) >= 3 and all(re.search(r"(网|政府|首页|频道|地图|我们|顶部|中心)$", c) for c in bars):
        return True
    items = line.split()
    if len(items) < 5:
        return False
    return sum(len(i) <= 8 for i in items) / len(items) > 0.9


def is_chrome(line: str) -> bool:
    """A line made only of furniture."""
    found = furniture(line.strip())
    return bool(found) and not found.rest


def strip_inline_chrome(line: str) -> str:
    return INLINE_CHROME.sub("", line).strip()
