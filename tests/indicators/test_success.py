"""Each indicator's ``success:`` block is one of five rules, checked when the definition is
read: a rule the indicator cannot be judged by is refused, naming the file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from missionmonitor import config
from missionmonitor.errors import DefinitionError
from missionmonitor.indicators.catalogue import load_catalogue
from missionmonitor.indicators.success import ChangeRule, ContextRule, TrendRule
from missionmonitor.targets.definitions import load_targets
from tests.helpers import scotland


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    folder = tmp_path / "scotland"
    shutil.copytree(config.SCOTLAND, folder)
    return folder


def _declare(copy: Path, indicator: str, success: dict) -> None:
    file = copy / "indicators" / f"{indicator}.yaml"
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    data["success"] = success
    file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def test_every_shipped_indicator_declares_its_rule_right_after_its_polarity():
    folder = config.path(scotland(), "indicators")
    for file in sorted(folder.glob("*.yaml")):
        lines = file.read_text(encoding="utf-8").splitlines()
        at = next(i for i, line in enumerate(lines) if line.startswith("polarity:"))
        assert lines[at + 1] == "success:", file.name
    cat = load_catalogue(scotland())
    assert all(ind.success is not None for ind in cat.values())
    assert cat["drd_deaths"].success == TrendRule(
        rule="trend", window=10, statement=cat["drd_deaths"].success.statement
    )
    assert isinstance(cat["drd_deaths_5yr_average"].success, ChangeRule)
    neutral = [ind for ind in cat.values() if ind.polarity == "neutral"]
    assert neutral and all(isinstance(ind.success, ContextRule) for ind in neutral)


@pytest.mark.parametrize(
    ("indicator", "success", "message"),
    [
        ("drd_deaths", {"rule": "verdict", "statement": "x"}, "does not match any of the"),
        ("drd_deaths", {"rule": "trend", "window": 2, "statement": "x"}, "success.trend.window"),
        (
            "drd_deaths_5yr_average",
            {"rule": "trend", "window": 10, "statement": "x"},
            "rolling windows overlap: use rule: change",
        ),
        (
            "waits_ongoing_3w_pct",
            {"rule": "trend", "window": 10, "statement": "x"},
            "a percentage is not a count of events",
        ),
        ("drd_deaths", {"rule": "context", "reason": "x"}, "a neutral indicator is read for"),
        (
            "polydrug_share",
            {"rule": "change", "compare_with": "previous", "statement": "x"},
            "a neutral indicator is read for",
        ),
        (
            "drd_deaths",
            {"rule": "change", "compare_with": "previous_window", "statement": "x"},
            "previous_window is for rolling windows",
        ),
        (
            "drd_deaths",
            {"rule": "change", "compare_with": "2023/24", "statement": "x"},
            "'2023/24' is not a calendar_year period",
        ),
        (
            "drd_deaths",
            {"rule": "standard", "direction": "up", "value": 1, "statement": "x", "source": "y"},
            "success.standard.direction",
        ),
    ],
)
def test_a_rule_the_indicator_cannot_be_judged_by_is_refused(
    copy, serve, indicator, success, message
):
    _declare(copy, indicator, success)
    with pytest.raises(DefinitionError) as info:
        load_catalogue(serve(copy))
    assert str(info.value).startswith(f"indicators/{indicator}.yaml: ")
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("ost_33000", "success names target 'ost_33000', which is not in targets.yaml"),
        ("rehab_1000", "which is set on rr_placements, not on this indicator"),
    ],
)
def test_a_target_rule_names_a_target_set_on_the_indicator(copy, serve, target, message):
    _declare(copy, "ost_people", {"rule": "target", "target": target})
    with pytest.raises(DefinitionError) as info:
        load_targets(serve(copy))
    assert str(info.value).startswith("indicators/ost_people.yaml: ") and message in str(info.value)


def test_a_trend_rule_asks_for_as_many_periods_as_a_trend_needs():
    from missionmonitor.indicators import success
    from missionmonitor.methods import trend

    assert success.MIN_PERIODS == trend.MIN_PERIODS


def test_a_target_judges_areas_by_the_national_comparison_unless_told():
    cat = load_catalogue(scotland())
    assert cat["ost_people"].success.area_rule == "scotland_comparison"
    assert cat["drd_deaths_areas"].success.area_rule == "same"
