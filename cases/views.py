import io

import segno
from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, F
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from . import citations, compare, documents, export, limits, pagecache, search
from . import release as releases
from .facets import active_filters, counts, facets, places_counted
from .filters import CaseFilter, InvalidFilter, ignored_filters, strict
from .models import Case, KeyFigure, Region, Release, Source, Theme
from .places import Terrain
from .suggest import alternatives, suggestions, understood_help
from .text import MAX_QUERY

PAGE_SIZE = 20


@require_GET
def home(request):
    """The library at a glance: counts by theme and province (and the map), the newest cases.
    Only cases (案例): news, notices, reports and commentary are in the list, by type."""
    published = Case.objects.published().cases_only()
    counted = counts(published)
    by_theme = dict(counted["theme"])
    themes = list(Theme.objects.order_by("position"))
    for theme in themes:
        theme.n = by_theme.get(theme.slug, 0)
    names = {r.code: r.display_name for r in Region.objects.filter(level="province")}
    provinces = sorted(counted["province"])
    newest = published.for_cards().order_by(F("year").desc(nulls_last=True), "-pk")[:6]
    context = {
        "total": counted["total"],
        "themes": themes,
        "provinces": [(code, names[code], n) for code, n in provinces],
        "province_counts": dict(provinces),
        "newest": newest,
        **_county_dots(published, request.GET.get("map", "")),
    }
    return render(request, "cases/home.html", context)


def _county_dots(published, code: str) -> dict:
    """The map's county-level dots for one province (?map=510000): each county with published cases,
    at its seat, with its count; and the same as a list, for readers without the map."""
    province = Region.objects.filter(code=code, level="province").first() if code.isdigit() else None
    if province is None:
        return {"map_province": None}
    per_county = dict(
        published.filter(province=province, county__isnull=False)
        .values_list("county")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counties = Region.objects.filter(code__in=per_county).order_by("code")
    dots = [
        {"code": c.code, "name": c.display_name, "value": [c.longitude, c.latitude, per_county[c.code]]}
        for c in counties
        if c.point
    ]
    listed = [(c.code, c.display_name, per_county[c.code]) for c in counties]
    return {"map_province": province, "county_dots": dots, "county_counts": listed}


# ---- 我的县: an official's own county, kept in a cookie (no account) -------------------------

MINE_COOKIE = "mine"  # "510122" or "510122.mountain": my county's code and, if told, its terrain


def my_place(request) -> tuple[Region | None, str]:
    """My county (with its province) and my terrain, from the cookie; (None, "") when unset or unknown."""
    code, _, terrain = request.COOKIES.get(MINE_COOKIE, "").partition(".")
    if not (len(code) == 6 and code.isdigit()):
        return None, ""
    county = Region.objects.filter(code=code, level="county").select_related("parent__parent").first()
    return county, terrain if county and terrain in Terrain.values else ""


@require_http_methods(["GET", "POST"])
def mine(request):
    """Choose my county once: a province, then one of its counties (two plain forms, no JavaScript
    needed); kept in a cookie for a year.  ``next``: where to go back to."""
    back = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = ""
    if request.method == "POST":
        response = redirect(back or reverse("mine"))
        if "clear" in request.POST:
            response.delete_cookie(MINE_COOKIE)
            return response
        county = Region.objects.filter(code=request.POST.get("county", ""), level="county").first()
        terrain = request.POST.get("terrain", "")
        if county is None or (terrain and terrain not in Terrain.values):
            return mine_form(request, back, error=gettext("请选择一个区县。"), status=400)
        value = county.code + (f".{terrain}" if terrain else "")
        response.set_cookie(MINE_COOKIE, value, max_age=365 * 24 * 3600, samesite="Lax")
        return response
    return mine_form(request, back)


def mine_form(request, back: str, error: str = "", status: int = 200):
    current, current_terrain = my_place(request)
    province_code = request.GET.get("province") or (current.code[:2] + "0000" if current else "")
    province = Region.objects.filter(code=province_code, level="province").first()
    counties = []
    if province:
        counties = list(
            Region.objects.filter(level="county", code__startswith=province.code[:2])
            .select_related("parent")
            .order_by("code")
        )
    context = {
        "current": current,
        "current_terrain": current_terrain,
        "provinces": Region.objects.filter(level="province").exclude(code__in=["710000", "810000", "820000"]),
        "province": province,
        "counties": counties,
        "terrains": Terrain.choices,
        "next": back,
        "error": error,
    }
    response = render(request, "cases/mine.html", context, status=status)
    patch_cache_control(response, private=True, no_cache=True)  # my choice, not anybody's page
    return response


@require_GET
def case_list(request):
    """A filtered list's page: FilterSet, paginate, render (the whole page is cached, cases/pagecache.py)."""
    if request.GET.get("sort") == "like_mine" and not request.GET.get("mine"):
        return _to_like_mine(request)
    case_filter = CaseFilter(request.GET or None, queryset=Case.objects.published())
    counted = counts(case_filter.qs)
    like_mine = case_filter.sort_order == "like_mine"
    paginator = Paginator(case_filter.qs.for_cards(), PAGE_SIZE)
    paginator.count = counted["total"]  # counted with the facets: not counted again
    page = paginator.get_page(request.GET.get("page"))
    if like_mine:  # the page's cases found place by place, not by ordering every listed case
        start = (page.number - 1) * PAGE_SIZE
        places = places_counted(case_filter.qs)
        ids = case_filter.qs.like_mine_page(case_filter.likeness, places, start, start + PAGE_SIZE)
        page.object_list = Case.objects.for_cards().in_order(ids)
    case_filter.narrow_choices()
    context = {
        "understood": understood_help(request.GET),
        "alternatives": alternatives(request.GET, counted["total"]),
        "filter": case_filter,
        "page": page,
        "facets": facets(case_filter.qs, request.GET, counted),
        "chips": active_filters(case_filter, request.GET),
        "ignored": ignored_filters(case_filter),
        "query": request.GET.get("q", ""),
        "like_mine": like_mine,
        "whole_library": _whole_library(request.GET),
        "capped": case_filter.searching and search.capped(counted["total"]),  # "600+": there are more
    }
    return render(request, "cases/case_list.html", context)


def _to_like_mine(request):
    """ "Places like mine" is relative to a county named in the address, so that the list is the
    same for everyone who opens it (shared, cached): mine, from the cookie, is added to it, or
    the reader first chooses one (and comes back here)."""
    me, my_terrain = my_place(request)
    if me is None:
        response = redirect(f"{reverse('mine')}?{urlencode({'next': request.get_full_path()})}")
    else:
        query = request.GET.copy()
        query.pop("page", None)
        query["mine"] = me.code
        if my_terrain:
            query["my_terrain"] = my_terrain
        response = redirect(f"{request.path}?{query.urlencode()}")
    patch_cache_control(response, private=True)  # it depends on this reader's cookie
    return response


@require_GET
def suggest(request):
    """As-you-type suggestions for the search box (static/js/suggest.js): words and places with counts."""
    return JsonResponse(suggestions(request.GET.get("q", "")[:MAX_QUERY]), json_dumps_params={"ensure_ascii": False})


@require_GET
def case_detail(request, slug):
    case = get_object_or_404(Case.objects.published().with_related().with_excerpt(), slug=slug)
    return render_case(request, case)


def render_case(request, case, preview: bool = False):
    """The page of a case; ``preview``: an editor's look at a draft (admin only)."""
    short_url = _short_url(request, case)
    ids = Case.objects.related_to(case)
    found = Case.objects.published().select_related("province").in_bulk(ids)
    figures = list(case.figures.all())
    context = {
        "case": case,
        "preview": preview,
        "short_url": short_url,
        "citation": citations.gbt7714(case, short_url, timezone.localdate()),
        "absolute_url": request.build_absolute_uri(case.get_absolute_url()),
        "related": [found[pk] for pk in ids if pk in found],
        "key_figures": [f for f in figures if f.kind == KeyFigure.Kind.FIGURE],
        "money": [f for f in figures if f.kind != KeyFigure.Kind.FIGURE],
        "any_unconfirmed": any(not f.confirmed for f in figures),
    }
    return render(request, "cases/case_detail.html", context)


def _compared(request):
    """The published cases asked for, in their order; the ids ignored; and whether too many were asked."""
    ids, bad = compare.parse_ids(request.GET.get("ids", ""))
    if len(ids) > compare.MOST:
        return [], [], ids
    found = Case.objects.published().with_related().prefetch_related("figures").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found], bad + [str(pk) for pk in ids if pk not in found], []


@require_GET
def compare_cases(request):
    """Up to four published cases side by side; a stable address to share (/compare/?ids=12,40,7)."""
    cases, ignored, too_many = _compared(request)
    context = {
        "cases": cases,
        "rows": compare.rows(cases) if cases else [],
        "ignored": ignored,
        "too_many": too_many,
        "most": compare.MOST,
        "ids": ",".join(str(case.pk) for case in cases),
    }
    return render(request, "cases/compare.html", context, status=400 if too_many else 200)


@require_GET
def compare_export(request, fmt):
    """The comparison as a spreadsheet or a Word table: the same rows as the page."""
    cases, _ignored, too_many = _compared(request)
    if too_many or not cases:
        return HttpResponse(
            "最多对比 4 个已发布的案例 · Compare one to four published cases\n",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    header = [gettext("对比项"), *(case.title for case in cases)]
    table = [[label, *values] for label, values in compare.rows(cases)]
    table.append([gettext("链接"), *(_short_url(request, case) for case in cases)])
    name = f"{gettext('乡村公共服务案例对比')}_{timezone.localdate():%Y-%m-%d}.{fmt}"
    fallback = f"case-comparison_{timezone.localdate():%Y-%m-%d}.{fmt}"
    if fmt == "xlsx":
        response = HttpResponse(export.table_xlsx(header, table), content_type=export.XLSX_TYPE)
    else:
        response = HttpResponse(documents.table_docx(gettext("乡村公共服务案例对比"), header, table), content_type=DOCX)
    response["Content-Disposition"] = export.content_disposition(name, fallback)
    return response


@require_GET
def source_detail(request, pk):
    # A source is public once one of its cases is (a freshly imported document is not).
    source = get_object_or_404(Source.objects.public(), pk=pk)
    cases = source.cases.published().only("slug", "title", "ordinal", "source").order_by("ordinal")
    return render(request, "cases/source_detail.html", {"source": source, "cases": cases})


@require_GET
def case_short(request, pk):
    """The short, stable link printed under the QR code: /c/<id>/."""
    case = get_object_or_404(Case.objects.published(), pk=pk)
    return redirect(case.get_absolute_url(), permanent=True)


@require_GET
def case_qr(request, pk):
    """An SVG QR code of the case's short link, made by the portal itself (for WeChat)."""
    case = get_object_or_404(Case.objects.published(), pk=pk)
    url = request.build_absolute_uri(reverse("case_short", args=[case.pk]))
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=4, xmldecl=False, svgclass=None, lineclass=None)
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


@require_GET
def stats(request):
    """Province × theme counts with totals, cases per year and per type: as tables, and as charts."""
    counted = counts(Case.objects.published())
    table = _province_theme_table(counted)
    by_year = sorted((int(y), n) for y, n in counted["year"])
    no_year = counted["total"] - sum(n for _, n in by_year)
    type_counts = sorted(counted["doc_type"], key=lambda row: (-row[1], row[0]))
    type_names = dict(Case.DocType.choices)
    by_type = [(code, type_names[code], n) for code, n in type_counts]
    unknown = gettext("年份不详")
    chart_data = {
        "years": [str(y) for y, _ in by_year] + ([str(unknown)] if no_year else []),
        "year_counts": [n for _, n in by_year] + ([no_year] if no_year else []),
        "types": [str(label) for _, label, _ in by_type],
        "type_counts": [n for _, _, n in by_type],
    }
    context = {**table, "by_year": by_year, "no_year": no_year, "by_type": by_type, "chart_data": chart_data}
    return render(request, "cases/stats.html", context)


@require_GET
def stats_table(request, fmt):
    """The province × theme table of the statistics page, with its totals, as CSV or XLSX."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    table = _province_theme_table(counts(Case.objects.published()))
    header = [gettext("省份"), *(t.display_name for t in table["themes"]), gettext("合计（案例数）")]
    rows = [[name, *(n for _, n in cells), total] for _, name, cells, total in table["rows"]]
    rows.append([gettext("全部"), *(n for _, n in table["theme_totals"]), table["total"]])
    name = f"{gettext('乡村公共服务案例_省份主题统计')}_{timezone.localdate():%Y-%m-%d}"
    if fmt == "csv":
        response = HttpResponse(export.table_csv(header, rows), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(export.table_xlsx(header, rows), content_type=export.XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.{fmt}")
    return response


def _province_theme_table(counted: dict) -> dict:
    """Each province's cases by theme, a row for cases without a province, and totals: a case is
    counted once in a row's or a column's total, however many themes it has."""
    themes = list(Theme.objects.all())
    # Counted on the links (one per case and theme): a GROUP BY over a join, without DISTINCT.
    links = Case.themes.through.objects.filter(case__status=Case.Status.PUBLISHED)
    cells = links.values_list("case__province", "theme__slug").annotate(n=Count("pk")).order_by()
    grid: dict[str | None, dict[str, int]] = {}
    for province, slug, n in pagecache.kept(lambda: list(cells), "cells", str(cells.query)):
        grid.setdefault(province, {})[slug] = n
    per_province = dict(counted["province"])
    names = {r.code: r.display_name for r in Region.objects.filter(code__in=per_province)}
    rows = [
        (code, names[code], [(theme, grid.get(code, {}).get(theme.slug, 0)) for theme in themes], n)
        for code, n in sorted(per_province.items())
    ]
    without = counted["total"] - sum(per_province.values())
    if without:
        cells_without = [(theme, grid.get(None, {}).get(theme.slug, 0)) for theme in themes]
        rows.append(("", gettext("未标明省份（全国性或地区不明）"), cells_without, without))
    per_theme = dict(counted["theme"])  # by slug
    theme_totals = [(theme, per_theme.get(theme.slug, 0)) for theme in themes]
    return {"themes": themes, "rows": rows, "theme_totals": theme_totals, "total": counted["total"]}


def filter_errors_are_400(view):
    """Downloads answer 400 with the reason when a filter value is invalid."""
    from functools import wraps

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except InvalidFilter as error:
            return error.response()

    return wrapper


def _export_queryset(request):
    """The list's own filter and sort, on published cases only.  A value the
    filter cannot use is an error here (InvalidFilter → 400): a download must
    never silently contain more than the researcher asked for."""
    case_filter = strict(CaseFilter(request.GET or None, queryset=Case.objects.published()))
    queryset = case_filter.qs
    used = {k: v if len(v) > 1 else v[0] for k, v in request.GET.lists() if k not in ("page", "headers") and any(v)}
    return queryset, used, export.filters_in_words(case_filter)


def _whole_library(query) -> bool:
    """The unfiltered list in its default order (whatever the page or headers): what a data release holds."""
    return all(key in ("page", "headers") or values in ([""], ["newest"]) and key == "sort" or not any(values)
               for key, values in query.lists())  # fmt: skip


@require_GET
@filter_errors_are_400
def case_export(request, fmt):
    queryset, used, described = _export_queryset(request)
    codes = request.GET.get("headers") == "codes"
    base = request.build_absolute_uri("/").rstrip("/")
    # The count is also the first query: a database outage is a 503 before any row is promised.
    count = queryset.count()

    def build(slot):
        rows = slot.rows(export.case_rows(queryset, base=base))
        if fmt == "xlsx":
            built = export.xlsx_file(rows, described, count, codes)
        elif fmt == "csv":
            built = export.built(export.csv_stream(rows, codes))
        else:
            built = export.built(export.json_stream(rows, used, count, described))
        response = FileResponse(slot.send(built), content_type=DOWNLOAD_TYPES[fmt])
        response["Content-Disposition"] = export.content_disposition(*export.download_names(described, fmt))
        return response

    # The release holds each format with either header (JSON has field codes only).
    in_release = fmt + ("-codes" if codes and fmt != "json" else "")
    return limits.answer(request, fmt, count, build, in_release if _whole_library(request.GET) else None)


@require_GET
@filter_errors_are_400
def figures_export(request):
    """The key figures of the filtered list's cases, as a CSV file of its own (one row a figure)."""
    queryset, used, described = _export_queryset(request)
    codes = request.GET.get("headers") == "codes"
    count = queryset.count()

    def build(slot):
        rows = slot.rows(export.figure_rows(queryset))
        response = FileResponse(
            slot.send(export.built(export.figures_csv_stream(rows, codes))), content_type=DOWNLOAD_TYPES["csv"]
        )
        name, fallback = export.download_names(described, "csv")
        response["Content-Disposition"] = export.content_disposition(
            name.replace(export.NAME_PREFIX, export.NAME_PREFIX + "_关键数据", 1),
            fallback.replace("rural-cases", "rural-case-figures"),
        )
        return response

    # Beyond the limit: the release's data package holds every figure (figures.csv).
    return limits.answer(request, "csv", count, build)


DOWNLOAD_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "xlsx": export.XLSX_TYPE,
}


@require_GET
def export_fields(request):
    """The data dictionary of every export."""
    fields = [(name, export.HEADERS[name], *export.FIELD_DOCS[name]) for name in export.TABULAR_FIELDS]
    figure_fields = [(name, export.FIGURE_HEADERS[name], *export.FIGURE_DOCS[name]) for name in export.FIGURE_FIELDS]
    sizes = [(name, limits.limit(fmt)) for fmt, name in limits.FORMAT_NAMES.items()]
    context = {"fields": fields, "figure_fields": figure_fields, "sizes": sizes, "seconds": settings.EXPORT_SECONDS}
    return render(request, "cases/export_fields.html", context)


CITATION_FORMATS = {ext: (style, mime) for style, (_, ext, mime) in citations.STYLES.items()}


def _short_url(request, case) -> str:
    return request.build_absolute_uri(reverse("case_short", args=[case.pk]))


def _citation_response(text: str, ext: str, names: tuple[str, str]) -> HttpResponse:
    style, mime = CITATION_FORMATS[ext]
    response = HttpResponse(text, content_type=f"{mime}; charset=utf-8")
    response["Content-Disposition"] = export.content_disposition(*names, inline=True)
    return response


@require_GET
def case_citation(request, slug, ext):
    case = get_object_or_404(Case.objects.published().with_related(), slug=slug)
    style, _ = CITATION_FORMATS[ext]
    text = citations.STYLES[style][0](case, _short_url(request, case), timezone.localdate())
    return _citation_response(text, ext, (f"case-{case.slug}.{ext}",) * 2)


@require_GET
@filter_errors_are_400
def list_citations(request, ext):
    queryset, _, described = _export_queryset(request)
    style, _ = CITATION_FORMATS[ext]

    def build(slot):
        cases = slot.rows(queryset.with_related().iterator(chunk_size=500))
        text = citations.cite_many(cases, style, lambda case: _short_url(request, case), timezone.localdate())
        return _citation_response(text, ext, export.download_names(described, ext))

    return limits.answer(request, "cite", queryset.count(), build)


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _docx_response(data: bytes, names: tuple[str, str]) -> HttpResponse:
    response = HttpResponse(data, content_type=DOCX)
    response["Content-Disposition"] = export.content_disposition(*names)
    return response


@require_GET
def case_docx(request, slug):
    case = get_object_or_404(Case.objects.published().with_related(), slug=slug)
    return _docx_response(documents.case_docx(case, _short_url(request, case)), (f"case-{case.slug}.docx",) * 2)


@require_GET
@filter_errors_are_400
def list_docx(request):
    """The filtered list as a compilation (案例汇编) with a table of contents (at most
    ``EXPORT_LIMITS["docx"]`` cases: Word is for reading, the data release for everything)."""
    queryset, _, described = _export_queryset(request)
    filters_text = (
        "筛选条件：" + "；".join(f"{k}：{v}" for k, v in described) + "。" if described else "全部已发布案例。"
    )

    def build(slot):
        cases = slot.rows(queryset.with_related().iterator(chunk_size=100))
        data = documents.compilation_docx(
            cases, lambda case: _short_url(request, case), "乡村公共服务案例汇编", filters_text
        )
        return _docx_response(data, export.download_names(described, "docx"))

    return limits.answer(request, "docx", queryset.count(), build)


@require_GET
def data_releases(request, name=None):
    """The data releases, newest first (or one of them): files, checksums, citations, changelog."""
    releases = list(Release.objects.all()) if name is None else [get_object_or_404(Release, name=name)]
    today = timezone.localdate()
    for release in releases:
        url = request.build_absolute_uri(reverse("data_release", args=[release.name]))
        release.url = url
        release.citations = [
            ("GB/T 7714", citations.release_gbt7714(release, url, today)),
            ("BibTeX", citations.release_bibtex(release, url, today)),
            ("RIS", citations.release_ris(release, url, today)),
        ]
        for entry in release.files:
            entry["name"] = entry["path"].rsplit("/", 1)[-1]
    latest = Release.objects.values_list("name", flat=True).first()
    response = render(request, "cases/data.html", {"releases": releases, "one": name is not None, "latest": latest})
    response["Cache-Control"] = "no-cache"  # a new release changes no public version: not kept by the page cache
    return response


@require_GET
def data_file(request, name, file_name):
    """One file of a release, streamed from the releases storage (its address never changes)."""
    release = get_object_or_404(Release, name=name)
    entry = next((entry for entry in release.files if entry["path"].rsplit("/", 1)[-1] == file_name), None)
    if entry is None:
        raise Http404("This release has no such file.")
    handed = releases.handed_to_server(entry)  # nginx or Apache sends it: no worker held, no slot
    if handed is not None:
        return _release_file_headers(handed, release, entry, file_name)
    try:
        slot = limits.take("file")
    except limits.Busy:
        return limits.busy_response(request)
    try:
        opened = slot.send(releases.storage().open(entry["path"], "rb"))  # the slot is held until it is sent
    except BaseException:
        slot.release()
        raise
    response = FileResponse(opened)
    response["Content-Length"] = str(entry["size"])
    return _release_file_headers(response, release, entry, file_name)


def _release_file_headers(response, release, entry, file_name):
    response["Content-Type"] = releases.FORMATS[entry["format"]][2]
    response["Content-Disposition"] = export.content_disposition(
        releases.download_name(release, entry["format"]), file_name
    )
    response["Cache-Control"] = "public, max-age=86400"
    return releases.headed(response, release)


@require_GET
def data_latest(request, fmt):
    """The latest release's file in a format: a stable address for scripts."""
    release = Release.objects.first()
    entry = next((f for f in release.files if f["format"] == fmt), None) if release else None
    if entry is None:
        raise Http404("No release yet.")
    return redirect("data_file", release.name, entry["path"].rsplit("/", 1)[-1])


@require_GET
def robots_txt(request):
    """Crawlers may read everything public; the admin is not for them.  Touches no database."""
    lines = ["User-agent: *", f"Disallow: /{settings.ADMIN_URL}", "Disallow: /api/", ""]
    lines.append(f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def server_error(request):
    """The last resort (handler500).  A database that does not answer is an
    outage, not a bug: a 503 page asking to come back shortly (JSON for the
    API), rendered without touching the database."""
    import sys

    from django.db import DatabaseError, InterfaceError
    from django.template import loader

    error = sys.exc_info()[1]
    outage = isinstance(error, (DatabaseError, InterfaceError)) and _is_connection_error(error)
    status = 503 if outage else 500
    if request.path.startswith("/api/"):
        message = "数据库暂时无法访问 · Database unavailable" if outage else "服务器错误 · Server error"
        response = JsonResponse({"error": message, "detail": {}}, status=status)
    else:
        response = HttpResponse(loader.render_to_string(f"{status}.html"), status=status)
    if outage:
        response["Retry-After"] = "30"
    return response


def _is_connection_error(error) -> bool:
    from django.db import OperationalError

    if isinstance(error, OperationalError):
        return True
    text = str(error).lower()
    return any(s in text for s in ("connection", "server closed", "terminating", "could not connect"))


def healthz(request):
    """For load balancers and monitoring: 200 when the database answers, 503 when it does not;
    "degraded" when the cache does not answer (pages are then served uncached)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any failure means "not healthy"
        return JsonResponse({"status": "unavailable", "database": type(error).__name__}, status=503)
    if not pagecache.cache_reachable():
        return JsonResponse({"status": "degraded", "database": connection.vendor, "cache": "unreachable"})
    return JsonResponse({"status": "ok", "database": connection.vendor, "cache": "ok"})
