"""Balancing indicators beside a target: each area's latest figure where one is published,
and for the rest why not and where their figures would come from (worked out from what is
held, never a fixed sentence)."""

from __future__ import annotations

import pandas as pd
import pytest

from missionmonitor.services.site_data import SiteData
from missionmonitor.targets.balancing import balancing_note, missing_sentence
from missionmonitor.targets.definitions import get_target
from missionmonitor.targets.status import area_panel
from tests.helpers import scotland

OST = get_target(scotland(), "ost_32000")
ADP = "S11000051"  # Mid and East Lothian ADP
BOARD = "S08000015"  # NHS Ayrshire and Arran
IA = "S37000015"  # an Integration Authority (HSCP)


@pytest.fixture(scope="module")
def data(built_store_path):
    return SiteData.read(scotland(), built_store_path)


def _latest(results: pd.DataFrame, indicator: str, area: str) -> tuple[str, float]:
    rows = results[(results["indicator_id"] == indicator) & (results["area_code"] == area)]
    rows = rows[~rows["suppressed"].astype(bool)].sort_values("period_start")
    last = rows.iloc[-1]
    return str(last["period"]), float(last["value"])


@pytest.mark.parametrize(("code", "area_type"), [(ADP, "adp"), (BOARD, "health_board")])
def test_an_adp_or_board_page_shows_its_own_waiting_times(data, code, area_type):
    panel = area_panel(scotland(), OST, data.results, code, area_type)
    assert panel is not None
    shown = {b["indicator"]: b["latest"] for b in panel["balancing"]}
    for ind in ("waits_ongoing_3w_pct", "waits_ongoing_median_days"):
        period, value = _latest(data.results, ind, code)
        assert shown[ind]["period"] == period and shown[ind]["value"] == value
    # Completed waits are published for the nation only: said so, not left blank.
    (done,) = [b for b in panel["balancing"] if b["indicator"] == "treatment_within_3_weeks"]
    assert done["latest"] is None and done["missing"].startswith("not published for")
    assert "published for Scotland" in done["missing"]
    assert done["title"] in panel["balancing_note"]


def test_a_board_has_balancing_but_no_local_target(data):
    panel = area_panel(scotland(), OST, data.results, BOARD, "health_board")
    assert panel is not None and panel["local"] is None
    assert "Integration Authorities" in panel["local_note"]
    assert area_panel(scotland(), OST, data.results, "S12000049", "council") is None


def test_an_integration_authority_is_told_the_waits_are_by_adp_and_board(data):
    panel = area_panel(scotland(), OST, data.results, IA, "hscp")
    assert panel is not None and all(b["latest"] is None for b in panel["balancing"])
    (waits,) = [b for b in panel["balancing"] if b["indicator"] == "waits_ongoing_3w_pct"]
    assert waits["missing"].startswith("not published for Integration Authorities")
    assert "Alcohol and Drug Partnerships" in waits["missing"]
    assert panel["balancing_note"].startswith("None of the 8 balancing indicators")


def test_the_area_page_carries_the_panel(client):
    page = client.get(f"/areas/{BOARD}.json").json()
    (panel,) = [t for t in page["targets"] if t["id"] == "ost_32000"]
    assert any(b["latest"] for b in panel["balancing"])
    html = client.get(f"/areas/{BOARD}").text
    assert 'id="balancing-ost_32000"' in html and "Not published here" in html


def _value(title: str, latest: float | None, why: str | None = None, status: str = "final"):
    return {
        "title": title,
        "latest": None if latest is None else {"value": latest, "status": status},
        "missing": why,
    }


def test_the_note_follows_what_is_held():
    assert balancing_note([]) is None
    none = [_value("A", None, "no figures held"), _value("B", None, "no figures held")]
    assert balancing_note(none) == (
        "None of the 2 balancing indicators has a figure here, so the target's progress is "
        "not a complete picture. Not published here: A, B (no figures held)."
    )
    some = [_value("A", 1.0), _value("B", None, "why b"), _value("C", None, "why c")]
    assert balancing_note(some) == (
        "1 of 3 balancing indicators have a figure here. Not published here: B (why b); C (why c)."
    )
    assert balancing_note([_value("A", 1.0)]) is None
    assert "SYNTHETIC" in str(balancing_note([_value("A", 1.0, status="SYNTHETIC")]))
    assert missing_sentence(some, "Missing") == "Missing: B (why b); C (why c)"
