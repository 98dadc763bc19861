"""Cases that are near-identical to a given text: the same case entered or
imported twice.  Candidates come from the search index (the title's words),
so the check stays cheap at any library size; the texts are then compared
with the same shingle measure as the importer's duplicate merge."""

from __future__ import annotations

from . import search
from .ingest.pipeline import near_duplicate, shingles
from .models import Case
from .text import query_tokens

CANDIDATES = 30
# What the comparison reads of a candidate (``Case.full_text`` and the title) and the warning
# shows (status, province): not the search tokens, the importer's memory or the quality flags.
COMPARED = ("slug", "title", "status", "region_label", *Case.SECTIONS, "body")
SHOWN = ("province__name",)


def near_duplicates(title: str, text: str, exclude_pk: int | None = None, limit: int = 5) -> list[Case]:
    if not (title.strip() or text.strip()):
        return []
    queryset = (
        (Case.objects.exclude(pk=exclude_pk) if exclude_pk else Case.objects.all())
        .select_related("province")
        .only(*COMPARED, *SHOWN)
    )
    same_title = list(queryset.filter(title=title.strip())[:CANDIDATES]) if title.strip() else []
    similar = []
    if query_tokens(title):
        similar = list(search.apply(queryset, title, literal=True).order_by("-rank", "pk")[:CANDIDATES])
    seen, out, mine = set(), [], shingles(text)
    for case in same_title + similar:
        if case.pk in seen:
            continue
        seen.add(case.pk)
        if (case.title == title.strip() and not text.strip()) or near_duplicate(case.full_text, mine):
            out.append(case)
        if len(out) >= limit:
            break
    return out
