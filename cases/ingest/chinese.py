"""Thin wrappers over OpenCC and pypinyin shared by the ingestion modules."""

from __future__ import annotations

import re
from functools import lru_cache

import opencc
from pypinyin import Style, pinyin


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


@lru_cache(maxsize=8192)
def readings(char: str) -> frozenset[str]:
    """All tone-marked readings of one character (heteronyms included)."""
    return frozenset(pinyin(char, style=Style.TONE, heteronym=True)[0])


def is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


TONE_LETTERS = "a-zü" + "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
# A pinyin annotation after a character: 務(wù).
ANNOTATION = re.compile(rf"\(([{TONE_LETTERS}]{{1,7}})\)")
