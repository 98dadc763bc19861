"""Chinese full-text search with one results contract on both databases.

Text is segmented by jieba (search mode, so 养老服务 is also 养老 and 服务)
into space-separated tokens stored beside the case.  PostgreSQL keeps them as
a stored ``tsvector`` in the ``simple`` configuration behind a GIN index;
SQLite matches the same tokens as whole words.  Both require every query
token and rank title matches above body matches.
"""

from __future__ import annotations

import html
import logging
import re
import unicodedata
from collections import Counter
from functools import lru_cache

import jieba
from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connection
from django.db.models import Case as When_
from django.db.models import Expression, IntegerField, Q, Value, When
from django.db.models.functions import Coalesce

from .ingest.chinese import to_simplified

jieba.setLogLevel(logging.WARNING)
WORD = re.compile(r"[\w\u3400-\u9fff]", re.UNICODE)
TITLE_WEIGHT = 10
MAX_QUERY = 100  # characters of a query that are searched; the rest is ignored


def normalize(text: str) -> str:
    """Like the data: full-width forms folded (ＧＤＰ, ２０２１), traditional to simplified."""
    return to_simplified(unicodedata.normalize("NFKC", text or ""))


def _keep(token: str) -> bool:
    return bool(token.strip()) and bool(WORD.search(token))


def index_tokens(text: str) -> str:
    """The tokens of a text as stored for search: ' t1 t2 … ' (spaces at both ends)."""
    tokens = [t.lower() for t in jieba.cut_for_search(normalize(text)) if _keep(t)]
    return f" {' '.join(tokens)} " if tokens else ""


@lru_cache(maxsize=1024)
def query_tokens(query: str) -> tuple[str, ...]:
    """The tokens a query asks for, in order, without repeats (traditional folded to simplified)."""
    tokens = [t.lower() for t in jieba.cut(normalize(query)[:MAX_QUERY]) if _keep(t)]
    return tuple(dict.fromkeys(tokens))


def place_suggestion(query: str) -> tuple[str, str, str, str] | None:
    """A place named in a query of several words (浙江 垃圾): (filter, code, name, the query without it).

    Only names that are unique in the gazetteer are suggested (there are two 宝山区).
    """
    from .models import Region

    tokens = query_tokens(query)
    if len(tokens) < 2:
        return None
    suffixes = ("", "省", "市", "自治区", "县", "区")
    candidates = {token + suffix: token for token in tokens for suffix in suffixes}
    regions = list(Region.objects.filter(name__in=candidates).order_by("code"))
    unique = Counter(r.name for r in regions)
    for token in tokens:
        for region in regions:
            if candidates[region.name] == token and unique[region.name] == 1:
                rest = " ".join(t for t in tokens if t != token)
                return region.level, region.code, region.name, rest
    return None


class StoredVector(Expression):
    """The case's stored ``search_vector`` column (PostgreSQL only, migration 0012), named
    through the query's own alias of the case table, so that it also works in a subquery."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(alias)}.search_vector", []


class WordsInPlaces(SearchQuery):
    """``to_tsquery('simple', words) && 'province:330000' & …``: the words, parsed as the
    stored tokens were, and the place lexemes that the stored vector holds for a case's
    places (migration 0014), taken as they are (the parser would split them at the colon).
    No query token can spell a place lexeme: tokens never hold a colon."""

    def __init__(self, words: str, places=()):
        super().__init__(words, search_type="raw", config="simple")
        self.places = " & ".join(f"'{level}:{code}'" for level, code in places if str(code).isdigit())

    def as_sql(self, compiler, connection, function=None, template=None):
        sql, params = super().as_sql(compiler, connection, function, template)
        if not self.places:
            return sql, params
        return f"({sql} && %s::tsquery)", [*params, self.places]


def apply(queryset, query: str, places=()):
    """Cases matching every token of ``query``, annotated with ``rank``.

    ``places``: the (level, code) pairs that the list is also filtered by.  On
    PostgreSQL they join the words in the index lookup, so that a common word
    within one province reads that province's postings, not the whole library's.

    The rank is the same on both databases and cheap at any size: a token in
    the title weighs TITLE_WEIGHT, one only in the text 1.  (ts_rank would
    read every matching row's whole tsvector: 320 ms for 23,000 matches.)"""
    tokens = query_tokens(query)
    if not tokens:
        return queryset.annotate(rank=Value(0, output_field=IntegerField()))
    if connection.vendor == "postgresql":
        # The stored vector has the GIN index (migration 0012).
        ts_query = WordsInPlaces(" & ".join(tokens), places)
        queryset = queryset.alias(search=StoredVector()).filter(search=ts_query)
    else:
        for token in tokens:
            queryset = queryset.filter(Q(search_title__contains=f" {token} ") | Q(search_body__contains=f" {token} "))
    rank = sum(
        (When_(When(search_title__contains=f" {t} ", then=Value(TITLE_WEIGHT)), default=Value(1)) for t in tokens),
        start=Value(0),
    )
    return queryset.annotate(rank=Coalesce(rank, Value(0), output_field=IntegerField()))


def highlight(text: str, query: str, width: int = 120) -> str:
    """An HTML-escaped snippet of ``text`` around the first match, with matches in <mark>."""
    tokens = sorted(query_tokens(query), key=len, reverse=True)
    if not text:
        return ""
    start = 0
    if tokens:
        positions = [p for t in tokens if (p := text.lower().find(t)) != -1]
        if positions:
            start = max(0, min(positions) - width // 4)
    snippet = text[start : start + width]
    escaped = html.escape(snippet)
    if tokens:
        pattern = re.compile("|".join(re.escape(html.escape(t)) for t in tokens), re.IGNORECASE)
        escaped = pattern.sub(lambda m: f"<mark>{m.group()}</mark>", escaped)
    prefix = "…" if start else ""
    suffix = "…" if start + width < len(text) else ""
    return prefix + escaped + suffix
