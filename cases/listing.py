"""The cases of a filtered list in their order, page by page, and their cards.

Ordering a broad search (30,000 matches ranked by where their words are) costs
far more than showing 20 cases, so the first ``DEPTH`` ids of a list, in order,
are cached beside its counts and under the same versions (cases/freshness.py):
they stay true until a change that could move them.  What a page shows is
always checked against the cases as they are now, among published cases only —
a cached id can never show a case that has since been withdrawn.
"""

from __future__ import annotations

from django.core.cache import cache
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from .caching import CACHE_SECONDS, digest, get_or_compute
from .facets import cache_key
from .models import Case
from .search import highlight

DEPTH = 400  # 20 pages of 20
CACHED_SORTS = {"relevance", "newest"}  # by title: any edited title could move a case


class OrderedIds:
    """A sliceable view of a filtered, ordered queryset's ids, for a paginator."""

    def __init__(self, queryset, params, sort: str, tag: str | None = None):
        self.queryset = queryset
        self.key = cache_key(f"order-{sort}", params, tag) if sort in CACHED_SORTS else None
        self._ids: list[int] | None = None

    def ids(self) -> list[int]:
        """The first DEPTH + 1 ids (one more tells whether the list goes on)."""
        if self._ids is None:
            self._ids = get_or_compute(
                self.key, lambda: list(self.queryset.values_list("pk", flat=True)[: DEPTH + 1]), CACHE_SECONDS
            )
        return self._ids

    def __getitem__(self, window: slice) -> list[int]:
        if self.key is None or window.stop > DEPTH and len(self.ids()) > DEPTH:
            return list(self.queryset.values_list("pk", flat=True)[window])
        return self.ids()[window]


def published_in_order(ids: list[int], cases) -> list[Case]:
    """The published ones among ``ids``, loaded from the queryset ``cases``, in that order."""
    found = cases.published().in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def published_versions(ids: list[int]) -> dict[int, int]:
    """The version of each of ``ids`` that is published now (every save bumps a case's version)."""
    return dict(Case.objects.published().filter(pk__in=ids).values_list("pk", "version"))


def per_case(ids: list[int], kind: str, draw, versions=None) -> list:
    """What ``draw(missing_ids) -> {pk: value}`` makes of each published case among ``ids``, in order.

    Each value is cached under ``kind`` (what it depends on besides the case) and the
    case's own version (``versions``, read if not given): only the values of changed
    cases are made again.  Cases that are no longer published are left out."""
    versions = published_versions(ids) if versions is None else versions
    keys = {pk: f"{kind}:{pk}.{versions[pk]}" for pk in ids if pk in versions}
    found = cache.get_many(list(keys.values()))
    missing = [pk for pk, key in keys.items() if key not in found]
    if missing:
        drawn = {keys[pk]: value for pk, value in draw(missing).items() if pk in keys}
        cache.set_many(drawn, CACHE_SECONDS)
        found.update(drawn)
    return [found[key] for key in keys.values() if key in found]


def case_cards(ids: list[int], query: str = "", tag: str = "", versions=None) -> list[str]:
    """The HTML of the case cards of a page (includes/case_card.html), in order.

    A card depends on its case, the list's versions (``tag``: themes, places and names of
    the library), the language and the query its snippet highlights."""

    def draw(missing):
        cards = {}
        for case in Case.objects.published().for_cards().filter(pk__in=missing):
            case.snippet = highlight(case.summary or case.body, query) if query else None
            cards[case.pk] = render_to_string("includes/case_card.html", {"case": case})
        return cards

    kind = f"card:{tag}:{get_language()}:{digest(query) if query else ''}"
    return [mark_safe(card) for card in per_case(ids, kind, draw, versions=versions)]  # autoescaped


class CountedPaginator(Paginator):
    """A paginator told its count (cached with the facets) instead of counting again."""

    def __init__(self, *args, known_count: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.known_count = known_count

    @property
    def count(self):
        return self.known_count
