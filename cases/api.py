"""The read-only open API for researchers, at /api/.

The list takes the same ``CaseFilter`` as the pages and exports, so the API,
the list and its downloads always agree.  Only published cases are served;
editor-only fields (status, quality flags, import bookkeeping) are never in
a response.  Bad parameters answer 400 with a JSON body saying which.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from . import facets, search, text
from .filters import CaseFilter
from .models import Case, KeyFigure, Region, Source, Theme


def exception_handler(exc, context):
    """Every error is JSON: {"error": message, "detail": field errors}."""
    response = drf_exception_handler(exc, context)
    if response is not None:
        detail = response.data
        message = (
            detail.get("detail") if isinstance(detail, dict) and "detail" in detail else "参数无效 Invalid parameters"
        )
        response.data = {"error": str(message), "detail": detail}
    return response


class Pages(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as error:
            # A page past the end is a bad parameter, not a missing resource.
            raise ValidationError({"page": [str(error.detail)]}) from None

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                # A search lists its best CANDIDATES cases: then there may be more than ``count``.
                "capped": self.capped(),
                "page": self.page.number,
                "pages": self.page.paginator.num_pages,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def capped(self) -> bool:
        query = self.request.query_params.get("q", "") if self.request else ""
        return bool(text.query_tokens(query)) and search.capped(self.page.paginator.count)

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "capped", "page", "pages", "results"],
            "properties": {
                "count": {"type": "integer"},
                "capped": {
                    "type": "boolean",
                    "description": f"A search lists its best {search.CANDIDATES} cases: true when it found that many "
                    "(there may be more).",
                },
                "page": {"type": "integer"},
                "pages": {"type": "integer"},
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }


class RegionRef(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class KeyFigureSerializer(serializers.ModelSerializer):
    """A key figure: ``confirmed`` false means extracted automatically and not yet verified."""

    value = serializers.DecimalField(max_digits=20, decimal_places=4, coerce_to_string=False, allow_null=True)
    value_max = serializers.DecimalField(max_digits=20, decimal_places=4, coerce_to_string=False, allow_null=True)
    baseline = serializers.DecimalField(max_digits=20, decimal_places=4, coerce_to_string=False, allow_null=True)

    class Meta:
        model = KeyFigure
        fields = [*KeyFigure.EXTRACTED_FIELDS, "confirmed", "quote"]


class CaseSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    province = RegionRef(allow_null=True)
    prefecture = RegionRef(allow_null=True)
    county = RegionRef(allow_null=True)
    themes = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    themes_en = serializers.SerializerMethodField()
    tags = serializers.SerializerMethodField()
    source = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    figures = KeyFigureSerializer(many=True, read_only=True)
    county_kind = serializers.SerializerMethodField()
    macro_region = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = ["id", "slug", "url", "title", "summary", "province", "prefecture", "county", "region_label",
                  "county_kind", "macro_region", "terrain", "themes", "themes_en", "tags", "doc_type", "year",
                  "source", "figures", "updated"]  # fmt: skip

    def get_county_kind(self, case) -> str:
        """市辖区 district, 县 county, 县级市 city, 自治县, 旗 banner …: the county's type (blank without one)."""
        return case.county.kind if case.county else ""

    def get_macro_region(self, case) -> str:
        """east, central, west or northeast: the province's NBS region (blank without one)."""
        return case.province.macro_region if case.province else ""

    def get_url(self, case) -> str:
        request = self.context.get("request")
        path = case.get_absolute_url()
        return request.build_absolute_uri(path) if request else path

    def get_themes_en(self, case) -> list[str]:
        return [t.name_en for t in case.themes.all()]

    def get_tags(self, case) -> list[str]:
        return sorted(t.name for t in case.tags.all())


class CaseDetailSerializer(CaseSerializer):
    source_locator = serializers.CharField(source="locator")

    class Meta(CaseSerializer.Meta):
        # The sections the list leaves out (it has the summary), the body and where the case was read.
        fields = CaseSerializer.Meta.fields + [*Case.SECTIONS[1:], "body", "source_locator"]


class SourceSerializer(serializers.ModelSerializer):
    cases = serializers.SerializerMethodField()

    class Meta:
        model = Source
        fields = [
            "id",
            "title",
            "file_name",
            "kind",
            "publisher",
            "batch",
            "doc_number",
            "url",
            "date",
            "year",
            "cases",
        ]

    def get_cases(self, source) -> int:
        return getattr(source, "published_cases", 0)


class ThemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["slug", "name", "name_en", "description"]


class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.CharField(source="parent_id", allow_null=True)
    macro_region = serializers.CharField(
        help_text="east, central, west or northeast (NBS); blank for HK, Macao, Taiwan"
    )

    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent", "aliases", "kind", "macro_region", "longitude", "latitude"]


class ApiCaseFilter(CaseFilter):
    """The list's filter; in the API an unknown value is an error (400), not ignored."""


# What the views serve (a queryset is read afresh for each request: DRF's get_queryset).
CASES = Case.objects.published().with_related().prefetch_related("figures")
SOURCES = (
    Source.objects.public()
    .annotate(published_cases=Count("cases", filter=Q(cases__status=Case.Status.PUBLISHED)))
    .order_by("pk")
)


class CaseList(generics.ListAPIView):
    """Published cases, filtered, sorted and paged exactly as the list page."""

    queryset = CASES
    serializer_class = CaseSerializer
    pagination_class = Pages
    filter_backends = [DjangoFilterBackend]
    filterset_class = ApiCaseFilter


class CaseDetail(generics.RetrieveAPIView):
    queryset = CASES
    serializer_class = CaseDetailSerializer
    lookup_field = "slug"


class SourceList(generics.ListAPIView):
    queryset = SOURCES
    serializer_class = SourceSerializer
    pagination_class = Pages


class SourceDetail(generics.RetrieveAPIView):
    queryset = SOURCES
    serializer_class = SourceSerializer


class ThemeList(generics.ListAPIView):
    serializer_class = ThemeSerializer
    queryset = Theme.objects.order_by("position")


class RegionList(generics.ListAPIView):
    """The gazetteer, one level at a time: provinces, or the children of ``parent`` (cascading pickers)."""

    serializer_class = RegionSerializer

    @extend_schema(parameters=[OpenApiParameter("parent", str, description="GB/T 2260 code of the parent region")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        parent = self.request.query_params.get("parent")
        if parent is None:
            return Region.objects.filter(parent=None).order_by("code")
        if not Region.objects.filter(code=parent).exists():
            raise ValidationError({"parent": [f"unknown region code: {parent[:20]}"]})
        return Region.objects.filter(parent_id=parent).order_by("code")


class RegionDetail(generics.RetrieveAPIView):
    serializer_class = RegionSerializer
    queryset = Region.objects.all()
    lookup_field = "code"


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class FacetSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    values = FacetValueSerializer(many=True)


class FacetCounts(APIView):
    """Facet counts (province, theme, doc type, year) of the filtered list."""

    filter_backends = [DjangoFilterBackend]
    filterset_class = ApiCaseFilter
    queryset = Case.objects.none()  # for the schema: the filters are those of cases

    @extend_schema(responses=FacetSerializer(many=True))
    def get(self, request):
        queryset = DjangoFilterBackend().filter_queryset(request, Case.objects.published(), self)
        return Response(FacetSerializer(facets.facets(queryset, request.query_params), many=True).data)
