import re

from django.urls import reverse

from cases.models import Case


def test_home_shows_counts_by_theme_and_province(client, seeded):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    published = Case.objects.published().cases_only().count()
    assert f"收录 <strong>{published}</strong> 个已发布的案例" in html
    assert 'href="/cases/?doc_type=case&amp;province=110000">北京市 <span class="count">1</span>' in html


def test_the_list_filters_by_province_and_text(client, seeded):
    html = client.get("/cases/", {"province": "510000"}).content.decode()
    sichuan = Case.objects.published().filter(province="510000").count()
    assert sichuan == 3  # the fourth names child beneficiaries and waits for a reviewer
    assert f'共 <strong id="total">{sichuan}</strong> 个案例' in html
    html = client.get("/cases/", {"q": "养老"}).content.decode()
    assert "依托“暖心食堂”构建新型农村养老服务体系" in html


def options(html: str, name: str) -> list[str]:
    """The values offered by the select ``name`` of a page (the empty choice left out)."""
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return [value for value in re.findall(r'<option value="([^"]*)"', select) if value]


def test_the_place_selects_offer_places_of_their_own_level(client, seeded):
    html = client.get("/cases/", {"province": "330000"}).content.decode()
    assert "330100" in options(html, "prefecture")  # 杭州市: the province's prefectures
    assert options(html, "county") == []  # counties once a prefecture is chosen; never the province itself
    html = client.get("/cases/", {"county": "150207"}).content.decode()
    assert options(html, "county") == ["150207"]  # the chosen county, shown as chosen
    assert options(html, "prefecture") == []
    assert '<option value="150207" selected>' in html


def test_a_case_page_shows_sections_and_its_source(client, seeded):
    case = Case.objects.get(title="创新“三位一体”治理模式助推完善生态环境治理体系")
    html = client.get(case.get_absolute_url()).content.decode()
    assert "<h2>背景</h2>" in html and "<h2>主要做法</h2>" in html and "<h2>成效</h2>" in html
    assert "全面深化改革优秀典型案例合集16篇" in html
    assert case.locator not in html  # internal: it stays in the admin and the API


def test_drafts_are_not_public(client, seeded):
    draft = Case.objects.filter(status=Case.Status.DRAFT).first()
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert draft.title not in client.get("/cases/").content.decode() or not draft.title


def test_a_source_page_lists_its_cases_in_order(client, seeded):
    case = Case.objects.get(source__file_name__startswith="004", ordinal=1)
    html = client.get(reverse("source_detail", args=[case.source_id])).content.decode()
    assert "清研智库社会发展研究部" in html
    assert html.index("全国乡村振兴系统建设") < html.index("赫山区12所农村中小学校")


def test_a_case_page_has_a_citation_a_short_link_a_qr_code_and_related_cases(client, seeded):
    case = Case.objects.get(county__name="名山区")
    html = client.get(case.get_absolute_url()).content.decode()
    short = f"http://testserver/c/{case.pk}/"
    assert f'<p>短链接：<a href="{short}">{short}</a></p>' in html
    assert f'<meta property="og:title" content="{case.title}">' in html
    assert f"{case.title}[EB/OL]. " in html
    assert '<a href="/cases/ff2be692-04/">深化乡镇街道体制改革示范行动</a>' in html or "相关案例" in html
    related = list(Case.objects.filter(pk__in=Case.objects.related_to(case)))
    assert related and all(r.status == Case.Status.PUBLISHED and r.pk != case.pk for r in related)
    assert all(set(r.themes.all()) & set(case.themes.all()) for r in related)


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


def test_related_cases_follow_their_ranking_rule(seeded):
    """In the seed library every keyword has fewer than PER_KEYWORD cases and no case 200
    neighbours, so the bounded pool is everything: the one-statement ranking must give
    exactly what the rule gives when computed naively, for every published case."""
    everyone = list(Case.objects.prefetch_related("themes", "tags"))
    for other in everyone:
        other.is_published = other.status == Case.Status.PUBLISHED
    published = [case for case in everyone if case.is_published]
    with_keywords = [case for case in published if case.tags.all()]
    assert with_keywords and len(with_keywords) < len(published)  # both kinds of pool are tried
    chosen = {case.pk: Case.objects.related_to(case) for case in published}
    assert sum(bool(ids) for ids in chosen.values()) > len(published) // 2
    assert sum(len(ids) >= 3 for ids in chosen.values()) >= 5  # orders of several to compare
    for case in published:
        assert chosen[case.pk] == expected_related(case, everyone), case.title
        assert Case.objects.related_to(case, limit=2) == expected_related(case, everyone, limit=2)


def test_the_short_link_and_qr_code_serve_published_cases_only(client, seeded):
    case = Case.objects.published().first()
    response = client.get(f"/c/{case.pk}/")
    assert (response.status_code, response["Location"]) == (301, case.get_absolute_url())
    qr = client.get(f"/c/{case.pk}/qr.svg")
    assert qr["Content-Type"] == "image/svg+xml"
    assert qr.content.startswith(b"<svg") and b'xmlns="http://www.w3.org/2000/svg"' in qr.content
    draft = Case.objects.filter(status=Case.Status.DRAFT).first()
    assert client.get(f"/c/{draft.pk}/").status_code == 404
    assert client.get(f"/c/{draft.pk}/qr.svg").status_code == 404


def test_the_statistics_page_counts_published_cases_by_province_and_theme(client, seeded):
    html = client.get("/stats/").content.decode()
    guangdong = Case.objects.published().filter(province="440000", themes__slug="rural-governance").count()
    assert guangdong > 0
    assert (
        f'href="/cases/?province=440000&amp;theme=rural-governance" aria-label="广东省 乡村治理 {guangdong}">' in html
    )
    news = Case.objects.published().filter(doc_type="news").count()
    assert f'<a href="/cases/?doc_type=news">新闻</a></td><td>{news}</td>' in html
    assert '<a href="/cases/?year_min=2021&amp;year_max=2021">2021</a>' in html


def test_the_portal_speaks_english_under_en_and_case_texts_stay_chinese(client, seeded):
    html = client.get("/en/cases/?theme=elderly-care").content.decode()
    assert '<html lang="en">' in html
    assert "<h1>Cases</h1>" in html
    total = Case.objects.published().filter(themes__slug="elderly-care").count()
    assert f'<strong id="total">{total}</strong> cases' in html
    assert "Rural elderly care ×" in html  # the theme chip, in English
    assert "依托“暖心食堂”构建新型农村养老服务体系" in html  # the case text stays Chinese
    assert '<a href="/cases/?theme=elderly-care" lang="zh-hans" hreflang="zh-hans">中文</a>' in html


def test_chinese_is_the_default(client, seeded):
    html = client.get("/").content.decode()
    assert '<html lang="zh-hans">' in html and '<h2 id="by-theme">按主题浏览</h2>' in html


def test_the_large_text_mode_is_a_query_parameter_that_keeps_the_filters(client, seeded):
    html = client.get("/cases/?province=330000&display=large").content.decode()
    assert '<html lang="zh-hans" class="large-text">' in html
    assert 'href="?province=330000&amp;display=normal" class="display-switch to-normal"' in html
    assert '<html lang="zh-hans">' in client.get("/cases/?province=330000").content.decode()
    assert client.post("/display/", {"mode": "large"}).status_code == 404  # no server-side switch any more


def test_drafts_are_in_no_public_count(client, seeded):
    """Home tiles, the map's numbers, statistics and the source page count published cases only
    (the home page: cases proper, no news or notices)."""
    import json
    import re

    published = Case.objects.published().cases_only()
    home = client.get("/").content.decode()
    counts = json.loads(
        re.search(r'<script id="province-counts" type="application/json">(.*?)</script>', home).group(1)
    )
    assert sum(counts.values()) == published.exclude(province=None).count()
    assert "650000" not in counts  # 新疆's only case is a draft
    stats = client.get("/stats/").content.decode()
    assert "新疆维吾尔自治区" not in stats
    draft = Case.objects.filter(status=Case.Status.DRAFT, source__file_name__startswith="003").first()
    source_page = client.get(f"/sources/{draft.source_id}/").content.decode()
    assert draft.title not in source_page


def test_home_lists_the_themes_in_the_programme_order(client, seeded):
    html = client.get("/").content.decode()
    tiles = re.search(r'<ul class="tiles">(.*?)</ul>', html, re.S).group(1)
    positions = [tiles.index(name) for name in ("城乡公共资源均衡配置", "县乡村公共服务统筹", "农村金融保险")]
    assert positions == sorted(positions)


def test_pagination_keeps_the_filters(client, seeded):
    html = client.get("/cases/", {"sort": "title"}).content.decode()
    assert '<a rel="next" href="?sort=title&amp;page=2">' in html
    second = client.get("/cases/", {"sort": "title", "page": 2}).content.decode()
    assert '<a rel="prev" href="?sort=title&amp;page=1">' in second
    assert "第 2 / 3 页" in second
