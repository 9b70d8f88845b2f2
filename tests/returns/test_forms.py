"""Return forms as versioned data: loading, answer checks, rules, version mappings."""

from __future__ import annotations

import shutil

import pytest

from missionmonitor import config
from missionmonitor.errors import DefinitionError, NotFoundError
from missionmonitor.returns.forms import Form, check_answers, get_form, load_forms, public_form
from missionmonitor.rules import expressions
from tests.helpers import scotland

GOOD_REHAB = {
    "placements_total": 10,
    "placements_drugs": 5,
    "placements_alcohol": 3,
    "placements_both": 2,
    "placements_women": 4,
    "estimated_cost_gbp": 420000.0,
}


def rules_broken(form, answers):
    return {(f.rule, f.importance) for f in check_answers(form, answers)}


def test_shipped_forms_and_versions():
    forms = load_forms(scotland())
    assert {fid for fid, _ in forms} == {
        "rehab_quarterly",
        "adp_annual_survey",
        "mat_evidence",
        "adp_funding",
        "mat_quarterly",
        "rehab_capacity",
        "rehab_outcomes",
        "lived_experience_feedback",
        "outcome_reviews",
    }
    assert get_form(scotland(), "rehab_quarterly").version == 2
    assert get_form(scotland(), "rehab_quarterly", 1).version == 1
    survey = get_form(scotland(), "adp_annual_survey")
    assert {s.outcome for s in survey.sections} >= {"1", "2", "3", "4", "5", "6"}
    mat = get_form(scotland(), "mat_evidence")
    assert len(mat.sections) == 10
    assert all({q.type for q in s.questions} >= {"file", "single_choice"} for s in mat.sections)
    with pytest.raises(NotFoundError, match="rehab_quarterly"):
        get_form(scotland(), "nope")
    with pytest.raises(NotFoundError, match="no version 9"):
        get_form(scotland(), "rehab_quarterly", 9)


def test_good_answers_pass():
    assert check_answers(get_form(scotland(), "rehab_quarterly"), GOOD_REHAB) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"placements_total": None}, ("required", "error")),
        ({"placements_total": "ten"}, ("type", "error")),
        ({"placements_total": 10.5}, ("type", "error")),
        ({"placements_drugs": -1}, ("minimum", "error")),
        ({"placements_drugs": 6}, ("categories_add_up", "error")),
        ({"placements_women": 11}, ("women_within_total", "error")),
        ({"estimated_cost_gbp": 900000.0}, ("cost_per_placement", "warning")),
        ({"surprise": 1}, ("known-question", "error")),
    ],
)
def test_each_rule_is_enforced_with_its_importance(change, expected):
    answers = {**GOOD_REHAB, **change}
    assert expected in rules_broken(get_form(scotland(), "rehab_quarterly"), answers)


def test_types_percentages_dates_and_codes():
    survey = get_form(scotland(), "adp_annual_survey")
    broken = rules_broken(
        survey,
        {
            "schools_reached_pct": 120,
            "mat_plan_agreed": "31/12/2024",
            "nfo_pathway": "maybe",
            "qol_tools": "core;nonsense",
        },
    )
    assert ("maximum", "error") in broken and ("type", "error") in broken
    findings = {
        f.question: f.message
        for f in check_answers(
            survey,
            {"nfo_pathway": "maybe", "qol_tools": "core;nonsense", "mat_plan_agreed": "2024-12-31"},
        )
    }
    assert "not one of the codes" in findings["nfo_pathway"]
    assert "nonsense" in findings["qol_tools"]
    assert "mat_plan_agreed" not in findings


def test_rules_skip_until_their_questions_are_answered():
    findings = check_answers(get_form(scotland(), "adp_annual_survey"), {"funding_total": 10.0})
    assert all(f.rule != "spent_within_available" for f in findings)
    findings = check_answers(
        get_form(scotland(), "adp_annual_survey"), {"funding_total": 10.0, "funding_spent": 11.0}
    )
    assert any(f.rule == "spent_within_available" for f in findings)


def test_version_mapping_says_what_stays_comparable():
    m = get_form(scotland(), "rehab_quarterly", 2).mapping
    assert m.previous == 1 and "placements_total" in m.comparable
    assert m.renamed == {"estimated_cost_total": "estimated_cost_gbp"}


def test_definitions_are_validated_on_load():
    base = get_form(scotland(), "rehab_quarterly").model_dump()
    with pytest.raises(ValueError, match="unknown questions"):
        Form.model_validate(
            {
                **base,
                "rules": [{"id": "x", "check": "nope > 1", "importance": "error", "message": "m"}],
            }
        )
    with pytest.raises(ValueError, match=r"not allowed|calls"):
        Form.model_validate(
            {
                **base,
                "rules": [{"id": "x", "check": "open('f')", "importance": "error", "message": "m"}],
            }
        )
    dup = base["sections"][0]["questions"][0]
    sections = [{**base["sections"][0], "questions": [dup, dup]}]
    with pytest.raises(ValueError, match="unique"):
        Form.model_validate({**base, "sections": sections})


@pytest.mark.parametrize(
    "text", ["__import__('os')", "a.b", "[1, 2]", "lambda: 1", "a if b else c"]
)
def test_expressions_refuse_anything_but_arithmetic_and_comparison(text):
    with pytest.raises(DefinitionError):
        expressions.parse(text)


def test_the_public_form_is_the_one_answered_by_the_public():
    form = public_form(scotland())
    assert form.answered_by == "public" and form.id == "lived_experience_feedback"
    assert all(
        f.answered_by == "adp" for (i, _), f in load_forms(scotland()).items() if i != form.id
    )


def test_a_configuration_with_two_public_forms_or_none_is_told(tmp_path, serve):
    folder = tmp_path / "config"
    shutil.copytree(config.SCOTLAND, folder)
    forms = folder / "returns" / "forms"
    public = forms / "lived_experience_feedback_v1.yaml"
    text = public.read_text(encoding="utf-8")
    (forms / "second_public_v1.yaml").write_text(
        text.replace("id: lived_experience_feedback", "id: second_public", 1), encoding="utf-8"
    )
    configuration = serve(folder)
    with pytest.raises(DefinitionError, match="only one form may be answered by the public"):
        load_forms(configuration)
    (forms / "second_public_v1.yaml").unlink()
    public.write_text(text.replace("answered_by: public", "answered_by: adp"), encoding="utf-8")
    configuration = serve(folder)
    with pytest.raises(NotFoundError, match="no form the public answers"):
        public_form(configuration)
