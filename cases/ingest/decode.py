"""Decode a document an editor brings: UTF-8, GB18030/GBK or UTF-16."""

from __future__ import annotations

import codecs
import re

MAX_BYTES = 10 * 1024 * 1024
# Each "?" may start a garbled GBK run whose repair weighs hundreds of candidates: past this many
# the text is too damaged to repair in reasonable time (a damaged 1 MB document has about 1,000).
MAX_SLIPS = 2000
# The longest line of the seeds is 605 characters; a page saved on one line stays far below this.
MAX_LINE_CHARS = 200_000
# Signatures of common binary formats (images, PDF, archives, Office files).
MAGIC = (
    b"\x89PNG",
    b"GIF8",
    b"\xff\xd8\xff",
    b"%PDF",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"BZh",
    b"7z\xbc\xaf",
    b"\xd0\xcf\x11\xe0",
    b"Rar!",
    b"\x7fELF",
)


# A document has words: two Chinese characters or Latin letters in a row, somewhere.
WORDS = re.compile(r"[\u4e00-\u9fffA-Za-z]{2,}")
NO_WORDS = "没有可读的文字：文档只有标点、数字或符号"


class BadInput(ValueError):
    """A document that cannot be imported; the message is for the editor."""


def _mostly_text(text: str) -> bool:
    readable = sum(1 for c in text if c.isprintable() or c in "\n\r\t")
    chinese = sum(1 for c in text if "\u3000" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef")
    punctuated = any(mark in text for mark in "，。、\n")
    return punctuated and readable >= 0.98 * len(text) and chinese >= 0.3 * len(text)


def _looks_binary(text: str) -> bool:
    controls = sum(1 for c in text if (ord(c) < 32 and c not in "\n\r\t\f") or c == "\x7f")
    return "\x00" in text or controls > max(2, len(text) // 100)


def decode_document(data: bytes) -> tuple[str, str]:
    """The text and the name of its encoding, or BadInput."""
    if len(data) > MAX_BYTES:
        raise BadInput("文件过大：超过 10 MB 的上限")
    if not data.strip():
        raise BadInput("文件为空")
    if data.startswith(MAGIC):
        raise BadInput("不是文本文件（二进制格式）")
    candidates = []
    if data.startswith(codecs.BOM_UTF8):
        candidates = [("utf-8-sig", data)]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = [("utf-16", data)]
    else:
        # UTF-16 without a BOM: NUL bytes, and text once decoded as UTF-16.
        if b"\x00" in data:
            for encoding in ("utf-16-le", "utf-16-be"):
                try:
                    text = data.decode(encoding)
                except UnicodeDecodeError:
                    continue
                if _mostly_text(text):
                    candidates.append((encoding, data))
                    break
            else:
                raise BadInput("不是文本文件（含有二进制内容）")
        candidates += [("utf-8", data), ("gb18030", data)]
    for encoding, payload in candidates:
        try:
            text = payload.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_binary(text):
            raise BadInput("不是文本文件（含有二进制内容）")
        if not text.strip():
            raise BadInput("文件为空")
        longest = max(map(len, text.splitlines()), default=0)
        if longest > MAX_LINE_CHARS:
            raise BadInput(f"有一行长达 {longest} 字（上限 {MAX_LINE_CHARS}）：不像是正常的文档")
        if not WORDS.search(text):
            raise BadInput(NO_WORDS)
        if (slips := text.count("?")) > MAX_SLIPS:
            raise BadInput(f"乱码过多（{slips} 处“?”，上限 {MAX_SLIPS}）：请先用正确的编码另存为 UTF-8 再导入")
        return text.replace("\r\n", "\n").replace("\r", "\n"), encoding.replace("-sig", "")
    raise BadInput("无法识别文件编码：请使用 UTF-8、GB18030/GBK 或 UTF-16")
