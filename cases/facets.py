"""Facet counts over the current filtered list, and the links that change it.

Counts are taken on the filtered queryset itself, so a count is exactly the
number of results that following its link gives (themes combine with AND).
Each facet costs one query, whatever the number of cases, and the counts of
a filter are cached until the next change to any case (``cache_key``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from .models import Case, Region, Theme


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    active: bool
    url: str


@dataclass
class Facet:
    name: str
    label: str
    values: list[FacetValue]


def _url(params: QueryDict, changes: dict[str, list[str]]) -> str:
    """The query string with each key of ``changes`` set to its values (none: removed); the page number is dropped."""
    query = params.copy()
    query.pop("page", None)
    for key, values in changes.items():
        query.setlist(key, values)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


def url_with(params: QueryDict, key: str, value: str | None, *, add: bool = True, multiple: bool = False) -> str:
    """The query string with ``key=value`` added or removed."""
    if multiple:
        values = [v for v in params.getlist(key) if v != value]
        if add and value is not None:
            values.append(value)
    else:
        values = [value] if add and value is not None else []
    changes = {key: values}
    # Narrower places make no sense once their parent changes.
    if key == "province":
        changes.update(prefecture=[], county=[])
    if key == "prefecture":
        changes["county"] = []
    return _url(params, changes)


def _values(params, key, rows, labels, multiple=False):
    selected = set(params.getlist(key))
    out = []
    for value, count in rows:
        value = str(value)
        active = value in selected
        out.append(
            FacetValue(
                value,
                labels.get(value, value),
                count,
                active,
                url_with(params, key, value, add=not active, multiple=multiple),
            )
        )
    return out


FILTER_KEYS = ("q", "province", "prefecture", "county", "theme", "tag", "doc_type", "year_min", "year_max", "source")
CACHE_SECONDS = 3600


def cache_key(kind: str, params: QueryDict) -> str:
    """A key for what a filtered list counts: the filters (not the page or the
    order) and the library's version, which every change to a case bumps."""
    from .models import library_version

    parts = [f"{k}={v}" for k in FILTER_KEYS for v in sorted(params.getlist(k)) if v]
    digest = hashlib.sha1("&".join(parts).encode("utf-8")).hexdigest()
    return f"{kind}:{library_version()}:{digest}"


def counts(queryset, params: QueryDict) -> dict:
    """Facet rows and the total of a filtered list: four GROUP BYs and a COUNT,
    or one cache read when the same filters were counted since the last edit."""
    key = cache_key("counts", params)
    data = cache.get(key)
    if data is None:
        data = _count(queryset.order_by())
        cache.set(key, data, CACHE_SECONDS)
    return data


def _count(queryset) -> dict:
    return {
        "total": queryset.count(),
        "province": list(
            queryset.exclude(province=None)
            .values_list("province")
            .annotate(n=Count("pk", distinct=True))
            .order_by("-n", "province")
        ),
        "theme": list(
            Theme.objects.filter(case__in=queryset.values("pk"))
            .values_list("slug")
            .annotate(n=Count("case", distinct=True))
            .order_by("position")
        ),
        "doc_type": list(queryset.values_list("doc_type").annotate(n=Count("pk", distinct=True)).order_by("-n")),
        "year": list(
            queryset.exclude(year=None).values_list("year").annotate(n=Count("pk", distinct=True)).order_by("-year")
        ),
    }


def facets(queryset, params: QueryDict, data: dict | None = None) -> list[Facet]:
    data = data if data is not None else counts(queryset, params)
    province_rows = data["province"]
    names = dict(Region.objects.filter(code__in=[r[0] for r in province_rows]).values_list("code", "name"))
    theme_names = {t.slug: t.display_name for t in Theme.objects.all()}
    type_names = {k: str(v) for k, v in Case.DocType.choices}
    year_facet = []
    selected_year = params.get("year_min") if params.get("year_min") == params.get("year_max") else None
    for year, count in data["year"]:
        year = str(year)
        active = year == selected_year
        bounds = [] if active else [year]
        year_facet.append(FacetValue(year, year, count, active, _url(params, {"year_min": bounds, "year_max": bounds})))
    return [
        Facet("province", str(_("省份")), _values(params, "province", province_rows, names)),
        Facet("theme", str(_("主题")), _values(params, "theme", data["theme"], theme_names, multiple=True)),
        Facet("doc_type", str(_("类型")), _values(params, "doc_type", data["doc_type"], type_names)),
        Facet("year", str(_("年份")), year_facet),
    ]


def active_filters(case_filter, params: QueryDict) -> list[tuple[str, str]]:
    """(label, removal URL) for every filter in use: the removable chips."""
    if not case_filter.is_bound or not case_filter.form.is_valid():
        return []
    chips = []
    data = case_filter.form.cleaned_data
    for key in ("q", "province", "prefecture", "county", "tag", "doc_type", "source", "year_min", "year_max"):
        value = data.get(key)
        if value in (None, ""):
            continue
        label = dict(Case.DocType.choices).get(value, value) if key == "doc_type" else value
        prefix = {"year_min": "≥", "year_max": "≤", "q": "“"}.get(key, "")
        suffix = "”" if key == "q" else ""
        chips.append((f"{prefix}{label}{suffix}", url_with(params, key, None, add=False)))
    for theme in data.get("theme") or []:
        chips.append((theme.display_name, url_with(params, "theme", theme.slug, add=False, multiple=True)))
    return chips
