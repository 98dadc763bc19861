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
    # Five models, reached from the first page and the breadcrumbs: the side menu took a fifth of a
    # 1,366 px screen from the changelist, which then cut its last columns off.
    enable_nav_sidebar = False

    def index(self, request, extra_context=None):
        return super().index(request, {**(extra_context or {}), "desk": self.review_desk(request)})

    def review_desk(self, request) -> dict | None:
        """What waits for the editors and reviewers, with links to it, on the admin's first page."""
        from django.urls import reverse

        from cases.models import Case
        from cases.quality import FLAGS

        if not request.user.has_perm("cases.view_case"):
            return None
        changelist = reverse("admin:cases_case_changelist", current_app=self.name)
        blocking = [code for code, flag in FLAGS.items() if flag.blocking]
        return {
            "counts": [
                (
                    _("待审核"),
                    Case.objects.filter(status=Case.Status.REVIEW).count(),
                    f"{changelist}?status__exact=review",
                ),
                (_("草稿"), Case.objects.filter(status=Case.Status.DRAFT).count(), f"{changelist}?status__exact=draft"),
                # Published ones too, as the link lists them: a published case comes to carry one when a check
                # re-runs on its next save (a privacy rule added since it was published, a restored case), and
                # then it needs an editor first of all.
                (_("有阻止发布的标记"), Case.objects.flagged(blocking).count(), f"{changelist}?flag=blocking"),
            ],
            "can_import": request.user.has_perm("cases.add_case"),
        }

    def autocomplete_view(self, request):
        return PlaceAutocompleteJsonView.as_view(admin_site=self)(request)
