"""A case entered by hand cites its source like an imported one."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from cases.models import Case, Source
from tests.test_admin import NO_FIGURE_CHANGES

ADD = "/admin/cases/case/add/"


@pytest.fixture
def editor(client, seeded):
    call_command("create_editor", "bianji", "--role", "editor", "--password", "Rural-case-2026!", stdout=io.StringIO())
    client.force_login(get_user_model().objects.get(username="bianji"))
    return client


def new_case(**source):
    return {
        "title": "某县建设村级互助幸福院",
        "region_label": "",
        "year": "2023",
        "doc_type": "case",
        "summary": "某县在行政村建设互助幸福院，解决农村老人就近养老问题。",
        "status": "draft",
        **NO_FIGURE_CHANGES,
        **source,
    }


@pytest.mark.django_db
def test_a_hand_entered_case_needs_a_source(editor):
    response = editor.post(ADD, new_case())

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["source_url"] == [
        "手工录入的案例须注明来源：填写来源网址或发布机构。"
    ]
    assert not Case.objects.filter(title="某县建设村级互助幸福院").exists()


@pytest.mark.django_db
def test_a_hand_entered_case_keeps_its_address_publisher_and_date(editor):
    response = editor.post(
        ADD,
        new_case(
            source_title="关于推广互助养老经验的通报",
            source_publisher="某县民政局",
            source_url="https://example.gov.cn/mz/2023/0520.html",
            source_date="2023-05-20",
        ),
    )

    assert response.status_code == 302
    source = Case.objects.get(title="某县建设村级互助幸福院").source
    assert (source.kind, source.title, source.publisher, source.url, str(source.date), source.year) == (
        "manual",
        "关于推广互助养老经验的通报",
        "某县民政局",
        "https://example.gov.cn/mz/2023/0520.html",
        "2023-05-20",
        2023,
    )


@pytest.mark.django_db
def test_two_cases_citing_one_address_share_their_source(editor):
    url = "https://example.gov.cn/mz/2023/0520.html"
    editor.post(ADD, new_case(source_url=url))
    editor.post(ADD, {**new_case(source_url=url), "title": "某县建设老年食堂"})

    assert Source.objects.filter(url=url).count() == 1
    assert Case.objects.filter(source__url=url).count() == 2


@pytest.mark.django_db
def test_the_source_fields_are_asked_only_when_adding(editor):
    case = Case.objects.published().first()
    form = editor.get(f"/admin/cases/case/{case.pk}/change/").content.decode()
    assert 'name="source_url"' not in form
    assert 'name="source_url"' in editor.get(ADD).content.decode()
