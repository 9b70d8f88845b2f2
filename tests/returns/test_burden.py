"""Data burden: items asked of each ADP a year, and items nothing uses."""

from __future__ import annotations

from missionmonitor.returns.burden import RETURNS_PER_YEAR, burden, check_uses
from missionmonitor.returns.forms import get_form


def test_items_per_year_follow_the_definitions():
    rows = {r["form"]: r for r in burden()}
    for fid, row in rows.items():
        form = get_form(fid)
        asked = [q for q in form.questions if q.prefill is None]
        assert row["items_per_adp_per_year"] == len(asked) * RETURNS_PER_YEAR[form.period_type]
    # The survey's waiting-times question is filled from national data: not asked.
    survey = rows["adp_annual_survey"]
    assert survey["items_per_adp_per_year"] == survey["questions"] - 1


def test_items_nothing_uses_are_flagged():
    rows = {r["form"]: r for r in burden()}
    assert rows["rehab_quarterly"]["unused"] == ["placements_women"]
    assert rows["adp_annual_survey"]["unused"] == ["qol_tools"]
    rr = next(i for i in rows["rehab_quarterly"]["items"] if i["question"] == "placements_total")
    assert "rr_placements" in rr["used_by"]


def test_uses_name_real_indicators_or_outputs():
    check_uses()  # raises on an unknown use
