from django.contrib import admin

from .models import Case, Region, Source, Theme


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name", "aliases"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "slug", "position"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "file_name", "kind", "publisher", "year"]
    search_fields = ["title", "file_name", "publisher"]


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["title", "province", "county", "doc_type", "year", "status", "source"]
    list_filter = ["status", "doc_type", "themes", "source"]
    list_select_related = ["province", "county", "source"]
    search_fields = ["title", "summary", "body", "region_label"]
    autocomplete_fields = ["province", "prefecture", "county"]
    filter_horizontal = ["themes"]
    readonly_fields = ["source", "ordinal", "span_start", "span_end", "quality_flags"]
