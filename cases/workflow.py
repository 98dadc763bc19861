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


def move(case: Case, status: str, user, reason: str = "") -> str | None:
    """Move one case; the reason it cannot be moved, or None when done.  ``reason`` replaces the
    history's standard wording (a reviewer's comment when sending a case back)."""
    if case.status == status:
        return None
    if status not in allowed_statuses(user, case.status):
        return _("只有审核人员可以发布或撤回案例")
    if status == Case.Status.PUBLISHED and (blockers := case.publish_blockers):
        return _("有阻止发布的质量问题：%s") % "、".join(str(f.label) for f in blockers)
    withdrawn = case.status == Case.Status.PUBLISHED
    case.status = status
    standard = {Case.Status.DRAFT: _("退回草稿"), Case.Status.REVIEW: _("送审"), Case.Status.PUBLISHED: _("发布")}
    case._change_reason = reason or (_("撤回") if withdrawn else standard[status])
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


SEND_BACK = "退回编辑："  # how the history records a reviewer's comment; the editor sees it on the case


def send_back(case: Case, user, comment: str) -> str | None:
    """A reviewer returns a case to its editor as a draft, with a comment kept in the history."""
    if not can_publish(user):
        return _("只有审核人员可以退回编辑")
    return move(case, Case.Status.DRAFT, user, reason=SEND_BACK + comment.strip())


def open_comment(case: Case):
    """The history record of the reviewer's comment a draft was sent back with, as long as the case
    has stayed a draft since (the editor's later saves keep it in view; sending it to review again
    closes it)."""
    if case.status != Case.Status.DRAFT:
        return None
    for record in case.history.select_related("history_user").order_by("-history_id")[:100]:
        if (record.history_change_reason or "").startswith(SEND_BACK):
            return record
        if record.status != Case.Status.DRAFT:
            return None
    return None
