"""The editors' admin: roles, the draft → review → published workflow, bulk
actions, region/theme/keyword autocomplete, quality flags, duplicates,
history with diff and revert, restore after delete, optimistic locking and
the two importers (a document, a spreadsheet)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.forms.models import construct_instance
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from taggit.models import Tag

from . import admin_import, history, search, workflow
from .admin_import import PlaceField
from .duplicates import near_duplicates
from .ingest.controls import strip_controls
from .models import Case, KeyFigure, Keyword, Region, Source, StaleEdit, Synonym, Theme, one_record
from .quality import FLAGS, blocking, live_flags
from .text import normalize


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "kind", "parent", "longitude", "latitude"]
    list_filter = ["level", "kind"]
    search_fields = ["name", "code", "aliases"]
    ordering = ["code"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent__parent")

    def get_search_results(self, request, queryset, search_term):
        return super().get_search_results(request, queryset, normalize(search_term).strip())


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "slug", "position"]
    search_fields = ["name", "name_en", "slug"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "file_name", "kind", "publisher", "year", "case_count", "created"]
    search_fields = ["title", "file_name", "publisher"]
    readonly_fields = ["kind", "sha256", "raw_text", "created", "cases_link"]

    def has_add_permission(self, request):
        return False  # a source is made by importing a document or a spreadsheet (case list: 导入文档)

    @admin.display(description=_("案例数"))
    def case_count(self, source):
        return source.cases.count()

    @admin.display(description=_("案例"))
    def cases_link(self, source):
        url = reverse("admin:cases_case_changelist") + f"?source__id__exact={source.pk}"
        return format_html('<a href="{}">{}</a>', url, _t("查看本文档的案例"))


# ---- the case form ----------------------------------------------------------------------------


class TagsWidget(AutocompleteSelectMultiple):
    """Keywords with autocomplete over the existing ones; typing a new word
    and pressing Enter adds it (select2's tags mode).  Values are the names."""

    def __init__(self, attrs=None):
        super().__init__(Case._meta.get_field("tags"), admin.site, attrs)

    def get_url(self):
        return reverse("admin:cases_case_tag_autocomplete")

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs=extra_attrs)
        attrs["data-tags"] = "true"
        attrs["data-token-separators"] = '[",", "，", "、", ";", "；"]'
        return attrs

    def optgroups(self, name, value, attr=None):
        options = [self.create_option(name, v, v, True, i) for i, v in enumerate(value or []) if v]
        return [(None, options, 0)]


class TagsField(forms.Field):
    widget = TagsWidget

    def to_python(self, value):
        names = []
        for item in value or []:
            for name in str(item).replace("，", ",").replace("、", ",").split(","):
                name = strip_controls(normalize(name)).strip()[:100]
                if name and name not in names:
                    names.append(name)
        return names


MANUAL_SOURCE_FIELDS = ["source_title", "source_publisher", "source_url", "source_date"]


class CaseAdminForm(forms.ModelForm):
    place = PlaceField(label=_("地区"), help_text=_("输入地名选择，如“怀柔”；所属的省、市自动填写。全国性条目留空。"))
    tag_names = TagsField(label=_("关键词"), required=False, help_text=_("选择已有关键词，或输入新词后按回车。"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # A case entered by hand cites where it comes from, like an imported one (a "手工录入" source).
    source_title = forms.CharField(label=_("来源标题"), max_length=300, required=False, help_text=_("原文的标题"))
    source_publisher = forms.CharField(label=_("发布机构"), max_length=200, required=False)
    source_url = forms.URLField(label=_("来源网址"), max_length=500, required=False, assume_scheme="https")
    source_date = forms.DateField(label=_("发布日期"), required=False, help_text=_("如 2024-05-20"))
    confirm_privacy = forms.BooleanField(
        label=_("确认疑似个人信息可以公开"),
        required=False,
        help_text=_("仅审核人员可用：核实上面列出的内容不是个人信息或已获同意公开。"),
    )

    class Meta:
        model = Case
        fields = ["title", "region_label", "year", "doc_type", "terrain", "themes", *Case.SECTIONS, "body", "status"]

    user = None  # set by CaseAdmin.get_form

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        case = self.instance
        if case.pk:
            self.fields["place"].initial = case.place
            self.fields["tag_names"].initial = sorted(case.tags.names())
            self.fields["version"].initial = case.version
        if "status" in self.fields:
            allowed = workflow.allowed_statuses(self.user, case.status if case.pk else Case.Status.DRAFT)
            self.fields["status"].choices = [c for c in Case.Status.choices if c[0] in allowed]
            if len(allowed) == 1:
                self.fields["status"].disabled = True
        if not workflow.can_publish(self.user) or not case.privacy_findings():
            del self.fields["confirm_privacy"]
        if case.pk:
            for name in MANUAL_SOURCE_FIELDS:
                del self.fields[name]

    def clean(self):
        cleaned = super().clean()
        case = self.instance
        if not case.pk and not (cleaned.get("source_url") or cleaned.get("source_publisher")):
            self.add_error("source_url", _t("手工录入的案例须注明来源：填写来源网址或发布机构。"))
        if case.pk:
            current = Case.objects.filter(pk=case.pk).values_list("version", flat=True).first()
            submitted = cleaned.get("version")
            if submitted is None:
                # A form always posts the version it showed: without one, whatever changed since
                # would be overwritten unseen (a forged or scripted save).
                raise ValidationError(_t("缺少版本号，保存被拒绝：请重新打开此案例后再修改。"), code="stale")
            if current is not None and current != submitted:
                raise ValidationError(history.stale_message(case.pk, current), code="stale")
        old = Case.objects.get(pk=case.pk).status if case.pk else Case.Status.DRAFT
        status = cleaned.get("status", old)
        if status != old and status not in workflow.allowed_statuses(self.user, old):
            self.add_error("status", _t("只有审核人员可以发布或撤回案例"))
        if cleaned.get("confirm_privacy") and not workflow.can_publish(self.user):
            self.add_error("confirm_privacy", _t("只有审核人员可以确认个人信息"))
        if status == Case.Status.PUBLISHED and not self.errors:
            probe = Case.objects.get(pk=case.pk) if case.pk else Case()
            construct_instance(self, probe, fields=self._meta.fields)
            probe.set_place(cleaned.get("place"))
            if cleaned.get("confirm_privacy"):
                probe.clear_privacy_findings()
            if blockers := blocking(live_flags(probe, cleaned.get("tag_names") or [])):
                raise ValidationError(
                    _t("有阻止发布的质量问题，请先处理：%s") % "、".join(str(f.label) for f in blockers),
                    code="blocked",
                )
        return cleaned

    def save(self, commit=True):
        case = super().save(commit=False)
        if not case.pk:
            case.source = Source.manual(
                title=self.cleaned_data["source_title"],
                publisher=self.cleaned_data["source_publisher"],
                url=self.cleaned_data["source_url"],
                date=self.cleaned_data["source_date"],
            )
        case.set_place(self.cleaned_data.get("place"))
        if self.cleaned_data.get("confirm_privacy"):
            case.clear_privacy_findings()
        if commit:
            case.save()
            self.save_m2m()
        return case


# ---- list filters -----------------------------------------------------------------------------


class ProvinceFilter(admin.SimpleListFilter):
    title = _("省份")
    parameter_name = "province"

    def lookups(self, request, model_admin):
        used = Case.objects.exclude(province=None).values("province")
        return [(r.code, r.name) for r in Region.objects.filter(code__in=used).order_by("code")]

    def queryset(self, request, queryset):
        return queryset.filter(province_id=self.value()) if self.value() else queryset


class FlagFilter(admin.SimpleListFilter):
    title = _("质量标记")
    parameter_name = "flag"

    def lookups(self, request, model_admin):
        return [("blocking", _("有阻止发布的问题")), ("none", _("无标记"))] + [
            (code, flag.label) for code, flag in FLAGS.items()
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if value == "none":
            return queryset.filter(quality_flags=[])
        codes = [c for c, f in FLAGS.items() if f.blocking] if value == "blocking" else [value]
        return queryset.flagged(codes)


# ---- bulk actions -----------------------------------------------------------------------------


class ThemeActionForm(forms.Form):
    theme = forms.ModelChoiceField(Theme.objects.all(), label=_("主题"))


class TagsActionForm(forms.Form):
    tags = forms.CharField(label=_("关键词"), help_text=_("多个关键词用逗号或顿号分隔"))


class SendBackForm(forms.Form):
    comment = forms.CharField(
        label=_("退回意见"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("编辑会在案例页面和修改记录中看到这条意见。"),
    )


def _move_all(modeladmin, request, queryset, status, move=workflow.move):
    """Move each case and say, case by case, what happened to it."""
    moved, refused = [], []
    for case in queryset:
        reason = move(case, status, request.user)
        if reason:
            refused.append(f"《{case}》：{reason}")
        elif case.status == status:
            moved.append(f"《{case}》")
    if moved:
        label = Case.Status(status).label
        modeladmin.message_user(
            request,
            _t("%(status)s %(n)d 个案例：%(cases)s") % {"status": label, "n": len(moved), "cases": "、".join(moved)},
            messages.SUCCESS,
        )
    for line in refused:
        modeladmin.message_user(request, _t("未处理 %(case)s") % {"case": line}, messages.WARNING)


# One name for keywords: django-taggit's own admin ("标签项", "标签") is replaced by this one.
admin.site.unregister(Tag)


@admin.register(Keyword)
class KeywordAdmin(admin.ModelAdmin):
    list_display = ["name", "case_count"]
    search_fields = ["name"]
    ordering = ["name"]
    fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(n=Count("cases_casekeyword_items", distinct=True))

    @admin.display(description=_("案例数"), ordering="n")
    def case_count(self, keyword):
        return keyword.n


# ---- the case admin ---------------------------------------------------------------------------


class KeyFigureInline(admin.TabularInline):
    """The key figures of a case: the importer's proposals (unconfirmed) and the editors' rows.
    Confirm what the original says, correct what it read wrong, delete what is no figure."""

    model = KeyFigure
    extra = 0
    fields = ["confirmed", *KeyFigure.EXTRACTED_FIELDS, "quote"]
    readonly_fields = ["quote"]
    verbose_name_plural = _("关键数据（自动提取的数据请对照原文核实、修改或删除）")


@admin.register(Case)
class CaseAdmin(SimpleHistoryAdmin):
    form = CaseAdminForm
    inlines = [KeyFigureInline]
    change_form_template = "admin/cases/case/change_form.html"
    change_list_template = "admin/cases/case/change_list.html"
    list_display = ["title_or_slug", "place_path", "status", "year", "doc_type", "flag_badges", "updated_at", "source"]
    list_filter = ["status", ProvinceFilter, "themes", "doc_type", "terrain", FlagFilter, "source"]
    list_select_related = ["province", "prefecture", "county", "source"]
    list_per_page = 50
    search_fields = ["slug"]  # plus the full-text search, see get_search_results
    search_help_text = _("按标题、正文搜索（繁简体均可），或输入案例标识")
    autocomplete_fields = ["themes"]
    ordering = ["-updated"]
    actions = [
        "send_to_review",
        "back_to_draft",
        "publish",
        "send_back",
        "unpublish",
        "add_theme",
        "add_tags",
        "confirm_personal_data",
        "delete_selected",
    ]
    readonly_fields = ["flag_panel", "evidence_panel", "public_links", "source_panel", "history_link"]
    fieldsets = [
        (None, {"fields": ["title", "place", "region_label", "terrain", "year", "doc_type", "themes", "tag_names"]}),
        # What the case reports, then what others may learn from it (conditions, problems, lessons, next steps).
        (_("内容"), {"fields": [*Case.SECTIONS[:4], "body"]}),
        (_("适用条件与经验"), {"fields": Case.SECTIONS[4:], "classes": ["collapse"]}),
        (
            _("审核与发布"),
            {
                "fields": [
                    "status",
                    "flag_panel",
                    "evidence_panel",
                    "confirm_privacy",
                    "public_links",
                    "history_link",
                    "version",
                ]
            },
        ),
        (_("来源"), {"fields": ["source_panel"], "classes": ["collapse"]}),
    ]

    class Media:
        css = {"all": ["css/admin.css"]}

    # -- permissions

    def has_publish_permission(self, request):
        return workflow.can_publish(request.user)

    # -- list

    @admin.display(description=_("标题"), ordering="title")
    def title_or_slug(self, case):
        return str(case)

    @admin.display(description=_("更新时间"), ordering="updated")
    def updated_at(self, case):
        # Minutes are enough to tell edits apart; the long localized form pushed the table wider than 1,366 px.
        return localtime(case.updated).strftime("%Y-%m-%d %H:%M")

    def view_on_site(self, case):
        """A published case's public page; a draft's preview (its public address would be a 404)."""
        if case.status == Case.Status.PUBLISHED:
            return case.get_absolute_url()
        return reverse("admin:cases_case_preview", args=[case.pk])

    @admin.display(description=_("地区"))
    def place_path(self, case):
        return " › ".join(r.name for r in (case.province, case.prefecture, case.county) if r) or case.region_label

    @admin.display(description=_("质量标记"))
    def flag_badges(self, case):
        return format_html_join(
            " ",
            '<span class="flag{}" title="{}">{}</span>',
            ((" flag-blocking" if f.blocking else "", f.explanation, f.label) for f in case.flags),
        )

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        by_slug = queryset.filter(slug=search_term.strip())
        matches = search.apply(queryset, search_term, literal=True).values("pk")
        return queryset.filter(Q(pk__in=matches) | Q(pk__in=by_slug.values("pk"))), False

    # -- form

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["fields"] = None  # the fieldsets name form-only fields; the form class lists the model's
        base = super().get_form(request, obj, change=change, **kwargs)
        return type(base.__name__, (base,), {"user": request.user})

    def get_fieldsets(self, request, obj=None):
        fieldsets = [(name, {**opts, "fields": list(opts["fields"])}) for name, opts in self.fieldsets]
        if obj is None:
            fieldsets[3][1]["fields"] = ["status", "version"]
            fieldsets = [*fieldsets[:4], (_("来源"), {"fields": MANUAL_SOURCE_FIELDS})]
        elif not workflow.can_publish(request.user) or not obj.privacy_findings():
            fieldsets[3][1]["fields"].remove("confirm_privacy")
        return fieldsets

    @admin.display(description=_("推断依据"))
    def evidence_panel(self, case):
        labels = case.evidence_labels()
        if not labels:
            return _t("无")
        return format_html("<ul>{}</ul>", format_html_join("", "<li><strong>{}</strong>：{}</li>", labels))

    @admin.display(description=_("质量标记"))
    def flag_panel(self, case):
        if not case.quality_flags:
            return _t("无")
        items = format_html_join(
            "",
            '<li class="flag-item{}"><strong>{}</strong>{}：{}</li>',
            (
                (
                    " flag-blocking" if f.blocking else "",
                    f.label,
                    _t("（阻止发布）") if f.blocking else "",
                    f.explanation,
                )
                for f in case.flags
            ),
        )
        found = case.privacy_findings() if "personal-data" in case.quality_flags else []
        detail = (
            format_html(
                "<p>{}{}</p>",
                _t("疑似个人信息："),
                "、".join(f"{f.text}" for f in found),
            )
            if found
            else ""
        )
        return format_html('<ul class="flag-list">{}</ul>{}', items, detail)

    @admin.display(description=_("公开页面"))
    def public_links(self, case):
        preview = reverse("admin:cases_case_preview", args=[case.pk])
        if case.status == Case.Status.PUBLISHED:
            return format_html(
                '<a href="{}" target="_blank">{}</a> · <a href="{}">{}</a>',
                case.get_absolute_url(),
                _t("查看公开页面"),
                preview,
                _t("预览"),
            )
        return format_html('<a href="{}" target="_blank">{}</a>（{}）', preview, _t("预览"), _t("尚未公开"))

    @admin.display(description=_("修改记录"))
    def history_link(self, case):
        url = reverse("admin:cases_case_history", args=[case.pk])
        return format_html('<a href="{}">{}</a>', url, _t("查看修改记录、差异与恢复"))

    @admin.display(description=_("来源"))
    def source_panel(self, case):
        if not case.source_id:
            return _t("手工录入")
        url = reverse("admin:cases_source_change", args=[case.source_id])
        return format_html(
            '<a href="{}">{}</a><br><code>{}</code><pre class="source-excerpt">{}</pre>',
            url,
            case.source,
            case.locator,
            case.source_excerpt[:2000],
        )

    def save_model(self, request, obj, form, change):
        # Saved in save_related, with its themes and keywords, as one record of its history.
        obj._change_reason = _t("编辑") if change else _t("新建")
        if not obj.slug:
            obj.slug = history.new_slug()

    def save_related(self, request, form, formsets, change):
        case = form.instance
        with one_record(case, "~" if change else "+"):
            case.save(expected_version=form.cleaned_data.get("version") if change else None)
            super().save_related(request, form, formsets, change)
            # Only what changed: an unchanged list touches no link (and no cached count).
            case.tags.set(form.cleaned_data.get("tag_names") or [])

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleEdit as stale:
            # Someone saved between our check and our save: nothing of ours was written.
            self.message_user(request, history.stale_message(int(object_id), stale.args[0]), messages.ERROR)
            return HttpResponseRedirect(request.path)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        title = form.data.get("title", obj.title if obj else "") if form.is_bound else (obj.title if obj else "")
        text = Case.text_of(
            lambda name: (form.data if form.is_bound else {}).get(name, getattr(obj, name, "") if obj else "")
        )  # the full_text the save's warning reads
        context["duplicates"] = near_duplicates(title, text, exclude_pk=obj.pk if obj else None)
        if record := (workflow.open_comment(obj) if obj else None):
            context["send_back"] = {
                "comment": record.history_change_reason.removeprefix(workflow.SEND_BACK),
                "who": record.history_user,
                "when": record.history_date,
            }
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_add(self, request, obj, post_url_continue=None):
        self._warn_duplicates(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        self._warn_duplicates(request, obj)
        return super().response_change(request, obj)

    def _warn_duplicates(self, request, case):
        for twin in near_duplicates(case.title, case.full_text, exclude_pk=case.pk):
            url = reverse("admin:cases_case_change", args=[twin.pk])
            self.message_user(
                request,
                format_html('{} <a href="{}">《{}》</a>', _t("此案例与已有案例几乎相同："), url, twin),
                messages.WARNING,
            )

    # -- actions

    @admin.action(description=_("送审"), permissions=["change"])
    def send_to_review(self, request, queryset):
        _move_all(self, request, queryset, Case.Status.REVIEW)

    @admin.action(description=_("退回草稿"), permissions=["change"])
    def back_to_draft(self, request, queryset):
        _move_all(self, request, queryset, Case.Status.DRAFT)

    @admin.action(description=_("发布"), permissions=["publish"])
    def publish(self, request, queryset):
        """Publishing asks first: the reviewer sees each case with its flags before anything moves."""
        if "apply" in request.POST:
            return _move_all(self, request, queryset, Case.Status.PUBLISHED)
        return self._confirmation(request, queryset, _t("发布"), _t("确认发布"))

    @admin.action(description=_("退回编辑（附意见）"), permissions=["publish"])
    def send_back(self, request, queryset):
        form = SendBackForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            comment = form.cleaned_data["comment"]
            return _move_all(
                self,
                request,
                queryset,
                Case.Status.DRAFT,
                lambda case, _status, user: workflow.send_back(case, user, comment),
            )
        return self._confirmation(request, queryset, _t("退回编辑"), _t("退回"), form)

    def _confirmation(self, request, queryset, title, button, form=None):
        cases = queryset.select_related("province", "prefecture", "county")
        return self._action_page(request, "confirm_action", title=title, button=button, form=form, cases=cases)

    def _action_page(self, request, template: str, **context):
        """The page an action shows before it applies (admin/cases/case/<template>.html)."""
        return TemplateResponse(
            request,
            f"admin/cases/case/{template}.html",
            {
                **self.admin_site.each_context(request),
                **context,
                "action": request.POST.get("action"),
                "opts": self.model._meta,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.action(description=_("撤回（改为待审核）"), permissions=["publish"])
    def unpublish(self, request, queryset):
        _move_all(self, request, queryset.filter(status=Case.Status.PUBLISHED), Case.Status.REVIEW)

    @admin.action(description=_("确认疑似个人信息可以公开"), permissions=["publish"])
    def confirm_personal_data(self, request, queryset):
        for case in queryset:
            workflow.clear_personal_data(case, request.user)
        self.message_user(request, _t("已确认 %(n)d 个案例。") % {"n": queryset.count()}, messages.SUCCESS)

    def _relation_action(self, request, queryset, form_class, apply, title, refuse=None):
        """``refuse(case, data)``: why this case is left as it is, or None."""
        form = form_class(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            done = 0
            for case in queryset:
                if refuse and (reason := refuse(case, form.cleaned_data)):
                    self.message_user(request, f"《{case}》：{reason}", messages.WARNING)
                    continue
                case._change_reason = title
                with one_record(case):
                    case.save()  # bumps the version: a form opened before cannot overwrite this
                    apply(case, form.cleaned_data)
                done += 1
            self.message_user(request, _t("已处理 %(n)d 个案例。") % {"n": done}, messages.SUCCESS)
            return None
        return self._action_page(request, "relation_action", title=title, form=form, queryset=queryset)

    @admin.action(description=_("添加主题"), permissions=["change"])
    def add_theme(self, request, queryset):
        return self._relation_action(
            request, queryset, ThemeActionForm, lambda c, d: c.themes.add(d["theme"]), _t("添加主题")
        )

    @admin.action(description=_("添加关键词"), permissions=["change"])
    def add_tags(self, request, queryset):
        def apply(case, data):
            case.tags.add(*TagsField().to_python([data["tags"]]))

        def refuse(case, data):
            # Keywords are public at once on a published case: personal data waits for a reviewer.
            names = [*case.tags.names(), *TagsField().to_python([data["tags"]])]
            if case.status == Case.Status.PUBLISHED and "personal-data" in live_flags(case, names):
                return _t("关键词可能含个人信息，已发布的案例未添加；请撤回后由审核人员确认。")
            return None

        return self._relation_action(request, queryset, TagsActionForm, apply, _t("添加关键词"), refuse)

    # -- extra views

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("tags/autocomplete/", wrap(self.tag_autocomplete), name="cases_case_tag_autocomplete"),
            path("<int:pk>/preview/", wrap(self.preview_view), name="cases_case_preview"),
            path("<int:pk>/history/<int:history_id>/", wrap(history.diff_view(self)), name="cases_case_history_diff"),
            path(
                "<int:pk>/history/<int:history_id>/revert/",
                wrap(history.revert_view(self)),
                name="cases_case_history_revert",
            ),
            path("deleted/", wrap(history.deleted_view(self)), name="cases_case_deleted"),
            path("deleted/<int:history_id>/restore/", wrap(history.restore_view(self)), name="cases_case_restore"),
            path("import/", wrap(admin_import.document_view(self)), name="cases_case_import"),
            path("import-sheet/", wrap(admin_import.sheet_view(self)), name="cases_case_import_sheet"),
            path(
                "import-sheet/template.<str:fmt>", wrap(admin_import.sheet_template), name="cases_case_sheet_template"
            ),
        ] + super().get_urls()

    def history_view(self, request, object_id, extra_context=None):
        return history.history_view(self)(request, int(object_id))

    def tag_autocomplete(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        term = normalize(request.GET.get("term", "")).strip()
        tags = Tag.objects.filter(name__icontains=term) if term else Tag.objects.all()
        names = list(tags.order_by("name").values_list("name", flat=True)[:20])
        return JsonResponse({"results": [{"id": n, "text": n} for n in names], "pagination": {"more": False}})

    def preview_view(self, request, pk):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        case = Case.objects.with_related().with_excerpt().filter(pk=pk).first()
        if case is None:
            raise Http404
        from .views import render_case

        return render_case(request, case, preview=True)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_import": self.has_add_permission(request),
            "can_restore": self.has_delete_permission(request),
        }
        return super().changelist_view(request, extra_context)


@admin.register(Synonym)
class SynonymAdmin(admin.ModelAdmin):
    """Related-term groups of the search (fixtures/search/synonyms.txt is the reviewed start)."""

    list_display = ["words", "note"]
    search_fields = ["words", "note"]
