"""More than a hundred hostile and malformed uploads (tests/hostile_files.py): each refused
whole, naming the file, the rule and, where there is one, the row and column. How long each
refusal takes is measured by benchmarks/hostile_files.py, not here."""

from __future__ import annotations

import pytest

from missionmonitor.errors import ValidationError
from missionmonitor.refdata.geography import Geography
from missionmonitor.returns.upload import read_upload
from tests.helpers import scotland
from tests.hostile_files import ADP, FORM, cases

GEO = Geography.of(scotland())

CASES = cases()


def test_the_corpus_holds_more_than_a_hundred_distinct_files():
    assert len(CASES) >= 100
    assert len({c[0] for c in CASES}) == len(CASES)


@pytest.mark.parametrize(
    ("case", "name", "content", "rule", "row", "column"), CASES, ids=[c[0] for c in CASES]
)
def test_each_hostile_file_is_refused_whole_with_its_rule(case, name, content, rule, row, column):
    with pytest.raises(ValidationError) as info:
        read_upload(GEO, FORM, name, content, allowed={ADP})
    problems = info.value.problems
    hit = next((p for p in problems if p.rule == rule), None)
    assert hit is not None, [str(p) for p in problems]
    assert (hit.row, hit.column) == (row, column), str(hit)
    assert name in str(info.value) and "nothing was loaded" in str(info.value)
    assert hit.message
