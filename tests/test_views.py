"""The public pages over a library each test builds itself (tests/factories.py): counts,
filters, case and source pages, related cases, short links, statistics, languages, display."""

import json
import re

import pytest
from django.urls import reverse

from cases.models import Case, Theme

from .factories import CaseFactory, SourceFactory, ThemeFactory

pytestmark = pytest.mark.usefixtures("empty_library")

DRAFT, REVIEW = Case.Status.DRAFT, Case.Status.REVIEW


def test_home_shows_counts_by_theme_and_province(client):
    theme = ThemeFactory(name="测试养老主题")
    CaseFactory.create_batch(2, place="110116", themes=[theme])  # 北京市 怀柔区
    CaseFactory(themes=[theme])  # 浙江省
    CaseFactory(place="110116", doc_type=Case.DocType.NEWS)  # news are not cases
    CaseFactory(place="110116", status=DRAFT)
    CaseFactory(place="110116", status=REVIEW)

    response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "收录 <strong>3</strong> 个已发布的案例" in html
    assert 'href="/cases/?doc_type=case&amp;province=110000">北京市 <span class="count">2</span>' in html
    assert 'href="/cases/?doc_type=case&amp;province=330000">浙江省 <span class="count">1</span>' in html


def total(html: str) -> int:
    return int(re.search(r'共 <strong id="total">(\d+)</strong> 个案例', html).group(1))


def card_titles(html: str) -> list[str]:
    return re.findall(r'<h3[^>]*><a href="/cases/[^"]+/">([^<]+)</a>', html)


def test_the_list_filters_by_province_and_text(client):
    sichuan = CaseFactory.create_batch(3, place="511803")
    CaseFactory(place="511803", status=DRAFT)  # waits for a reviewer: not listed
    elder = CaseFactory(
        title="依托“暖心食堂”构建新型农村养老服务体系", body="村里办起暖心食堂，解决老人吃饭难的养老问题。"
    )

    html = client.get("/cases/", {"province": "510000"}).content.decode()
    assert total(html) == 3
    assert sorted(card_titles(html)) == sorted(case.title for case in sichuan)

    html = client.get("/cases/", {"q": "养老"}).content.decode()
    assert total(html) == 1 and card_titles(html) == [elder.title]


def options(html: str, name: str) -> list[str]:
    """The values offered by the select ``name`` of a page (the empty choice left out)."""
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return [value for value in re.findall(r'<option value="([^"]*)"', select) if value]


def test_the_place_selects_offer_places_of_their_own_level(client):
    CaseFactory(place="330523")  # 浙江省 湖州市 安吉县
    CaseFactory(place="150207")  # 内蒙古自治区 包头市 九原区

    html = client.get("/cases/", {"province": "330000"}).content.decode()
    assert "330100" in options(html, "prefecture")  # 杭州市: the province's prefectures
    assert options(html, "county") == []  # counties once a prefecture is chosen; never the province itself
    html = client.get("/cases/", {"county": "150207"}).content.decode()
    assert options(html, "county") == ["150207"]  # the chosen county, shown as chosen
    assert options(html, "prefecture") == []
    assert '<option value="150207" selected>' in html


def test_a_case_page_shows_sections_and_its_source(client):
    source = SourceFactory(title="全面深化改革优秀典型案例合集16篇", file_name="compilation-16.txt")
    case = CaseFactory(
        source=source,
        ordinal=3,
        span_start=120,
        span_end=480,
        background="生态环境治理长期分散。",
        measures="建立“三位一体”治理模式。",
        outcomes="河湖水质明显好转。",
    )

    html = client.get(case.get_absolute_url()).content.decode()

    assert "<h2>背景</h2>" in html and "<h2>主要做法</h2>" in html and "<h2>成效</h2>" in html
    assert "生态环境治理长期分散。" in html and "河湖水质明显好转。" in html
    assert "全面深化改革优秀典型案例合集16篇" in html
    assert case.locator == "compilation-16.txt#3@120-480"
    assert case.locator not in html  # internal: it stays in the admin and the API


def test_drafts_are_not_public(client):
    draft = CaseFactory(status=DRAFT, title="尚未审核的草稿案例")
    published = CaseFactory(title="已经发布的案例")

    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(published.get_absolute_url()).status_code == 200
    assert card_titles(client.get("/cases/").content.decode()) == [published.title]


def test_a_source_page_lists_its_cases_in_order(client):
    source = SourceFactory(title="乡村振兴简报", publisher="清研智库社会发展研究部")
    second = CaseFactory(source=source, ordinal=2, title="赫山区12所农村中小学校")  # made first
    first = CaseFactory(source=source, ordinal=1, title="全国乡村振兴系统建设")
    CaseFactory(source=source, ordinal=3, title="尚未发布的第三篇", status=DRAFT)

    html = client.get(reverse("source_detail", args=[source.pk])).content.decode()

    assert "清研智库社会发展研究部" in html
    listed = re.search(r"<ol>(.*?)</ol>", html, re.S).group(1)
    assert re.findall(r'<li value="(\d+)"><a href="/cases/([^"]+)/">', listed) == [
        ("1", first.slug),
        ("2", second.slug),
    ]


def related_slugs(html: str) -> list[str]:
    section = re.search(r'<section class="related">(.*?)</section>', html, re.S)
    return re.findall(r'<a href="/cases/([^"]+)/">', section.group(1)) if section else []


def test_a_case_page_has_a_citation_a_short_link_a_qr_code_and_related_cases(client):
    theme, other_theme = ThemeFactory(), ThemeFactory()
    case = CaseFactory(place="511803", themes=[theme], title="名山区的茶园公共服务")  # 四川省 雅安市 名山区
    related = CaseFactory(place="510100", themes=[theme], title="深化乡镇街道体制改革示范行动", year=2021)
    CaseFactory(place="510100", themes=[theme], status=DRAFT)  # not published
    CaseFactory(place="510100", themes=[other_theme])  # no theme in common
    CaseFactory(themes=[theme])  # another province, and the case has no keywords

    html = client.get(case.get_absolute_url()).content.decode()

    short = f"http://testserver/c/{case.pk}/"
    assert f'<p>短链接：<a href="{short}">{short}</a></p>' in html
    assert f'<meta property="og:title" content="{case.title}">' in html
    assert f"{case.title}[EB/OL]. " in html
    assert f'<a href="/cases/{related.slug}/">深化乡镇街道体制改革示范行动</a>' in html
    assert related_slugs(html) == [related.slug]
    assert Case.objects.related_to(case) == [related.pk]


def expected_related(case, everyone, limit=5):
    """The related-cases rule, computed naively over the whole library (no pool bounds)."""
    themes = {t.pk for t in case.themes.all()}
    tags = {t.pk for t in case.tags.all()}
    others = [o for o in everyone if o.pk != case.pk]
    if tags:
        keywords = {o.pk: len(tags & {t.pk for t in o.tags.all()}) for o in others}
        pool = {pk: n for pk, n in keywords.items() if n}
    else:
        pool = {o.pk: 0 for o in others if o.is_published and o.province_id == case.province_id}
    ranked = []
    for other in others:
        shared = len(themes & {t.pk for t in other.themes.all()})
        if other.pk in pool and other.is_published and shared:
            same = case.province_id is not None and other.province_id == case.province_id
            ranked.append(((-shared, -pool[other.pk], -same, -(other.year or 0), other.pk), other.pk))
    return [pk for _key, pk in sorted(ranked)[:limit]]


def test_related_cases_follow_their_ranking_rule():
    """A library far below the pool's bounds (PER_KEYWORD cases a keyword, 200 neighbours), so
    the bounded pool is everything: the one-statement ranking gives exactly what the rule gives
    when computed naively, for every published case, with and without keywords."""
    a, b, c = ThemeFactory(), ThemeFactory(), ThemeFactory()
    made = {
        "k1": CaseFactory(tags=["x", "y"], themes=[a, b], year=2020),
        "k2": CaseFactory(tags=["x", "y"], themes=[a], year=2019),
        "k3": CaseFactory(tags=["x"], themes=[a, b], place="510000", year=2021),
        "k4": CaseFactory(tags=["y"], themes=[a], year=2022),
        "k5": CaseFactory(tags=["x"], themes=[c], year=2023),  # no theme in common with k1
        "kd": CaseFactory(tags=["x", "y"], themes=[a, b], status=DRAFT),
        "p1": CaseFactory(themes=[a], year=2018),
        "p2": CaseFactory(themes=[a, b], year=2017),
        "p3": CaseFactory(themes=[a], place="510000", year=2024),  # another province
    }
    pk = {name: case.pk for name, case in made.items()}
    # More themes first, then more keywords, then the same province, then newer.
    assert Case.objects.related_to(made["k1"]) == [pk["k3"], pk["k2"], pk["k4"]]
    # Without keywords: the published cases of its province sharing a theme, newest first.
    assert Case.objects.related_to(made["p1"]) == [pk["k4"], pk["k1"], pk["k2"], pk["p2"]]
    assert Case.objects.related_to(made["p2"]) == [pk["k1"], pk["k4"], pk["k2"], pk["p1"]]
    assert Case.objects.related_to(made["k1"], limit=2) == [pk["k3"], pk["k2"]]

    everyone = list(Case.objects.prefetch_related("themes", "tags"))
    for other in everyone:
        other.is_published = other.status == Case.Status.PUBLISHED
    for case in everyone:
        if case.is_published:
            assert Case.objects.related_to(case) == expected_related(case, everyone), case.title
            assert Case.objects.related_to(case, limit=2) == expected_related(case, everyone, limit=2)


def test_the_short_link_and_qr_code_serve_published_cases_only(client):
    case = CaseFactory()
    draft = CaseFactory(status=DRAFT)

    response = client.get(f"/c/{case.pk}/")
    assert (response.status_code, response["Location"]) == (301, case.get_absolute_url())
    qr = client.get(f"/c/{case.pk}/qr.svg")
    assert (qr.status_code, qr["Content-Type"]) == (200, "image/svg+xml")
    assert qr.content.startswith(b"<svg") and b'xmlns="http://www.w3.org/2000/svg"' in qr.content
    assert client.get(f"/c/{draft.pk}/").status_code == 404
    assert client.get(f"/c/{draft.pk}/qr.svg").status_code == 404


def test_the_statistics_page_counts_published_cases_by_province_and_theme(client):
    governance = Theme.objects.get(slug="rural-governance")
    CaseFactory.create_batch(2, place="440100", themes=[governance], year=2021)  # 广东省
    CaseFactory(place="440100", themes=[governance], status=DRAFT)
    CaseFactory.create_batch(3, doc_type=Case.DocType.NEWS, year=2019)

    html = client.get("/stats/").content.decode()

    assert 'href="/cases/?province=440000&amp;theme=rural-governance" aria-label="广东省 乡村治理 2">' in html
    assert '<a href="/cases/?doc_type=news">新闻</a></td><td>3</td>' in html
    assert '<a href="/cases/?year_min=2021&amp;year_max=2021">2021</a>' in html


def test_the_portal_speaks_english_under_en_and_case_texts_stay_chinese(client):
    elderly = Theme.objects.get(slug="elderly-care")
    CaseFactory(title="依托“暖心食堂”构建新型农村养老服务体系", themes=[elderly])
    CaseFactory(themes=[elderly])
    CaseFactory()  # another theme

    html = client.get("/en/cases/?theme=elderly-care").content.decode()

    assert '<html lang="en">' in html
    assert "<h1>Cases</h1>" in html
    assert '<strong id="total">2</strong> cases' in html
    assert "Rural elderly care ×" in html  # the theme chip, in English
    assert "依托“暖心食堂”构建新型农村养老服务体系" in html  # the case text stays Chinese
    assert '<a href="/cases/?theme=elderly-care" lang="zh-hans" hreflang="zh-hans">中文</a>' in html


def test_chinese_is_the_default(client):
    html = client.get("/").content.decode()
    assert '<html lang="zh-hans">' in html and '<h2 id="by-theme">按主题浏览</h2>' in html


def test_the_large_text_mode_is_a_query_parameter_that_keeps_the_filters(client):
    CaseFactory()
    html = client.get("/cases/?province=330000&display=large").content.decode()
    assert '<html lang="zh-hans" class="large-text">' in html
    assert 'href="?province=330000&amp;display=normal" class="display-switch to-normal"' in html
    assert '<html lang="zh-hans">' in client.get("/cases/?province=330000").content.decode()
    assert client.post("/display/", {"mode": "large"}).status_code == 404  # no server-side switch any more


def test_drafts_are_in_no_public_count(client):
    """Home tiles, the map's numbers, statistics and the source page count published cases only
    (the home page: cases proper, no news or notices)."""
    source = SourceFactory()
    shown = CaseFactory(source=source, ordinal=1, title="已发布的浙江案例")
    hidden = CaseFactory(source=source, ordinal=2, title="浙江的草稿案例", status=DRAFT)
    CaseFactory(place="110116")
    CaseFactory(place="110116", doc_type=Case.DocType.NEWS)  # not a case proper
    CaseFactory(province=None, region_label="全国")
    CaseFactory(place="650100", status=DRAFT)  # 新疆's only case
    CaseFactory(place="650100", status=REVIEW, themes=[Theme.objects.get(slug="elderly-care")])

    home = client.get("/").content.decode()
    counts = json.loads(
        re.search(r'<script id="province-counts" type="application/json">(.*?)</script>', home).group(1)
    )
    assert counts == {"330000": 1, "110000": 1}
    assert "收录 <strong>3</strong> 个已发布的案例" in home
    stats = client.get("/stats/").content.decode()
    assert "新疆维吾尔自治区" not in stats
    source_page = client.get(f"/sources/{source.pk}/").content.decode()
    assert shown.title in source_page and hidden.title not in source_page


def test_home_lists_the_themes_in_the_programme_order(client):
    html = client.get("/").content.decode()
    tiles = re.search(r'<ul class="tiles">(.*?)</ul>', html, re.S).group(1)
    positions = [tiles.index(name) for name in ("城乡公共资源均衡配置", "县乡村公共服务统筹", "农村金融保险")]
    assert positions == sorted(positions)


def test_pagination_keeps_the_filters(client):
    CaseFactory.create_batch(41)  # three pages of 20

    html = client.get("/cases/", {"sort": "title"}).content.decode()
    assert '<a rel="next" href="?sort=title&amp;page=2">' in html
    second = client.get("/cases/", {"sort": "title", "page": 2}).content.decode()
    assert '<a rel="prev" href="?sort=title&amp;page=1">' in second
    assert "第 2 / 3 页" in second
    assert '<a rel="next" href="?sort=title&amp;page=3">' in second
    assert len(card_titles(client.get("/cases/", {"sort": "title", "page": 3}).content.decode())) == 1
