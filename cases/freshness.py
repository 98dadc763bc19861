"""When cached counts of a filtered list stop being true, and nothing else.

The counts of a list (its total and its facets) depend on which cases are
published and on their *counted fields*: places, type, year, source, themes
and keywords.  A search's counts depend, in addition, on which published
cases contain the words of the query.

So the cache keys carry two kinds of version, both kept in the database (every
app server sees the same ones, in the same transaction as the change):

* the library version (``LibraryState.version``), bumped when a case enters
  or leaves the published set or a published case's counted fields change;
* a version per word (``WordVersion``), bumped when a published case gains or
  loses that word in its title or text.  A search's key holds the versions of
  its own words only.

An editor correcting a published case's title or text therefore leaves every
list page's counts cached, and only the searches for the words they added or
removed are counted again.  Editing a draft touches no count at all.

Words are compared as the word pieces (letters and digits) of the search
tokens: PostgreSQL's parser may split a token further (``a-b`` into ``a`` and
``b``), never across pieces, so comparing pieces never misses a change.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass

from django.db import models, transaction

PIECE = re.compile(r"\w+")
MAX_PIECE = 64

# The fields a filter or a facet reads (themes and keywords: see ``relations_changed``).
COUNTED_FIELDS = ("status", "province_id", "prefecture_id", "county_id", "doc_type", "year", "source_id")


def pieces(tokens: str) -> set[str]:
    """The word pieces of stored search tokens or of a query's tokens."""
    return {p[:MAX_PIECE] for p in PIECE.findall(tokens.lower())}


@dataclass(frozen=True)
class Counted:
    """What the counts know of one case."""

    fields: tuple
    words: frozenset[str]

    @property
    def published(self) -> bool:
        return self.fields[0] == "published"


def stored_state(case_model, pk) -> tuple[int | None, Counted | None]:
    """(version, counted state) of a case as stored, or (None, None) for a new one."""
    row = (
        case_model.objects.filter(pk=pk).values_list("version", "search_title", "search_body", *COUNTED_FIELDS).first()
    )
    if row is None:
        return None, None
    version, title, body, *fields = row
    return version, Counted(tuple(fields), frozenset(pieces(title) | pieces(body)))


def current_state(case) -> Counted:
    return Counted(
        tuple(getattr(case, name) for name in COUNTED_FIELDS),
        frozenset(pieces(case.search_title) | pieces(case.search_body)),
    )


def case_saved(before: Counted | None, after: Counted) -> None:
    """Bump what a save changed, in the save's transaction."""
    if not (before and before.published) and not after.published:
        return  # drafts and cases in review are in no count
    if before is None or before.fields != after.fields:
        bump_library()
    elif before.words != after.words:
        bump_words(before.words ^ after.words)


def case_deleted(case) -> None:
    if case.status == "published":
        bump_library()


def relations_changed(case) -> None:
    """Themes or keywords of a case (None: of some cases) were added, removed or cleared."""
    if case is None or case.status == "published":
        bump_library()


# ---- The versions ----------------------------------------------------------------------------


def _state_model():
    from .models import LibraryState

    return LibraryState


def new_epoch() -> str:
    return secrets.token_hex(8)


def library_version() -> int:
    return _state_model().objects.filter(pk=1).values_list("version", flat=True).first() or 0


def library_tag() -> str:
    epoch, version = _state_model().objects.filter(pk=1).values_list("epoch", "version").first() or ("", 0)
    return f"{epoch}.{version}"


def library_of(tag: str) -> str:
    """The library's part of a list's tag (``version_tag``), without its words' versions."""
    return tag.split(":", 1)[0]


def bump_library() -> None:
    state = _state_model()
    if not state.objects.filter(pk=1).update(version=models.F("version") + 1):
        state.objects.get_or_create(pk=1, defaults={"version": 1})


def bump_words(words: set[str] | frozenset[str]) -> None:
    """Give each word a new version: one counter for the library, one upsert."""
    from .models import WordVersion

    if not words:
        return
    state = _state_model()
    with transaction.atomic():
        if not state.objects.filter(pk=1).update(word_clock=models.F("word_clock") + 1):
            state.objects.get_or_create(pk=1, defaults={"word_clock": 1})
        clock = state.objects.filter(pk=1).values_list("word_clock", flat=True).get()
        WordVersion.objects.bulk_create(
            [WordVersion(word=word, version=clock) for word in sorted(words)],
            update_conflicts=True,
            unique_fields=["word"],
            update_fields=["version"],
        )


def word_versions(words: set[str]) -> list[tuple[str, int]]:
    from .models import WordVersion

    if not words:
        return []
    return sorted(WordVersion.objects.filter(word__in=words).values_list("word", "version"))


def version_tag(query_tokens: tuple[str, ...] = ()) -> str:
    """What a cached count of a list (searching for ``query_tokens``) must match to be true."""
    tag = library_tag()
    words = set().union(*(pieces(t) for t in query_tokens)) if query_tokens else set()
    if words:
        versions = ",".join(f"{w}={v}" for w, v in word_versions(words))
        tag += ":" + hashlib.sha1(versions.encode("utf-8")).hexdigest()[:16]
    return tag
