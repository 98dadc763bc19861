"""Search's text, as both a case's save and a query see it: normalized (full-width forms folded,
traditional to simplified) and cut into words by jieba with the field's own compounds
(``fixtures/search/words.txt``: 医共体, 积分制, 一站式 … stay one word).  Pure functions, below
the models: ``Case.save()`` stores these tokens, and cases/search.py matches them."""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import jieba
from django.conf import settings

from .ingest.chinese import to_simplified

WORDS_FILE = Path(settings.BASE_DIR) / "fixtures" / "search" / "words.txt"
WORD = re.compile(r"[\w\u3400-\u9fff]", re.UNICODE)
GROUP_WORD = re.compile(r"[\w\u3400-\u9fff+]+")
MAX_QUERY = 100  # characters of a query that are searched; the rest is ignored


@lru_cache(maxsize=1)
def tokenizer() -> jieba.Tokenizer:
    """jieba with the field's compounds (a tokenizer of its own: ingestion keeps the default one)."""
    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.load_userdict(str(WORDS_FILE))
    return tk


def normalize(text: str) -> str:
    """Like the data: full-width forms folded (ＧＤＰ, ２０２１), traditional to simplified."""
    return to_simplified(unicodedata.normalize("NFKC", text or ""))


def keep(token: str) -> bool:
    return bool(token.strip()) and bool(WORD.search(token))


def index_tokens(text: str) -> str:
    """The tokens of a text as stored for search: ' t1 t2 … ' (spaces at both ends)."""
    tokens = [t.lower() for t in tokenizer().cut_for_search(normalize(text)) if keep(t)]
    return f" {' '.join(tokens)} " if tokens else ""


def query_tokens(query: str) -> tuple[str, ...]:
    """The tokens a query asks for, in order, without repeats (traditional folded to simplified)."""
    return _tokens(normalize(query)[:MAX_QUERY])  # cut before the cache: it keeps no long text


@lru_cache(maxsize=1024)
def _tokens(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t.lower() for t in tokenizer().cut(text) if keep(t)))


@lru_cache(maxsize=1024)
def word_parts(token: str) -> tuple[str, ...]:
    """The shorter words inside a token, as the index also holds them (吃水难 → 吃水)."""
    return tuple(p for p in dict.fromkeys(tokenizer().cut_for_search(token)) if p != token and len(p) >= 2)


def clean_group(text: str) -> list[str]:
    """The words of a group of related terms as typed (spaces, commas, 、), simplified, in order,
    without repeats."""
    return list(dict.fromkeys(w.lower() for w in GROUP_WORD.findall(normalize(text))))
