"""Places like mine: county types, macro-regions, distances, terrain, 我的县 and its ordering."""

import csv
import io

import pytest

from cases.ingest.terrain import terrain_for
from cases.models import Case, Region
from cases.places import county_kind, distance_km, macro_region, nearby
from tests.factories import CaseFactory


@pytest.mark.parametrize(
    "name, code, kind",
    [
        ("怀柔区", "110116", "district"),
        ("景宁畲族自治县", "331127", "autonomous-county"),
        ("莫力达瓦达斡尔族自治旗", "150722", "autonomous-banner"),
        ("科尔沁左翼中旗", "150521", "banner"),
        ("神农架林区", "429021", "forestry"),
        ("碑林区", "610103", "district"),  # a district whose name ends in 林
        ("六枝特区", "520203", "special"),
        ("都江堰市", "510181", "city"),
        ("金寨县", "341524", "county"),
        ("西沙群岛", "460321", "other"),
    ],
)
def test_a_county_type_comes_from_its_official_name(name, code, kind):
    assert county_kind(name, code) == kind


@pytest.mark.parametrize(
    "code, region",
    [("110116", "east"), ("341524", "central"), ("510116", "west"), ("230100", "northeast"), ("810000", "")],
)
def test_the_macro_region_is_the_provinces(code, region):
    assert macro_region(code) == region


def test_distances_are_great_circle_kilometres():
    beijing, shanghai = (116.4074, 39.9042), (121.4737, 31.2304)
    assert round(distance_km(beijing, shanghai)) == 1067
    assert distance_km(beijing, None) is None
    near = nearby(beijing, [("a", 116.6, 40.3), ("b", 117.2, 39.1), ("c", 121.47, 31.23)])
    assert near == {300: ["a", "b"], 100: ["a"]}


@pytest.mark.django_db
def test_the_gazetteer_knows_each_countys_type_and_most_coordinates():
    from cases.load import load_regions

    load_regions()
    huairou = Region.objects.get(code="110116")
    assert (huairou.kind, huairou.macro_region) == ("district", "east")
    assert huairou.point == pytest.approx((116.63, 40.32), abs=0.05)
    counties = Region.objects.filter(level="county")
    assert counties.filter(kind="").count() == 0
    assert counties.filter(longitude__isnull=True).count() <= 60  # renamed since the registry's tables


@pytest.mark.parametrize(
    "title, body, terrain",
    [
        # Stated of the place itself: what it is, where it lies, a saying.
        ("办好小规模学校", "云和是典型的山区县，农村学校规模小。", "mountain"),
        ("医共体建设", "作为山区县，医疗资源薄弱。", "mountain"),
        ("大县养老", "该县是山区农业大县。", "mountain"),
        ("移动医院", "县域地处武陵山区腹地，群众看病难。", "mountain"),
        ("小县大养老", "该县八山一水一分田，村庄分散。", "mountain"),
        ("就近办事", "北京市怀柔区立足山区农村实际，梳理代办清单。", "mountain"),
        ("海岛健康服务", "全区共有一百多个岛屿，其中有人居住的四十余个。", "island"),
        ("牧区流动服务", "该旗是纯牧业旗，牧民居住分散。", "pastoral"),
        ("农村供水", "该县位于黄泛平原，地下水苦咸。", "plain"),
        ("平原农区", "这里是一个平原地区。", "plain"),
        ("丘陵地区的互助养老", "全县属丘陵地带。", "hills"),
        ("高原上的卫生院", "地处青藏高原东缘。", "plateau"),
        # A terrain stated, others only mentioned: the stated one.
        ("互助养老", "该县地处平原，近年来借鉴山区经验，发动山区群众结对互助。", "plain"),
        # Only mentioned: whom a measure serves, what others did, a policy's scope, a condition.
        ("守护山区群众健康", "村医驻村，定期巡诊。", ""),
        ("打造海岛健康驿站", "医生定期上岛坐诊，悬水小岛群众在家门口看病。", ""),
        ("数字乡村", "县里组织干部赴外地学习，借鉴山区县发展经验。", ""),
        ("便民服务", "这是山区群众最盼望的事，也是平原地区群众的期盼。", ""),
        ("易地搬迁", "从深山里搬出来的群众住进了新社区。", ""),
        ("村级互助", "适用于村集体有一定收入的山区县。", ""),
        ("城乡供水", "统筹山区和平原地区的供水工程。", ""),
        # Not a terrain at all.
        ("人居环境整治", "在农村牧区人居环境整治中统筹推进。", ""),  # Inner Mongolia's word for countryside
        ("宝山区教育一体化", "宝山区现有小学6所。", ""),  # a district's name, not a terrain
        ("平原县美丽河湖", "平原县实施河道综合治理。", ""),
        ("积分制治理", "村民参与积分兑换。", ""),
    ],
)
def test_terrain_is_read_only_where_the_text_states_one(title, body, terrain, gz):
    names = [name for name in gz.full if any(word in name for word in ("山区", "平原", "海岛", "群岛", "牧区"))]
    found, evidence = terrain_for(title, body, names)
    assert found == terrain
    if terrain:
        assert evidence.startswith("原文 ‘")


def test_what_is_not_stated_leaves_evidence_for_an_editor(gz):
    assert terrain_for("供水", "甲县是山区县，乙县地处平原。") == (
        "",
        "原文写明多种地形（山区、平原），未设定，请编辑核实",
    )
    assert terrain_for("供水", "统筹山区和平原地区的供水工程。") == (
        "",
        "原文提到山区、平原（‘供水 统筹山区和平原地区的供水’），但未写明本地的地形，未设定，请编辑核实",
    )
    assert terrain_for("养老", "该县借鉴山区经验。") == (
        "",
        "原文提到山区（‘养老 该县借鉴山区经验。’），但未写明本地的地形，未设定，请编辑核实",
    )
    assert terrain_for("养老", "村民互助。") == ("", "")


def test_seeds_get_terrain_with_evidence_where_stated(seeded):
    jingning = Case.objects.get(title__contains="小规模学校")
    assert jingning.terrain == "mountain"
    assert jingning.evidence["terrain"] == "原文 ‘校。景宁是典型的山区县城，据2006’"
    assert ("地形", jingning.evidence["terrain"]) in jingning.evidence_labels()
    mingshan = Case.objects.get(county__name="名山区")  # mountains named only as where such work is hard
    assert (mingshan.terrain, mingshan.evidence["terrain"]) == (
        "",
        "原文提到山区（‘分散、交通不便的山区来说，更是难中之’），但未写明本地的地形，未设定，请编辑核实",
    )


# ---- 我的县 ----------------------------------------------------------------------------------


def test_mine_is_chosen_in_two_plain_forms_and_kept_in_a_cookie(client, seeded):
    html = client.get("/mine/").content.decode()
    assert '<option value="510000">四川省</option>' in html and 'name="county"' not in html
    html = client.get("/mine/", {"province": "510000"}).content.decode()
    assert '<option value="510116">成都市 · 双流区</option>' in html
    response = client.post("/mine/", {"county": "510116", "terrain": "plain", "next": "/cases/?theme=x"})
    assert response.status_code == 302 and response["Location"] == "/cases/?theme=x"
    assert response.cookies["mine"].value == "510116.plain"
    html = client.get("/mine/").content.decode()
    assert "当前：<strong>四川省 › 成都市 › 双流区</strong> · 平原" in html


def test_mine_refuses_an_unknown_county_and_a_foreign_next(client, seeded):
    assert client.post("/mine/", {"county": "999999"}).status_code == 400
    response = client.post("/mine/", {"county": "510116", "next": "https://example.com/"})
    assert response["Location"] == "/mine/"
    response = client.post("/mine/", {"clear": "1"})
    assert response.cookies["mine"].value == ""


def body(response) -> str:
    assert response.status_code == 200
    return (b"".join(response.streaming_content) if response.streaming else response.content).decode("utf-8-sig")


def _titles(response) -> list[str]:
    return [case.title for case in response.context["page"]]


@pytest.fixture
def places(seeded):
    """Four cases of one theme: my county (双流区, 四川), a mountain county near it, a district in
    the east, a county far away in the west with a stated mountain terrain."""
    from tests.factories import ThemeFactory

    theme = ThemeFactory(slug="places-theme")
    regions = {code: Region.objects.get(code=code) for code in ("510000", "510100", "510116", "511800", "511822",
                                                                 "330000", "330100", "330106", "650000", "654300",
                                                                 "654322")}  # fmt: skip

    def case(title, province, prefecture, county, year, terrain=""):
        return CaseFactory(title=title, province=regions[province], prefecture=regions[prefecture],
                           county=regions[county], year=year, terrain=terrain, themes=[theme])  # fmt: skip

    return {
        "same": case("双流区的案例", "510000", "510100", "510116", 2015),
        "near": case("荥经县的案例", "510000", "511800", "511822", 2016, terrain="mountain"),
        "east": case("西湖区的案例", "330000", "330100", "330106", 2020),
        "far": case("富蕴县的案例", "650000", "654300", "654322", 2019, terrain="mountain"),
    }


def test_places_like_mine_come_first_then_the_newest(client, places):
    params = {"theme": "places-theme", "sort": "like_mine", "mine": "510116"}
    response = client.get("/cases/", params)
    # 双流区: district, west, 0 km (4); 荥经县: west, ~130 km (2); 西湖区: district (1); 富蕴县: west (1), newer
    assert _titles(response) == ["双流区的案例", "荥经县的案例", "西湖区的案例", "富蕴县的案例"]
    html = response.content.decode()
    assert "排序：与双流区相似的在前" in html
    response = client.get("/cases/", {**params, "my_terrain": "mountain"})
    assert _titles(response) == ["荥经县的案例", "双流区的案例", "富蕴县的案例", "西湖区的案例"]


def test_like_mine_without_a_county_in_the_address_takes_the_cookies(client, places):
    client.cookies["mine"] = "510116.mountain"
    response = client.get("/cases/", {"theme": "places-theme", "sort": "like_mine", "page": "2"})
    assert response.status_code == 302
    assert response["Location"] == "/cases/?theme=places-theme&sort=like_mine&mine=510116&my_terrain=mountain"
    assert response["Cache-Control"] == "private"  # it depends on this reader's cookie


def test_like_mine_without_any_county_asks_for_one_first(client, places):
    response = client.get("/cases/", {"theme": "places-theme", "sort": "like_mine"})
    assert response.status_code == 302
    assert response["Location"] == "/mine/?next=%2Fcases%2F%3Ftheme%3Dplaces-theme%26sort%3Dlike_mine"
    html = client.get(response["Location"]).content.decode()
    assert '<input type="hidden" name="next" value="/cases/?theme=places-theme&amp;sort=like_mine">' in html


def test_filters_by_county_type_macro_region_and_terrain(client, places):
    def titles(**params):
        return sorted(_titles(client.get("/cases/", {"theme": "places-theme", **params})))

    assert titles(county_kind="district") == ["双流区的案例", "西湖区的案例"]
    assert titles(macro_region="west") == ["双流区的案例", "富蕴县的案例", "荥经县的案例"]
    assert titles(terrain="mountain") == ["富蕴县的案例", "荥经县的案例"]
    assert titles(macro_region="east", county_kind="county") == []


def test_the_case_page_gives_its_place_for_the_distance_from_my_county(client, places):
    html = client.get(places["near"].get_absolute_url()).content.decode()
    assert '<p class="meta place-facts">县 · 西部 · 山区</p>' in html
    county = places["near"].county
    assert f'data-code="511822" data-lon="{county.longitude}" data-lat="{county.latitude}"' in html
    assert 'data-regions="/api/regions/CODE/"' in html


def test_the_api_gives_a_regions_type_region_and_coordinates(client, seeded):
    region = client.get("/api/regions/511822/").json()
    assert (region["name"], region["kind"], region["macro_region"]) == ("荥经县", "county", "west")
    assert region["longitude"] == pytest.approx(102.85, abs=0.1)


def test_the_home_map_shows_a_provinces_counties_as_dots(client, places):
    response = client.get("/", {"map": "510000"})
    dots = {dot["code"]: dot for dot in response.context["county_dots"]}
    near = places["near"].county
    assert dots["511822"] == {"code": "511822", "name": "荥经县", "value": [near.longitude, near.latitude, 1]}
    html = response.content.decode()
    assert '<option value="510000" selected>四川省</option>' in html
    assert (
        'href="/cases/?doc_type=case&amp;province=510000&amp;county=511822">荥经县 <span class="count">1</span>' in html
    )
    assert client.get("/", {"map": "nope"}).context["map_province"] is None


@pytest.fixture
def many(places):
    """28 cases of the theme over two pages: ``places`` and more at the same places, one of them
    stated mountainous at my own county, one in a province only and one in no place at all."""
    theme = places["same"].themes.get()
    made = dict(places)
    for n, key in enumerate(["east", "near", "far", "same"] * 5 + ["east"]):
        base = places[key]
        made[f"{key}{n}"] = CaseFactory(title=f"{base.title}{n}", province=base.province, prefecture=base.prefecture,
                                        county=base.county, terrain=base.terrain, year=2010 + n % 7, themes=[theme])  # fmt: skip
    made["same mountain"] = CaseFactory(title="双流区的山区案例", province=places["same"].province,
                                        prefecture=places["same"].prefecture, county=places["same"].county,
                                        terrain="mountain", year=2012, themes=[theme])  # fmt: skip
    made["province"] = CaseFactory(title="浙江的案例", year=2013, themes=[theme])
    made["nowhere"] = CaseFactory(title="全国的案例", province=None, region_label="全国", year=2013, themes=[theme])
    return made


@pytest.mark.parametrize("my_terrain", ["", "mountain"])
def test_each_page_of_places_like_mine_is_the_downloads_and_the_apis_order(client, many, my_terrain):
    """The list's pages find their cases place by place; the downloads and the API order every
    case at once: the same order, page by page (28 cases over two pages, levels cut by a page)."""
    params = {"theme": "places-theme", "sort": "like_mine", "mine": "510116", "my_terrain": my_terrain}
    pages = [client.get("/cases/", {**params, "page": n}).context["page"] for n in (1, 2)]
    listed = [case.pk for page in pages for case in page]
    assert [len(page) for page in pages] == [20, 8]
    rows = list(csv.DictReader(io.StringIO(body(client.get("/cases/export.csv", {**params, "headers": "codes"})))))
    assert listed == [int(row["id"]) for row in rows]
    api = [client.get("/api/cases/", {**params, "page": n}).json()["results"] for n in (1, 2)]
    assert listed == [case["id"] for page in api for case in page]
    counties = dict(Case.objects.filter(pk__in=listed).values_list("pk", "county"))
    if my_terrain:
        assert listed[0] == many["same mountain"].pk  # 6 points: the only one with my terrain too
    else:
        assert [counties[pk] for pk in listed[:7]] == ["510116"] * 7  # my own county's seven first
    assert listed[-2:] == [many["nowhere"].pk, many["province"].pk]  # no points (浙江 is not west), same year


def test_figure_filters_with_places_like_mine(client, places):
    """Has key figures and an investment range narrow the list; the order stays places like mine."""
    from cases.models import KeyFigure
    from tests.factories import KeyFigureFactory

    for key, amount in (("same", 500), ("near", 80), ("far", 300)):
        KeyFigureFactory(case=places[key], kind=KeyFigure.Kind.INVESTMENT, indicator="总投资", value=amount * 10000,
                         unit="元")  # fmt: skip
    KeyFigureFactory(case=places["east"])  # a figure, no investment
    params = {"theme": "places-theme", "sort": "like_mine", "mine": "510116", "my_terrain": "mountain"}
    assert _titles(client.get("/cases/", {**params, "has_figures": "yes"})) == [
        "荥经县的案例", "双流区的案例", "富蕴县的案例", "西湖区的案例"
    ]  # fmt: skip
    assert _titles(client.get("/cases/", {**params, "investment_min": "100"})) == ["双流区的案例", "富蕴县的案例"]
    assert _titles(client.get("/cases/", {**params, "investment_max": "400"})) == ["荥经县的案例", "富蕴县的案例"]
    assert _titles(client.get("/cases/", {**params, "investment_min": "50", "investment_max": "400"})) == [
        "荥经县的案例", "富蕴县的案例"
    ]  # fmt: skip
    del params["my_terrain"]
    assert _titles(client.get("/cases/", {**params, "investment_min": "50"})) == [
        "双流区的案例", "荥经县的案例", "富蕴县的案例"
    ]  # fmt: skip
    assert _titles(client.get("/cases/", {**params, "investment_min": "600"})) == []


@pytest.mark.parametrize(
    "params, titles",
    [
        ({"county_kind": "district"}, ["双流区的案例", "西湖区的案例"]),
        ({"macro_region": "west"}, ["双流区的案例", "富蕴县的案例", "荥经县的案例"]),
        ({"terrain": "mountain"}, ["富蕴县的案例", "荥经县的案例"]),
        ({"macro_region": "west", "county_kind": "county", "terrain": "mountain"}, ["富蕴县的案例", "荥经县的案例"]),
        ({"macro_region": "east", "county_kind": "county"}, []),
    ],
)
def test_the_place_filters_agree_in_the_list_its_facets_the_csv_and_the_api(client, places, params, titles):
    """One FilterSet: the list, its facet counts, the CSV download and the API hold the same cases."""
    params = {"theme": "places-theme", **params}
    response = client.get("/cases/", params)
    assert sorted(_titles(response)) == titles
    province_facet = next(facet for facet in response.context["facets"] if facet.name == "province")
    assert sum(value.count for value in province_facet.values) == len(titles)
    rows = list(csv.DictReader(io.StringIO(body(client.get("/cases/export.csv", {**params, "headers": "codes"})))))
    assert sorted(row["title"] for row in rows) == titles
    for name in ("county_kind", "macro_region", "terrain"):  # the CSV's own columns say why each case is there
        if name in params:
            assert {row[name] for row in rows} == ({params[name]} if titles else set())
    api = client.get("/api/cases/", params).json()
    assert (api["count"], sorted(case["title"] for case in api["results"])) == (len(titles), titles)
    facets = client.get("/api/facets/", params).json()
    provinces = next(facet for facet in facets if facet["name"] == "province")["values"]
    assert sum(value["count"] for value in provinces) == len(titles)
