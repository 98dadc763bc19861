"""The downloads' own CSV writer is Python's csv module, byte for byte (at a quarter of its cost),
and a chunk's cases are asked for by their ids written as numbers."""

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cases.export import among, csv_line
from cases.models import Case

# Cells as the exports make them: text (with the characters that need quoting, often), numbers.
TEXT = st.text(alphabet=st.sampled_from(list("ab ,\"\r\n\t;'=-@养老")), max_size=12) | st.text(max_size=12)
CELLS = TEXT | st.integers() | st.floats() | st.none() | st.booleans()


def module_line(cells: list) -> str:
    out = io.StringIO()
    csv.writer(out).writerow(cells)
    return out.getvalue()


@given(st.lists(CELLS, min_size=2, max_size=8))
def test_a_line_is_what_the_csv_module_writes(cells):
    assert csv_line(cells) == module_line(cells)


@pytest.mark.parametrize(
    "cells, line",
    [
        (["a", "b"], "a,b\r\n"),
        (["", ""], ",\r\n"),
        (['说"好"', "x"], '"说""好""",x\r\n'),
        (["一,二", "行\n行", "回\r车"], '"一,二","行\n行","回\r车"\r\n'),
        ([1, 2.5, "'=1"], "1,2.5,'=1\r\n"),
    ],
)
def test_quoted_only_when_needed(cells, line):
    assert csv_line(cells) == line == module_line(cells)


def test_among_writes_numbers_only_and_no_ids_match_nothing(seeded):
    ids = sorted(Case.objects.values_list("pk", flat=True))[:3]
    assert sorted(Case.objects.filter(pk__in=among(ids)).values_list("pk", flat=True)) == ids
    assert list(Case.objects.filter(pk__in=among([]))) == []
    with pytest.raises(ValueError):
        among(["1) OR (1=1"])
