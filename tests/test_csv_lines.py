"""A chunk's cases are asked for by their ids written as numbers."""

import pytest

from cases.export import among
from cases.models import Case


def test_among_writes_numbers_only_and_no_ids_match_nothing(seeded):
    ids = sorted(Case.objects.values_list("pk", flat=True))[:3]
    assert sorted(Case.objects.filter(pk__in=among(ids)).values_list("pk", flat=True)) == ids
    assert list(Case.objects.filter(pk__in=among([]))) == []
    with pytest.raises(ValueError):
        among(["1) OR (1=1"])
