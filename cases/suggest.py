"""Help around a search: what the query was understood as, suggestions while typing, and
alternatives when a search finds few or no cases.

* ``understood_help``: the places taken from the query as removable chips (四川 养老 →
  地区：四川省 ×), the choice between same-named places (two 宝山区), pinyin read as words.
* ``suggestions``: the library's words and places that start with (or are spelled in
  pinyin by) what is typed, with their numbers of published cases — a small JSON for
  ``static/js/suggest.js``.
* ``alternatives``: on a page with few results, "did you mean" (a library word that
  sounds the same or differs by one character), the same search without its narrowest
  filter and its count, and the themes of the cases the words find anywhere.
"""

from __future__ import annotations

import functools
import re

from django.db.models import Count
from django.http import QueryDict

from . import pagecache, search, text, vocabulary
from .ingest.regions import LEVELS
from .models import Case, Theme

FEW = 1  # results below which a page offers alternatives: an empty page (the query count stays that of any list)
SHOWN = 6  # suggestions of each kind
COUNTED = 100  # suggestion counts are exact up to this number (then "100+")


def published_counts(words: list[str]) -> dict[str, int]:
    """How many published cases hold each word, counted up to COUNTED: kept under the public
    version (cases/pagecache.py), each word's apart, so that typing on (养, 养老 …) counts only
    the words not counted since the library last changed, in one statement."""
    if not words:
        return {}
    count = functools.partial(search.holding, limit=COUNTED, status=Case.Status.PUBLISHED)
    return pagecache.kept_each(count, "suggest: published cases holding", list(words))


def _url(params: QueryDict, **changes) -> str:
    params = params.copy()
    params.pop("page", None)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + params.urlencode()


def matching_words(typed: str) -> list[str]:
    """Library words starting with ``typed`` (or spelled by it in pinyin), then containing it."""
    typed = text.normalize(typed).strip().lower()
    if not typed:
        return []
    words = vocabulary.vocabulary_words()
    if re.fullmatch(r"[a-z' ]+", typed):
        key = re.sub(r"[^a-z]", "", typed)
        full, initials = vocabulary.pinyin_index()
        found = [w for k, ws in full.items() if k.startswith(key) for w in ws]
        found += [w for w in initials.get(key, []) if w not in found]
        return sorted(found, key=len)[: SHOWN * 2]
    starting = [w for w in words if w.startswith(typed)]
    containing = [w for w in words if typed in w and w not in starting]
    return (sorted(starting, key=len) + sorted(containing, key=len))[: SHOWN * 2]


def matching_places(typed: str) -> list[tuple[str, str, str]]:
    """(level, code, path) of places whose name or short name starts with ``typed``."""
    typed = text.normalize(typed).strip()
    if not re.match(r"[\u3400-\u9fff]", typed):
        return []
    gz = search.gazetteer()
    codes = []
    for names in (gz.full, gz.stems):
        for name, found in names.items():
            if name.startswith(typed):
                codes += [c for c in found if c not in codes]
    places = [gz.places[c] for c in codes]
    places.sort(key=lambda p: (LEVELS.index(p.level), len(p.name), p.code))
    return [(p.level, p.code, gz.path(p.code)) for p in places[: SHOWN * 2]]


def suggestions(typed: str) -> dict:
    """What the search box offers for ``typed``: words and places with their counts."""
    words = matching_words(typed)
    counted = published_counts(words)
    terms = [{"term": w, "count": n} for w in words if (n := counted[w])][:SHOWN]
    places = []
    for level, code, path in matching_places(typed):
        n = Case.objects.published().filter(**{level: code}).count()
        if n:
            places.append({"name": path, "level": level, "code": code, "count": n})
        if len(places) >= SHOWN // 2:
            break
    return {"q": typed, "terms": terms, "places": places, "capped": COUNTED}


def understood_help(params: QueryDict) -> dict:
    """Place chips, same-named places to choose from, pinyin read as words."""
    query = params.get("q", "")
    if not query:
        return {}
    understood = search.understand(query)
    rest = understood.without_places()
    # Removing the place searches the other words everywhere.
    chips = [{"label": place.name, "url": _url(params, q=rest or None)} for place in understood.places]
    choices = [
        {
            "said": said,
            "options": [
                {
                    "label": search.gazetteer().path(place.code),
                    "url": _url(
                        params, q=" ".join(query.replace(said, " ").split()) or None, **{place.level: place.code}
                    ),
                }
                for place in places
            ],
        }
        for said, places in understood.ambiguous
    ]
    # The words the cards' snippets mark: understood once for the page, not once per card.
    marks = understood.weighted_words
    return {"place_chips": chips, "place_choices": choices, "pinyin": understood.pinyin, "marks": marks}


NARROWEST_FIRST = ("county", "prefecture", "province", "source", "tag", "theme", "doc_type", "year_min", "year_max")


def alternatives(params: QueryDict, total: int) -> dict:
    """For a page with fewer than FEW results: did you mean, without the narrowest filter, themes."""
    from .filters import CaseFilter

    query = params.get("q", "")
    if total >= FEW or not query.strip():
        return {}
    out = {}
    understood = search.understand(query)
    tokens = [c.token for c in understood.concepts if not c.stop]
    better = {token: alike for token in tokens if (alike := did_you_mean(token)) is not None}
    if better:
        corrected = understood.text
        for token, alike in better.items():
            corrected = corrected.replace(token, alike)
        out["did_you_mean"] = {"q": corrected, "url": _url(params, q=corrected)}
    narrowest = next((key for key in NARROWEST_FIRST if params.get(key)), None)
    if narrowest:
        wider = params.copy()
        wider.pop(narrowest)
        wider.pop("page", None)
        count = CaseFilter(wider, queryset=Case.objects.published()).qs.count()
        if count:
            value = params.get(narrowest)
            place = search.gazetteer().places.get(value) if narrowest in LEVELS else None
            label = place.name if place else value
            out["wider"] = {"dropped": label, "count": count, "url": "?" + wider.urlencode()}
    anywhere = search.apply(Case.objects.published(), query)
    themes = (
        Theme.objects.filter(case__in=anywhere.values("pk")).annotate(n=Count("case")).order_by("-n", "position")[:4]
    )
    out["themes"] = [
        {"name": t.display_name, "count": t.n, "url": _url(QueryDict(), q=query, theme=t.slug)} for t in themes
    ]
    return out


def did_you_mean(token: str) -> str | None:
    """A library word that sounds like ``token`` (养劳 → 养老) or differs by one character,
    when ``token`` itself is not in the library's words and that word is in some case."""
    if len(token) < 2 or not re.fullmatch(r"[\u3400-\u9fff]+", token):
        return None
    words = vocabulary.vocabulary_words()
    if token in words:
        return None
    full, _ = vocabulary.pinyin_index()
    sound, _ = vocabulary.pinyin_keys(token)
    candidates = [w for w in full.get(sound, []) if w != token]
    candidates += [w for w in words if len(w) == len(token) and sum(a != b for a, b in zip(w, token, strict=True)) == 1]
    candidates = list(dict.fromkeys(candidates))[:10]
    counted = published_counts(candidates)
    found = [w for w in candidates if counted[w]]
    return max(found, key=lambda w: counted[w]) if found else None
