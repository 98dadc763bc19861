"""A case's history in the admin: who changed what and when, a diff between
a record and the one before it, a one-click revert to any record, and the
restore of deleted cases.  The records are django-simple-history's, each with
the case's themes and keywords of its moment (its m2m_fields); this module adds
only what it does not: a character-level diff and a one-click revert."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import workflow
from .models import Case, Region, Source, Theme, one_record

# Fields shown in a diff and restored by a revert, in the order of the form.
FIELDS = [
    (name, gettext_lazy("地区") if name == "place" else Case._meta.get_field(name).verbose_name)
    for name in ["title", "place", "region_label", "terrain", "year", "doc_type", "themes", "tags", *Case.SECTIONS,
                 "body", "status", "quality_flags"]
]  # fmt: skip
CONTENT_FIELDS = ["title", "region_label", "terrain", "year", "doc_type", *Case.SECTIONS, "body"]


def new_slug() -> str:
    """A readable, stable identifier for a case entered by hand: m-2026-0007, the year it was
    entered and its number in that year."""
    prefix = f"m-{timezone.localdate().year}-"
    number = Case.objects.filter(slug__startswith=prefix).count() + 1
    while Case.objects.filter(slug=f"{prefix}{number:04d}").exists():
        number += 1
    return f"{prefix}{number:04d}"


def themes(record) -> list[int]:
    """The ids of a record's themes, in the order of the themes."""
    return list(record.themes.order_by("theme__position", "theme_id").values_list("theme_id", flat=True))


def keywords(record) -> list[str]:
    """The names of a record's keywords (a keyword deleted since is left out)."""
    return sorted(name for name in record.tags.values_list("tag__name", flat=True) if name is not None)


def _value(record, name):
    if name == "place":
        return record.county_id or record.prefecture_id or record.province_id or ""
    if name in ("themes", "tags"):
        cached = record.__dict__.setdefault("_relations", {})  # a history page compares each record twice
        if name not in cached:
            cached[name] = themes(record) if name == "themes" else keywords(record)
        return cached[name]
    return getattr(record, name)


def _display(name, value) -> str:
    if name == "place":
        return Region.objects.select_related("parent__parent").get(code=value).path if value else ""
    if name == "themes":
        names = dict(Theme.objects.values_list("pk", "name"))
        return "、".join(names.get(pk, str(pk)) for pk in value)
    if name in ("tags", "quality_flags"):
        return "、".join(value)
    if choices := Case._meta.get_field(name).flatchoices:  # status, type, terrain: by their label
        return str(dict(choices).get(value, value))
    return "" if value is None else str(value)


def changed_fields(record, previous) -> list[str]:
    if previous is None:
        return [name for name, _label in FIELDS if _value(record, name) not in ("", None, [])]
    return [name for name, _label in FIELDS if _value(record, name) != _value(previous, name)]


def inline_diff(old: str, new: str) -> str:
    """Character-level diff (Chinese has no spaces between words), escaped, with <del>/<ins>."""
    out = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            out.append(escape(old[a0:a1]))
            continue
        if a1 > a0:
            out.append(f"<del>{escape(old[a0:a1])}</del>")
        if b1 > b0:
            out.append(f"<ins>{escape(new[b0:b1])}</ins>")
    return mark_safe("".join(out))


@dataclass
class Change:
    name: str
    label: str
    old: str
    new: str
    diff: str


def diff(record, previous) -> list[Change]:
    labels = dict(FIELDS)
    out = []
    for name in changed_fields(record, previous):
        old = _display(name, _value(previous, name)) if previous is not None else ""
        new = _display(name, _value(record, name))
        out.append(Change(name, labels[name], old, new, inline_diff(old, new)))
    return out


def _previous(record):
    return Case.history.filter(id=record.id, history_id__lt=record.history_id).order_by("-history_id").first()


def stale_message(pk: int, current_version: int) -> str:
    latest = Case.history.filter(id=pk).select_related("history_user").order_by("-history_id").first()
    who = latest.history_user.get_username() if latest and latest.history_user else _("其他人或导入程序")
    when = date_format(timezone.localtime(latest.history_date), "Y-m-d H:i:s") if latest else ""
    return _(
        "保存被拒绝：您打开此案例之后，%(who)s 于 %(when)s 保存了新的版本（第 %(version)d 版）。"
        "为避免覆盖对方的修改，本次修改没有保存。请复制您的修改，重新打开此案例核对后再保存。"
    ) % {"who": who, "when": when, "version": current_version}


def _context(admin, request, **extra):
    return {**admin.admin_site.each_context(request), "opts": Case._meta, **extra}


def history_view(admin):
    def view(request, pk):
        case = get_object_or_404(Case, pk=pk)
        if not admin.has_view_or_change_permission(request, case):
            raise PermissionDenied
        records = list(case.history.select_related("history_user").order_by("-history_id"))
        rows = []
        labels = dict(FIELDS)
        for i, record in enumerate(records):
            previous = records[i + 1] if i + 1 < len(records) else None
            rows.append((record, [labels[n] for n in changed_fields(record, previous)]))
        return TemplateResponse(
            request,
            "admin/cases/case/history.html",
            _context(
                admin,
                request,
                title=_("修改记录：%s") % case,
                case=case,
                rows=rows,
                can_revert=admin.has_change_permission(request, case),
            ),
        )

    return view


def diff_view(admin):
    def view(request, pk, history_id):
        record = get_object_or_404(Case.history.select_related("history_user"), id=pk, history_id=history_id)
        if not admin.has_view_or_change_permission(request):
            raise PermissionDenied
        previous = _previous(record)
        return TemplateResponse(
            request,
            "admin/cases/case/history_diff.html",
            _context(
                admin,
                request,
                title=_("修改内容"),
                record=record,
                previous=previous,
                changes=diff(record, previous),
                case=Case.objects.filter(pk=pk).first(),
                can_revert=admin.has_change_permission(request),
            ),
        )

    return view


def _restore_relations(case: Case, record) -> None:
    case.themes.set(Theme.objects.filter(pk__in=themes(record)))
    case.tags.set(keywords(record))


def revert(case: Case, record, user) -> str:
    """Bring a case back to a record's content, as a new change; the status
    follows only where the user may make that move.  A message for the user."""
    for name in CONTENT_FIELDS:
        setattr(case, name, getattr(record, name))
    case.province_id, case.prefecture_id, case.county_id = record.province_id, record.prefecture_id, record.county_id
    note = ""
    if record.status != case.status:
        if record.status in workflow.allowed_statuses(user, case.status):
            case.status = record.status
        else:
            note = _("（状态保持为“%s”：您无权改变发布状态）") % case.get_status_display()
    reason = _("恢复到 %(when)s 的版本（记录 #%(id)d）") % {
        "when": date_format(timezone.localtime(record.history_date), "Y-m-d H:i"),
        "id": record.history_id,
    }
    with transaction.atomic(), one_record(case):
        case._change_reason = reason
        case.save()
        if case.status == Case.Status.PUBLISHED and case.publish_blockers:
            case.status = Case.Status.REVIEW
            case._change_reason = reason + _("；恢复后有阻止发布的问题，改为待审核")
            case.save()
            note += _("（恢复的版本有阻止发布的质量问题，已改为待审核）")
        _restore_relations(case, record)
    return _("已恢复到记录 #%(id)d 的内容。") % {"id": record.history_id} + note


def revert_view(admin):
    @require_POST
    def view(request, pk, history_id):
        case = get_object_or_404(Case, pk=pk)
        if not admin.has_change_permission(request, case):
            raise PermissionDenied
        record = get_object_or_404(Case.history, id=pk, history_id=history_id)
        if request.POST.get("version") != str(case.version):
            # As the change form: a revert is based on the case as the page showed it.
            admin.message_user(request, stale_message(pk, case.version), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:cases_case_history_diff", args=[pk, history_id]))
        admin.message_user(request, revert(case, record, request.user), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:cases_case_change", args=[pk]))

    return view


def deleted_records():
    """The last record of every case that no longer exists."""
    deleted = Case.history.filter(history_type="-").exclude(id__in=Case.objects.values("pk"))
    latest = {}
    for record in deleted.select_related("history_user").order_by("history_id"):
        latest[record.id] = record
    return sorted(latest.values(), key=lambda r: r.history_date, reverse=True)


def restore(record, user) -> Case:
    """Bring a deleted case back with its id, slug, content, themes and keywords."""
    if Case.objects.filter(pk=record.id).exists():
        raise ValueError("exists")
    case = record.instance
    if case.source_id and not Source.objects.filter(pk=case.source_id).exists():
        case.source_id = None
    if Case.objects.filter(slug=case.slug).exists():
        case.slug = new_slug()
    if case.source_id and Case.objects.filter(source_id=case.source_id, ordinal=case.ordinal).exists():
        case.ordinal = None
    if case.status == Case.Status.PUBLISHED and not workflow.can_publish(user):
        case.status = Case.Status.REVIEW
    case._change_reason = _("从删除中恢复")
    # The record of a deletion is taken after its links are gone: the relations are the record's before.
    before = _previous(record)
    with transaction.atomic(), one_record(case, "+"):
        case.save(force_insert=True)
        _restore_relations(case, before or record)
    return case


def deleted_view(admin):
    def view(request):
        if not admin.has_delete_permission(request):
            raise PermissionDenied
        return TemplateResponse(
            request,
            "admin/cases/case/deleted.html",
            _context(admin, request, title=_("已删除的案例"), records=deleted_records()),
        )

    return view


def restore_view(admin):
    @require_POST
    def view(request, history_id):
        if not admin.has_delete_permission(request):
            raise PermissionDenied
        record = Case.history.filter(history_id=history_id, history_type="-").first()
        if record is None:
            raise Http404
        try:
            case = restore(record, request.user)
        except ValueError:
            admin.message_user(request, _("此案例已经恢复过了。"), messages.WARNING)
            return HttpResponseRedirect(reverse("admin:cases_case_change", args=[record.id]))
        admin.message_user(
            request,
            format_html("{}《{}》", _("已恢复："), case),
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:cases_case_change", args=[case.pk]))

    return view
