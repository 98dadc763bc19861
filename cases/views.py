from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .filters import CaseFilter
from .models import Case, Region, Source, Theme


@require_GET
def home(request):
    published = Case.objects.published()
    provinces = Region.objects.filter(level="province").order_by("code")
    themes = Theme.objects.annotate(n=Count("case", filter=Q(case__status=Case.Status.PUBLISHED)))
    context = {
        "total": published.count(),
        "themes": themes,
        "provinces": [
            (p, published.filter(province=p).count()) for p in provinces if published.filter(province=p).exists()
        ],
        "newest": published.with_related().order_by("-year", "-created")[:8],
    }
    return render(request, "cases/home.html", context)


@require_GET
def case_list(request):
    queryset = Case.objects.published().with_related().order_by("-year", "title")
    case_filter = CaseFilter(request.GET, queryset=queryset)
    page = Paginator(case_filter.qs, 20).get_page(request.GET.get("page"))
    return render(request, "cases/case_list.html", {"filter": case_filter, "page": page})


@require_GET
def case_detail(request, slug):
    case = get_object_or_404(Case.objects.published().with_related(), slug=slug)
    return render(request, "cases/case_detail.html", {"case": case})


@require_GET
def source_detail(request, pk):
    source = get_object_or_404(Source, pk=pk)
    cases = source.cases.published().with_related()
    return render(request, "cases/source_detail.html", {"source": source, "cases": cases})
