"""The review desk's decisions: publishing after seeing each case, sending a case back with a comment."""

import pytest
from django.test import Client
from django.urls import reverse

from cases.models import Case
from cases.roles import EDITOR, REVIEWER

from .factories import CaseFactory, UserFactory

pytestmark = pytest.mark.usefixtures("empty_library")
CHANGELIST = "/admin/cases/case/"


def login(name, role):
    client = Client()
    client.force_login(UserFactory(username=name, role={"editor": EDITOR, "reviewer": REVIEWER}[role]))
    return client


def in_review(n):
    return CaseFactory.create_batch(n, status=Case.Status.REVIEW)


def ready_and_blocked():
    """Two cases under review; the second's region could not be read from its source (a blocking flag)."""
    ready = CaseFactory(status=Case.Status.REVIEW, title="可以发布的案例")
    blocked = CaseFactory(
        status=Case.Status.REVIEW,
        title="地区不明的案例",
        province=None,
        region_label="",
        quality_flags=["region-unknown"],
    )
    return ready, blocked


def test_bulk_publishing_first_lists_each_case_with_its_flags():
    ready, blocked = ready_and_blocked()
    reviewer = login("shenhe", "reviewer")

    page = reviewer.post(CHANGELIST, {"action": "publish", "_selected_action": [ready.pk, blocked.pk]})

    html = page.content.decode()
    assert page.status_code == 200
    assert f'<a href="/admin/cases/case/{ready.pk}/change/" target="_blank">{ready}</a>' in html
    assert f'<a href="/admin/cases/case/{blocked.pk}/change/" target="_blank">{blocked}</a>' in html
    assert '<span class="flag flag-blocking" title="无法从原文确定所在地区' in html
    assert html.count('class="flag flag-blocking"') == 1  # the blocked case's, not the ready one's
    assert list(Case.objects.filter(pk__in=[ready.pk, blocked.pk]).values_list("status", flat=True)) == [
        "review",
        "review",
    ]  # nothing moved yet


def test_confirmed_bulk_publishing_says_what_happened_to_each_case():
    ready, blocked = ready_and_blocked()
    reviewer = login("shenhe", "reviewer")

    page = reviewer.post(
        CHANGELIST, {"action": "publish", "_selected_action": [ready.pk, blocked.pk], "apply": "1"}, follow=True
    )

    messages = [str(m) for m in page.context["messages"]]
    assert messages == [f"已发布 1 个案例：《{ready}》", f"未处理 《{blocked}》：有阻止发布的质量问题：地区不明"]
    assert Case.objects.get(pk=ready.pk).status == "published"
    assert Case.objects.get(pk=blocked.pk).status == "review"


def test_a_reviewer_sends_a_case_back_and_the_editor_reads_the_comment():
    (case,) = in_review(1)
    reviewer = login("shenhe", "reviewer")
    asked = reviewer.post(CHANGELIST, {"action": "send_back", "_selected_action": [case.pk]})
    assert 'name="comment"' in asked.content.decode()
    assert Case.objects.get(pk=case.pk).status == "review"

    reviewer.post(
        CHANGELIST, {"action": "send_back", "_selected_action": [case.pk], "apply": "1", "comment": "请补充成效数据。"}
    )

    case.refresh_from_db()
    assert case.status == "draft"
    assert case.history.order_by("-history_id").first().history_change_reason == "退回编辑：请补充成效数据。"
    editor = login("bianji", "editor")
    form = editor.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    assert "<strong>审核退回意见</strong>（shenhe · " in form
    assert "<p>请补充成效数据。</p>" in form
    history = editor.get(reverse("admin:cases_case_history", args=[case.pk])).content.decode()
    assert "退回编辑：请补充成效数据。" in history


def test_the_comment_closes_when_the_case_goes_back_to_review():
    (case,) = in_review(1)
    reviewer = login("shenhe", "reviewer")
    reviewer.post(CHANGELIST, {"action": "send_back", "_selected_action": [case.pk], "apply": "1", "comment": "改标题"})
    editor = login("bianji", "editor")
    editor.post(CHANGELIST, {"action": "send_to_review", "_selected_action": [case.pk]})

    form = editor.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()

    assert Case.objects.get(pk=case.pk).status == "review"
    assert "审核退回意见" not in form


def test_editors_cannot_send_cases_back():
    (case,) = in_review(1)
    editor = login("bianji", "editor")

    editor.post(CHANGELIST, {"action": "send_back", "_selected_action": [case.pk], "apply": "1", "comment": "x"})

    assert Case.objects.get(pk=case.pk).status == "review"


def test_view_on_site_of_a_draft_is_its_preview():
    draft = CaseFactory(status=Case.Status.DRAFT)
    published = CaseFactory()
    reviewer = login("shenhe", "reviewer")

    draft_form = reviewer.get(reverse("admin:cases_case_change", args=[draft.pk])).content.decode()
    published_form = reviewer.get(reverse("admin:cases_case_change", args=[published.pk])).content.decode()

    assert f'href="/admin/cases/case/{draft.pk}/preview/" class="viewsitelink"' in draft_form
    assert f'href="{published.get_absolute_url()}" class="viewsitelink"' in published_form


def test_the_changelist_headers_are_in_chinese():
    CaseFactory()  # an empty list has no table
    reviewer = login("shenhe", "reviewer")
    html = reviewer.get(CHANGELIST).content.decode()
    assert '<a href="?o=7">更新时间</a>' in html
    assert ">Updated<" not in html and ">UPDATED<" not in html
