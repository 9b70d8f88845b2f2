"""Data burden: items asked of each ADP a year, and items nothing uses; the accountability
forms are counted, a form the public answers burdens no ADP, and an unused item is flagged
whichever form it is in."""

from __future__ import annotations

from missionmonitor import config
from missionmonitor.returns.burden import RETURNS_PER_YEAR, burden, check_uses
from missionmonitor.returns.forms import get_form, load_forms
from tests.helpers import scotland

NEW = (
    "adp_funding",
    "mat_quarterly",
    "rehab_capacity",
    "rehab_outcomes",
    "lived_experience_feedback",
)


def test_items_per_year_follow_the_definitions():
    rows = {r["form"]: r for r in burden(scotland())}
    for fid, row in rows.items():
        form = get_form(scotland(), fid)
        asked = [q for q in form.questions if q.prefill is None]
        per_year = RETURNS_PER_YEAR[form.period_type] if form.answered_by == "adp" else 0
        assert row["items_per_adp_per_year"] == len(asked) * per_year
        assert row["items_per_response"] == len(asked)
    # The survey's waiting-times question is filled from national data: not asked.
    survey = rows["adp_annual_survey"]
    assert survey["items_per_adp_per_year"] == survey["questions"] - 1


def test_the_accountability_forms_are_counted():
    rows = {r["form"]: r for r in burden(scotland())}
    assert set(NEW) <= set(rows)
    # Funding: 5 allocation + 5 spend + 7 priority items, once a year.
    assert rows["adp_funding"]["items_per_adp_per_year"] == 17
    # MAT progress: 10 standards × (progress, status, notes) + 8 measures, four times a year.
    assert rows["mat_quarterly"]["items_per_adp_per_year"] == (30 + 8) * 4
    assert rows["rehab_capacity"]["items_per_adp_per_year"] == 6 * 4
    assert rows["rehab_outcomes"]["items_per_adp_per_year"] == 9 * 4
    feedback = rows["lived_experience_feedback"]
    assert (feedback["answered_by"], feedback["items_per_adp_per_year"]) == ("public", 0)
    assert feedback["items_per_response"] == 12
    for fid in NEW:
        assert rows[fid]["unused"] == [], fid


def test_items_nothing_uses_are_flagged():
    rows = {r["form"]: r for r in burden(scotland())}
    assert rows["rehab_quarterly"]["unused"] == ["placements_women"]
    assert rows["adp_annual_survey"]["unused"] == ["qol_tools"]
    rr = next(i for i in rows["rehab_quarterly"]["items"] if i["question"] == "placements_total")
    assert "rr_placements" in rr["used_by"]


def test_an_unused_item_in_a_new_form_is_flagged(tmp_path, monkeypatch, serve):
    """A copy of the configuration whose funding form gains a question nothing uses."""
    import shutil

    import yaml

    copy = tmp_path / "conf"
    shutil.copytree(config.SCOTLAND, copy)
    path = copy / "returns" / "forms" / "adp_funding_v1.yaml"
    form = yaml.safe_load(path.read_text(encoding="utf-8"))
    form["sections"][0]["questions"].append(
        {"id": "allocation_note", "type": "text", "label": "Anything else", "required": False}
    )
    path.write_text(yaml.safe_dump(form), encoding="utf-8")
    configuration = serve(copy)
    rows = {r["form"]: r for r in burden(configuration)}
    assert rows["adp_funding"]["unused"] == ["allocation_note"]
    assert ("adp_funding", 1) in load_forms(configuration)


def test_uses_name_real_indicators_or_outputs():
    check_uses(scotland())  # raises on an unknown use
