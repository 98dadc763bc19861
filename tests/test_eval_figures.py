"""Key-figure proposals on our own annotation, pinned: a change that makes a score drop
fails here.  ``make eval-figures`` prints the table."""

import importlib.util
import sys
from pathlib import Path

import pytest
from django.conf import settings

spec = importlib.util.spec_from_file_location("eval_figures", Path(settings.BASE_DIR) / "scripts" / "eval_figures.py")
eval_figures = sys.modules.setdefault("eval_figures", importlib.util.module_from_spec(spec))
spec.loader.exec_module(eval_figures)


@pytest.fixture(scope="module")
def results():
    return eval_figures.evaluate()


def test_at_least_15_seed_cases_are_annotated(results):
    assert results["seeds"].cases >= 15
    assert results["seeds"].gold >= 80


@pytest.mark.parametrize(
    ("group", "precision", "recall"),
    [("seeds", 0.95, 0.95), ("written", 0.95, 0.95), ("held out", 0.9, 0.9)],
)
def test_precision_and_recall_do_not_drop(results, group, precision, recall):
    scores = results[group]
    assert scores.precision >= precision, scores.misses
    assert scores.recall >= recall, scores.misses


def test_investment_is_found_wherever_a_seed_states_it(results):
    seeds = results["seeds"]
    assert seeds.investment_gold >= 5
    assert seeds.investment_found == seeds.investment_gold


def test_the_new_sections_are_recognised(results):
    for scores in results.values():
        assert scores.sections_right == scores.sections_gold > 0


def test_a_wrong_proposal_counts_against_precision():
    from cases.ingest.figures import Figure

    scores = eval_figures.Scores()
    case = type("Case", (), {"figures": [Figure("figure", "x", eval_figures.Decimal(5), "个", 0, 1)], "body": "5个"})
    eval_figures.score_case("t", case, [{"kind": "figure", "value": "6", "unit": "个"}], scores)
    assert (scores.right, scores.precision, scores.recall) == (0, 0.0, 0.0)
