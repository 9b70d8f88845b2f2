"""Editions compared figure by figure: what a later edition revised, and what it did not."""

from __future__ import annotations

import pandas as pd
import pytest

from missionmonitor.connectors.editions import revisions
from missionmonitor.errors import DefinitionError


def _edition(values: dict[str, object], status: dict[str, str] | None = None) -> pd.DataFrame:
    status = status or {}
    return pd.DataFrame(
        {
            "period": list(values),
            "value": list(values.values()),
            "status": [status.get(p, "") for p in values],
        }
    )


def test_each_edition_is_compared_with_the_one_before_it():
    first = _edition({"2023-Q1": 18, "2023-Q2": 27})
    second = _edition({"2023-Q1": 18, "2023-Q2": 28, "2023-Q3": 26})
    third = _edition({"2023-Q1": 19, "2023-Q2": 28, "2023-Q3": 26, "2023-Q4": 39})
    found = revisions([("one", first), ("two", second), ("three", third)], ["period"])
    assert found.to_dict("records") == [
        {"period": "2023-Q2", "edition": "one", "revised_in": "two", "was": "27", "now": "28"},
        {"period": "2023-Q1", "edition": "two", "revised_in": "three", "was": "18", "now": "19"},
    ]


def test_a_new_or_dropped_figure_is_not_a_revision_and_whole_numbers_compare_equal():
    first = _edition({"2023-Q1": 18.0, "2023-Q2": 27})
    second = _edition({"2023-Q1": "18", "2023-Q3": 26})
    assert revisions([("one", first), ("two", second)], ["period"]).empty


def test_a_figure_suppressed_in_a_later_edition_is_a_revision():
    first = _edition({"2023-Q1": 9})
    second = _edition({"2023-Q1": ""}, {"2023-Q1": "suppressed"})
    found = revisions([("one", first), ("two", second)], ["period"])
    assert list(found[["was", "now"]].itertuples(index=False, name=None)) == [("9", "[suppressed]")]


def test_one_edition_has_nothing_to_compare_and_a_key_must_identify_a_figure():
    only = _edition({"2023-Q1": 18})
    assert list(revisions([("one", only)], ["period"]).columns) == [
        "period",
        "edition",
        "revised_in",
        "was",
        "now",
    ]
    twice = pd.concat([only, only])
    with pytest.raises(DefinitionError, match="does not identify a figure"):
        revisions([("one", only), ("two", twice)], ["period"])
