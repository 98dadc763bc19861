"""The field's vocabulary for search: related-term groups, compound words, pinyin.

* ``fixtures/search/synonyms.txt`` — groups of related words, reviewed like code and
  loaded into the ``Synonym`` table (migration, ``manage.py load_synonyms``), where
  editors add more in the admin.  Search reads the table at query time.
* ``fixtures/search/words.txt`` — the field's compounds that search's tokenizer keeps whole
  (cases/text.py), and words of the pinyin index below.
* Pinyin: the library's words (keywords, themes, related terms, compounds) by their
  full pinyin (yanglao) and initials (ylfw), for users without a Chinese input method.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from .ingest.chinese import syllables
from .text import WORDS_FILE, clean_group

FILES = Path(settings.BASE_DIR) / "fixtures" / "search"
SYNONYMS_FILE = FILES / "synonyms.txt"


def file_groups(path: Path = SYNONYMS_FILE) -> list[list[str]]:
    groups = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and len(words := clean_group(line)) >= 2:
            groups.append(words)
    return groups


def load_synonyms(model) -> tuple[int, int]:
    """The file's groups into the table (``model``: Synonym, or its historical model in a
    migration); groups already there are kept, editors' groups are never removed."""
    created = unchanged = 0
    for words in file_groups():
        _, made = model.objects.get_or_create(words=" ".join(words))
        created += made
        unchanged += not made
    return created, unchanged


def related(words: list[str]) -> dict[str, set[str]]:
    """For each of ``words``, the other words of the groups it stands in (one query)."""
    from django.db.models import Q

    from .models import Synonym

    out: dict[str, set[str]] = {w: set() for w in words}
    if not words:
        return out
    condition = Q()
    for w in words:
        condition |= Q(words__contains=w)
    for group in Synonym.objects.filter(condition).values_list("words", flat=True):
        members = group.split()
        for w in words:
            if w in members:
                out[w].update(m for m in members if m != w)
    return out


def pinyin_keys(word: str) -> tuple[str, str]:
    read = syllables(word)
    return "".join(read), "".join(s[0] for s in read if s)


def vocabulary_words() -> list[str]:
    """The library's words: keywords, theme names, related terms and compounds."""
    from taggit.models import Tag

    from .models import Synonym, Theme

    words = set(Tag.objects.values_list("name", flat=True))
    words.update(Theme.objects.values_list("name", flat=True))
    for group in Synonym.objects.values_list("words", flat=True):
        words.update(group.split())
    words.update(line.split()[0] for line in WORDS_FILE.read_text(encoding="utf-8").splitlines() if line.strip())
    return sorted(w for w in words if re.fullmatch(r"[\u3400-\u9fff]{2,}", w))


@lru_cache(maxsize=4)
def _pinyin_index(words: tuple[str, ...]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    full: dict[str, list[str]] = {}
    initials: dict[str, list[str]] = {}
    for word in words:
        f, i = pinyin_keys(word)
        full.setdefault(f, []).append(word)
        initials.setdefault(i, []).append(word)
    return full, initials


def pinyin_index():
    return _pinyin_index(tuple(vocabulary_words()))


def from_pinyin(letters: str) -> list[str]:
    """The library's words that ``letters`` spell in pinyin (yanglao, yang lao) or abbreviate
    by initials (ylfw: four or more letters, or as many as the word has characters)."""
    key = re.sub(r"[^a-z]", "", letters.lower())
    if len(key) < 2:
        return []
    full, initials = pinyin_index()
    if key in full:
        return full[key]
    return [w for w in initials.get(key, []) if len(w) == len(key)]
