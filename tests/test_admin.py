"""The editors' admin, driven through HTTP as each role: 编辑 (editor) and 审核 (reviewer).

Each test builds the cases it works on (tests/factories.py) in an empty library; the few that
are about the parsed seed documents themselves ask for ``seeded`` and keep the corpus."""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from cases import history
from cases.models import Case, Region, Source, Theme
from cases.roles import EDITOR, REVIEWER

from .factories import CaseFactory, UserFactory

PASSWORD = "Rural-case-2026!"
SEED = "000"


def make_user(name, role):
    call_command("create_editor", name, "--role", role, "--password", PASSWORD, stdout=io.StringIO())
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=name)


@pytest.fixture(autouse=True)
def _library(request, db):
    """An empty library, unless the test asks for the seed corpus."""
    if "seeded" not in request.fixturenames:
        request.getfixturevalue("empty_library")


@pytest.fixture
def editor(client):
    user = UserFactory(username="bianji", role=EDITOR)
    client.force_login(user)
    return user


@pytest.fixture
def reviewer_client():
    from django.test import Client

    client = Client()
    client.force_login(UserFactory(username="shenhe", role=REVIEWER))
    return client


def change_url(case):
    return reverse("admin:cases_case_change", args=[case.pk])


def post_data(case, **changes):
    """What the change form posts for ``case`` unchanged, with ``changes``."""
    case = Case.objects.get(pk=case.pk)
    data = {
        "title": case.title,
        "place": (case.place.code if case.place else ""),
        "region_label": case.region_label,
        "year": case.year or "",
        "doc_type": case.doc_type,
        "themes": [t.pk for t in case.themes.all()],
        "tag_names": sorted(case.tags.names()),
        "summary": case.summary,
        "background": case.background,
        "measures": case.measures,
        "outcomes": case.outcomes,
        "conditions": case.conditions,
        "problems": case.problems,
        "lessons": case.lessons,
        "next_steps": case.next_steps,
        "body": case.body,
        "status": case.status,
        "version": case.version,
        **NO_FIGURE_CHANGES,
    }
    data.update(changes)
    return data


# The key figures' inline table as a form posts it when no row is touched.
NO_FIGURE_CHANGES = {
    "figures-TOTAL_FORMS": "0",
    "figures-INITIAL_FORMS": "0",
    "figures-MIN_NUM_FORMS": "0",
    "figures-MAX_NUM_FORMS": "1000",
}


def a_draft(**fields):
    """A draft without a flag: ready to be sent to review and published."""
    return CaseFactory(**{"status": Case.Status.DRAFT, **fields})


def a_published(**fields):
    return CaseFactory(**fields)


def region_unknown(**fields):
    """A draft whose region the importer could not read (“本县”): a blocking flag."""
    return CaseFactory(
        status=Case.Status.DRAFT, province=None, region_label="", quality_flags=["region-unknown"], **fields
    )


# ---- roles ------------------------------------------------------------------------------------


def test_groups_come_from_the_migration_with_their_permissions(db):
    editor = set(Group.objects.get(name=EDITOR).permissions.values_list("codename", flat=True))
    reviewer = set(Group.objects.get(name=REVIEWER).permissions.values_list("codename", flat=True))
    assert {
        "add_case",
        "change_case",
        "view_case",
        "add_source",
        "change_source",
        "add_tag",
        "change_keyword",
    } <= editor
    assert not {"delete_case", "publish_case"} & editor
    assert reviewer - editor == {"delete_case", "publish_case", "delete_tag", "delete_keyword", "delete_synonym"}


def test_create_editor_switches_roles_and_rejects_weak_passwords(db):
    user = make_user("li", "editor")
    assert user.is_staff and [g.name for g in user.groups.all()] == [EDITOR]
    make_user("li", "reviewer")
    assert [g.name for g in user.groups.all()] == [REVIEWER]
    out = io.StringIO()
    call_command("create_editor", "wang", "--role", "editor", "--no-input", stdout=out)
    assert "password (shown once)" in out.getvalue()
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("create_editor", "zhao", "--role", "editor", "--password", "123", stdout=io.StringIO())


def test_the_admin_speaks_chinese(editor, client):
    a_draft()  # an empty list has no actions
    page = client.get(reverse("admin:cases_case_changelist")).content.decode()
    assert "乡村公共服务案例库 · 编辑后台" in page
    assert "送审" in page and "添加主题" in page and "状态" in page
    assert "导入文档" in page and "从表格导入" in page


def test_an_editor_cannot_publish_through_the_form(editor, client):
    case = a_draft()
    page = client.get(change_url(case)).content.decode()
    assert 'value="published"' not in page  # the choice is not offered
    response = client.post(change_url(case), post_data(case, status="published"))  # a forged POST
    assert response.status_code == 200 and "status" in response.context["adminform"].form.errors
    assert Case.objects.get(pk=case.pk).status == Case.Status.DRAFT


def test_an_editor_cannot_publish_unpublish_or_delete_through_actions(editor, client):
    draft, published = a_draft(), a_published()
    page = client.get(reverse("admin:cases_case_changelist")).content.decode()
    assert 'value="send_to_review"' in page
    for action in ("publish", "unpublish", "delete_selected", "confirm_personal_data"):
        assert f'value="{action}"' not in page
    for action, case in (("publish", draft), ("unpublish", published), ("delete_selected", published)):
        client.post(
            reverse("admin:cases_case_changelist"), {"action": action, "_selected_action": [case.pk], "apply": "1"}
        )
    assert Case.objects.get(pk=draft.pk).status == Case.Status.DRAFT
    assert Case.objects.get(pk=published.pk).status == Case.Status.PUBLISHED
    assert client.get(reverse("admin:cases_case_delete", args=[published.pk])).status_code == 403
    assert client.post(reverse("admin:cases_case_delete", args=[published.pk]), {"post": "yes"}).status_code == 403
    assert Case.objects.filter(pk=published.pk).exists()


def test_an_editor_may_correct_a_published_case_but_not_withdraw_it(editor, client):
    case = a_published()
    response = client.post(change_url(case), post_data(case, title="更正后的标题", status="draft"))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.title == "更正后的标题" and case.status == Case.Status.PUBLISHED  # the status field is locked


def test_a_reviewer_publishes_unpublishes_and_deletes(reviewer_client):
    case = a_draft()
    changelist = reverse("admin:cases_case_changelist")
    reviewer_client.post(changelist, {"action": "publish", "_selected_action": [case.pk], "apply": "1"})
    assert Case.objects.get(pk=case.pk).status == Case.Status.PUBLISHED
    reviewer_client.post(changelist, {"action": "unpublish", "_selected_action": [case.pk]})
    assert Case.objects.get(pk=case.pk).status == Case.Status.REVIEW
    response = reviewer_client.post(change_url(case), post_data(case, status="published"))
    assert response.status_code == 302 and Case.objects.get(pk=case.pk).status == Case.Status.PUBLISHED
    response = reviewer_client.post(reverse("admin:cases_case_delete", args=[case.pk]), {"post": "yes"})
    assert response.status_code == 302 and not Case.objects.filter(pk=case.pk).exists()


def test_publishing_is_refused_while_a_blocking_flag_remains(reviewer_client):
    case = region_unknown()
    reviewer_client.post(
        reverse("admin:cases_case_changelist"), {"action": "publish", "_selected_action": [case.pk], "apply": "1"}
    )
    assert Case.objects.get(pk=case.pk).status != Case.Status.PUBLISHED
    response = reviewer_client.post(change_url(case), post_data(case, status="published"))
    assert "有阻止发布的质量问题" in response.content.decode()
    # Choosing the region clears the flag, and then it can be published.
    huairou = Region.objects.get(name="怀柔区")
    response = reviewer_client.post(change_url(case), post_data(case, place=huairou.code, status="published"))
    case.refresh_from_db()
    assert response.status_code == 302 and case.status == Case.Status.PUBLISHED
    assert (case.province.name, case.county.name) == ("北京市", "怀柔区")
    assert case.quality_flags == []


# ---- bulk actions, search, autocomplete -------------------------------------------------------


def test_bulk_send_to_review_add_theme_and_add_tags(editor, client):
    ids = [case.pk for case in CaseFactory.create_batch(3, status=Case.Status.DRAFT, tags=["养老"])]
    untouched = a_draft()
    changelist = reverse("admin:cases_case_changelist")
    client.post(changelist, {"action": "send_to_review", "_selected_action": ids})
    assert set(Case.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"review"}
    water = Theme.objects.get(slug="water-supply")
    form = client.post(changelist, {"action": "add_theme", "_selected_action": ids})
    assert form.status_code == 200 and "添加主题" in form.content.decode()  # the intermediate page
    client.post(changelist, {"action": "add_theme", "_selected_action": ids, "apply": "1", "theme": water.pk})
    assert all(water in c.themes.all() for c in Case.objects.filter(pk__in=ids))
    client.post(changelist, {"action": "add_tags", "_selected_action": ids, "apply": "1", "tags": "示范点、新词"})
    assert [sorted(c.tags.names()) for c in Case.objects.filter(pk__in=ids)] == [["养老", "新词", "示范点"]] * 3
    untouched.refresh_from_db()
    assert (untouched.status, list(untouched.tags.names())) == ("draft", [])
    assert water not in untouched.themes.all()
    # Each bulk change is in the history with the relations it left.
    case = Case.objects.get(pk=ids[0])
    record = case.history.order_by("-history_id").first()
    assert sorted(history.keywords(record)) == ["养老", "新词", "示范点"] and record.history_user.username == "bianji"
    themes = sorted(case.themes.values_list("pk", flat=True))
    assert sorted(history.themes(record)) == themes and water.pk in themes and len(themes) == 2


def test_admin_search_uses_the_public_normalisation(editor, client):
    elder = [a_published(title="互助养老服务"), a_draft(body="村里办起养老食堂。")]
    case = a_published()
    changelist = reverse("admin:cases_case_changelist")
    simplified = client.get(changelist, {"q": "养老"}).context["cl"]
    traditional = client.get(changelist, {"q": "養老"}).context["cl"]
    assert sorted(c.pk for c in simplified.result_list) == sorted(c.pk for c in elder)
    assert sorted(c.pk for c in traditional.result_list) == sorted(c.pk for c in elder)
    assert client.get(changelist, {"q": case.slug}).context["cl"].result_count == 1


def test_admin_filters_by_flag_province_and_status(editor, client):
    unplaced = region_unknown()
    untitled = a_draft(status=Case.Status.REVIEW, title="", quality_flags=["no-title"], place="110116")
    doubtful = a_draft(quality_flags=["year-conflict"], place="110116")  # a doubt, not blocking
    older = a_draft(place="511803", body="联系人电话13812345678。")
    newer = a_published(place="511803", body="联系人电话13987654321。")
    older.save()  # edited last: first in the list
    zhejiang = [a_published(), a_draft()]
    changelist = reverse("admin:cases_case_changelist")

    def listed(**params):
        return [case.pk for case in client.get(changelist, params).context["cl"].result_list]

    assert sorted(listed(flag="blocking")) == sorted(c.pk for c in (unplaced, untitled, older, newer))
    assert listed(flag="personal-data") == [older.pk, newer.pk]  # the most recently edited first
    assert sorted(listed(province="330000")) == sorted(c.pk for c in zhejiang)
    assert sorted(listed(status__exact="draft")) == sorted(c.pk for c in (unplaced, doubtful, older, zhejiang[1]))


def test_region_autocomplete_shows_the_path(editor, client):
    a_published(tags=["留守儿童", "养老"])
    a_draft(tags=["留守老人", "留守儿童"])
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "怀柔", "app_label": "cases", "model_name": "case", "field_name": "county"},
    )
    assert response.status_code == 200
    assert {"id": "110116", "text": "北京市 › 怀柔区"} in response.json()["results"]
    tags = client.get(reverse("admin:cases_case_tag_autocomplete"), {"term": "留守"}).json()["results"]
    assert tags == [{"id": "留守儿童", "text": "留守儿童"}, {"id": "留守老人", "text": "留守老人"}]


def test_tags_can_be_created_from_the_form(editor, client):
    a_published(tags=["留守儿童"])
    case = a_draft(tags=["养老"])
    response = client.post(change_url(case), post_data(case, tag_names=["留守儿童", "全新关键词"]))
    assert response.status_code == 302
    assert set(Case.objects.get(pk=case.pk).tags.names()) == {"留守儿童", "全新关键词"}
    assert sorted(Tag.objects.values_list("name", flat=True)) == sorted(["养老", "留守儿童", "全新关键词"])


def test_the_form_shows_flags_with_their_explanation_and_a_preview_link(editor, client):
    case = region_unknown()
    page = client.get(change_url(case)).content.decode()
    assert "地区不明" in page and "（阻止发布）" in page
    preview = client.get(reverse("admin:cases_case_preview", args=[case.pk]))
    assert preview.status_code == 200 and "尚未公开" in preview.content.decode()
    assert 'name="robots" content="noindex' in preview.content.decode()


# ---- personal data ----------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["summary", "outcomes", "conditions", "problems", "lessons", "next_steps", "body"])
def test_a_phone_number_in_any_public_text_is_found(editor, client, field):
    case = a_draft()
    response = client.post(change_url(case), post_data(case, **{field: "联系人电话13812345678。"}))
    assert response.status_code == 302
    case.refresh_from_db()
    assert "personal-data" in case.quality_flags


def test_personal_data_blocks_publishing_until_a_reviewer_confirms(editor, client, reviewer_client):
    case = a_draft()
    response = client.post(change_url(case), post_data(case, outcomes=case.outcomes + "联系人电话13812345678。"))
    assert response.status_code == 302
    case.refresh_from_db()
    assert "personal-data" in case.quality_flags
    assert 'name="confirm_privacy"' not in client.get(change_url(case)).content.decode()
    response = client.post(change_url(case), post_data(case, confirm_privacy="on", status="review"))
    case.refresh_from_db()
    assert "personal-data" in case.quality_flags and not case.privacy_cleared
    # The reviewer cannot publish it as it is ...
    response = reviewer_client.post(change_url(case), post_data(case, status="published"))
    assert "可能含个人信息" in response.content.decode()
    # ... until confirming, which clears the flag for exactly this text.
    response = reviewer_client.post(change_url(case), post_data(case, status="published", confirm_privacy="on"))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "published" and "personal-data" not in case.quality_flags
    # A new number added later raises the flag again.
    case.outcomes += "另一联系人13987654321。"
    case.save()
    assert "personal-data" in case.quality_flags


def test_a_seed_naming_child_beneficiaries_is_held_back(seeded):
    """What the loader made of a real document (seed 002 names the children it helped)."""
    case = Case.objects.get(source__file_name__startswith="002", ordinal=1)
    assert case.status == Case.Status.DRAFT and "personal-data" in case.quality_flags


# ---- duplicates -------------------------------------------------------------------------------


def test_a_near_identical_new_case_is_reported_with_a_link(editor, client):
    twin = a_published(place="511803")
    data = post_data(twin, status="draft", version="", source_publisher="某县农业农村局")
    response = client.post(reverse("admin:cases_case_add"), data, follow=True)
    page = response.content.decode()
    assert "几乎相同" in page and change_url(twin) in page
    new = Case.objects.exclude(pk=twin.pk).get(title=twin.title, status="draft", source__publisher="某县农业农村局")
    form = client.get(change_url(new)).content.decode()
    assert "可能重复" in form and change_url(twin) in form
    assert f"（{twin.get_status_display()} · {twin.province.name}）" in form  # read with the twin
    assert new.slug == f"m-{timezone.localdate().year}-0001"  # readable: entered by hand, the year, a number


# ---- history, revert, restore -----------------------------------------------------------------


def test_history_diff_and_revert(editor, client):
    case = a_draft()
    old_title, old_themes = case.title, sorted(case.themes.values_list("slug", flat=True))
    other = Theme.objects.exclude(slug__in=old_themes).first()
    client.post(change_url(case), post_data(case, title=old_title + "（修订）", themes=[other.pk]))
    case.refresh_from_db()
    assert case.title == old_title + "（修订）"
    history = client.get(reverse("admin:cases_case_history", args=[case.pk])).content.decode()
    assert "bianji" in history and "标题" in history and "编辑" in history
    latest, before = case.history.order_by("-history_id")[:2]
    diff = client.get(reverse("admin:cases_case_history_diff", args=[case.pk, latest.history_id])).content.decode()
    assert "<ins>（修订）</ins>" in diff and other.name in diff
    revert = reverse("admin:cases_case_history_revert", args=[case.pk, before.history_id])
    client.post(revert, {"version": case.version})
    case.refresh_from_db()
    assert case.title == old_title
    assert sorted(case.themes.values_list("slug", flat=True)) == old_themes
    assert case.history.order_by("-history_id").first().history_change_reason.startswith("恢复到")


def test_one_save_is_one_record_with_the_themes_and_keywords_it_left(editor, client):
    case = a_draft()
    old_themes, old_keywords = history.themes(case.history.first()), sorted(case.tags.names())
    other = Theme.objects.exclude(pk__in=old_themes).first()
    before = case.history.count()
    client.post(change_url(case), post_data(case, title="新标题", themes=[other.pk], tag_names=["全新关键词"]))
    assert case.history.count() == before + 1  # not one for the text and one per relation
    latest, previous = case.history.order_by("-history_id")[:2]
    assert (latest.title, history.themes(latest), history.keywords(latest)) == ("新标题", [other.pk], ["全新关键词"])
    assert (history.themes(previous), history.keywords(previous)) == (old_themes, old_keywords)
    assert latest.history_user.username == "bianji" and latest.history_change_reason == "编辑"
    # Saving the form again unchanged records the save, once, with the same relations.
    client.post(change_url(case), post_data(case))
    again = case.history.order_by("-history_id").first()
    assert case.history.count() == before + 2 and history.keywords(again) == ["全新关键词"]


def test_history_escapes_text(editor, client):
    case = a_draft()
    client.post(change_url(case), post_data(case, title="<script>alert(1)</script>"))
    latest = Case.objects.get(pk=case.pk).history.order_by("-history_id").first()
    diff = client.get(reverse("admin:cases_case_history_diff", args=[case.pk, latest.history_id])).content.decode()
    assert "<script>alert(1)" not in diff and "&lt;script&gt;" in diff


def test_a_reviewer_restores_a_deleted_case(reviewer_client, client, editor):
    case = a_published()
    pk, slug, themes, tags = case.pk, case.slug, set(case.themes.all()), set(case.tags.names())
    reviewer_client.post(reverse("admin:cases_case_delete", args=[pk]), {"post": "yes"})
    assert not Case.objects.filter(pk=pk).exists()
    assert client.get(reverse("admin:cases_case_deleted")).status_code == 403  # editors cannot
    page = reviewer_client.get(reverse("admin:cases_case_deleted")).content.decode()
    assert case.title in page
    record = Case.history.filter(id=pk, history_type="-").get()
    reviewer_client.post(reverse("admin:cases_case_restore", args=[record.history_id]))
    restored = Case.objects.get(pk=pk)
    assert restored.slug == slug and restored.status == "published"
    assert set(restored.themes.all()) == themes and set(restored.tags.names()) == tags
    restore_url = reverse("admin:cases_case_restore", args=[record.history_id])
    assert restore_url not in reviewer_client.get(reverse("admin:cases_case_deleted")).content.decode()


# ---- concurrent edits -------------------------------------------------------------------------


def test_the_second_of_two_concurrent_saves_is_refused(editor, client, reviewer_client):
    case = a_draft()
    first = post_data(case, title="甲的修改")
    second = post_data(case, title="乙的修改")  # both read the same version
    assert client.post(change_url(case), first).status_code == 302
    response = reviewer_client.post(change_url(case), second)
    page = response.content.decode()
    assert response.status_code == 200 and "保存被拒绝" in page and "bianji" in page
    assert Case.objects.get(pk=case.pk).title == "甲的修改"


def test_a_save_racing_past_the_form_check_is_refused_by_the_model():
    from cases.models import StaleEdit

    case = a_draft()
    version = case.version
    Case.objects.get(pk=case.pk).save()  # someone else
    case.title = "迟到的修改"
    with pytest.raises(StaleEdit):
        case.save(expected_version=version)


# ---- reload safety ----------------------------------------------------------------------------


def test_load_seeds_keeps_what_an_editor_changed_in_the_admin(seeded, editor, client):
    """Reloading the seed documents over the cases loaded from them: the corpus itself."""
    case = Case.objects.filter(source__file_name__startswith=SEED).published().first()
    liu = Region.objects.get(name="怀柔区")
    client.post(change_url(case), post_data(case, title="编辑改过的标题", place=liu.code, summary="编辑写的摘要"))
    out = io.StringIO()
    call_command("load_seeds", stdout=out)
    case.refresh_from_db()
    assert (case.title, case.summary, case.county_id) == ("编辑改过的标题", "编辑写的摘要", "110116")
    assert "kept-editor-value" in out.getvalue()


# ---- importing a document ---------------------------------------------------------------------

DOCUMENT = """关于推广乡村公共服务典型案例的通知

第一篇：浙江安吉推行“村村通”公交

安吉县统筹城乡交通资源，开通镇村公交线路，实现建制村公交全覆盖。主要做法：一是整合客运资源；二是财政补贴票价。取得成效：村民出行时间缩短一半。

第二篇：某县开展留守儿童关爱服务

该县在每个乡镇建立儿童之家，组织志愿者开展课后辅导和心理陪伴，留守儿童的学习成绩和心理状况明显改善。
"""


def preview(client, **data):
    return client.post(reverse("admin:cases_case_import"), {"step": "preview", **data})


def confirm_data(response, **edits):
    context = response.context
    data = {"step": "confirm"}
    for name in context["confirm"].fields:
        data[name] = context["confirm"][name].value() or ""
    formset = context["formset"]
    for key, value in formset.management_form.initial.items():
        data[f"{formset.prefix}-{key}"] = value
    for i, form in enumerate(formset.forms):
        for name in form.fields:
            value = form.initial.get(name)
            if name == "themes":
                value = [t.pk for t in value]
            elif name == "place":
                value = getattr(value, "pk", value) or ""
            elif name == "include":
                value = "on"
            data[f"{formset.prefix}-{i}-{name}"] = "" if value is None else value
    data.update(edits)
    return data


def test_import_a_pasted_document_with_preview_and_confirm(editor, client):
    response = preview(client, text=DOCUMENT, title="测试通知")
    assert response.status_code == 200, response.content.decode()[:2000]
    rows = response.context["rows"]
    assert len(rows) == 2
    assert rows[0]["parsed"].county == Region.objects.get(name="安吉县").code
    assert "region-unknown" in rows[1]["parsed"].flags
    page = response.content.decode()
    assert "地区不明" in page and "确认导入" in page
    assert Case.objects.count() == 0  # nothing saved by a preview
    changed = confirm_data(response, **{"case-1-place": "110116", "case-1-title": "北京怀柔留守儿童关爱服务"})
    done = client.post(reverse("admin:cases_case_import"), changed)
    assert done.status_code == 302
    source = Source.objects.get(title="测试通知")
    cases = list(source.cases.order_by("ordinal"))
    assert [c.status for c in cases] == ["draft", "draft"]
    assert cases[1].title == "北京怀柔留守儿童关爱服务" and cases[1].county_id == "110116"
    assert "region-unknown" not in cases[1].quality_flags
    assert cases[0].history.first().history_user.username == "bianji"
    # The same content again (even with Windows line ends) is recognised, not duplicated.
    again = preview(client, text=DOCUMENT.replace("\n", "\r\n"))
    assert "已经导入过" in again.content.decode()
    assert Source.objects.filter(title="测试通知").count() == 1 and source.cases.count() == 2
    assert Case.objects.count() == 2


def test_import_an_uploaded_seed_file_and_a_bad_file(seeded, editor, client):
    """A seed file the loader read is recognised by the admin's importer: the corpus itself."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = Case.objects.count()
    binary = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\x00\x01\x02binary")
    response = client.post(reverse("admin:cases_case_import"), {"step": "preview", "file": binary})
    assert "无法导入" in response.content.decode() and "没有保存任何内容" in response.content.decode()
    empty = client.post(reverse("admin:cases_case_import"), {"step": "preview", "text": "   "})
    assert "请上传文件或粘贴文本" in empty.content.decode()
    gbk = SimpleUploadedFile("gbk.txt", DOCUMENT.encode("gb18030"))
    response = client.post(reverse("admin:cases_case_import"), {"step": "preview", "file": gbk})
    assert len(response.context["rows"]) == 2
    # A seed that is already in the library is recognised.
    from pathlib import Path

    from django.conf import settings

    seed = sorted(Path(settings.SEED_SOURCES).glob("001*.txt"))[0]
    upload = SimpleUploadedFile(seed.name, seed.read_bytes())
    response = client.post(reverse("admin:cases_case_import"), {"step": "preview", "file": upload})
    assert "已经导入过" in response.content.decode()
    assert Case.objects.count() == before


def test_a_tampered_confirmation_saves_nothing(editor, client):
    response = preview(client, text=DOCUMENT)
    data = confirm_data(response)
    data["raw"] = data["raw"] + "\n案例三：注入的内容"
    response = client.post(reverse("admin:cases_case_import"), data, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["导入数据在预览后被改动，请重新导入。"]
    assert (Case.objects.count(), Source.objects.count()) == (0, 0)


# ---- importing a spreadsheet ------------------------------------------------------------------


def test_spreadsheet_template_has_the_columns_and_themes(editor, client):
    from openpyxl import load_workbook

    response = client.get(reverse("admin:cases_case_sheet_template", args=["xlsx"]))
    book = load_workbook(io.BytesIO(response.content))
    headers = [c.value for c in book["案例"][1]]
    assert headers[:3] == ["标题", "省份", "地市"] and "主要做法" in headers
    assert [r[0].value for r in book["主题"].iter_rows(min_row=2)] == list(Theme.objects.values_list("name", flat=True))
    csv_template = client.get(reverse("admin:cases_case_sheet_template", args=["csv"])).content.decode("utf-8-sig")
    assert csv_template.startswith("标题,省份,地市,区县")


def sheet(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["标题", "省份", "地市", "区县", "年份", "主题", "关键词", "文档类型", "摘要", "主要做法", "正文"])
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def test_spreadsheet_import_reports_each_row_before_saving(editor, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    elder = Theme.objects.get(slug="elderly-care")
    existing = a_published()
    data = sheet(
        [
            ["甲县互助养老", "浙江省", "湖州市", "安吉县", "2023", elder.name, "互助养老", "案例", "摘要", "做法", ""],
            ["乙县案例", "火星省", "", "", "2023", elder.name, "", "", "", "做法", ""],
            ["丙县案例", "浙江省", "", "", "2023", "不存在的主题", "", "", "", "做法", ""],
            ["丁县案例", "浙江省", "", "", "2023", elder.name, "", "", "", "", ""],
            ["甲县互助养老", "浙江省", "湖州市", "安吉县", "2023", elder.name, "", "", "", "做法", ""],
            [existing.title, "浙江省", "", "", "2023", elder.name, "", "", "", existing.body, existing.body],
            ["戊县案例", "全国", "", "", "1800", elder.slug, "", "小说", "", "做法", ""],
        ]
    )
    response = client.post(reverse("admin:cases_case_import_sheet"), {"file": SimpleUploadedFile("浙江.csv", data)})
    page = response.content.decode()
    reports = response.context["reports"]
    assert [r.ok for r in reports] == [True, False, False, False, False, False, False]
    assert "未知地区：火星省" in page and "未知主题：不存在的主题" in page
    assert "缺少内容" in page and "与第 2 行重复" in page and "与已有案例重复" in page
    assert "年份无效：1800" in page and "未知文档类型：小说" in page
    assert list(Case.objects.all()) == [existing]  # a report saves nothing
    payload = response.context["payload"]
    client.post(reverse("admin:cases_case_import_sheet"), {"step": "confirm", "payload": payload})
    assert Case.objects.count() == 2
    case = Case.objects.get(title="甲县互助养老")
    assert case.status == "draft" and case.county.name == "安吉县" and list(case.themes.all()) == [elder]
    assert case.source.kind == "spreadsheet" and set(case.tags.names()) == {"互助养老"}
    # The same spreadsheet twice is recognised; a forged payload is refused.
    again = client.post(reverse("admin:cases_case_import_sheet"), {"file": SimpleUploadedFile("浙江.csv", data)})
    assert "已经导入过" in again.content.decode()
    client.post(reverse("admin:cases_case_import_sheet"), {"step": "confirm", "payload": payload[:-3] + "abc"})
    assert Case.objects.count() == 2


def test_spreadsheet_errors_for_unreadable_files(editor, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    for name, data, message in (
        ("a.xlsx", b"not a zip", "不是有效的 XLSX 文件"),
        ("a.docx", b"x", "只支持"),
        ("a.csv", "名称,地点\n甲,乙\n".encode(), "缺少必需的列"),
    ):
        response = client.post(reverse("admin:cases_case_import_sheet"), {"file": SimpleUploadedFile(name, data)})
        assert message in response.content.decode(), name


# ---- drafts are invisible on every public channel ---------------------------------------------


def test_drafts_and_cases_under_review_are_invisible_to_anonymous_users(client):
    shown = a_published(title="已发布的互助养老案例", tags=["互助养老"])
    draft = a_draft(title="草稿里的互助养老案例", tags=["互助养老"])
    review = a_draft(status=Case.Status.REVIEW, title="待审核的互助养老案例", source=shown.source, ordinal=2)
    hidden = [draft, review]
    word = "互助养老"  # in the three titles
    urls = [
        reverse("case_list"),
        reverse("case_list") + f"?q={word}",
        reverse("home"),
        reverse("stats"),
        reverse("case_export", args=["csv"]),
        reverse("case_export", args=["json"]),
        reverse("list_citations", args=["bib"]),
        reverse("case_feed"),
        reverse("sitemap"),
        "/api/cases/?page_size=100",
        f"/api/cases/?q={word}",
        "/api/facets/",
    ]
    for url in urls:
        response = client.get(url)
        raw = b"".join(response.streaming_content) if response.streaming else response.content
        body = raw.decode("utf-8", "replace")
        for case in hidden:
            assert case.slug not in body, (url, case.slug)
    for case in hidden:
        for url in (
            case.get_absolute_url(),
            reverse("case_short", args=[case.pk]),
            reverse("case_qr", args=[case.pk]),
            reverse("case_citation", args=[case.slug, "txt"]),
            reverse("case_docx", args=[case.slug]),
            f"/api/cases/{case.slug}/",
            reverse("admin:cases_case_preview", args=[case.pk]),
        ):
            assert client.get(url).status_code in (302, 404), url  # the preview sends to the login page
    # A source whose cases are all unpublished is not public either; one with a published case is.
    assert client.get(reverse("source_detail", args=[draft.source_id])).status_code == 404
    assert client.get(reverse("source_detail", args=[shown.source_id])).status_code == 200
    # The counts shown to the public leave them out; the published case is found where they are not.
    assert [c["slug"] for c in client.get(f"/api/cases/?q={word}").json()["results"]] == [shown.slug]
    assert client.get("/api/cases/").json()["count"] == 1
