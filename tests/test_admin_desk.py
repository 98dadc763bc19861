"""The admin's first page is a review desk: what waits, with links, and the import buttons."""

import re

import pytest
from taggit.models import Tag

from cases.models import Case
from cases.roles import EDITOR, REVIEWER

from .factories import CaseFactory, UserFactory

pytestmark = pytest.mark.usefixtures("empty_library")
DRAFT, REVIEW = Case.Status.DRAFT, Case.Status.REVIEW


def login(client, role):
    client.force_login(UserFactory(role=role))


def desk(html: str) -> dict[str, tuple[int, str]]:
    """{label: (count, link)} as the page shows them."""
    return {
        label: (int(count), url.replace("&amp;", "&"))
        for url, count, label in re.findall(r'<li><a href="([^"]+)"><strong>(\d+)</strong> ([^<]+)</a></li>', html)
    }


def a_library():
    """Three cases wait for review, three are drafts; two of these six cannot be published as they
    are, nor can one of the three published cases be published again as it is."""
    CaseFactory.create_batch(2, status=REVIEW)
    CaseFactory(status=REVIEW, province=None, region_label="", quality_flags=["region-unknown"])  # blocking
    CaseFactory(status=DRAFT)
    CaseFactory(status=DRAFT, quality_flags=["year-conflict"])  # a doubt, not blocking
    CaseFactory(status=DRAFT, title="", quality_flags=["no-title"])  # blocking
    CaseFactory.create_batch(2)  # published
    CaseFactory(body="联系人电话13812345678。")  # published, with personal data: blocking


def test_the_admin_home_counts_what_waits_for_review_with_links(client):
    a_library()
    login(client, EDITOR)

    html = client.get("/admin/").content.decode()

    assert desk(html) == {
        "待审核": (3, "/admin/cases/case/?status__exact=review"),
        "草稿": (3, "/admin/cases/case/?status__exact=draft"),
        "有阻止发布的标记": (3, "/admin/cases/case/?flag=blocking"),
    }
    assert '<a class="button" href="/admin/cases/case/import/">导入文档</a>' in html
    assert '<a class="button" href="/admin/cases/case/import-sheet/">从表格导入</a>' in html


def test_the_desk_links_list_exactly_the_counted_cases(client):
    a_library()
    login(client, REVIEWER)
    counts = desk(client.get("/admin/").content.decode())

    assert [count for count, _url in counts.values()] == [3, 3, 3]
    for count, url in counts.values():
        listed = client.get(url).content.decode()
        assert re.search(r'<p class="paginator">\s*(\d+) 案例', listed).group(1) == str(count)


def test_keywords_have_one_name_in_the_admin(client):
    login(client, EDITOR)
    index = client.get("/admin/").content.decode()

    assert '<a href="/admin/cases/keyword/">关键词</a>' in index
    assert "/admin/taggit/" not in index


def test_the_keyword_list_counts_cases_and_a_rename_reaches_them(client):
    first = CaseFactory(tags=["暖心食堂", "互助养老"])
    second = CaseFactory(tags=["暖心食堂"], status=DRAFT)
    CaseFactory(tags=["互助养老"])
    login(client, REVIEWER)
    tag = Tag.objects.get(name="暖心食堂")

    listing = client.get("/admin/cases/keyword/?q=暖心食堂").content.decode()
    assert re.findall(r'>([^<>]+)</a></th><td class="field-case_count">(\d+)</td>', listing) == [("暖心食堂", "2")]

    response = client.post(f"/admin/cases/keyword/{tag.pk}/change/", {"name": "长者食堂"})

    assert response.status_code == 302
    assert sorted(Case.objects.get(pk=first.pk).tags.names()) == ["互助养老", "长者食堂"]
    assert list(Case.objects.get(pk=second.pk).tags.names()) == ["长者食堂"]
