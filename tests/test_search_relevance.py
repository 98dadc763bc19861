"""Search quality as numbers (issue 16): our relevance set, scored on SQLite and PostgreSQL.

The scores are pinned: a change that hurts relevance fails here, and one that helps
updates the pins (and the table in the README) on purpose.  Both databases must give
the same first ten cases for every query."""

import pytest

from cases import search_eval

PINNED = {  # nDCG@10 by class, as `make eval-search` prints it
    "plain": 0.985,
    "colloquial": 0.931,
    "synonym": 0.915,
    "traditional": 0.975,
    "pinyin": 0.995,
    "place": 1.000,
    "place+topic": 1.000,
    "overall": 0.969,
}


@pytest.fixture
def scored(seeded):
    return search_eval.run(search_eval.load())


def test_the_set_is_large_enough_and_names_only_published_seed_cases(seeded):
    from cases.models import Case

    judged = search_eval.load()
    assert len(judged) >= 40 and len({j.cls for j in judged}) == 7
    published = {search_eval.case_key(c) for c in Case.objects.published().select_related("source")}
    assert {key for j in judged for key in j.grades} <= published


def test_relevance_meets_the_bar_in_every_class(scored):
    rows = search_eval.by_class(scored)
    assert rows["overall"]["ndcg"] >= 0.85
    assert all(row["ndcg"] >= 0.8 for row in rows.values()), search_eval.table(scored)
    assert [s.judged.query for s in scored if not s.found] == []  # every query here has relevant cases


def test_relevance_scores_are_pinned(scored):
    rows = search_eval.by_class(scored)
    assert {cls: round(row["ndcg"], 3) for cls, row in rows.items()} == PINNED, search_eval.details(scored)


def test_ndcg_of_a_perfect_and_a_reversed_ranking():
    grades = {"a": 3, "b": 1}
    assert search_eval.ndcg(["a", "b", "x"], grades) == 1.0
    assert 0 < search_eval.ndcg(["x", "b", "a"], grades) < search_eval.ndcg(["b", "a"], grades) < 1.0
    assert search_eval.ndcg([], grades) == 0.0
