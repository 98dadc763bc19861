"""Search at any library size (issue 16): a bounded list that says when it is cut, searches
within filters that are not cut short, and related terms that editors change in the admin.

The library here is small; ``search.CANDIDATES`` is lowered so that it is "large"."""

import re

import pytest
from django.urls import reverse

from cases import search
from cases.models import Case, Synonym

from .test_admin import make_user


def total(html: str) -> str:
    return re.search(r'id="total">([^<]+)<', html).group(1)


def holding(word: str) -> int:
    """The number of published cases holding ``word``, counted without the search."""
    return sum(f" {word} " in f"{c.search_title} {c.search_body}" for c in Case.objects.published())


def test_a_search_that_finds_more_cases_than_it_lists_says_so(seeded, client, monkeypatch):
    assert holding("养老") > 3
    monkeypatch.setattr(search, "CANDIDATES", 3)
    html = client.get("/cases/?q=养老").content.decode()
    assert total(html) == "3+"
    assert 'id="capped"' in html and "这里列出最相关的 3 个" in html
    assert html.count('class="case-card') == 3
    data = client.get("/api/cases/?q=养老").json()
    assert (data["count"], data["capped"]) == (3, True)


def test_a_search_that_lists_everything_it_found_gives_the_exact_count(seeded, client, monkeypatch):
    monkeypatch.setattr(search, "CANDIDATES", 3)
    html = client.get("/cases/?q=众筹").content.decode()
    assert total(html) == "1" and 'id="capped"' not in html
    assert "“众筹养老”绘就晚年幸福图景" in html
    data = client.get("/api/cases/?q=众筹").json()
    assert (data["count"], data["capped"]) == (1, False)
    # A list without words is never "capped", however long.
    assert client.get("/api/cases/").json()["capped"] is False
    assert "+" not in total(client.get("/cases/").content.decode())


def test_a_search_within_a_filter_reads_its_cases_from_the_filtered_list(seeded, client, monkeypatch):
    # The news and reports holding 农村 are few; the cases holding it, many: a search that read
    # its first cases from the whole library and filtered them afterwards would find none here.
    news = [
        c for c in Case.objects.published().filter(doc_type="news") if " 农村 " in f"{c.search_title} {c.search_body}"
    ]
    assert news and holding("农村") > 2 * len(news)
    monkeypatch.setattr(search, "CANDIDATES", len(news) + 1)
    html = client.get("/cases/?q=农村&doc_type=news").content.decode()
    assert total(html) == str(len(news))


def test_a_word_in_the_summary_ranks_between_the_title_and_the_text(seeded):
    word = "模式"
    cases = [c for c in Case.objects.published().filter(doc_type="case")]  # the same type: the same factor
    groups = {
        "title": [c for c in cases if f" {word} " in c.search_title],
        "summary": [c for c in cases if f" {word} " not in c.search_title and f" {word} " in c.search_summary],
        "text": [
            c for c in cases if f" {word} " not in c.search_title + c.search_summary and f" {word} " in c.search_body
        ],
    }
    assert all(groups.values()), {name: len(members) for name, members in groups.items()}
    rank = dict(search.apply(Case.objects.published(), word).values_list("pk", "rank"))
    ranks = {name: [rank[c.pk] for c in members] for name, members in groups.items()}
    assert min(ranks["title"]) > max(ranks["summary"]) and min(ranks["summary"]) > max(ranks["text"]), ranks


@pytest.mark.parametrize("role", ["editor", "reviewer"])
def test_a_synonym_edited_in_the_admin_changes_the_cached_search_pages(seeded, client, role):
    from django.test import Client

    public = Client()
    client.force_login(make_user("cidian", role))
    assert total(public.get("/cases/?q=跑腿").content.decode()) == "0"  # now in the page cache
    response = client.post(reverse("admin:cases_synonym_add"), {"words": "跑腿 全程代办", "note": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    html = public.get("/cases/?q=跑腿").content.decode()
    assert total(html) != "0" and "“全程代办”实现农村公共服务“零距离”" in html
    group = Synonym.objects.get(words="跑腿 全程代办")
    change = reverse("admin:cases_synonym_change", args=[group.pk])
    assert client.post(change, {"words": "跑腿 代办员", "note": ""}).status_code == 302
    assert total(public.get("/cases/?q=跑腿").content.decode()) == "0"  # no case says 代办员


def test_a_related_term_read_in_part_never_cuts_a_short_list_silently(seeded, client, monkeypatch):
    # 众筹 is in one case; as related terms, 养老 and 互助 are in many.  Each related term is read
    # only in part (one case a tier here): the words found fewer cases than a list holds, so the
    # list reads them whole and counts every case holding any of them, without "+".
    Synonym.objects.create(words="众筹 养老 互助")
    every = {
        c.pk
        for c in Case.objects.published()
        if any(f" {w} " in f"{c.search_title} {c.search_body}" for w in ("众筹", "养老", "互助"))
    }
    assert len(every) > 4 and holding("众筹") == 1
    monkeypatch.setattr(search, "RELATED_CANDIDATES", 1)
    html = client.get("/cases/?q=众筹").content.decode()
    assert total(html) == str(len(every)) and 'id="capped"' not in html
    assert set(search.apply(Case.objects.published(), "众筹").values_list("pk", flat=True)) == every


def test_a_word_weighs_by_the_library_as_it_is_now(seeded):
    # Rarity is kept between searches; a published case holding the word makes it commoner at once.
    from .factories import CaseFactory

    def best_rank():
        return max(search.apply(Case.objects.published(), "众筹").values_list("rank", flat=True))

    before = best_rank()
    assert best_rank() == before
    CaseFactory(title="众筹修路", summary="村民众筹修路。", body="村民众筹修路，集体出工。")
    assert best_rank() < before
