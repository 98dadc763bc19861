"""Who may move a case between draft, review and published, and the moves
themselves.  The admin's form, its bulk actions and the tests use these."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import Case

PUBLISH_PERMISSION = "cases.publish_case"


def can_publish(user) -> bool:
    return user.has_perm(PUBLISH_PERMISSION)


def allowed_statuses(user, current: str) -> list[str]:
    """The statuses this user may leave a case in, starting from ``current``."""
    if can_publish(user):
        return list(Case.Status.values)
    if current == Case.Status.PUBLISHED:
        return [current]  # an editor may correct a published case, not withdraw it
    return [Case.Status.DRAFT, Case.Status.REVIEW]


def move(case: Case, status: str, user) -> str | None:
    """Move one case; the reason it cannot be moved, or None when done."""
    if case.status == status:
        return None
    if status not in allowed_statuses(user, case.status):
        return _("只有审核人员可以发布或撤回案例")
    if status == Case.Status.PUBLISHED and (blockers := case.publish_blockers):
        return _("有阻止发布的质量问题：%s") % "、".join(str(f.label) for f in blockers)
    case.status = status
    case._change_reason = {
        Case.Status.DRAFT: _("退回草稿"),
        Case.Status.REVIEW: _("送审"),
        Case.Status.PUBLISHED: _("发布"),
    }[status]
    case.save()
    return None


def clear_personal_data(case: Case, user) -> str | None:
    """A reviewer confirms that what looks like personal data may be published."""
    if not can_publish(user):
        return _("只有审核人员可以确认个人信息")
    if not case.privacy_findings():
        return None
    case.clear_privacy_findings()
    case._change_reason = _("确认疑似个人信息可以公开")
    case.save()
    return None
