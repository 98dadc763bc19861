"""English names of places on the English pages."""

import pytest
from django.utils import translation

from cases.models import Region
from cases.placenames import english_name


@pytest.mark.parametrize(
    "name, level, english",
    [
        ("四川省", "province", "Sichuan"),
        ("内蒙古自治区", "province", "Inner Mongolia"),
        ("广西壮族自治区", "province", "Guangxi"),
        ("香港特别行政区", "province", "Hong Kong"),
        ("陕西省", "province", "Shaanxi"),
        ("河源市", "prefecture", "Heyuan"),
        ("六安市", "prefecture", "Lu'an"),
        ("西安市", "prefecture", "Xi'an"),
        ("长沙市", "prefecture", "Changsha"),
        ("阿拉善盟", "prefecture", "Alashan League"),
        ("大理白族自治州", "prefecture", "Dali Bai Autonomous Prefecture"),
        ("恩施土家族苗族自治州", "prefecture", "Enshi Tujia Miao Autonomous Prefecture"),
        ("名山区", "county", "Mingshan District"),
        ("荣成市", "county", "Rongcheng"),
        ("安吉县", "county", "Anji County"),
        ("长阳土家族自治县", "county", "Changyang Tujia Autonomous County"),
        ("鄂温克族自治旗", "county", "Ewenke Autonomous Banner"),
        ("龙胜各族自治县", "county", "Longsheng Autonomous County"),
        ("神农架林区", "county", "Shennongjia Forestry District"),
    ],
)
def test_places_have_english_names(name, level, english):
    assert english_name(name, level) == english


@pytest.mark.django_db
def test_a_region_shows_the_name_of_the_page_language(seeded):
    region = Region.objects.get(code="510000")
    assert region.display_name == "四川省"
    with translation.override("en"):
        assert region.display_name == "Sichuan"


@pytest.mark.django_db
def test_every_place_of_the_gazetteer_has_a_latin_english_name(seeded):
    names = [english_name(r.name, r.level) for r in Region.objects.all()]
    assert [n for n in names if not n or not n.isascii()] == []
