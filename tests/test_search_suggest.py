"""Suggestions while typing, and the alternatives of a page with few or no results (issue 16)."""

import json

from django.core.cache import cache

from cases.models import Synonym
from cases.suggest import did_you_mean


def suggest(client, q):
    response = client.get("/cases/suggest/", {"q": q})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    return json.loads(response.content)


def test_suggestions_offer_the_librarys_words_with_their_counts(seeded, client):
    data = suggest(client, "留守")
    assert data["terms"][0] == {"term": "留守", "count": 3}
    assert {"term": "留守儿童", "count": 3} in data["terms"]
    assert all(t["count"] > 0 for t in data["terms"])  # never a word that finds nothing


def test_suggestion_counts_stop_at_their_cap_which_the_answer_names(seeded, client, monkeypatch):
    from cases import suggest as suggestions

    assert suggest(client, "留守")["terms"][0] == {"term": "留守", "count": 3}
    cache.clear()
    monkeypatch.setattr(suggestions, "COUNTED", 2)
    data = suggest(client, "留守")
    assert data["terms"][0] == {"term": "留守", "count": 2} and data["capped"] == 2


def test_suggestion_counts_follow_a_publication(seeded, client):
    from .factories import CaseFactory

    assert suggest(client, "留守")["terms"][0] == {"term": "留守", "count": 3}
    CaseFactory(title="留守老人互助", summary="留守老人结对互助。", body="村里留守老人结对互助。")
    assert suggest(client, "留守")["terms"][0] == {"term": "留守", "count": 4}


def test_suggestions_offer_places_with_their_counts(seeded, client):
    data = suggest(client, "河源")
    assert data["places"] == [{"name": "广东省 › 河源市", "level": "prefecture", "code": "441600", "count": 4}]


def test_suggestions_read_pinyin(seeded, client):
    assert "养老" in [t["term"] for t in suggest(client, "yangl")["terms"]]


def test_suggestions_of_nothing_or_markup_are_empty(seeded, client):
    assert suggest(client, "")["terms"] == [] and suggest(client, "")["places"] == []
    assert suggest(client, "<script>")["terms"] == []


def test_suggestions_issue_few_queries(seeded, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        suggest(client, "养")


def test_a_homophone_typo_is_offered_its_word(seeded):
    assert did_you_mean("养劳") == "养老"
    assert did_you_mean("养老") is None  # a word of the library


def test_a_page_without_results_offers_alternatives(seeded, client):
    html = client.get("/cases/", {"q": "厕所", "province": "510000"}).content.decode()
    assert 'id="total">0<' in html
    assert '去掉筛选条件“四川省”，有 <a href="?q=%E5%8E%95%E6%89%80">3 个案例</a>' in html
    assert "相关主题：" in html and "农村人居环境" in html


def test_a_typo_gets_did_you_mean(seeded, client):
    Synonym.objects.create(words="暖心食堂 助餐")
    html = client.get("/cases/", {"q": "暖心食糖", "province": "510000"}).content.decode()  # an empty page
    assert "您是不是要找：" in html and "暖心食堂" in html
