"""The accountability forms (funding and spend, quarterly MAT progress, the bed census,
placement outcomes): a good file of each is accepted, in CSV and XLSX; malformed files and
rule violations are refused whole, naming the rule, row and column; warnings need a comment
before a return can be submitted; the public feedback form cannot be uploaded or returned."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import Workbook

from missionmonitor.errors import MethodInputError, NotReadyToSubmit, ValidationError
from missionmonitor.portal import accounts
from missionmonitor.portal.db import session_scope
from missionmonitor.refdata.geography import Geography
from missionmonitor.returns import workflow
from missionmonitor.returns.forms import check_answers, get_form
from missionmonitor.returns.upload import columns, read_upload
from tests.helpers import CHEAP, scotland

GEO = Geography.of(scotland())

ADP, OTHER = "S11000015", "S11000001"


def funding() -> dict[str, Any]:
    a = {
        "allocation_mission": 500,
        "allocation_rehab": 200,
        "allocation_families": 100,
        "allocation_partnership": 200,
        "allocation_total": 1000,
    }
    s = {
        "spend_mission": 450,
        "spend_rehab": 200,
        "spend_families": 50,
        "spend_partnership": 200,
        "spend_total": 900,
    }
    p = {
        "priority_treatment": 300,
        "priority_rehab": 200,
        "priority_overdose": 100,
        "priority_lived_experience": 50,
        "priority_families": 50,
        "priority_prevention": 100,
        "priority_other": 100,
    }
    return {**a, **s, **p}


def mat() -> dict[str, Any]:
    out: dict[str, Any] = {
        "s1_starts": 40,
        "s1_same_day": 30,
        "s2_choice": 35,
        "s3_identified": 20,
        "s3_contacted": 15,
        "s4_offered": 38,
        "s5_in_treatment_6m": 30,
        "s5_retained": 24,
    }
    for n in range(1, 11):
        out[f"s{n}_progress"], out[f"s{n}_rag"] = "on_track", "amber"
    return out


def capacity() -> dict[str, Any]:
    return {
        "beds_nhs": 4,
        "beds_third_sector": 10,
        "beds_private": 6,
        "beds_total": 20,
        "beds_publicly_funded": 15,
        "providers": 2,
    }


def outcomes() -> dict[str, Any]:
    return {
        "placements_ended": 12,
        "placements_completed": 8,
        "placements_left_early": 3,
        "followup_3m_due": 10,
        "followup_3m_reached": 7,
        "followup_3m_in_recovery": 5,
        "followup_12m_due": 9,
        "followup_12m_reached": 6,
        "followup_12m_in_recovery": 4,
    }


GOOD = {
    "adp_funding": ("2024/25", funding),
    "mat_quarterly": ("2024-Q3", mat),
    "rehab_capacity": ("2024-Q3", capacity),
    "rehab_outcomes": ("2024-Q3", outcomes),
}


def row(form_id: str, **change: Any) -> dict[str, str]:
    form = get_form(scotland(), form_id)
    period, answers = GOOD[form_id]
    base = {
        "form_id": form_id,
        "form_version": str(form.version),
        "adp_code": ADP,
        "period": period,
        **{k: str(v) for k, v in answers().items()},
    }
    return {**base, **{k: str(v) for k, v in change.items()}}


def csv(form_id: str, *rows: dict[str, str], header: list[str] | None = None) -> bytes:
    cols = header or columns(get_form(scotland(), form_id))

    def cell(v: str) -> str:
        return f'"{v}"' if "," in v else v

    lines = [",".join(cols)] + [",".join(cell(r.get(c, "")) for c in cols) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def xlsx(form_id: str, *rows: dict[str, str]) -> bytes:
    cols = columns(get_form(scotland(), form_id))
    book = Workbook()
    sheet = book.active
    sheet.title = "return"
    sheet.append(cols)
    for r in rows:
        sheet.append([r.get(c, "") for c in cols])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("form_id", list(GOOD))
def test_a_good_return_of_each_form_is_accepted(form_id):
    form = get_form(scotland(), form_id)
    assert [f for f in check_answers(form, GOOD[form_id][1]()) if f.importance == "error"] == []
    got = read_upload(GEO, form, "r.csv", csv(form_id, row(form_id), row(form_id, adp_code=OTHER)))
    assert [r.adp_code for r in got] == [ADP, OTHER]
    assert len(read_upload(GEO, form, "r.xlsx", xlsx(form_id, row(form_id)))) == 1


# (form, case id, change to the good row, rule, column); every error rule of every form.
RULES = [
    ("adp_funding", "streams do not add up", {"allocation_total": 999}, "allocation_adds_up", None),
    ("adp_funding", "spend does not add up", {"spend_mission": 449}, "spend_adds_up", None),
    ("adp_funding", "priorities do not add up", {"priority_other": 99}, "priorities_add_up", None),
    ("adp_funding", "negative allocation", {"allocation_rehab": -1}, "minimum", "allocation_rehab"),
    ("adp_funding", "pounds with pence", {"spend_total": "900.50"}, "type", "spend_total"),
    (
        "adp_funding",
        "thousands separator",
        {"allocation_total": "1,000"},
        "type",
        "allocation_total",
    ),
    ("adp_funding", "a quarter for a yearly form", {"period": "2024-Q3"}, "period", "period"),
    (
        "mat_quarterly",
        "more same-day than starts",
        {"s1_same_day": 41},
        "same_day_within_starts",
        None,
    ),
    ("mat_quarterly", "more choice than starts", {"s2_choice": 41}, "choice_within_starts", None),
    (
        "mat_quarterly",
        "more contacted than identified",
        {"s3_contacted": 21},
        "contacted_within_identified",
        None,
    ),
    (
        "mat_quarterly",
        "more harm reduction than starts",
        {"s4_offered": 41},
        "harm_reduction_within_starts",
        None,
    ),
    (
        "mat_quarterly",
        "more retained than the cohort",
        {"s5_retained": 31},
        "retained_within_cohort",
        None,
    ),
    ("mat_quarterly", "an unknown status", {"s3_rag": "blue"}, "type", "s3_rag"),
    ("mat_quarterly", "a status missing", {"s7_rag": ""}, "required", "s7_rag"),
    ("mat_quarterly", "a year for a quarterly form", {"period": "2024/25"}, "period", "period"),
    ("rehab_capacity", "sectors do not add up", {"beds_private": 7}, "sectors_add_up", None),
    (
        "rehab_capacity",
        "more funded beds than beds",
        {"beds_publicly_funded": 21},
        "funded_within_total",
        None,
    ),
    ("rehab_capacity", "beds with no provider", {"providers": 0}, "beds_without_provider", None),
    ("rehab_capacity", "fractional beds", {"beds_nhs": "4.5"}, "type", "beds_nhs"),
    (
        "rehab_outcomes",
        "more endings than placements",
        {"placements_left_early": 5},
        "endings_within_ended",
        None,
    ),
    (
        "rehab_outcomes",
        "more reached than due at 3 months",
        {"followup_3m_reached": 11},
        "reached_3m_within_due",
        None,
    ),
    (
        "rehab_outcomes",
        "more in recovery than reached at 3 months",
        {"followup_3m_in_recovery": 8},
        "recovery_3m_within_reached",
        None,
    ),
    (
        "rehab_outcomes",
        "more reached than due at 12 months",
        {"followup_12m_reached": 10},
        "reached_12m_within_due",
        None,
    ),
    (
        "rehab_outcomes",
        "more in recovery than reached at 12 months",
        {"followup_12m_in_recovery": 7},
        "recovery_12m_within_reached",
        None,
    ),
]


@pytest.mark.parametrize(
    ("form_id", "case", "change", "rule", "column"), RULES, ids=[f"{r[0]}: {r[1]}" for r in RULES]
)
def test_rule_violations_are_refused_with_row_and_column(form_id, case, change, rule, column):
    form = get_form(scotland(), form_id)
    data = csv(form_id, row(form_id), row(form_id, adp_code=OTHER, **change))
    with pytest.raises(ValidationError) as info:
        read_upload(GEO, form, "r.csv", data)
    hit = next((p for p in info.value.problems if p.rule == rule), None)
    assert hit is not None, [str(p) for p in info.value.problems]
    assert (hit.row, hit.column) == (3, column) and hit.message
    assert "nothing was loaded" in str(info.value)


# Malformed files of the new forms (the file-level rules are shared with every form; these
# check that the new templates are held to them).
MALFORMED = [
    (
        "old template version",
        lambda f: csv(f, row(f, form_version="9")),
        "template-version",
        2,
        "form_version",
    ),
    (
        "another form's rows",
        lambda f: csv(f, {**row(f), "form_id": "rehab_quarterly"}),
        "template-version",
        2,
        "form_version",
    ),
    (
        "a formula",
        lambda f: csv(
            f, row(f, adp_code=OTHER), {**row(f), columns(get_form(scotland(), f))[-1]: "=1+1"}
        ),
        "formula",
        3,
        None,
    ),
    (
        "a missing column",
        lambda f: csv(f, row(f), header=columns(get_form(scotland(), f))[:-1]),
        "missing-column",
        None,
        None,
    ),
    (
        "an ADP outside the uploader's scope",
        lambda f: csv(f, row(f, adp_code=OTHER)),
        "scope",
        2,
        "adp_code",
    ),
    (
        "a board code for an ADP",
        lambda f: csv(f, row(f, adp_code="S08000031")),
        "area-type",
        2,
        "adp_code",
    ),
    ("the same ADP and period twice", lambda f: csv(f, row(f), row(f)), "duplicate-key", 3, None),
    ("a macro workbook", lambda f: b"PK\x03\x04", "file-type", None, None),
]


@pytest.mark.parametrize("form_id", list(GOOD))
@pytest.mark.parametrize(
    ("case", "make", "rule", "line", "column"), MALFORMED, ids=[m[0] for m in MALFORMED]
)
def test_malformed_files_of_each_form_are_refused_whole(form_id, case, make, rule, line, column):
    name = "r.xlsm" if case == "a macro workbook" else "r.csv"
    with pytest.raises(ValidationError) as info:
        read_upload(GEO, get_form(scotland(), form_id), name, make(form_id), allowed={ADP})
    problems = info.value.problems
    hit = next((p for p in problems if p.rule == rule), None)
    assert hit is not None, [str(p) for p in problems]
    if line is not None:
        assert hit.row == line
    if column is not None:
        assert hit.column == column


def test_the_public_feedback_form_is_not_uploaded():
    form = get_form(scotland(), "lived_experience_feedback")
    with pytest.raises(ValidationError, match="answered by the public"):
        read_upload(GEO, form, "f.csv", b"form_id\n")


def test_spend_above_allocation_needs_a_comment_before_it_is_submitted(engine, geo):
    form = get_form(geo.configuration, "adp_funding")
    over = {**funding(), "spend_mission": 650, "spend_total": 1100, "priority_other": 300}
    findings = {f.rule: f.importance for f in check_answers(form, over)}
    assert findings == {"spend_within_allocation": "warning", "spend_within_mission": "warning"}
    with session_scope(engine) as db:
        user, _ = accounts.add_user(
            geo.configuration,
            db,
            "sub",
            "Sub",
            "adp_submitter",
            ADP,
            password="correct horse battery",
            hashing=CHEAP,
        )
        draft = workflow.save_draft(db, user, form, ADP, "2024/25", over, geo=geo)
        with pytest.raises(NotReadyToSubmit) as info:
            workflow.submit(db, user, draft.id, draft.version, geo)
        assert {f.rule for f in info.value.findings} == set(findings)
        comments = {r: "Reserves carried forward from 2023/24" for r in findings}
        draft = workflow.save_draft(
            db, user, form, ADP, "2024/25", over, comments, seen_version=draft.version, geo=geo
        )
        assert workflow.submit(db, user, draft.id, draft.version, geo).status == "submitted"


def test_the_public_form_has_no_returns(engine, geo):
    with session_scope(engine) as db:
        user, _ = accounts.add_user(
            geo.configuration,
            db,
            "sub",
            "Sub",
            "adp_submitter",
            ADP,
            password="correct horse battery",
            hashing=CHEAP,
        )
        with pytest.raises(MethodInputError, match="answered by the public"):
            workflow.save_draft(
                db,
                user,
                get_form(geo.configuration, "lived_experience_feedback"),
                ADP,
                "2024-Q3",
                {"respondent": "person"},
                geo=geo,
            )
