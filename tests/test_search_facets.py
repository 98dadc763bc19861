"""Search, facets and the list page — run on SQLite and on PostgreSQL by `make test`."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.facets import facets
from cases.filters import CaseFilter
from cases.models import Case
from cases.search import highlight, index_tokens, query_tokens

ELDER_CARE = {
    "“八个一”惠民工程促农村公共服务提标扩面",
    "“党建+颐养之家”打造农村居家养老“三心”工程",
    "依托“暖心食堂”构建新型农村养老服务体系",
    "“众筹养老”绘就晚年幸福图景",
    "集中供养“失能者”助贫困家庭走出困境",
    "成都市推进城乡一体化专题之三",  # 养老保险
}


def titles(queryset):
    return set(queryset.values_list("title", flat=True))


def test_tokens_are_simplified_and_segmented():
    assert query_tokens("農村養老") == ("农村", "养老")
    assert query_tokens("  互联网+ ，农村 ") == ("互联网", "农村")
    assert index_tokens("农村养老服务") == " 农村 养老 服务 "
    assert index_tokens("中华人民共和国") == " 中华 华人 人民 共和 共和国 中华人民共和国 "


@pytest.mark.parametrize("query", ["养老", "養老", "农村 养老", "農村養老"])
def test_search_finds_the_same_cases_in_either_script(seeded, query):
    assert titles(Case.objects.published().search(query)) == ELDER_CARE


@pytest.mark.parametrize(
    "query, expected",
    [
        ("全程代办", {"“全程代办”实现农村公共服务“零距离”"}),
        ("宝山 教育", {"落实《关于统筹推进区域内城乡义务教育一体化改革发展》工作情况汇报"}),
        ("互联网+", {"“互联网+”打通农村人饮工程“最后100米”"}),
        ("1945", {"“1945”模式破解农村垃圾治理难题"}),
        ("不存在的说法", set()),
    ],
)
def test_search_requires_every_word(seeded, query, expected):
    assert titles(Case.objects.published().search(query)) == expected


def test_title_matches_rank_above_body_matches(seeded):
    ranked = list(Case.objects.published().search("养老").order_by("-rank", "pk").values_list("title", flat=True))
    assert "养老" in ranked[0] and "养老" in ranked[1] and "养老" not in ranked[-1]


def test_search_never_returns_drafts(seeded):
    draft = Case.objects.filter(status=Case.Status.DRAFT, title__contains="围墙").get()
    assert Case.objects.search("围墙").filter(pk=draft.pk).exists()
    assert not Case.objects.published().search("围墙").filter(pk=draft.pk).exists()


def test_highlight_marks_matches_in_an_escaped_snippet():
    text = "<b>危险</b>农村养老服务保障是应对人口老龄化的重要举措。"
    assert highlight(text, "養老") == "&lt;b&gt;危险&lt;/b&gt;农村<mark>养老</mark>服务保障是应对人口老龄化的重要举措。"


def filtered(params):
    from django.http import QueryDict

    data = QueryDict(params)
    return CaseFilter(data, queryset=Case.objects.published()), data


def test_the_filter_combines_every_parameter(seeded):
    f, _ = filtered("province=640000&theme=water-supply&doc_type=case&year_min=2000&year_max=2030")
    assert titles(f.qs) == set()  # the Ningxia cases have no year
    f, _ = filtered("province=640000&theme=water-supply&doc_type=case")
    assert titles(f.qs) == {"“互联网+”打通农村人饮工程“最后100米”"}
    f, _ = filtered("prefecture=440100")
    assert titles(f.qs) == set()
    f, _ = filtered("county=150207")
    assert titles(f.qs) == {"融合聚力打造人居环境综合治理体系"}
    f, _ = filtered("tag=垃圾分类&year_min=2021")
    assert titles(f.qs) == {"推进农业农村高质量发展打造乡村全面振兴新高地新闻发布会"}


def test_themes_combine_with_and(seeded):
    f, _ = filtered("theme=elderly-care&theme=diverse-supply")
    assert titles(f.qs) == {"“众筹养老”绘就晚年幸福图景"}


def test_invalid_values_give_an_empty_form_error_not_a_crash(seeded, client):
    for params in ["province=999999", "year_min=abc", "theme=nope", "sort=sideways", "page=999999999"]:
        response = client.get("/cases/?" + params)
        assert response.status_code == 200


@pytest.mark.parametrize(
    "params", ["", "q=养老", "province=510000", "theme=rural-governance", "doc_type=news&year_min=2021"]
)
def test_every_facet_count_is_the_size_of_the_list_its_link_gives(seeded, client, params):
    f, data = filtered(params)
    for facet in facets(f.qs, data):
        for value in facet.values:
            if value.active:
                assert value.count == f.qs.count()
                continue  # its link removes the filter
            html = client.get("/cases/" + value.url).content.decode()
            total = int(re.search(r'id="total">(\d+)<', html).group(1))
            assert (facet.name, value.label, total) == (facet.name, value.label, value.count)


def test_facets_never_count_drafts(seeded):
    f, data = filtered("")
    province_total = sum(v.count for v in facets(f.qs, data)[0].values)
    assert province_total == Case.objects.published().exclude(province=None).count()


def test_the_list_shows_chips_that_remove_one_filter_each(seeded, client):
    html = client.get("/cases/?q=養老&theme=elderly-care&province=370000").content.decode()
    assert 'id="total">1<' in html
    assert 'aria-label="移除 “養老”"' in html
    assert 'href="?theme=elderly-care&amp;province=370000"' in html


def test_sorting_by_title_and_by_newest(seeded, client):
    f, _ = filtered("sort=title&province=440000")
    assert f.sort_order == "title"
    assert list(f.qs.values_list("title", flat=True)) == sorted(f.qs.values_list("title", flat=True))
    assert filtered("q=养老")[0].sort_order == "relevance"
    assert filtered("")[0].sort_order == "newest"
    f, _ = filtered("sort=newest&doc_type=news")
    years = [y for y in f.qs.values_list("year", flat=True)]
    assert years == sorted(years, reverse=True)


def queries_for(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "few, many",
    [
        ("/cases/?doc_type=policy", "/cases/?doc_type=case"),
        ("/cases/?county=150207", "/cases/?province=440000"),
        ("/cases/?q=全程代办", "/cases/?q=乡村振兴"),
        ("/sources/{small}/", "/sources/{large}/"),
    ],
)
def test_pages_issue_a_bounded_number_of_queries(seeded, client, few, many):
    from cases.models import Source

    sources = {s.file_name[:3]: s.pk for s in Source.objects.all()}
    few, many = (
        few.format(small=sources["002"], large=sources["000"]),
        many.format(small=sources["002"], large=sources["000"]),
    )
    from django.core.cache import cache

    def cold(url):  # each page drawn from nothing (the filter form's fields are shared between pages)
        cache.clear()
        return queries_for(client, url)

    assert cold(few) == cold(many)
    assert cold(many) <= 18


def test_home_and_case_pages_issue_a_bounded_number_of_queries(seeded, client):
    assert queries_for(client, "/") <= 12  # counting the library (cached afterwards)
    assert queries_for(client, "/") <= 7  # the counts from the cache
    assert queries_for(client, "/stats/") <= 8
    case = Case.objects.published().first()
    assert queries_for(client, case.get_absolute_url()) <= 9  # choosing related cases (cached afterwards)
    assert queries_for(client, case.get_absolute_url()) <= 5


def test_full_width_and_half_width_forms_match(seeded):
    assert titles(Case.objects.published().search("１９４５")) == {"“1945”模式破解农村垃圾治理难题"}
    assert titles(Case.objects.published().search("互联网＋")) == titles(Case.objects.published().search("互联网+"))


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "！？。，",
        "' OR 1=1 --",
        "养老'; DROP TABLE cases_case; --",
        "\\x00\\x01",
        "养" * 5000,
        "%_%",
        "a:b & c | !d",
    ],
)
def test_strange_queries_give_a_normal_page(seeded, client, query):
    response = client.get("/cases/", {"q": query})
    assert response.status_code == 200
    assert 'id="total">' in response.content.decode()


def test_a_place_in_the_query_is_offered_as_a_filter(seeded, client):
    html = client.get("/cases/", {"q": "浙江 垃圾"}).content.decode()
    assert '只看<a href="?q=%E5%9E%83%E5%9C%BE&amp;province=330000">浙江省</a>的“垃圾”案例？' in html
    follow = client.get("/cases/", {"q": "垃圾", "province": "330000"}).content.decode()
    assert 'id="total">1<' in follow  # 宁海's waste sorting
    assert "只看" not in client.get("/cases/", {"q": "宝山 教育"}).content.decode()  # two 宝山区: no guess


@pytest.mark.parametrize("query", ["农村", "养老 服务", "教育"])
def test_a_search_within_a_place_finds_exactly_the_search_within_that_place(seeded, query):
    # On PostgreSQL the place joins the words in the index lookup (migration 0014): it must
    # change what is read, never what is found.
    searched = Case.objects.published().search(query)
    places = Case.objects.published().values_list("province", "prefecture", "county").distinct()
    tried = 0
    for province, prefecture, county in places:
        for level, code in (("province", province), ("prefecture", prefecture), ("county", county)):
            if not code:
                continue
            f, _ = filtered(f"q={query}&{level}={code}")
            expected = set(searched.filter(**{level: code}).values_list("pk", flat=True))
            assert set(f.qs.values_list("pk", flat=True)) == expected, (level, code)
            tried += bool(expected)
    assert tried >= 3


def test_a_case_moved_to_another_place_is_found_there_at_once(seeded):
    case = Case.objects.published().filter(province="640000", search_title__contains=" 农村 ").first()
    found_in = lambda province: set(filtered(f"q=农村&province={province}")[0].qs.values_list("pk", flat=True))  # noqa: E731
    assert case.pk in found_in("640000") and case.pk not in found_in("330000")
    case.province_id, case.prefecture_id, case.county_id = "330000", None, None
    case.save()
    assert case.pk in found_in("330000") and case.pk not in found_in("640000")
