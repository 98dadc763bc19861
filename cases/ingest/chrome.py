"""Site chrome: the menus, prompts and footers that web pages wrap around text."""

from __future__ import annotations

import re

CHROME_LINES = [
    r"^文似观山不喜平.*",
    r".*记住我，?来上我.*",
    r"^admin\s*分享.*",
    r"^(分享|加入收藏|领取福利|本类热门|最新文章|相关文章|热门文章|推荐阅读|上一篇|下一篇)$",
    r"^微信扫码.*",
    r"^识别二维码.*",
    r"^扫码.*(关注|分享|下载).*",
    r"^首页\s*[>›].*",
    r"^(制作|责任编辑|审核|编辑|来源|校对)[：:].{0,40}$",
    r"^(联系邮箱|联系电话|电话|邮箱|地址)[：:].*",
    r"^-?\s*\d、.*(下载文档|仅部分预览|文档侵犯|人工客服).*",
    r"^\d{3,}$",
]
CHROME = re.compile("|".join(f"(?:{p})" for p in CHROME_LINES))
# Inline chrome that a page break glued to real text.
INLINE_CHROME = re.compile(r"^admin\s*分享时间[：:]\s*加入收藏共计\d+个字，?预计阅读时长\d+分钟")


def is_menu(line: str) -> bool:
    """A navigation menu: many short items separated by spaces, no prose punctuation."""
    items = line.split()
    if len(items) < 5 or re.search(r"[，。；：！？“”]", line):
        return False
    return sum(len(i) <= 8 for i in items) / len(items) > 0.9


def is_chrome(line: str) -> bool:
    stripped = line.strip()
    return bool(CHROME.match(stripped)) or is_menu(stripped)


def strip_inline_chrome(line: str) -> str:
    return INLINE_CHROME.sub("", line).strip()
