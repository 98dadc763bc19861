import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django_filters import fields as filter_fields
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from taggit.models import Tag

from . import search, text
from .models import Case, KeyFigure, Likeness, Region, Source, Theme
from .places import CountyKind, MacroRegion, Terrain, province_codes


class ListedChoices(filter_fields.ModelChoiceIterator):
    """Choices read by one plain query: Django's iterator() opens a server-side cursor,
    three round trips on PostgreSQL for a list of 31 provinces."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        for obj in list(self.queryset):
            yield self.choice(obj)


class ChoiceField(filter_fields.ModelChoiceField):
    iterator = ListedChoices


class MultipleChoiceField(filter_fields.ModelMultipleChoiceField):
    iterator = ListedChoices


class SelectByDefault:
    """A filter drawn as the fast select (below) unless told otherwise."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", Select)
        super().__init__(*args, **kwargs)


class ChoiceFilter(SelectByDefault, django_filters.ChoiceFilter):
    pass


class ModelChoiceFilter(SelectByDefault, django_filters.ModelChoiceFilter):
    """A choice among rows, read by one query."""

    field_class = ChoiceField


@extend_schema_field(OpenApiTypes.STR)
class ThemeFilter(django_filters.ModelMultipleChoiceFilter):
    """Theme slugs, several allowed (``theme=elderly-care&theme=health``), combined with AND."""

    field_class = MultipleChoiceField


@extend_schema_field(OpenApiTypes.STR)
class CountyCodeFilter(ModelChoiceFilter):
    """A county's GB/T 2260 code (``mine=510116``)."""


class Select(forms.Select):
    """Django's select, its options written in one template instead of one template each:
    the filter form is drawn on every new list, and its 60 options cost 10 ms that way."""

    template_name = "includes/widgets/select.html"


class Checkboxes(forms.CheckboxSelectMultiple):
    template_name = "includes/widgets/checkboxes.html"


# 北京, 天津, 上海, 重庆: their districts hang on the province itself (GB/T 2260).
MUNICIPALITIES = {"110000", "120000", "310000", "500000"}


class CaseFilter(django_filters.FilterSet):
    """The one definition of a filtered case list: pages, facets, exports and API.

    Every value is a plain GET parameter, so every state is a shareable URL.
    """

    SORTS = [("relevance", _("相关度")), ("newest", _("最新")), ("title", _("标题")), ("like_mine", _("与我县相似"))]

    q = django_filters.CharFilter(method="filter_q", label=_("关键词"))
    province = ModelChoiceFilter(
        queryset=Region.objects.filter(level="province"), label=_("省份"), empty_label=_("全部省份")
    )
    prefecture = ModelChoiceFilter(
        queryset=Region.objects.filter(level="prefecture"), label=_("地市"), empty_label=_("全部地市")
    )
    county = ModelChoiceFilter(
        queryset=Region.objects.filter(level="county"), label=_("区县"), empty_label=_("全部区县")
    )
    theme = ThemeFilter(
        field_name="themes__slug",
        to_field_name="slug",
        queryset=Theme.objects.all(),
        conjoined=True,
        # Each theme is its own join on a unique (case, theme) link: no case comes twice, and a
        # DISTINCT over whole rows (their texts) cost a theme's list 100 ms at 100,000 cases.
        distinct=False,
        label=_("主题"),
        widget=Checkboxes,
    )
    # Keywords are many (and reached through their links): typed, not chosen from a list of all of them.
    tag = ModelChoiceFilter(
        field_name="tags",
        to_field_name="name",
        queryset=Tag.objects.all(),
        label=_("关键词标签"),
        widget=forms.TextInput,
    )
    doc_type = ChoiceFilter(choices=Case.DocType.choices, label=_("类型"), empty_label=_("全部类型"))
    county_kind = ChoiceFilter(
        choices=CountyKind.choices, method="filter_county_kind", label=_("县级类型"), empty_label=_("全部县级类型")
    )
    macro_region = ChoiceFilter(
        choices=MacroRegion.choices, method="filter_macro_region", label=_("区域"), empty_label=_("全部区域")
    )
    terrain = ChoiceFilter(choices=Terrain.choices, label=_("地形"), empty_label=_("全部地形"))
    year_min = django_filters.NumberFilter(field_name="year", lookup_expr="gte", label=_("起始年份"))
    year_max = django_filters.NumberFilter(field_name="year", lookup_expr="lte", label=_("截止年份"))
    # An unpublished source is refused as an unknown one is (its id must not be probed).
    source = ModelChoiceFilter(queryset=Source.objects.public(), label=_("来源文档"))
    # Key figures (关键数据): proposed or confirmed, any kind; investment in 万元, as officials count it.
    has_figures = ChoiceFilter(
        choices=[("yes", _("有关键数据"))], method="filter_has_figures", label=_("关键数据"), empty_label=_("不限")
    )
    investment_min = django_filters.NumberFilter(method="filter_investment", label=_("投资下限（万元）"), min_value=0)
    investment_max = django_filters.NumberFilter(method="filter_investment", label=_("投资上限（万元）"), min_value=0)
    sort = ChoiceFilter(choices=SORTS, method="filter_sort", label=_("排序"), empty_label=None, null_label=None)
    # "Places like mine first" (sort=like_mine) is relative to these: my county, and my terrain if told.
    mine = CountyCodeFilter(
        queryset=Region.objects.filter(level="county"),
        method="filter_sort",
        label=_("我的县"),
        widget=forms.HiddenInput,
    )
    my_terrain = ChoiceFilter(
        choices=Terrain.choices, method="filter_sort", label=_("我县地形"), widget=forms.HiddenInput
    )

    class Meta:
        model = Case
        fields = ["q", "province", "prefecture", "county", "theme", "tag", "doc_type", "county_kind", "macro_region",
                  "terrain", "year_min", "year_max", "source", "has_figures", "investment_min", "investment_max"]  # fmt: skip

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        # Cascading choices: a prefecture within the province, a county within the prefecture.
        province = self.data.get("province") if self.data else None
        prefecture = self.data.get("prefecture") if self.data else None
        if province:
            self.filters["prefecture"].queryset = Region.objects.filter(level="prefecture", parent_id=province)
            self.filters["county"].queryset = Region.objects.filter(level="county", code__startswith=province[:2])
        if prefecture:
            self.filters["county"].queryset = Region.objects.filter(level="county", parent_id=prefecture)

    def narrow_choices(self) -> None:
        """After validation: offer only the places under the chosen parent, so
        that the page does not carry thousands of options."""
        fields = self.form.fields
        province, prefecture, county = (
            self.data.get(k) if self.data else None for k in ("province", "prefecture", "county")
        )
        if not province:  # only the prefecture chosen, if any (no list to read when none is)
            fields["prefecture"].queryset = Region.objects.filter(
                level="prefecture", code__in=[prefecture] if prefecture else []
            )
        # Sources are reached from a source's page: only the chosen one is offered.
        chosen_source = None
        if self.is_bound:
            self.form.is_valid()  # validated once; the valid values are in cleaned_data either way
            chosen_source = self.form.cleaned_data.get("source")
        fields["source"].queryset = Source.objects.filter(pk__in=[chosen_source.pk] if chosen_source else [])
        municipality = province in MUNICIPALITIES
        if not (prefecture or municipality):
            # A province has up to 180 counties: they are offered once its prefecture is chosen
            # (municipalities such as 北京市 have no prefectures: their districts at once).
            fields["county"].queryset = Region.objects.filter(level="county", code__in=[county] if county else [])

    def filter_queryset(self, queryset):
        """Every filter, then the search: it reads its cases from the list already filtered
        (cases/search.py), so that a search within a theme or a year is not cut short."""
        data = self.form.cleaned_data
        for name, value in data.items():
            if name != "q":
                queryset = self.filters[name].filter(queryset, value)
        return self.filters["q"].filter(queryset, data["q"]) if "q" in data else queryset

    def filter_q(self, queryset, name, value):
        # The places filtered by (validated with the rest of the form) narrow the index lookup.
        data = self.form.cleaned_data
        places = [(level, region.code) for level in ("province", "prefecture", "county") if (region := data.get(level))]
        return search.apply(queryset, value, places)

    def filter_has_figures(self, queryset, name, value):
        return queryset.filter(Exists(KeyFigure.objects.filter(case=OuterRef("pk"))))

    def filter_investment(self, queryset, name, value):
        """Cases stating an investment (one amount of kind 投资) within the range, in 万元: both
        bounds apply to the same amount, so the filter runs once, for whichever bound comes first."""
        data = self.form.cleaned_data
        low, high = data.get("investment_min"), data.get("investment_max")
        if name == "investment_max" and low is not None:
            return queryset
        amounts = KeyFigure.objects.filter(case=OuterRef("pk"), kind=KeyFigure.Kind.INVESTMENT)
        if low is not None:
            amounts = amounts.filter(value__gte=low * 10000)
        if high is not None:
            amounts = amounts.filter(value__lte=high * 10000)
        return queryset.filter(Exists(amounts))

    def filter_sort(self, queryset, name, value):
        return queryset  # ordering is applied last, in ``qs``

    def filter_county_kind(self, queryset, name, value):
        return queryset.filter(county__in=Region.objects.filter(level="county", kind=value).values("code"))

    def filter_macro_region(self, queryset, name, value):
        return queryset.filter(province__in=province_codes(value))

    @property
    def sort_order(self) -> str:
        """The requested order; relevance by default when searching, else newest."""
        value = self._valid("sort")
        if value == "like_mine" and not self._valid("mine"):
            value = None  # like whom? (the list page asks for 我的县)
        if value:
            return value
        return "relevance" if self.searching else "newest"

    @cached_property
    def likeness(self):
        """How alike each case's place is to mine, for sort=like_mine (None for other orders)."""
        if self.sort_order != "like_mine":
            return None
        data = self.form.cleaned_data
        return Likeness(data["mine"], data.get("my_terrain") or "")

    @property
    def searching(self) -> bool:
        """A query with words in it (not blank, not punctuation only)."""
        return bool(text.query_tokens(self._valid("q") or ""))

    def _valid(self, name: str):
        """A field's value when it is valid, whatever the others are: an invalid one is ignored
        (and the list says so, ``ignored_filters``), the rest still apply — the order too."""
        if not self.is_bound:
            return None
        self.form.is_valid()
        return self.form.cleaned_data.get(name)

    @property
    def qs(self):
        if not hasattr(self, "_ordered"):  # filtered once (django-filter keeps it), ordered once
            self._ordered = self._order(super().qs)
        return self._ordered

    def _order(self, queryset):
        sort = self.sort_order
        if sort == "relevance" and self.searching:
            # NULL years last on both databases (PostgreSQL puts them first in DESC): the same order of ties.
            return queryset.order_by("-rank", F("year").desc(nulls_last=True), "pk")
        if sort == "title":
            return queryset.order_by("title", "pk")
        if sort == "like_mine":
            return queryset.like_mine(self.likeness)
        return queryset.order_by(F("year").desc(nulls_last=True), "-pk")


class InvalidFilter(Exception):
    """A filter value a download cannot use (it would silently hold more than asked for)."""

    def response(self):
        from django.http import HttpResponseBadRequest

        return HttpResponseBadRequest(
            f"无效的筛选条件 · Invalid filter: {self}\n", content_type="text/plain; charset=utf-8"
        )


def strict(case_filter):
    """The filter itself, or InvalidFilter naming every value it could not use."""
    if ignored := ignored_filters(case_filter):
        raise InvalidFilter("; ".join(f"{label} “{value}”: {why}" for label, value, why in ignored))
    return case_filter


def ignored_filters(case_filter) -> list[tuple[str, str, str]]:
    """(label, value, why) for each parameter the filter could not use."""
    if not case_filter.is_bound or case_filter.form.is_valid():
        return []
    out = []
    for name, errors in case_filter.form.errors.items():
        field = case_filter.form.fields.get(name)
        value = ", ".join(case_filter.data.getlist(name)) if hasattr(case_filter.data, "getlist") else ""
        out.append((str(field.label) if field else name, value[:80], " ".join(str(e) for e in errors)))
    return out
