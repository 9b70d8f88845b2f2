"""The catalogue is data, validated on load: bad definitions are refused with the file named."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from missionmonitor import config
from missionmonitor.errors import DefinitionError, NotFoundError
from missionmonitor.indicators.catalogue import (
    get_indicator,
    load_catalogue,
    load_outcomes,
    parse_indicator,
)
from tests.helpers import scotland

REQUIRED = {
    "drd_deaths",
    "drd_deaths_5yr_average",
    "drd_rate_per_1000_5yr",
    "drd_easr",
    "suspected_drug_deaths",
    "ost_people",
    "rr_placements",
    "naloxone_kits",
    "mat_standards_implemented_pct",
}


def test_required_indicators_are_in_the_catalogue():
    assert set(load_catalogue(scotland())) >= REQUIRED


def test_every_indicator_maps_to_an_outcome():
    outcomes = load_outcomes(scotland())
    assert [o for o in outcomes if o.isdigit()] == ["1", "2", "3", "4", "5", "6"]
    for ind in load_catalogue(scotland()).values():
        assert ind.outcome in outcomes


def _write(tmp_path: Path, **changes: object) -> Path:
    source = config.SCOTLAND / "indicators" / "drd_deaths.yaml"
    data = yaml.safe_load(source.read_text())
    data.update(changes)
    path = tmp_path / f"{data['id']}.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"polarity": "sideways"}, "polarity"),
        ({"outcome": "9"}, "unknown outcome"),
        ({"geography": ["galaxy"]}, "unknown area type"),
        ({"sources": ["nowhere"]}, "dataset must be listed"),
        ({"definition_versions": []}, "increasing order"),
        ({"surprise": 1}, "surprise"),
        (
            {
                "definition_versions": [
                    {"version": 1, "label": "a", "effective_from": "1996"},
                    {
                        "version": 2,
                        "label": "b",
                        "effective_from": "2000",
                        "comparable_with_previous": False,
                    },
                ]
            },
            "break_reason",
        ),
    ],
)
def test_invalid_definitions_are_refused(tmp_path, changes, message):
    path = _write(tmp_path, **changes)
    with pytest.raises(DefinitionError, match=message) as info:
        parse_indicator(scotland(), path, {"drd_scotland_annual"})
    assert path.name in str(info.value)


def test_file_name_must_match_id(tmp_path):
    path = _write(tmp_path)
    renamed = path.rename(tmp_path / "other_name.yaml")
    with pytest.raises(DefinitionError, match="names must match"):
        parse_indicator(scotland(), renamed)


def test_unknown_indicator():
    with pytest.raises(NotFoundError, match="indicators list"):
        get_indicator(scotland(), "nope")


def test_version_in_force():
    ind = get_indicator(scotland(), "ost_people")
    assert ind.version_for("2020/21").version == 1
    assert ind.version_for("2023/24").version == 2
