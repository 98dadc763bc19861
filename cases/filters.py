import django_filters
from django.db.models import Q

from .models import Case, Region, Theme


class CaseFilter(django_filters.FilterSet):
    """The one definition of a filtered case list (pages, exports, API)."""

    q = django_filters.CharFilter(method="search", label="关键词")
    province = django_filters.ModelChoiceFilter(queryset=Region.objects.filter(level="province"), label="省份")
    theme = django_filters.ModelMultipleChoiceFilter(
        field_name="themes__slug", to_field_name="slug", queryset=Theme.objects.all(), label="主题"
    )
    doc_type = django_filters.ChoiceFilter(choices=Case.DocType.choices, label="类型")
    year = django_filters.NumberFilter(label="年份")

    class Meta:
        model = Case
        fields = ["q", "province", "theme", "doc_type", "year"]

    def search(self, queryset, name, value):
        from .ingest.chinese import to_simplified

        words = to_simplified(value).split()
        for word in words:
            queryset = queryset.filter(
                Q(title__icontains=word)
                | Q(summary__icontains=word)
                | Q(body__icontains=word)
                | Q(region_label__icontains=word)
            )
        return queryset

    @property
    def qs(self):
        return super().qs.distinct()
