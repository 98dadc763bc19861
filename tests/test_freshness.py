"""Cached counts, orders, cards and related cases: kept exactly as long as they
are true (cases/freshness.py, cases/listing.py), never longer."""

from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from cases import freshness
from cases.facets import counts, list_tag
from cases.listing import case_cards
from cases.models import Case, LibraryState, Theme, WordVersion, library_version
from cases.search import query_tokens


def queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx)


def tag_of(query: str = "") -> str:
    return freshness.version_tag(query_tokens(query))


def test_word_pieces_are_what_postgresql_can_split_a_token_into():
    assert freshness.pieces(" 养老 covid-19 ABC ") == {"养老", "covid", "19", "abc"}
    assert freshness.pieces("") == set()
    assert freshness.pieces("x" * 100) == {"x" * freshness.MAX_PIECE}


def test_a_text_edit_of_a_published_case_keeps_every_count_but_those_of_its_words(seeded, client):
    case = Case.objects.published().filter(province="330000").first()
    before_library, before_other = library_version(), tag_of("养老")
    assert queries(client, "/cases/?province=330000") > queries(client, "/cases/?province=330000")  # now cached
    hits = client.get("/cases/?q=蓝莓采摘").content.decode()
    assert 'id="total">0<' in hits

    case.title += "（蓝莓采摘）"
    case.save()

    assert library_version() == before_library  # no list's counts changed
    assert tag_of("养老") == before_other  # nor any search for other words
    assert WordVersion.objects.filter(word__in=["蓝莓", "采摘"]).count() == 2
    cached = queries(client, "/cases/?province=330000")
    assert cached <= 6  # counts, order and cards of the other cases from the cache
    hits = client.get("/cases/?q=蓝莓采摘").content.decode()
    assert 'id="total">1<' in hits and "（蓝莓采摘）" in hits
    # The edited case's own card is drawn again: its new title shows on the cached list.
    assert "（蓝莓采摘）" in client.get(f"/cases/?province=330000&q={case.title.split('（')[0][:4]}").content.decode()


def test_an_edited_title_shows_at_once_on_a_list_whose_counts_and_order_are_cached(seeded, client):
    case = Case.objects.published().filter(province="330000").order_by("-year", "-pk").first()
    assert case.title in client.get("/cases/?province=330000").content.decode()
    case.title = "新的标题：山区学校午餐改善"
    case.save()
    assert "新的标题：山区学校午餐改善" in client.get("/cases/?province=330000").content.decode()


def test_editing_a_draft_touches_no_cached_count(seeded):
    draft = Case.objects.filter(status=Case.Status.DRAFT).first()
    state = LibraryState.objects.get(pk=1)
    draft.title += "（草稿修改）"
    draft.province_id = "110000"
    draft.save()
    draft.themes.add(Theme.objects.first())
    draft.tags.add("草稿关键词")
    after = LibraryState.objects.get(pk=1)
    assert (after.version, after.word_clock) == (state.version, state.word_clock)


@pytest.mark.parametrize(
    "change",
    [
        lambda case: setattr(case, "status", Case.Status.REVIEW),
        lambda case: setattr(case, "province_id", "110000"),
        lambda case: setattr(case, "year", (case.year or 2000) + 1),
        lambda case: setattr(case, "doc_type", "news" if case.doc_type != "news" else "case"),
    ],
    ids=["withdrawn", "moved", "redated", "retyped"],
)
def test_a_change_to_a_counted_field_of_a_published_case_recounts(seeded, change):
    case = Case.objects.published().exclude(province=None).exclude(province="110000").first()
    before = library_version()
    change(case)
    case.save()
    assert library_version() == before + 1


def test_themes_and_keywords_of_a_published_case_recount_only_when_they_change(seeded):
    case = Case.objects.published().first()
    before = library_version()
    case.themes.set(list(case.themes.all()))  # the same themes again
    case.tags.set(list(case.tags.names()))  # the same keywords again
    assert library_version() == before
    case.tags.add("新增关键词")
    assert library_version() == before + 1
    case.themes.clear()
    assert library_version() == before + 2


def test_publishing_and_deleting_recount(seeded, client):
    total = Case.objects.published().count()
    assert f'id="total">{total}<' in client.get("/cases/").content.decode()
    draft = Case.objects.filter(status=Case.Status.DRAFT).exclude(quality_flags__icontains="personal").first()
    draft.status = Case.Status.PUBLISHED
    draft.quality_flags = []
    draft.save()
    assert f'id="total">{total + 1}<' in client.get("/cases/").content.decode()
    Case.objects.published().exclude(pk=draft.pk).first().delete()
    assert f'id="total">{total}<' in client.get("/cases/").content.decode()
    before = library_version()
    Case.objects.filter(status=Case.Status.DRAFT).first().delete()
    assert library_version() == before  # a draft was in no count


def test_renaming_a_theme_shows_in_the_cached_filter_form_and_facets(seeded, client):
    client.get("/cases/?province=330000")
    theme = Theme.objects.get(slug="education")
    theme.name = "教育（改名）"
    theme.save()
    page = client.get("/cases/?province=330000").content.decode()
    assert page.count("教育（改名）") >= 2  # a facet and a checkbox of the form


def test_cards_leave_out_cases_that_are_no_longer_published(seeded):
    published = list(Case.objects.published().order_by("pk").values_list("pk", flat=True)[:3])
    draft = Case.objects.filter(status=Case.Status.DRAFT).first()
    cards = case_cards([published[0], draft.pk, published[1]], tag=tag_of())
    assert len(cards) == 2 and draft.title not in "".join(cards)
    withdrawn = Case.objects.get(pk=published[1])
    cards_before = case_cards(published, tag=tag_of())
    withdrawn.status = Case.Status.DRAFT
    withdrawn.save()
    assert len(case_cards(published, tag=tag_of())) == len(cards_before) - 1


def test_a_cached_order_never_shows_a_withdrawn_case(seeded, client):
    case = Case.objects.published().filter(province="330000").order_by("-year", "-pk").first()
    assert case.title in client.get("/cases/?province=330000").content.decode()
    # Even if its order were served from a stale cache, the page checks each case now.
    Case.objects.filter(pk=case.pk).update(status=Case.Status.DRAFT)  # behind the portal's back
    assert case.title not in client.get("/cases/?province=330000").content.decode()


def test_counts_of_a_filter_that_can_match_nothing(db):
    assert counts(Case.objects.none(), QueryDict("theme=x")) == {
        "total": 0,
        "province": [],
        "theme": [],
        "doc_type": [],
        "year": [],
    }


def test_counts_are_the_same_as_counting_each_facet_with_the_orm(seeded):
    from django.db.models import Count

    two = next(c for c in Case.objects.published().prefetch_related("themes") if len(c.themes.all()) >= 2)
    first, second = [t.slug for t in two.themes.all()][:2]
    params = QueryDict(f"theme={first}&theme={second}")
    queryset = Case.objects.published().filter(themes__slug=first).filter(themes__slug=second)
    data = counts(queryset, params)
    assert data["total"] == queryset.count() > 0
    assert dict(data["province"]) == dict(
        queryset.exclude(province=None).values_list("province").annotate(n=Count("pk")).order_by()
    )
    expected_themes = {
        slug: queryset.filter(themes__slug=slug).count()
        for slug in Theme.objects.values_list("slug", flat=True)
        if queryset.filter(themes__slug=slug).exists()
    }
    assert dict(data["theme"]) == expected_themes
    assert [slug for slug, _ in data["theme"]] == [
        t.slug for t in Theme.objects.order_by("position") if t.slug in expected_themes
    ]


def test_related_cases_are_cached_until_the_library_changes(seeded, client):
    case = Case.objects.get(county__name="名山区")
    url = case.get_absolute_url()
    cold, warm = queries(client, url), queries(client, url)
    assert warm < cold
    related = Case.objects.related_to(case)
    assert related and case.pk not in related
    first = Case.objects.get(pk=related[0])

    def related_section() -> str:
        page = client.get(url).content.decode()
        return page.partition('<section class="related">')[2].partition("</section>")[0]

    assert first.get_absolute_url() in related_section()
    first.status = Case.Status.REVIEW
    first.save()
    assert first.get_absolute_url() not in related_section()


def test_a_new_library_is_a_new_epoch_for_a_shared_cache(db):
    LibraryState.objects.all().delete()
    assert list_tag(QueryDict()) == ".0"
    freshness.bump_library()
    first = list_tag(QueryDict())
    LibraryState.objects.all().delete()
    freshness.bump_library()
    assert list_tag(QueryDict()) != first  # same version number, another database


def test_counts_in_a_shared_redis_cache(seeded, client, settings):
    """With CACHE_URL=redis://… every worker reads the counts another one stored."""
    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/14"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).flushdb()
    except redis.RedisError:
        pytest.skip("no Redis server at 127.0.0.1:6379")
    settings.CACHES = {"default": {"BACKEND": "cases.redis_cache.RedisCache", "LOCATION": url, "KEY_PREFIX": "t"}}
    from django.core.cache import caches

    backend = caches["default"]._cache
    assert backend.get_client() is backend.get_client(write=True)  # one client, not one per operation
    cold = queries(client, "/cases/?province=330000")

    caches["default"].close()  # another worker: a new connection, the same cache
    assert queries(client, "/cases/?province=330000") < cold
    assert any(key.startswith(b"t:1:counts:") for key in redis.Redis.from_url(url).keys())
    cache.clear()


def test_one_request_computes_a_missing_value_while_the_others_wait_for_it():
    import threading
    import time

    from cases.caching import get_or_compute

    calls = []

    def slow():
        calls.append(1)
        time.sleep(0.3)
        return {"total": 42}

    results = []
    threads = [
        threading.Thread(target=lambda: results.append(get_or_compute("counts:test", slow, 60))) for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [{"total": 42}] * 8 and len(calls) == 1
    assert cache.get("counts:test:computing") is None


def test_a_value_whose_computation_failed_is_computed_again():
    from cases.caching import get_or_compute

    def broken():
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        get_or_compute("counts:broken", broken, 60)
    assert get_or_compute("counts:broken", lambda: [1], 60) == [1]  # the lock was released


def test_warm_cache_draws_the_most_visited_lists_once(seeded, client):
    import io

    from django.core.management import call_command

    province = Case.objects.published().exclude(province=None).values_list("province", flat=True).first()
    theme = Case.objects.published().filter(province=province).values_list("themes__slug", flat=True).first()
    path = f"/cases/?province={province}&theme={theme}"
    cold = queries(client, path)
    cache.clear()
    out = io.StringIO()
    call_command("warm_cache", stdout=out)
    assert "lists and 2 pages in 2 languages" in out.getvalue()
    assert queries(client, path) < cold  # counts, order, cards, form and facets already there
    assert queries(client, "/") <= 7  # as on a second visit (test_search_facets)


@pytest.mark.parametrize(
    "params",
    ["", "province=330000", "q=养老&province=110000&county=110116", "theme=education&theme=health&sort=title",
     "province=999999&year_min=abc&source=9223372036854775808", "prefecture=440100&doc_type=case"],
)  # fmt: skip
def test_the_cached_filter_form_is_the_form_django_draws(seeded, params):
    import re

    from cases.filters import CaseFilter, form_html

    def drawn():
        f = CaseFilter(QueryDict(params) if params else None, queryset=Case.objects.published())
        f.qs  # noqa: B018 — validated as the view does
        f.narrow_choices()
        return f

    def flat(html):
        return re.sub(r">\s+<", "><", str(html)).strip()

    expected = flat(drawn().form.as_div())
    assert flat(form_html(drawn(), freshness.library_tag())) == expected  # drawn
    assert flat(form_html(drawn(), freshness.library_tag())) == expected  # whole, from the cache
    with mock.patch.object(cache, "get", return_value=None):  # the whole form missing: its fields
        assert flat(form_html(drawn(), freshness.library_tag())) == expected


def test_a_new_search_within_a_province_reuses_the_province_list_fields(seeded, client):
    cache.clear()
    client.get("/cases/?province=330000")
    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/cases/?q=养老&province=330000").content.decode()
    assert '<option value="330000" selected>浙江省</option>' in page
    # The province select came from the cache: the provinces were not read to draw it again
    # (the one province chosen is still validated).
    sql = [q["sql"] for q in ctx.captured_queries]
    assert not [q for q in sql if "\"level\" = 'province'" in q and '"code" =' not in q]
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        client.get("/cases/?q=养老&province=330000")
    assert [q for q in ctx.captured_queries if "\"level\" = 'province'" in q["sql"] and '"code" =' not in q["sql"]]


def test_a_case_page_is_drawn_once_and_shows_every_change_at_once(seeded, client):
    from taggit.models import Tag

    case = Case.objects.published().filter(themes__isnull=False, tags__isnull=False).distinct().first()
    url = case.get_absolute_url()
    client.get(url)
    assert queries(client, url) <= 3  # the case's version, the library's, the related cases' titles

    case.summary = "新的摘要：编辑刚刚改过"
    case.save()
    assert "新的摘要：编辑刚刚改过" in client.get(url).content.decode()  # the case's own version

    theme = case.themes.first()
    theme.name = "主题改名（测试）"
    theme.save()
    assert "主题改名（测试）" in client.get(url).content.decode()  # the library's version

    tag = Tag.objects.get(pk=case.tags.first().pk)
    tag.name = "关键词改名（测试）"
    tag.save()
    assert "关键词改名（测试）" in client.get(url).content.decode()

    related = Case.objects.published().get(slug=client.get(url).context["related"][0].slug)
    related.title = "相关案例改了标题（测试）"
    related.save()  # a text edit: the library's version stays, the related titles are read each time
    assert "相关案例改了标题（测试）" in client.get(url).content.decode()

    case.status = Case.Status.DRAFT
    case.save()
    assert client.get(url).status_code == 404


def test_a_case_page_is_kept_per_language_and_address(seeded, client):
    case = Case.objects.published().first()
    url = case.get_absolute_url()
    assert "http://testserver/c/" in client.get(url).content.decode()
    assert "http://127.0.0.1/c/" in client.get(url, HTTP_HOST="127.0.0.1").content.decode()
    chinese = client.get(url).content.decode()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<h2>Share</h2>" in english and "<h2>分享</h2>" not in english
    assert "<h2>分享</h2>" in chinese


def test_api_rows_are_kept_per_case_version_and_show_every_change(seeded, client):
    url = "/api/cases/?province=330000"
    first = client.get(url).json()["results"]
    assert queries(client, url) < 8  # the rows from the cache: the page's ids and versions only
    case = Case.objects.get(pk=first[0]["id"])
    case.title = "接口标题已修改（测试）"
    case.save()
    rows = client.get(url).json()["results"]
    assert [r["id"] for r in rows] == [r["id"] for r in first]
    assert rows[0]["title"] == "接口标题已修改（测试）" and rows[1:] == first[1:]
    theme = Theme.objects.get(name=first[0]["themes"][0])
    theme.name = "接口主题改名（测试）"
    theme.save()
    assert "接口主题改名（测试）" in client.get(url).json()["results"][0]["themes"]
    assert client.get(url, HTTP_HOST="127.0.0.1").json()["results"][0]["url"].startswith("http://127.0.0.1/")


def test_a_list_page_is_drawn_once_and_shows_an_edited_case_at_once(seeded, client):
    url = "/cases/?province=330000"
    first = client.get(url).content.decode()
    assert queries(client, url) == 2  # seen before: the library's version and the page's case versions
    assert queries(client, "/cases/?q=养老&province=330000") > 3
    assert queries(client, "/cases/?q=养老&province=330000") == 3  # and its words' versions
    case = Case.objects.published().filter(province="330000").order_by("-year", "-pk").first()
    assert case.title in first
    case.title = "列表中的标题已修改（测试）"
    case.save()
    assert "列表中的标题已修改（测试）" in client.get(url).content.decode()
    assert "列表中的标题已修改（测试）" in client.get(url + "&page=1").content.decode()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Filter" in english and "筛选维度" not in english


def test_a_list_by_title_follows_an_edited_title_at_once(seeded, client):
    """The ids of a page seen before are kept only for orders that no title edit can change."""
    url = "/cases/?province=330000&sort=title"
    cases = list(Case.objects.published().filter(province="330000").order_by("title", "pk"))
    first = client.get(url).content.decode()
    assert first.index(cases[0].title) < first.index(cases[1].title)
    cases[0].title = "龘" + cases[0].title  # sorts after every other title
    cases[0].save()
    again = client.get(url).content.decode()
    assert cases[1].title in again and cases[0].title not in again.split(cases[1].title)[0]
