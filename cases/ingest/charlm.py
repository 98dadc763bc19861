"""Language models that judge which candidate reads as Chinese.

Mojibake repair chooses among all the GBK characters that share a known
byte.  Two models judge them:

* a character-bigram model interpolated from three sources: the word-internal
  bigrams of jieba's frequency dictionary (当地, 医保), bigrams of clean prose
  with its punctuation (the seed documents: how often 确 is followed by 。),
  and the document being repaired (好水 where it says 吃好水 elsewhere);
* a word model, the best segmentation into jieba's dictionary words, which
  settles characters inside words (确保 against 确。).
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import pickle
from collections import Counter
from functools import cached_property, lru_cache
from pathlib import Path

import jieba

from .chinese import ANNOTATION, readings, to_simplified

OPENING = set("“‘（《〈【")
CLOSING = set("”’）》〉】")
SENTENCE = set("，。、；：？！")
PUNCTUATION = OPENING | CLOSING | SENTENCE | set("—…·")
# Pages folded to half-width; the models read the full-width forms.
CANONICAL = str.maketrans(",:;!?()", "，：；！？（）")
IMPOSSIBLE_LOGP = math.log(1e-7)

PROSE_CORPUS = Path(__file__).resolve().parents[2] / "fixtures" / "sources"

# Interpolation weights of the sources, renormalized over those that know
# the previous character.
W_DICTIONARY, W_PROSE, W_DOCUMENT, W_UNIGRAM = 0.45, 0.25, 0.2, 0.1
# Nothing closes a pair or ends a clause right after an opening mark or a clause's end.
OPENS_OR_ENDS, CLOSES_OR_ENDS = OPENING | SENTENCE, CLOSING | SENTENCE


def canonical(text: str) -> str:
    return text.translate(CANONICAL)


def _impossible(prev: str, c: str) -> bool:
    return prev in OPENS_OR_ENDS and c in CLOSES_OR_ENDS


class CharBigramModel:
    def __init__(self, unigrams: Counter, bigrams: Counter, prose: Counter, document: Counter | None = None) -> None:
        self.unigrams = unigrams
        self.bigrams = bigrams
        self.prose = prose
        self.document = document or Counter()
        self.total = sum(unigrams.values())
        self._unigram_cache: dict[str, float] = {}
        self.prose_total = sum(v for k, v in prose.items() if len(k) == 1) or 1

    @cached_property
    def _readings_index(self) -> dict[str, list[str]]:
        index: dict[str, list[str]] = {}
        for char in self.unigrams:
            if "\u4e00" <= char <= "\u9fff":
                for reading in readings(char):
                    index.setdefault(reading, []).append(char)
        return index

    def chars_read_as(self, reading: str) -> list[str]:
        """The characters the model knows that have this (tone-marked) reading."""
        return self._readings_index.get(reading, [])

    def with_document(self, text: str) -> CharBigramModel:
        """The same model, also trained on one (simplified) document."""
        return CharBigramModel(self.unigrams, self.bigrams, self.prose, _ngram_counts(canonical(text)))

    def unigram_p(self, c: str) -> float:
        cached = self._unigram_cache.get(c)
        if cached is None:
            cached = self._unigram_cache[c] = self._unigram_p(c)
        return cached

    def _unigram_p(self, c: str) -> float:
        if c in PUNCTUATION:
            return (self.prose.get(c, 0) + 1) / self.prose_total
        return (self.unigrams.get(c, 0) + 0.5) / (self.total + 0.5 * len(self.unigrams))

    def logp(self, prev: str, c: str) -> float:
        """log P(c | prev), interpolated over the sources that know ``prev``."""
        if _impossible(prev, c):
            return IMPOSSIBLE_LOGP
        # The same interpolation as a dict of parts, unrolled: this runs millions of times per document.
        total = W_UNIGRAM * self.unigram_p(c)
        weight = W_UNIGRAM
        count = self.unigrams.get(prev)
        if count:
            total += W_DICTIONARY * self.bigrams.get(prev + c, 0) / count
            weight += W_DICTIONARY
        count = self.prose.get(prev, 0)
        if count >= 5:
            total += W_PROSE * self.prose.get(prev + c, 0) / count
            weight += W_PROSE
        count = self.document.get(prev)
        if count:
            total += W_DOCUMENT * self.document.get(prev + c, 0) / count
            weight += W_DOCUMENT
        return math.log(total / weight)

    def between(self, left: str, text: str, right: str) -> float:
        """What ``text`` adds to the score of left + text + right (canonical,
        simplified strings): enough to rank candidates for the same place."""
        chars = left[-1:] + text + right[:1]
        total = 0.0 if left else math.log(self.unigram_p(chars[0]))
        logp = self.logp
        for a, b in zip(chars, chars[1:], strict=False):
            total += logp(a, b)
        return total

    def score(self, text: str) -> float:
        """Total log-probability of a simplified string, first character by unigram."""
        text = canonical(text)
        return self.between("", text, "") if text else 0.0


def _ngram_counts(text: str) -> Counter:
    counts = Counter(text[i : i + 2] for i in range(len(text) - 1))
    counts.update(text)
    return counts


def prose_counts(folder: Path = PROSE_CORPUS) -> Counter:
    """Unigrams and bigrams of clean prose: the seed texts, minus damaged lines."""
    counts: Counter = Counter()
    for path in sorted(folder.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if "?" in line:
                continue  # a damaged run would teach its own mistakes
            counts.update(_ngram_counts(canonical(to_simplified(ANNOTATION.sub("", line)))))
    return counts


def _dictionary_path() -> str:
    return str(Path(jieba.__file__).parent / "dict.txt")


def _cache_file() -> Path:
    """A cache keyed on the inputs: jieba's dictionary and the prose corpus."""
    digest = hashlib.sha256()
    for path in [Path(_dictionary_path()), *sorted(PROSE_CORPUS.glob("*.txt"))]:
        stat = path.stat()
        digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    digest.update(Path(__file__).read_bytes())
    folder = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "rural-case-library"
    return folder / f"charlm-{digest.hexdigest()[:16]}.pickle"


@lru_cache(maxsize=1)
def model() -> CharBigramModel:
    """The model, rebuilt from its inputs when they change (about 3 s), else read from a cache."""
    cache = _cache_file()
    try:
        with open(cache, "rb") as fh:
            return CharBigramModel(*pickle.load(fh))
    except (OSError, EOFError, pickle.UnpicklingError, TypeError):
        pass
    built = _build_model()
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            pickle.dump((built.unigrams, built.bigrams, built.prose), fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(cache)
    except OSError:
        pass  # a read-only home only costs time
    return built


def _build_model() -> CharBigramModel:
    unigrams: Counter = Counter()
    bigrams: Counter = Counter()
    with open(_dictionary_path(), encoding="utf-8") as fh:
        for line in fh:
            parts = line.split(" ")
            if len(parts) < 2:
                continue
            word, freq = parts[0], int(parts[1])
            for c in word:
                unigrams[c] += freq
            for i in range(len(word) - 1):
                bigrams[word[i : i + 2]] += freq
    return CharBigramModel(unigrams, bigrams, prose_counts())


class WordModel:
    """Best-segmentation log-probability under jieba's unigram word model."""

    PUNCT_SHARE = 0.04  # punctuation marks are about one token in twenty-five
    DOCUMENT_WORD_FREQ = 300  # a pair the document uses elsewhere counts as a modest word

    def __init__(self) -> None:
        dt = jieba.dt
        dt.check_initialized()
        self.freq = dt.FREQ
        self.logtotal = math.log(dt.total)

    def word_logp(self, word: str, document: Counter | None = None) -> float:
        if len(word) == 1 and word in PUNCTUATION:
            return math.log(self.PUNCT_SHARE)
        freq = self.freq.get(word) or 0
        if document is not None and len(word) == 2:
            freq += self.DOCUMENT_WORD_FREQ * document.get(word, 0)
        return math.log(freq or 1) - self.logtotal

    def score(self, text: str, document: Counter | None = None) -> float:
        text = canonical(text)
        n = len(text)
        best = [0.0] + [-math.inf] * n
        for end in range(1, n + 1):
            for start in range(max(0, end - 6), end):
                word = text[start:end]
                if end - start > 1 and not self.freq.get(word) and not (document and document.get(word)):
                    continue
                value = best[start] + self.word_logp(word, document)
                if value > best[end]:
                    best[end] = value
        return best[n]


@lru_cache(maxsize=1)
def word_model() -> WordModel:
    jieba.setLogLevel(logging.WARNING)
    return WordModel()
