"""The English pages: places and themes in English, and a word that case texts are Chinese."""

import re

import pytest
from django.utils import translation

from cases.models import Case


@pytest.fixture
def english(client):
    with translation.override("en"):
        yield client


def get(client, path):
    return client.get("/en" + path).content.decode()  # English lives under /en/


@pytest.mark.django_db
def test_english_pages_name_places_and_themes_in_english(english, seeded):
    case = Case.objects.published().filter(county__name="名山区").get()

    card_list = get(english, "/cases/?province=510000")
    page = get(english, f"/cases/{case.slug}/")

    assert "Sichuan · Ya&#x27;an · Mingshan District" in card_list
    assert ">Sichuan</a> › <a" in page
    metas = re.findall(r'<p class="meta">(.*?)</p>', card_list, re.S)
    assert [m for m in metas if "四川" in m] == []
    assert '<option value="510000" selected>Sichuan</option>' in card_list


@pytest.mark.django_db
def test_english_pages_say_once_that_case_texts_are_chinese(english, seeded):
    html = get(english, "/")
    assert html.count("the case texts themselves are published in Chinese only") == 1


@pytest.mark.django_db
def test_theme_tiles_without_cases_are_not_links(client, seeded):
    from cases.models import Theme

    empty = [t for t in Theme.objects.all() if not Case.objects.published().filter(themes=t).exists()]
    html = client.get("/").content.decode()

    for theme in empty:
        assert f'?theme={theme.slug}"' not in html
        assert f'<span class="empty-tile">{theme.name} <span class="count">0</span></span>' in html
