from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .facets import active_filters, facets
from .filters import CaseFilter
from .models import Case, Region, Source, Theme
from .search import highlight

PAGE_SIZE = 20


@require_GET
def home(request):
    published = Case.objects.published()
    published_filter = Q(case__status=Case.Status.PUBLISHED)
    province_counts = (
        published.exclude(province=None).values_list("province").annotate(n=Count("pk")).order_by("province")
    )
    names = dict(Region.objects.filter(level="province").values_list("code", "name"))
    context = {
        "total": published.count(),
        "themes": Theme.objects.annotate(n=Count("case", filter=published_filter)),
        "provinces": [(code, names[code], n) for code, n in province_counts],
        "province_counts": dict(province_counts),
        "newest": published.with_related().order_by("-created", "-pk")[:6],
    }
    return render(request, "cases/home.html", context)


@require_GET
def case_list(request):
    case_filter = CaseFilter(request.GET or None, queryset=Case.objects.published())
    results = case_filter.qs
    page = Paginator(results.with_related(), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.get("q", "")
    for case in page:
        case.snippet = highlight(case.summary or case.body, query) if query else None
    case_filter.narrow_choices()
    context = {
        "filter": case_filter,
        "page": page,
        "facets": facets(results, request.GET),
        "chips": active_filters(case_filter, request.GET),
        "query": query,
    }
    return render(request, "cases/case_list.html", context)


@require_GET
def case_detail(request, slug):
    case = get_object_or_404(Case.objects.published().with_related(), slug=slug)
    return render(request, "cases/case_detail.html", {"case": case})


@require_GET
def source_detail(request, pk):
    source = get_object_or_404(Source, pk=pk)
    cases = source.cases.published().with_related().order_by("ordinal")
    return render(request, "cases/source_detail.html", {"source": source, "cases": cases})
