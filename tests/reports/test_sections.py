"""A report's sentence on the change since the previous period: a count that rises from
none has no relative change, and the sentence gives the change without one."""

from __future__ import annotations

import pandas as pd

from missionmonitor.indicators.catalogue import load_catalogue
from missionmonitor.reports.facts import Facts
from missionmonitor.reports.sections import change_sentence
from tests.helpers import scotland


def _count_indicator():
    return next(i for i in load_catalogue(scotland()).values() if i.method.value_is_count)


def _row(ind, value, change, pct):
    return {
        "indicator_id": ind.id,
        "area_code": "A",
        "period": "2023",
        "value": value,
        "lci": None,
        "uci": None,
        "comparable_with_previous": True,
        "change_vs_previous": change,
        "change_pct_vs_previous": pct,
        "note": "",
    }


def test_a_count_rising_from_none_has_no_relative_change():
    ind = _count_indicator()
    prev = pd.Series({"period": "2022", "value": 0.0, "lci": float("nan")})
    text = change_sentence(ind, _row(ind, 1.0, 1.0, None), prev, Facts())
    assert text.startswith(" This is 1 more than in 2022")
    assert "%" not in text.split(";")[0]


def test_a_count_rising_from_some_gives_its_relative_change():
    ind = _count_indicator()
    prev = pd.Series({"period": "2022", "value": 4.0, "lci": float("nan")})
    text = change_sentence(ind, _row(ind, 6.0, 2.0, 50.0), prev, Facts())
    assert text.startswith(" This is 2 (50%) more than in 2022")
