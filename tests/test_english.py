"""The English pages: places and themes in English, and a word that case texts are Chinese."""

import re

import pytest
from django.utils import translation

from cases.models import Case, Theme

from .factories import CaseFactory

pytestmark = pytest.mark.usefixtures("empty_library")


@pytest.fixture
def english(client):
    with translation.override("en"):
        yield client


def get(client, path):
    return client.get("/en" + path).content.decode()  # English lives under /en/


def test_english_pages_name_places_and_themes_in_english(english):
    case = CaseFactory(place="511803", region_label="四川名山")  # 四川省 雅安市 名山区

    card_list = get(english, "/cases/?province=510000")
    page = get(english, f"/cases/{case.slug}/")

    assert "Sichuan · Ya&#x27;an · Mingshan District" in card_list
    assert ">Sichuan</a> › <a" in page
    metas = re.findall(r'<p class="meta">(.*?)</p>', card_list, re.S)
    assert len(metas) == 1 and "四川" not in metas[0]
    assert '<option value="510000" selected>Sichuan</option>' in card_list


def test_english_pages_say_once_that_case_texts_are_chinese(english):
    CaseFactory()
    html = get(english, "/")
    assert html.count("the case texts themselves are published in Chinese only") == 1


def test_theme_tiles_without_cases_are_not_links(client):
    themes = {theme.slug: theme for theme in Theme.objects.all()}
    CaseFactory.create_batch(2, themes=[themes["elderly-care"]])
    CaseFactory(themes=[themes["elderly-care"], themes["education"]])
    CaseFactory(themes=[themes["childcare"]], status=Case.Status.DRAFT)  # counts for no tile

    html = client.get("/").content.decode()

    tiles = re.search(r'<ul class="tiles">(.*?)</ul>', html, re.S).group(1)
    links = re.findall(
        r'<a href="/cases/\?doc_type=case&amp;theme=([^"]+)">[^<]+<span class="count">(\d+)</span>', tiles
    )
    assert links == [("education", "1"), ("elderly-care", "3")]  # in the programme's order
    for slug, theme in themes.items():
        if slug not in ("education", "elderly-care"):
            assert f'<span class="empty-tile">{theme.name} <span class="count">0</span></span>' in tiles
            assert f"theme={slug}" not in html
