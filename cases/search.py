"""Chinese full-text search, best match first, with one results contract on both databases.

Text is segmented by jieba (search mode, so 养老服务 is also 养老 and 服务) into
space-separated tokens stored beside the case.  PostgreSQL keeps them as a stored
``tsvector`` in the ``simple`` configuration behind a GIN index; SQLite matches the
same tokens as whole words.

A query is first understood (``understand``): pinyin becomes the library's words
(cases/vocabulary.py), a place name at the start of a phrase becomes a region filter
(四川 养老 = 养老 within 四川省; two 宝山区 are asked about, not guessed), and each
remaining word becomes a *concept*: the word itself, its parts (吃水难 → 吃水) and its
related terms (Synonym groups), the latter two with lower weight.  Stop words
(怎么, 如何, 难 …) weigh little and do not select cases on their own.

A case is found when it holds any word of any concept (never an empty page when one
occurs).  Its rank is in the spirit of BM25: per concept, the best of its words,
weighted by rarity (idf) and by where the word is — the title, the summary, the
text — with saturation; summed over concepts, and the 案例 type above reports,
policies and news.  The work is bounded at any library size: each word reads at most
``CANDIDATES`` cases from each tier of the index, the best-placed first (title and
summary, then the rest) — a related term ``RELATED_CANDIDATES``, read further only when
the words found fewer cases than a list holds — and at most ``RARITY_CAP`` for counting
its rarity, which is kept under the public version (cases/pagecache.py); the list is the
best ``CANDIDATES`` cases found, and says so ("600+") when there are more.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import BooleanField, Expression, FloatField, Value

from . import pagecache, vocabulary
from .ingest.regions import LEVELS, load_gazetteer
from .text import MAX_QUERY, keep, normalize, tokenizer, word_parts

CANDIDATES = 600  # cases a search lists at most (the best); also cases read per word and tier of the index
RARITY_CAP = 200  # and for its rarity: a word in more cases than that is common (idf below 6.2 at 100,000)
MAX_WORDS = 12  # words of a concept whose rarity is looked up (the word asked for first)
MAX_RELATED = 4  # related words of a concept that select and rank cases: the most specific ones
RELATED_CANDIDATES = 100  # cases read per related word and tier (they rank below the words asked for)

# How much a word weighs beside the word asked for.
PART_WEIGHT = 0.6  # 吃水 of 吃水难
RELATED_WEIGHT = 0.5  # 敬老院 for 养老 (a Synonym group)
STOP_WEIGHT = 0.1
# Where a word is: the title, the summary, anywhere in the case (title, summary or text).
TITLE, SUMMARY, TEXT = 3.0, 1.5, 1.0
K1 = 1.2  # saturation: a word in every field counts less than three words
DOC_TYPE_FACTOR = {"case": 1.0, "policy": 0.85, "report": 0.85, "commentary": 0.8, "news": 0.8}
PHRASE_TITLE = 2.0  # the query's words side by side in the title (乡村治理), as a share of their weight

STOP_WORDS = frozenset(
    """怎么 怎么办 怎样 如何 什么 哪些 哪里 哪个 为什么 为何 能否 是否 有没有
    的 地 得 了 吗 呢 吧 啊 呀 和 与 及 或 是 在 有 把 被 让 给 对 从 到 也 都 就 很 太 最 更
    没 没有 没人 不 不能 难 难题 问题 情况 办法 一些 这个 那个 这些 那些 我 我们 你 你们 他们 要 能 会 想 可以 好 人
    请问 关于 相关 方面""".split()
)


# ---- understanding a query ----------------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    text: str
    weight: float


@dataclass
class Concept:
    token: str
    stop: bool
    words: list[Word]


@dataclass(frozen=True)
class Place:
    said: str  # as typed (河源)
    level: str
    code: str
    name: str  # 河源市


@dataclass
class Understood:
    query: str
    text: str = ""  # the words searched, places and pinyin resolved
    concepts: list[Concept] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    ambiguous: list[tuple[str, list[Place]]] = field(default_factory=list)  # 宝山区: which one?
    pinyin: list[tuple[str, str]] = field(default_factory=list)  # (yanglao, 养老)

    @property
    def searching(self) -> bool:
        return bool(self.concepts)

    @property
    def weighted_words(self) -> dict[str, float]:
        """Every word looked for, with the highest weight it has in any concept."""
        out: dict[str, float] = {}
        for concept in self.concepts:
            factor = STOP_WEIGHT if concept.stop else 1.0
            for w in concept.words:
                out[w.text] = max(out.get(w.text, 0.0), w.weight * factor)
        return out

    def without_places(self) -> str:
        """The query with the place names taken out (a removed place chip)."""
        text = self.query
        for place in self.places:
            text = text.replace(place.said, " ")
        return " ".join(text.split())


PINYIN_RUN = re.compile(r"[a-z]+(?:[\s']+[a-z]+)*")


def _resolve_pinyin(text: str, notes: list) -> str:
    def replace(m):
        run = m.group()
        found = vocabulary.from_pinyin(run)
        if found:
            notes.append((run, found[0]))
            return f" {' '.join(found)} "
        parts = []
        for letters in run.split():
            words = vocabulary.from_pinyin(letters)
            if words:
                notes.append((letters, words[0]))
            parts.append(" ".join(words) if words else letters)
        return f" {' '.join(parts)} "

    if not re.search(r"[a-z]{2}", text):
        return text
    return PINYIN_RUN.sub(replace, text)


def _word_ends(text: str) -> set[int]:
    """Where the words of ``text`` end: a place ends where a word does (互助养老 is a word, not 互助县 + 养老)."""
    ends, at = set(), 0
    for token in tokenizer().cut(text):
        at += len(token)
        ends.add(at)
    return ends


def _prefer_higher(places: list[Place]) -> list[Place]:
    """河南 is 河南省 before 河南蒙古族自治县: one place above all others with the name is meant;
    same-level namesakes (two 宝山区) stay a question."""
    top = min((LEVELS.index(p.level) for p in places), default=0)
    highest = [p for p in places if LEVELS.index(p.level) == top]
    return highest if len(highest) == 1 else places


@lru_cache(maxsize=1)
def gazetteer():
    return load_gazetteer(str(settings.REGIONS_FIXTURE))


def understand(query: str, literal: bool = False) -> Understood:
    """What a query asks for.  ``literal``: its words only (no places, pinyin or related terms),
    every one of them required (see ``apply``)."""
    out = Understood(query)
    text = normalize(query)[:MAX_QUERY].lower()
    if not literal:
        text = _resolve_pinyin(text, out.pinyin)
        gz = gazetteer()
        kept = []
        for segment in text.split():
            found, rest = gz.place_words(segment, _word_ends)
            for said, codes in found:
                places = _prefer_higher([Place(said, gz.places[c].level, c, gz.places[c].name) for c in codes])
                if len(places) == 1:
                    out.places.append(places[0])
                else:
                    out.ambiguous.append((said, places))
                    kept.append(said)  # searched as a word until the user chooses
            kept.append(rest)
        text = " ".join(t for t in kept if t)
    out.text = text
    tokens = list(dict.fromkeys(t.lower() for t in tokenizer().cut(text) if keep(t)))
    parts = {t: word_parts(t) for t in tokens}
    related = {} if literal else vocabulary.related(list(dict.fromkeys([*tokens, *sum(parts.values(), ())])))
    for token in tokens:
        words = {token: 1.0}
        for part in parts[token]:
            words.setdefault(part, PART_WEIGHT)
        if not literal:
            for word in sorted(related.get(token, ())):
                words.setdefault(word, RELATED_WEIGHT)
            for part in parts[token]:
                for word in sorted(related.get(part, ())):
                    words.setdefault(word, RELATED_WEIGHT * PART_WEIGHT)
        ranked = sorted(words.items(), key=lambda kv: -kv[1])[:MAX_WORDS]
        out.concepts.append(Concept(token, token in STOP_WORDS, [Word(w, weight) for w, weight in ranked]))
    if out.concepts and all(c.stop for c in out.concepts):
        for concept in out.concepts:
            concept.stop = False  # a query of stop words only searches them
    return out


# ---- the database side --------------------------------------------------------------------------
#
# A search reads, for each word, at most CANDIDATES cases from each *tier* of the index, the
# best-placed first: the cases holding the word in both the title and the summary, in the title,
# in the summary (PostgreSQL: the small ``search_head`` vector and its GIN index, migration
# 0025), and — when those tiers hold all their cases — anywhere (the ``search_vector``).  What
# the tiers bring is every case found; where each word is in each of them is known from the
# tiers themselves and from the title's tokens, read with the case's row (no long text is
# read).  The found cases are ranked here, in Python, identically whatever the database, and
# the best CANDIDATES of them are the list.  A tier that was cut short means there are more
# cases than that: the list then says "600+" (``capped``).


def _quote_lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def _like(word: str) -> str:
    """A whole token among the space-separated ones."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"% {escaped} %"


def _place_lexemes(places) -> list[str]:
    return [f"'{level}:{code}'" for level, code in places if str(code).isdigit()]


def _match_sql(word: str, places=(), limit: int = CANDIDATES, status: str | None = None) -> tuple[str, list]:
    """SQL selecting the ids of cases holding ``word`` anywhere (at most ``limit`` of them), of
    ``status`` if given."""
    table = connection.ops.quote_name("cases_case")
    where, params = ("status = %s AND ", [status]) if status else ("", [])
    if connection.vendor == "postgresql":
        # The place lexemes (migration 0014) let GIN skip a common word's postings outside the place.
        return (
            f"SELECT id FROM {table} WHERE {where}search_vector @@ %s::tsquery LIMIT {int(limit)}",
            [*params, " & ".join([_quote_lexeme(word), *_place_lexemes(places)])],
        )
    like = _like(word)
    return (
        f"SELECT id FROM {table} WHERE {where}(search_title LIKE %s ESCAPE '\\' OR search_body LIKE %s ESCAPE '\\') "
        f"LIMIT {int(limit)}",
        [*params, like, like],
    )


# Where a word is, for the tiers: in the title and the summary, the title, the summary, anywhere.
BOTH, IN_TITLE, IN_SUMMARY, ANYWHERE = "both", "title", "summary", "anywhere"
HEAD_TIERS = (BOTH, IN_TITLE, IN_SUMMARY)


def _where(word: str, tier: str, places=()) -> tuple[str, list]:
    """The condition "``word`` is in ``tier``" on a case row ({t}: the row's table alias)."""
    if connection.vendor == "postgresql":
        lexemes = {BOTH: [f"t:{word}", f"s:{word}"], IN_TITLE: [f"t:{word}"], IN_SUMMARY: [f"s:{word}"]}
        column = "search_vector" if tier == ANYWHERE else "search_head"
        terms = [_quote_lexeme(x) for x in lexemes.get(tier, [word])] + _place_lexemes(places)
        return f"{{t}}.{column} @@ %s::tsquery", [" & ".join(terms)]
    like = _like(word)
    return {
        BOTH: ("({t}.search_title LIKE %s ESCAPE '\\' AND {t}.search_summary LIKE %s ESCAPE '\\')", [like, like]),
        IN_TITLE: ("{t}.search_title LIKE %s ESCAPE '\\'", [like]),
        IN_SUMMARY: ("{t}.search_summary LIKE %s ESCAPE '\\'", [like]),
        ANYWHERE: ("({t}.search_title LIKE %s ESCAPE '\\' OR {t}.search_body LIKE %s ESCAPE '\\')", [like, like]),
    }[tier]


class SQL(Expression):
    """A piece of SQL over the case row, its columns named through the query's own alias of
    the case table ({t}), so that it also works in a subquery."""

    def __init__(self, template: str, params: list, output_field):
        super().__init__(output_field=output_field)
        self.template, self.params = template, params

    @property
    def conditional(self):
        return isinstance(self.output_field, BooleanField)

    def as_sql(self, compiler, connection):
        alias = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return self.template.replace("{t}", alias), list(self.params)


def _condition(sql: str, params: list) -> SQL:
    return SQL(sql, params, BooleanField())


def _read_tiers(queryset, chains: list[tuple[int, list[tuple[str, str]]]], places) -> tuple[dict, dict]:
    """The cases of ``queryset`` in each (word, tier), at most the chain's limit each, with their
    own short columns: one statement.  ``chains``: (limit, [(word, tier), …]).
    ({(word, tier): [id]}, {id: _Row}).

    Each chain's tiers are read in turn, each only when the ones before it held fewer than the
    limit (a word in the title and summary of 600 cases needs no worse-placed ones).  Each
    tier's query is planned whole (PostgreSQL: a MATERIALIZED CTE, so that the GIN index
    answers it however common the word) and read only as far as the limit."""
    wanted = [key for _, chain in chains for key in chain]
    found: dict[tuple[str, str], list[int]] = {key: [] for key in wanted}
    rows: dict[int, _Row] = {}
    if not wanted:
        return found, rows
    try:
        queryset.query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing (year_min=110000): no case holds any word
        return found, rows
    materialized = "MATERIALIZED" if connection.vendor == "postgresql" else ""
    ctes, selects, params = [], [], []
    base = queryset.order_by().values_list("pk", "title", "search_title", "doc_type", "year")
    i = 0
    for limit, chain in chains:
        limit = int(limit)
        before = []
        for word, tier in chain:
            sql, p = base.filter(_condition(*_where(word, tier, places))).query.sql_with_params()
            ctes.append(f"m{i} AS {materialized} ({sql})")
            params += p
            # Read only when the better-placed tiers of the chain were not cut short.
            short = " AND ".join(
                f"(SELECT COUNT(*) FROM (SELECT 1 FROM m{j} LIMIT {limit}) c{i}_{j}) < {limit}" for j in before
            )
            where = f" WHERE {short}" if short else ""
            selects.append(f"SELECT {i}, s{i}.* FROM (SELECT * FROM m{i} LIMIT {limit}) s{i}{where}")
            before.append(i)
            i += 1
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(ctes)} {' UNION ALL '.join(selects)}", params)
        for k, pk, title, tokens, doc_type, year in cursor.fetchall():
            found[wanted[k]].append(pk)
            if pk not in rows:
                rows[pk] = _Row(pk, title or "", frozenset((tokens or "").split()), doc_type, year)
    return found, rows


def rarity(words: list[str]) -> tuple[dict[str, float], dict[str, int]]:
    """idf of each word, from its (capped) number of cases in the whole library, and that number.
    These numbers and the library's size are kept under the public version (cases/pagecache.py),
    each apart: a search counts, in one statement, only what no search counted since the library
    last changed.  (Drafts count too, and since saving a draft changes no public version, a new
    draft's words weigh from the next change on: rank weights, never which cases are found.)"""
    if not words:
        return {}, {}
    found = pagecache.kept_each(holding, "search: cases holding", [None, *words])
    total = max(found[None], 1)
    idf = {w: math.log(1 + (total - found[w] + 0.5) / (found[w] + 0.5)) for w in words}
    return idf, {w: found[w] for w in words}


def holding(words: list[str | None], limit: int = RARITY_CAP, status: str | None = None) -> dict:
    """The number of cases (of ``status`` if given) holding each word, up to ``limit``, and for
    ``None`` the number of cases: one statement."""
    selects, params = [], []
    for word in words:
        if word is None:
            selects.append(f"(SELECT COUNT(*) FROM {connection.ops.quote_name('cases_case')})")
            continue
        sql, p = _match_sql(word, limit=limit, status=status)
        selects.append(f"(SELECT COUNT(*) FROM ({sql}) m)")
        params += p
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(selects), params)
        return dict(zip(words, cursor.fetchone(), strict=True))


def _most_specific(concept: Concept, found: dict[str, int]) -> set[str]:
    """The concept's related words that some case holds, the rarest MAX_RELATED of them."""
    related = [w.text for w in concept.words if w.weight < PART_WEIGHT and found[w.text]]
    return set(sorted(related, key=lambda w: (found[w], w))[:MAX_RELATED])


def _saturated(tf: float) -> float:
    return tf * (K1 + 1) / (tf + K1)


@dataclass
class _Row:
    pk: int
    title: str
    tokens: frozenset
    doc_type: str
    year: int | None


class Ranking:
    """The words a query ranks by and where each of them is in the found cases."""

    def __init__(self, understood: Understood, idf: dict[str, float], found_anywhere: dict[str, int]):
        self.understood = understood
        self.idf = idf
        self.found_anywhere = found_anywhere
        # Per concept: (factor, [(word, weight × idf, is a part)]) — related words no case holds
        # add nothing but work; of the others, the most specific few.
        self.concepts = []
        for concept in understood.concepts:
            kept = _most_specific(concept, found_anywhere)
            words = [
                (w.text, w.weight * idf[w.text], w.weight == PART_WEIGHT)
                for w in concept.words
                if found_anywhere[w.text] and (w.weight >= PART_WEIGHT or w.text in kept)
            ]
            if words:
                self.concepts.append((STOP_WEIGHT if concept.stop else 1.0, words, concept.stop))
        tokens = [c.token for c in understood.concepts if not c.stop]
        self.phrase = None
        if len(tokens) >= 2 and (phrase := "".join(tokens)) in understood.text.replace(" ", ""):
            # The query's words side by side in the title (乡村治理), as a share of their weight.
            self.phrase = (phrase, sum(idf[t] for t in tokens) / len(tokens) * PHRASE_TITLE)

    @property
    def selecting(self) -> list[str]:
        """The words that bring cases (not the stop words')."""
        return list(dict.fromkeys(w for _, words, stop in self.concepts if not stop for w, _, _ in words))

    def common(self, word: str) -> bool:
        return self.found_anywhere[word] >= RARITY_CAP

    @property
    def words(self) -> list[str]:
        return list(dict.fromkeys(w for _, words, _ in self.concepts for w, _, _ in words))

    @cached_property
    def related(self) -> set[str]:
        """The words that are only ever a related term (敬老院 for 养老), never a word asked for or its part."""
        best: dict[str, float] = {}
        for concept in self.understood.concepts:
            for w in concept.words:
                best[w.text] = max(best.get(w.text, 0.0), w.weight)
        return {w for w, weight in best.items() if weight < PART_WEIGHT}

    def score(self, row: _Row, summary: dict[str, set], anywhere: dict[str, set]) -> float:
        """BM25 in spirit: per concept the best of its words (its parts together), each
        weight × idf × saturation of where it is; summed; times the document type's factor.
        ``summary``, ``anywhere``: the ids of the cases known to hold each word there."""
        total, pk, tokens = 0.0, row.pk, row.tokens
        for factor, words, _ in self.concepts:
            alone, parts = [], []
            for word, weight, is_part in words:
                values = self.values[(word, weight)]
                in_title, in_summary = word in tokens, pk in summary[word]
                held = in_title or in_summary or pk in anywhere[word]
                (parts if is_part else alone).append(values[in_title, in_summary] if held else 0.0)
            if parts:
                alone.append(sum(parts))
            total += factor * max(alone)
        if self.phrase and self.phrase[0] in row.title.lower():
            total += self.phrase[1]
        return total * DOC_TYPE_FACTOR.get(row.doc_type, 0.8)

    @cached_property
    def values(self) -> dict[tuple[str, float], dict[tuple[bool, bool], float]]:
        """What a word held somewhere weighs, by (in the title, in the summary)."""
        return {
            (word, weight): {
                (t, s): weight * _saturated(TITLE * t + SUMMARY * s + TEXT)
                for t in (False, True)
                for s in (False, True)
            }
            for _, words, _ in self.concepts
            for word, weight, _ in words
        }


def _ranked(queryset, ranking: Ranking, places) -> list[tuple[int, float]]:
    """(id, rank) of the cases of ``queryset`` the tiers found, best first.  When a tier was cut
    short (more cases hold a word than were read), they are at least CANDIDATES."""
    selecting = set(ranking.selecting)
    related = ranking.related & selecting

    def chains(related_limit: int) -> list:
        # The selecting words' cases, best-placed first (a related term's fewer: they rank below the
        # words asked for); the other words' (stop words) only tell where they are, and only for
        # words in fewer than RARITY_CAP cases: a commoner one counts where the title shows it.
        out = [
            (related_limit if w in related else CANDIDATES, [(w, tier) for tier in (*HEAD_TIERS, ANYWHERE)])
            for w in ranking.words
            if w in selecting
        ]
        out += [
            (CANDIDATES, [(w, IN_SUMMARY), (w, ANYWHERE)])
            for w in ranking.words
            if w not in selecting and not ranking.common(w)
        ]
        return out

    limit = min(RELATED_CANDIDATES, CANDIDATES)
    tiers, rows = _read_tiers(queryset, chains(limit), places)
    found = {pk for (w, _), ids in tiers.items() if w in selecting for pk in ids}
    if len(found) < CANDIDATES and any(len(ids) >= limit for (w, _), ids in tiers.items() if w in related):
        # A related term was cut short while the words found fewer cases than a list holds: read
        # it as far as the words asked for, so that the list is never cut without saying so.
        tiers, rows = _read_tiers(queryset, chains(CANDIDATES), places)
        found = {pk for (w, _), ids in tiers.items() if w in selecting for pk in ids}
    summary = {w: set() for w in ranking.words}
    anywhere = {w: set() for w in ranking.words}
    for (w, tier), ids in tiers.items():
        (summary[w] if tier in (BOTH, IN_SUMMARY) else anywhere[w]).update(ids)
    scored = [(ranking.score(rows[pk], summary, anywhere), rows[pk]) for pk in found]
    # Ties: newer first, cases without a year last, then the older id (the lists' own order).
    scored.sort(key=lambda x: (-x[0], x[1].year is None, -(x[1].year or 0), x[1].pk))
    return [(row.pk, rank) for rank, row in scored]


def _number(x: float) -> str:
    return f"{float(x)!r}::float8" if connection.vendor == "postgresql" else repr(float(x))


def _rank_annotation(ranked: list[tuple[int, float]]) -> SQL:
    """rank: the score of each ranked case, 0 for any other (literal numbers: ids and floats)."""
    if not ranked:
        return SQL(_number(0), [], FloatField())
    whens = " ".join(f"WHEN {int(pk)} THEN {_number(rank)}" for pk, rank in ranked)
    return SQL(f"(CASE {{t}}.id {whens} ELSE {_number(0)} END)", [], FloatField())


def apply(queryset, query: str, places=(), literal: bool = False):
    """Cases of ``queryset`` holding any word of ``query``'s concepts — the best CANDIDATES of
    them — annotated with ``rank``, within the places the query names.  ``places``: the
    (level, code) pairs that the list is also filtered by (they narrow the index lookup on
    PostgreSQL).  ``literal`` (the editors' lookups: admin, duplicate check): every word of the
    query as typed, all the cases holding them, the best ranked first."""
    understood = understand(query, literal=literal)
    for place in understood.places:
        queryset = queryset.filter(**{place.level: place.code})
    places = [*places, *((p.level, p.code) for p in understood.places)]
    if not understood.concepts:
        return queryset.annotate(rank=Value(0.0, output_field=FloatField()))
    words = list(dict.fromkeys(w.text for c in understood.concepts for w in c.words))
    # Rarity in the whole library, whatever the places: the same words weigh the same within a place.
    idf, found_anywhere = rarity(words)
    ranking = Ranking(understood, idf, found_anywhere)
    if literal:  # every word, as typed: all the cases holding them, exactly (the index's AND)
        for concept in understood.concepts:
            queryset = queryset.filter(_condition(*_where(concept.token, ANYWHERE, places)))
        return queryset.annotate(rank=_rank_annotation(_ranked(queryset, ranking, places)[:CANDIDATES]))
    if not ranking.selecting:
        return queryset.none().annotate(rank=Value(0.0, output_field=FloatField()))
    ranked = _ranked(queryset, ranking, places)[:CANDIDATES]
    return queryset.filter(pk__in=[pk for pk, _ in ranked]).annotate(rank=_rank_annotation(ranked))


def capped(total: int) -> bool:
    """Whether a search's list of ``total`` cases was cut at CANDIDATES (there may be more)."""
    return total >= CANDIDATES


# ---- snippets -----------------------------------------------------------------------------------


SENTENCE = re.compile(r"[^。！？；\n]*[。！？；\n]?")


def highlight(text: str, query: str, width: int = 120, words: dict[str, float] | None = None) -> list[tuple[str, bool]]:
    """The passage of ``text`` holding most of the query's weight (its words and their related
    terms), as (text, marked) parts: the template escapes them and marks the matches, so that
    no case text is ever passed through as markup."""
    if not text:
        return []
    if words is None:
        words = understand(query).weighted_words if query else {}
    words = {normalize(w).lower(): weight for w, weight in words.items() if w}
    lowered = text.lower()
    start = 0
    if words:
        best = (0.0, 0)
        for m in SENTENCE.finditer(text):
            if not m.group().strip():
                continue
            window = lowered[m.start() : m.start() + width]
            score = sum(weight for w, weight in words.items() if w in window)
            if score > best[0]:
                best = (score, m.start())
        start = best[1] if best[1] >= width // 4 else 0
    snippet = text[start : start + width]
    parts: list[tuple[str, bool]] = [("…", False)] if start else []
    if words:
        pattern = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE)
        at = 0
        for m in pattern.finditer(snippet):
            if m.start() > at:
                parts.append((snippet[at : m.start()], False))
            parts.append((m.group(), True))
            at = m.end()
        snippet = snippet[at:]
    if snippet:
        parts.append((snippet, False))
    if start + width < len(text):
        parts.append(("…", False))
    return parts
