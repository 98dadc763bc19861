"""Rows of cases for exports: one generator feeds every format."""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings

from .models import Case

FIELDS = [
    "id",
    "slug",
    "url",
    "title",
    "summary",
    "background",
    "measures",
    "outcomes",
    "body",
    "province",
    "prefecture",
    "county",
    "region_code",
    "region_label",
    "themes",
    "tags",
    "doc_type",
    "year",
    "source",
    "source_title",
    "source_locator",
    "status",
    "quality_flags",
]


def case_rows(queryset) -> Iterator[dict]:
    base = getattr(settings, "SITE_URL", "")
    for case in queryset.with_related().iterator(chunk_size=500):
        region = case.county or case.prefecture or case.province
        yield {
            "id": case.pk,
            "slug": case.slug,
            "url": base + case.get_absolute_url(),
            "title": case.title,
            "summary": case.summary,
            "background": case.background,
            "measures": case.measures,
            "outcomes": case.outcomes,
            "body": case.body,
            "province": case.province.name if case.province else None,
            "prefecture": case.prefecture.name if case.prefecture else None,
            "county": case.county.name if case.county else None,
            "region_code": region.code if region else None,
            "region_label": case.region_label,
            "themes": [t.name for t in case.themes.all()],
            "tags": sorted(t.name for t in case.tags.all()),
            "doc_type": case.doc_type,
            "year": case.year,
            "source": case.source.file_name if case.source else None,
            "source_title": case.source.title if case.source else None,
            "source_locator": case.locator,
            "status": case.status,
            "quality_flags": case.quality_flags,
        }


def filtered_cases(include_drafts: bool = False, province: str = "", theme: str = "", q: str = ""):
    from .filters import CaseFilter
    from .models import Region

    queryset = Case.objects.all() if include_drafts else Case.objects.published()
    params = {"q": q}
    if province:
        region = (
            Region.objects.filter(level="province").filter(name__startswith=province).first()
            or Region.objects.filter(code=province).first()
        )
        params["province"] = region.code if region else "000000"
    if theme:
        from .models import Theme

        found = Theme.objects.filter(name=theme).first() or Theme.objects.filter(slug=theme).first()
        params["theme"] = [found.slug if found else theme]
    case_filter = CaseFilter(params, queryset=queryset)
    return case_filter.qs if case_filter.is_valid() else queryset.none()
