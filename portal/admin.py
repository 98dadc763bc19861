"""The editors' admin site: Chinese titles, and region autocomplete that
shows where a place is (北京市 › 怀柔区), not just its name."""

from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.utils.translation import gettext_lazy as _


class PlaceAutocompleteJsonView(AutocompleteJsonView):
    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if hasattr(obj, "path"):
            result["text"] = obj.path
        return result


class PortalAdminSite(admin.AdminSite):
    site_header = _("乡村公共服务案例库 · 编辑后台")
    site_title = _("案例库编辑后台")
    index_title = _("编辑与审核")

    def autocomplete_view(self, request):
        return PlaceAutocompleteJsonView.as_view(admin_site=self)(request)
