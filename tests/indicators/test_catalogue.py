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
        ({"derived": {"note": "summed", "area_types": ["galaxy"]}}, "unknown area type"),
        (
            {
                "method": {
                    "kind": "ratio",
                    "dataset": "drd_scotland_annual",
                    "measure": "a",
                    "numerator_measure": "a",
                    "denominator_measure": "b",
                    "complement_measure": "c",
                    "interval": "wilson",
                }
            },
            "not both",
        ),
        (
            {
                "method": {
                    "kind": "ratio",
                    "dataset": "drd_scotland_annual",
                    "measure": "a",
                    "numerator_measure": "a",
                    "interval": "wilson",
                }
            },
            "missing a required setting",
        ),
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
        ({"supplements": [{"dataset": "other", "measure": "a"}]}, "listed in sources"),
        (
            {
                "method": {
                    "kind": "population_rate",
                    "dataset": "drd_scotland_annual",
                    "measure": "a",
                }
            },
            "value_is_count",
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


def test_every_figure_summed_from_smaller_areas_says_so():
    """An indicator that adds up areas (aggregate_to) has a derived note for those areas."""
    for ind in load_catalogue(scotland()).values():
        for area_type in ind.method.aggregate_to:
            assert ind.derived and ind.derived.applies_to(area_type), (ind.id, area_type)


def test_derived_notes_name_the_area_types_they_apply_to():
    ind = get_indicator(scotland(), "rr_beds")
    assert ind.derived is not None
    assert ind.derived.applies_to("scotland") and not ind.derived.applies_to("adp")
    everywhere = get_indicator(scotland(), "waits_ongoing_3w_pct").derived
    assert everywhere is not None and everywhere.applies_to("adp")
