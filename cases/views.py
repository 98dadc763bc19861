import io

import segno
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    JsonResponse,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_POST

from . import citations, documents, export
from .caching import CACHE_SECONDS, digest, get_or_compute, query_digest
from .facets import active_filters, cache_key, counts, facets, list_tag
from .filters import CaseFilter, InvalidFilter, form_html, ignored_filters, strict
from .freshness import library_of, library_tag
from .listing import CACHED_SORTS, CountedPaginator, OrderedIds, case_cards, published_versions
from .models import Case, Region, Source, Theme
from .search import place_suggestion

PAGE_SIZE = 20


@require_GET
def home(request):
    """The library at a glance: counts by theme and province (and the map), the newest cases.

    Everything but the cards depends only on the library's version (published set, places,
    themes and their names) and the language: drawn once per version."""
    tag = list_tag(QueryDict())
    sections = get_or_compute(
        f"home:{tag}:{get_language()}",
        lambda: render_to_string("includes/home_sections.html", _home_counts()),
        CACHE_SECONDS,
    )
    newest = get_or_compute(
        f"home-newest:{tag}",
        lambda: list(
            Case.objects.published().order_by(F("year").desc(nulls_last=True), "-pk").values_list("pk", flat=True)[:6]
        ),
        CACHE_SECONDS,
    )
    return render(request, "cases/home.html", {"sections": mark_safe(sections), "newest": case_cards(newest, tag=tag)})


def _home_counts() -> dict:
    # The unfiltered list's counts, cached with it until a change that alters them (facets.counts).
    counted = counts(Case.objects.published(), QueryDict())
    by_theme = dict(counted["theme"])
    themes = list(Theme.objects.order_by("position"))
    for theme in themes:
        theme.n = by_theme.get(theme.slug, 0)
    province_counts = sorted(counted["province"])
    names = dict(Region.objects.filter(level="province").values_list("code", "name"))
    return {
        "total": counted["total"],
        "themes": themes,
        "provinces": [(code, names[code], n) for code, n in province_counts],
        "province_counts": dict(province_counts),
    }


@require_GET
def case_list(request):
    """A filtered list's page.  Its content is drawn once per filters and page, list versions
    (``list_tag``), language and versions of the cases it shows; the ids of the page are kept
    beside it under the list versions, so that a page seen before is served from them without
    building the filter (about half of a warm page's time)."""
    tag = list_tag(request.GET)
    params = query_digest(request.GET)
    shown_key = f"list-ids:{tag}:{params}"
    kept, kept_versions = cache.get(shown_key), {}
    if kept is not None:
        kept_versions = published_versions(kept)
        content = cache.get(_list_page_key(tag, params, kept, kept_versions))
        if content is not None:
            return _list_response(request, content)
    case_filter = CaseFilter(request.GET or None, queryset=Case.objects.published())
    results = case_filter.qs
    counted = counts(results, request.GET, tag)
    sort = case_filter.sort_order
    ordered = OrderedIds(results, request.GET, sort, tag)
    page = CountedPaginator(ordered, PAGE_SIZE, known_count=counted["total"]).get_page(request.GET.get("page"))
    ids = list(page)
    # A page whose ids were kept but one of whose cases changed: its versions were just read.
    versions = kept_versions if ids == kept else published_versions(ids)
    key = _list_page_key(tag, params, ids, versions)
    content = cache.get(key)
    if content is None:
        content = render_to_string(
            "includes/list_content.html", _list_context(request, case_filter, tag, counted, page, versions), request
        )
        cache.set(key, content, CACHE_SECONDS)
    if sort in CACHED_SORTS and ids != kept:  # by title, any edited title could move a case: not kept
        cache.set(shown_key, ids, CACHE_SECONDS)
    return _list_response(request, content)


def _list_page_key(tag: str, params: str, ids: list[int], versions: dict[int, int]) -> str:
    shown = digest([(pk, versions[pk]) for pk in ids if pk in versions])
    return f"list-page:{tag}:{get_language()}:{params}:{shown}"


def _list_response(request, content: str):
    return render(request, "cases/case_list.html", {"content": mark_safe(content)})  # drawn with autoescape


def _list_context(request, case_filter, tag, counted, page, versions) -> dict:
    query = request.GET.get("q", "")
    cards = case_cards(list(page), query, tag, versions)
    case_filter.narrow_choices()
    suggestion = None
    if query and not request.GET.get("province"):
        found = place_suggestion(query)
        if found:
            level, code, name, rest = found
            params = request.GET.copy()
            params.pop("page", None)
            params[level] = code
            params["q"] = rest
            suggestion = {"name": name, "rest": rest, "url": "?" + params.urlencode()}
    return {
        "ignored": ignored_filters(case_filter),
        "suggestion": suggestion,
        "filter": case_filter,
        "form_html": form_html(case_filter, library=library_of(tag)),
        "page": page,
        "cards": cards,
        # The facets depend only on the filters and the counts: cached as HTML under the counts' versions.
        "sidebar_key": _sidebar_key(request.GET, tag),
        "facets": lambda: facets(case_filter.qs, request.GET, counted),  # only rendered on a miss
        "chips": active_filters(case_filter, request.GET),
        "query": query,
    }


def _sidebar_key(params: QueryDict, tag: str) -> str:
    return f"{tag}:{get_language()}:{query_digest(params, with_page=False)}"


@require_GET
def case_detail(request, slug):
    """A published case's page.  Its text is drawn once per version of the case (every save
    bumps it), of the library (names of its places, themes, keywords and source), language,
    site address and day (the citation holds the date it was read); the related cases are
    looked up each time, so that their titles are always as they are now."""
    found = Case.objects.published().filter(slug=slug).values_list("pk", "version").first()
    if found is None:
        raise Http404("No published case has this address.")
    pk, version = found
    tag, case = library_tag(), None
    where = request.build_absolute_uri("/")
    key = f"case-page:{tag}:{pk}.{version}:{get_language()}:{where}:{timezone.localdate().isoformat()}"
    parts = cache.get(key)
    if parts is None:
        case = get_object_or_404(Case.objects.published().with_related().with_excerpt(), pk=pk)
        parts = _case_parts(request, case)
        cache.set(key, parts, CACHE_SECONDS)
    return render(request, "cases/case_detail.html", {**parts, "preview": False, "related": _related(pk, tag, case)})


def render_case(request, case, preview: bool = False):
    """The page of a case, drawn afresh; ``preview``: an editor's look at a draft (admin only)."""
    related = _related(case.pk, library_tag(), case)
    context = {**_case_parts(request, case, preview), "preview": preview, "case": case, "related": related}
    return render(request, "cases/case_detail.html", context)


def _case_parts(request, case, preview: bool = False) -> dict:
    """The title, head and article of a case's page, as HTML (drawn with autoescape)."""
    short_url = _short_url(request, case)
    context = {
        "preview": preview,
        "case": case,
        "short_url": short_url,
        "citation": citations.gbt7714(case, short_url, timezone.localdate()),
        "absolute_url": request.build_absolute_uri(case.get_absolute_url()),
    }
    return {
        "title": case.title,
        "head": mark_safe(render_to_string("includes/case_head.html", context)),
        "article": mark_safe(render_to_string("includes/case_article.html", context)),
    }


def _related(pk: int, tag: str, case: Case | None = None) -> list[Case]:
    """related_to, its choice cached per case until the library's counted fields change
    (``tag``); ``case``: the case itself, when it is already loaded."""
    ids = get_or_compute(
        f"related:{tag}:{pk}", lambda: Case.objects.related_to(case or Case.objects.get(pk=pk)), CACHE_SECONDS
    )
    shown = Case.objects.published().select_related("province").only("slug", "title", "region_label", "province__name")
    found = shown.in_bulk(ids)
    return [found[i] for i in ids if i in found]


@require_GET
def source_detail(request, pk):
    # A source is public once one of its cases is (a freshly imported document is not).
    source = get_object_or_404(Source.objects.filter(cases__status=Case.Status.PUBLISHED).distinct(), pk=pk)
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
    """Province × theme counts, cases per year and per type: as tables, and as charts."""
    themes = list(Theme.objects.all())
    grid = get_or_compute(cache_key("stats", QueryDict()), _province_theme_grid, CACHE_SECONDS)
    # Years and types are the unfiltered list's own facet counts (cached with the list and home page).
    counted = counts(Case.objects.published(), QueryDict())
    by_year = sorted(counted["year"])
    type_counts = sorted(counted["doc_type"], key=lambda row: (-row[1], row[0]))
    names = dict(Region.objects.filter(level="province").values_list("code", "name"))
    rows = [
        (code, names[code], [(theme, grid[code].get(theme.slug, 0)) for theme in themes], sum(grid[code].values()))
        for code in sorted(grid)
    ]
    type_names = dict(Case.DocType.choices)
    by_type = [(code, type_names[code], n) for code, n in type_counts]
    chart_data = {
        "years": [str(y) for y, _ in by_year],
        "year_counts": [n for _, n in by_year],
        "types": [str(label) for _, label, _ in by_type],
        "type_counts": [n for _, _, n in by_type],
    }
    context = {"themes": themes, "rows": rows, "by_year": by_year, "by_type": by_type, "chart_data": chart_data}
    return render(request, "cases/stats.html", context)


def _province_theme_grid() -> dict[str, dict[str, int]]:
    cells = (
        Case.objects.published()
        .exclude(province=None)
        .values_list("province", "themes__slug")
        .annotate(n=Count("pk", distinct=True))
        .order_by()
    )
    grid: dict[str, dict[str, int]] = {}
    for province, slug, n in cells:
        grid.setdefault(province, {})[slug] = n
    return grid


@require_POST
def display_mode(request):
    """The elder-friendly large-text, high-contrast mode (适老化), remembered in a cookie."""
    target = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = redirect(target)
    if request.POST.get("mode") == "large":
        response.set_cookie("display", "large", max_age=365 * 24 * 3600, samesite="Lax")
    else:
        response.delete_cookie("display")
    return response


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
    used = {k: v if len(v) > 1 else v[0] for k, v in request.GET.lists() if k != "page" and any(v)}
    return queryset, used


@require_GET
@filter_errors_are_400
def case_export(request, fmt):
    queryset, used = _export_queryset(request)
    # A stream's status is sent before its rows are read: make sure the database answers first,
    # so that an outage is a 503 and not a cut-off download.
    connection.ensure_connection()
    base = request.build_absolute_uri("/").rstrip("/")
    # The size of the list is known from its counts (cached with the list page's): a list small
    # enough is downloaded once and kept while its cases stay as they are (export.kept_key).
    tag = list_tag(request.GET)
    key = None
    if counts(queryset, request.GET, tag)["total"] <= export.KEPT_ROWS:
        key = export.kept_key(fmt, queryset, request.GET, base, tag)
        if (kept := cache.get(key)) is not None:
            return _download(HttpResponse(kept, content_type=DOWNLOAD_TYPES[fmt]), fmt)
    rows = export.case_rows(queryset, base=base)
    if fmt == "xlsx":
        workbook = export.xlsx_file(rows, used, queryset.count())
        if key:
            data = workbook.read()
            cache.set(key, data, CACHE_SECONDS)
            return _download(HttpResponse(data, content_type=DOWNLOAD_TYPES[fmt]), fmt)
        return _download(FileResponse(workbook, content_type=DOWNLOAD_TYPES[fmt]), fmt)
    if fmt == "csv":
        stream = export.csv_stream(rows)
    else:
        stream = export.json_stream(rows, used, queryset.count())
    return _download(
        StreamingHttpResponse(export.keep(stream, key) if key else stream, content_type=DOWNLOAD_TYPES[fmt]), fmt
    )


DOWNLOAD_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _download(response, fmt: str):
    response["Content-Disposition"] = f'attachment; filename="{export.export_filename(fmt)}"'
    return response


@require_GET
def export_fields(request):
    """The data dictionary of every export."""
    fields = [(name, *export.FIELD_DOCS[name]) for name in export.TABULAR_FIELDS]
    return render(request, "cases/export_fields.html", {"fields": fields})


CITATION_FORMATS = {ext: (style, mime) for style, (_, ext, mime) in citations.STYLES.items()}


def _short_url(request, case) -> str:
    return request.build_absolute_uri(reverse("case_short", args=[case.pk]))


def _citation_response(text: str, ext: str, name: str) -> HttpResponse:
    style, mime = CITATION_FORMATS[ext]
    response = HttpResponse(text, content_type=f"{mime}; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{name}.{ext}"'
    return response


@require_GET
def case_citation(request, slug, ext):
    case = get_object_or_404(Case.objects.published().with_related(), slug=slug)
    style, _ = CITATION_FORMATS[ext]
    text = citations.STYLES[style][0](case, _short_url(request, case), timezone.localdate())
    return _citation_response(text, ext, f"case-{case.slug}")


@require_GET
@filter_errors_are_400
def list_citations(request, ext):
    queryset, _ = _export_queryset(request)
    style, _ = CITATION_FORMATS[ext]
    text = citations.cite_many(
        queryset.with_related(), style, lambda case: _short_url(request, case), timezone.localdate()
    )
    return _citation_response(text, ext, "cases")


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _docx_response(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{name}.docx"'
    return response


@require_GET
def case_docx(request, slug):
    case = get_object_or_404(Case.objects.published().with_related(), slug=slug)
    return _docx_response(documents.case_docx(case, _short_url(request, case)), f"case-{case.slug}")


@require_GET
@filter_errors_are_400
def list_docx(request):
    """The filtered list as a compilation (案例汇编) with a table of contents."""
    queryset, used = _export_queryset(request)
    filters_text = "筛选条件：" + "；".join(f"{k}={v}" for k, v in used.items()) if used else "全部已发布案例。"
    data = documents.compilation_docx(
        queryset.with_related(), lambda case: _short_url(request, case), "乡村公共服务案例汇编", filters_text
    )
    return _docx_response(data, "cases")


@require_GET
def robots_txt(request):
    """Crawlers may read everything public; the admin is not for them.  Touches no database."""
    from django.conf import settings

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
    """For load balancers and monitoring: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any failure means "not healthy"
        return JsonResponse({"status": "unavailable", "database": type(error).__name__}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})
