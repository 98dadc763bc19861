"""The admin's first page is a review desk: what waits, with links, and the import buttons."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from cases.models import Case
from cases.quality import FLAGS

PASSWORD = "Rural-case-2026!"


def login(client, name, role):
    call_command("create_editor", name, "--role", role, "--password", PASSWORD, stdout=io.StringIO())
    client.force_login(get_user_model().objects.get(username=name))


def desk(html: str) -> dict[str, tuple[int, str]]:
    """{label: (count, link)} as the page shows them."""
    return {
        label: (int(count), url.replace("&amp;", "&"))
        for url, count, label in re.findall(r'<li><a href="([^"]+)"><strong>(\d+)</strong> ([^<]+)</a></li>', html)
    }


@pytest.mark.django_db
def test_the_admin_home_counts_what_waits_for_review_with_links(client, seeded):
    Case.objects.filter(pk__in=Case.objects.published().values("pk")[:2]).update(status=Case.Status.REVIEW)
    draft = Case.objects.published().first()
    Case.objects.filter(pk=draft.pk).update(status=Case.Status.DRAFT, quality_flags=["region-unknown", "year-conflict"])
    statuses = list(Case.objects.values_list("status", "quality_flags"))
    blocking = {c for c, f in FLAGS.items() if f.blocking}
    login(client, "bianji", "editor")

    html = client.get("/admin/").content.decode()

    assert desk(html) == {
        "待审核": (sum(s == "review" for s, _ in statuses), "/admin/cases/case/?status__exact=review"),
        "草稿": (sum(s == "draft" for s, _ in statuses), "/admin/cases/case/?status__exact=draft"),
        "有阻止发布的标记": (
            sum(s != "published" and bool(blocking & set(f)) for s, f in statuses),
            "/admin/cases/case/?flag=blocking",
        ),
    }
    assert '<a class="button" href="/admin/cases/case/import/">导入文档</a>' in html
    assert '<a class="button" href="/admin/cases/case/import-sheet/">从表格导入</a>' in html


@pytest.mark.django_db
def test_the_desk_links_list_exactly_the_counted_cases(client, seeded):
    Case.objects.filter(pk=Case.objects.published().first().pk).update(
        status=Case.Status.REVIEW, quality_flags=["no-title"]
    )
    login(client, "shenhe", "reviewer")
    counts = desk(client.get("/admin/").content.decode())

    for count, url in counts.values():
        listed = client.get(url).content.decode()
        assert re.search(r'<p class="paginator">\s*(\d+) 案例', listed).group(1) == str(count)


@pytest.mark.django_db
def test_keywords_have_one_name_in_the_admin(client, seeded):
    login(client, "bianji", "editor")
    index = client.get("/admin/").content.decode()

    assert '<a href="/admin/cases/keyword/">关键词</a>' in index
    assert "/admin/taggit/" not in index


@pytest.mark.django_db
def test_the_keyword_list_counts_cases_and_a_rename_reaches_them(client, seeded):
    case = Case.objects.published().first()
    others = sorted(case.tags.names())
    case.tags.add("暖心食堂测试")
    login(client, "shenhe", "reviewer")
    from taggit.models import Tag

    tag = Tag.objects.get(name="暖心食堂测试")
    listing = client.get("/admin/cases/keyword/?q=暖心食堂测试").content.decode()
    assert re.search(r'暖心食堂测试</a></th><td class="field-case_count">(\d+)</td>', listing).group(1) == "1"

    client.post(f"/admin/cases/keyword/{tag.pk}/change/", {"name": "长者食堂测试"})

    assert sorted(Case.objects.get(pk=case.pk).tags.names()) == sorted([*others, "长者食堂测试"])
