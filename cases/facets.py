"""Facet counts over the current filtered list, and the links that change it.

Counts are taken on the filtered queryset itself, so a count is exactly the
number of results that following its link gives (themes combine with AND).
The total and every facet are counted in one statement, whatever the number
of cases.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from . import pagecache
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


def counts(queryset) -> dict:
    """The total and every facet's rows in one statement: the filtered list is
    evaluated once (a search once, not five times), then grouped four ways.
    Kept under the public version and the statement itself (cases/pagecache.py):
    the home page, the statistics and every page and order of a list share them.

    A filtered list holds each case once (themes and keywords are matched by
    one join each, on unique links), so plain COUNT(*) is exact."""
    try:
        inner, params = queryset.order_by().values_list("pk", "province_id", "doc_type", "year").query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing (an empty choice)
        return {"total": 0, "province": [], "theme": [], "doc_type": [], "year": []}
    return pagecache.kept(lambda: _counted(inner, params), "counts", inner, params)


def places_counted(queryset) -> list[tuple]:
    """(county, prefecture, province, the county's type, terrain, number of cases) of the list's
    cases, kept like ``counts`` (the order of places like mine reads them)."""
    grouped = queryset.order_by().values_list("county", "prefecture", "province", "terrain").annotate(n=Count("pk"))
    try:
        sql, params = grouped.query.sql_with_params()
    except EmptyResultSet:
        return []

    def counted():  # grouped in the index's order, then each county's type (a join would sort 100,000 rows)
        kinds = dict(Region.objects.filter(level="county").values_list("code", "kind"))
        return [(c, pf, pv, kinds.get(c, ""), t, n) for c, pf, pv, t, n in grouped]

    return pagecache.kept(counted, "places", sql, params)


def _counted(inner: str, params) -> dict:
    materialized = "MATERIALIZED" if connection.vendor == "postgresql" else ""
    sql = f"""
        WITH m (id, province, doc_type, year) AS {materialized} ({inner})
        SELECT 'total', NULL, COUNT(*) FROM m
        UNION ALL SELECT 'province', CAST(province AS TEXT), COUNT(*) FROM m WHERE province IS NOT NULL
            GROUP BY province
        UNION ALL SELECT 'doc_type', CAST(doc_type AS TEXT), COUNT(*) FROM m GROUP BY doc_type
        UNION ALL SELECT 'year', CAST(year AS TEXT), COUNT(*) FROM m WHERE year IS NOT NULL GROUP BY year
        UNION ALL SELECT 'theme', CAST(link.theme_id AS TEXT), COUNT(*)
            FROM m JOIN {Case.themes.through._meta.db_table} link ON link.case_id = m.id GROUP BY link.theme_id
    """
    rows: dict[str, list] = {"total": [], "province": [], "doc_type": [], "year": [], "theme": []}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for facet, value, n in cursor.fetchall():
            rows[facet].append((value, n))
    themes = {t.pk: t for t in Theme.objects.all()}
    return {
        "total": rows["total"][0][1],
        "province": sorted(rows["province"], key=lambda r: (-r[1], r[0])),
        "theme": [
            (themes[int(pk)].slug, n) for pk, n in sorted(rows["theme"], key=lambda r: themes[int(r[0])].position)
        ],
        "doc_type": sorted(rows["doc_type"], key=lambda r: (-r[1], r[0])),
        "year": sorted(((int(y), n) for y, n in rows["year"]), reverse=True),
    }


def facets(queryset, params: QueryDict, data: dict | None = None) -> list[Facet]:
    data = data if data is not None else counts(queryset)
    province_rows = data["province"]
    names = {r.code: r.display_name for r in Region.objects.filter(code__in=[r[0] for r in province_rows])}
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
    chosen = ("doc_type", "county_kind", "macro_region", "terrain")  # shown by their choice's label
    keys = ("q", "province", "prefecture", "county", "tag", *chosen, "source", "year_min", "year_max")
    for key in (*keys, "has_figures", "investment_min", "investment_max"):
        value = data.get(key)
        if value in (None, ""):
            continue
        label = dict(case_filter.form.fields[key].choices).get(value, value) if key in chosen else value
        if key == "has_figures":
            label = _("有关键数据")
        prefix = {
            "year_min": "≥",
            "year_max": "≤",
            "q": "“",
            "investment_min": _("投资≥"),
            "investment_max": _("投资≤"),
        }
        prefix = prefix.get(key, "")
        suffix = {"q": "”", "investment_min": _("万元"), "investment_max": _("万元")}.get(key, "")
        chips.append((f"{prefix}{label}{suffix}", url_with(params, key, None, add=False)))
    for theme in data.get("theme") or []:
        chips.append((theme.display_name, url_with(params, "theme", theme.slug, add=False, multiple=True)))
    return chips
