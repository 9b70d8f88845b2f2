"""Capture-history tables: the shipped example and checked CSV input."""

from __future__ import annotations

import pytest

from missionmonitor.errors import ValidationError
from missionmonitor.surveillance.prevalence import estimate, example, read_histories, two_source
from tests.methods.test_capture_recapture import HIV


def test_example_is_the_hiv_table_and_mt_is_chosen():
    table = example()
    assert table.counts == {k: float(v) for k, v in HIV.items()}
    assert table.captured == 1896
    assert estimate(table, intervals=1)[0].name == "[1,2,3,4]"


def test_two_source_csv_gives_chapman(tmp_path):
    path = tmp_path / "linked.csv"
    path.write_text("prescribing,hospital,count\n1,0,400\n0,1,300\n1,1,100\n")
    table = read_histories(path)
    assert table.sources == ["prescribing", "hospital"]
    assert two_source(table) == pytest.approx(1988.119, abs=1e-3)


def test_bad_tables_name_row_column_and_rule(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("a,b,count\n1,2,5\n0,0,3\n1,0,x\n1,1,4\n1,1,4\n")
    with pytest.raises(ValidationError) as info:
        read_histories(path)
    found = {(p.rule, p.row) for p in info.value.problems}
    assert {("allowed-values", 2), ("observable", 3), ("type", 4), ("duplicate-key", 6)} <= found
