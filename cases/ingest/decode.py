"""Decode a document an editor brings: UTF-8, GB18030/GBK or UTF-16."""

from __future__ import annotations

import codecs

MAX_BYTES = 10 * 1024 * 1024
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
        raise BadInput(f"文件过大：{len(data) / 1024 / 1024:.1f} MB，上限为 10 MB")
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
        return text.replace("\r\n", "\n").replace("\r", "\n"), encoding.replace("-sig", "")
    raise BadInput("无法识别文件编码：请使用 UTF-8、GB18030/GBK 或 UTF-16")
