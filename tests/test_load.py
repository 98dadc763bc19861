import pytest
from django.core.management import call_command

from cases.ingest.pipeline import BLOCKING
from cases.models import Case, Region, Source, Theme
from cases.quality import FLAGS


@pytest.fixture
def seeded_once(seeded):
    return seeded


def test_load_seeds_creates_every_case_once(seeded_once):
    assert seeded_once.counts["created"] == 58
    assert Case.objects.count() == 58
    assert Source.objects.count() == 5
    assert seeded_once.per_source == {
        "000_816a42d77fff0dc0.txt": 23,
        "001_97583b2ba8e6293b.txt": 5,
        "002_fe4ae79846a25bb0.txt": 5,
        "003_cf4e18f9d353fdaa.txt": 8,
        "004_053003864b53b5b3.txt": 17,
    }


def test_the_gazetteer_and_themes_are_complete(seeded_once):
    assert Region.objects.filter(level="province").count() == 34
    assert Region.objects.filter(level="county").count() > 2800
    assert list(Theme.objects.values_list("name", flat=True)) == [
        "城乡公共资源均衡配置",
        "县乡村公共服务统筹",
        "乡镇公共服务与便民服务",
        "农村公共基础设施",
        "农村供水保障",
        "农村人居环境整治",
        "农村教育",
        "农村医疗卫生",
        "乡村公共文化体育",
        "农村养老服务",
        "农村托幼服务",
        "农村留守儿童关爱保护",
        "公共服务多元化供给",
        "巩固脱贫攻坚成果",
        "乡村治理",
        "农村就业创业",
        "农村金融保险",
    ]


def test_a_second_load_creates_and_changes_nothing(seeded_once, capsys):
    before = list(Case.objects.order_by("pk").values())
    call_command("load_seeds")
    assert "created 0, updated 0, unchanged 58, kept-editor-value 0" in capsys.readouterr().out
    assert list(Case.objects.order_by("pk").values()) == before


def test_complete_items_are_published_and_incomplete_ones_are_drafts(seeded_once):
    drafts = Case.objects.filter(status=Case.Status.DRAFT)
    assert Case.objects.published().count() + drafts.count() == 58
    for case in drafts:
        assert BLOCKING & set(case.quality_flags)
    assert {f.code for f in FLAGS.values() if f.blocking} == BLOCKING  # each blocking flag is explained
    assert not Case.objects.published().filter(province__isnull=True).exclude(region_label="全国").exists()


def test_an_editors_change_survives_a_reload(seeded_once):
    case = Case.objects.get(source__file_name__startswith="000", ordinal=1)
    case.title = "北京怀柔：“足不出村”办政务（编辑修订）"
    case.status = Case.Status.REVIEW
    case.save()
    case.themes.add(Theme.objects.get(name="乡村治理"))
    case.tags.add("编辑添加")

    call_command("load_seeds")

    case.refresh_from_db()
    assert case.title == "北京怀柔：“足不出村”办政务（编辑修订）"
    assert case.status == Case.Status.REVIEW
    assert set(case.themes.values_list("name", flat=True)) == {"乡镇公共服务与便民服务", "乡村治理"}
    assert "编辑添加" in case.tags.names()
    # Fields the editor did not touch still follow the importer.
    assert case.county.name == "怀柔区"


def test_a_reload_reports_what_it_kept(seeded_once, capsys):
    Case.objects.filter(source__file_name__startswith="004", ordinal=3).update(summary="编辑写的摘要")
    call_command("load_seeds")
    assert "created 0, updated 0, unchanged 58, kept-editor-value 1" in capsys.readouterr().out


def test_a_case_points_back_to_its_source_span(seeded_once):
    case = Case.objects.get(source__file_name__startswith="000", ordinal=2)
    assert case.source_excerpt.startswith("02-天津北辰雙街:")
    assert case.locator == f"000_816a42d77fff0dc0.txt#2@{case.span_start}-{case.span_end}"


def test_published_is_the_only_public_queryset(seeded_once):
    assert set(Case.objects.published().values_list("status", flat=True)) == {"published"}
