"""Thin wrappers over OpenCC and pypinyin, the portal's only way to pypinyin.

pypinyin runs without its phrase dictionary (47,111 phrases, about 44 MB in gunicorn's master
and so in every worker): a word is read by the small table of the phrases that read otherwise
than by their characters, fixtures/pinyin_phrases.tsv (``make pinyin``), as pypinyin reads it.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

import opencc

os.environ["PYPINYIN_NO_PHRASES"] = "1"  # read by pypinyin when it is first imported
os.environ["PYPINYIN_NO_DICT_COPY"] = "1"  # a copy only for loading custom dictionaries, which we never do
from pypinyin import Style, lazy_pinyin, pinyin  # noqa: E402

PHRASES_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "pinyin_phrases.tsv"


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


@lru_cache(maxsize=8192)
def readings(char: str) -> frozenset[str]:
    """All tone-marked readings of one character (heteronyms included)."""
    return frozenset(pinyin(char, style=Style.TONE, heteronym=True)[0])


@lru_cache(maxsize=1)
def phrases() -> dict[str, list[str]]:
    lines = PHRASES_FILE.read_text(encoding="utf-8").splitlines()
    return {word: reading.split() for word, reading in (line.split("\t") for line in lines if line[:1] != "#")}


def syllables(word: str, table: dict[str, list[str]] | None = None) -> list[str]:
    """Toneless pinyin of a word, characters without a reading left out: at each position the longest
    phrase of the table, else the character's first reading.  长沙 -> chang sha, 银行 -> yin hang,
    人行道 -> ren xing dao.  As pypinyin reads every phrase of its dictionary and every place and word
    of the library (tests/test_pinyin.py); a longer text may split otherwise (执行规范化: zhi hang)."""
    table = phrases() if table is None else table
    out: list[str] = []
    i = 0
    while i < len(word):
        n = next((n for n in range(len(word) - i, 1, -1) if word[i : i + n] in table), 1)
        out += table[word[i : i + n]] if n > 1 else lazy_pinyin(word[i], errors="ignore")
        i += n
    return out


def is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


TONE_LETTERS = "a-zü" + "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
# A pinyin annotation after a character: 務(wù).
ANNOTATION = re.compile(rf"\(([{TONE_LETTERS}]{{1,7}})\)")
