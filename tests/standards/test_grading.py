"""MAT standards grading on constructed evidence, both provisional-green and provisional-amber
definitions,
the national summary, published 2022 shares, and comparisons across criteria versions."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from missionmonitor.errors import CriteriaVersionError, MethodInputError
from missionmonitor.standards.grading import (
    NOT_HELD,
    OWN_RULE,
    Assessment,
    Criterion,
    RuleSet,
    comparable,
    grade,
    load_rule_sets,
    load_standards,
    national_summary,
    published_shares,
)
from tests.helpers import scotland

F, P, N = "full", "partial", "none"
# (process, numerical, experiential, sustained) → (PHS label, Scottish Government label)
CASES = [
    ((F, F, F, True), ("Blue", "Blue")),
    ((F, F, F, False), ("Green", "Green")),
    ((F, F, P, False), ("Provisional green", "Provisional green")),
    ((F, P, F, False), ("Provisional green", "Provisional green")),
    ((F, F, N, False), ("Provisional green", "Provisional green")),
    # Implementation beginning: policies in place, the rest not yet shown.
    ((F, P, N, False), ("Amber", "Provisional green")),
    ((F, N, N, False), ("Amber", "Provisional green")),
    ((F, P, P, True), ("Amber", "Provisional green")),  # sustained needs full everywhere
    ((P, F, F, False), ("Amber", "Amber")),  # no policies in place: never green
    ((P, P, N, False), ("Amber", "Amber")),
    # Partial implementation beginning: PHS asks for process evidence, the Scottish
    # Government for evidence in any stream.
    ((P, N, N, False), ("Provisional amber", "Provisional amber")),
    ((N, F, N, False), ("Red", "Provisional amber")),
    ((N, N, P, False), ("Red", "Provisional amber")),
    ((N, N, N, False), ("Red", "Red")),
]


@pytest.mark.parametrize(("evidence", "expected"), CASES)
def test_every_grade_under_both_rule_sets(evidence, expected):
    process, numerical, experiential, sustained = evidence
    levels = {"process": process, "numerical": numerical, "experiential": experiential}
    for rule_set, label in zip(("phs", "scottish_government"), expected, strict=True):
        g = grade(scotland(), levels, rule_set, sustained)
        assert g.label == label, (rule_set, evidence)
        assert g.rule_set == rule_set and g.meaning  # the rule set travels with the grade


def test_provisional_amber_is_amber_in_the_summary_and_counted_apart():
    amber = grade(scotland(), {"process": P}, "phs")
    green = grade(scotland(), {"process": F, "numerical": F}, "phs")
    assert (amber.grade, amber.provisional, green.grade, green.provisional) == (
        "amber",
        True,
        "green",
        True,
    )
    assert "process evidence alone" in amber.meaning
    assert amber.meaning.startswith("Not defined by the publisher; this configuration's own rule")
    rows = national_summary(
        scotland(),
        [
            Assessment("S11000001", 1, amber),
            Assessment("S11000002", 1, green),
            Assessment("S11000003", 2, grade(scotland(), {"process": F}, "phs")),
        ],
    )
    first = rows[0]
    assert (first["partial"], first["provisional_amber"], first["provisional"]) == (2, 1, 1)
    assert first["provisional_amber_pct"] == 33.0


def test_criteria_are_the_published_ones_with_their_source():
    standards = load_standards(scotland())
    for s in standards.standards:
        assert s.source.startswith("https://www.gov.scot/publications/medication-assisted")
        assert s.statement_source.startswith("http")
        for c in s.criteria:
            assert c.source.startswith("https://") and "are in place." not in c.text
            # No placeholder wording: either a quotation or a plain "not held".
            assert "gather and report the national numerical measures" not in c.text
            assert c.held == (not c.text.startswith(NOT_HELD))
    first = standards.standards[0].criteria_for(2)[0]
    assert "'no barrier' access to MAT; 1.2" in first.text and first.held
    numerical = standards.standards[0].criteria_for(1)[1]
    assert numerical.stream == "numerical" and numerical.held
    assert numerical.source.endswith("/pages/17/") and "1 working day" in numerical.text
    # Only standard 1's process and numerical criteria are held as published text.
    held = {(s.number, c.stream) for s in standards.standards for c in s.criteria if c.held}
    assert held == {(1, "process"), (1, "numerical")}


def test_a_criterion_not_held_must_say_so():
    with pytest.raises(ValidationError, match="not held must begin"):
        Criterion(id="x", version=1, stream="process", text="Services do things.", held=False)


def test_provisional_amber_without_a_source_must_be_marked_as_own():
    rule = {"grade": "amber", "provisional": True, "check": "process == 'partial'"}
    with pytest.raises(ValidationError, match="this configuration's own rule"):
        RuleSet(id="x", name="X", provisional_green="g", provisional_amber="a", rules=(rule,))
    with pytest.raises(ValidationError, match="must begin"):
        RuleSet(
            id="x",
            name="X",
            provisional_green="g",
            provisional_amber="a",
            provisional_amber_own=True,
            rules=(rule,),
        )
    own = RuleSet(
        id="x",
        name="X",
        provisional_green="g",
        provisional_amber=f"{OWN_RULE}: a",
        provisional_amber_own=True,
        rules=(rule,),
    )
    assert own.provisional_amber_own


def test_the_two_provisional_definitions_are_named_and_differ():
    sets = {rs.id: rs for rs in load_rule_sets(scotland()).rule_sets}
    # As worded by the publishers (PHS's abstract; the Scottish Government's annual report).
    assert sets["phs"].provisional_green == "Full implementation not confirmed in all streams"
    assert sets["phs"].provisional_green_source == "https://www.drugsandalcohol.ie/41430/"
    assert sets["scottish_government"].provisional_green == (
        "Evidence that implementation is beginning"
    )
    # No publisher's definition of provisional amber is held: each set says it is its own.
    for rs in sets.values():
        assert rs.provisional_amber_own and not rs.provisional_amber_source
    g = grade(scotland(), {"process": F}, "scottish_government")
    assert g.provisional and g.meaning == sets["scottish_government"].provisional_green


def test_bad_evidence_and_unknown_rule_sets_are_refused():
    with pytest.raises(MethodInputError, match="none, partial or full"):
        grade(scotland(), {"process": "complete"}, "phs")
    with pytest.raises(MethodInputError, match="phs"):
        grade(scotland(), {"process": F}, "nope")


def test_standards_cover_ten_with_criteria_in_every_stream():
    s = load_standards(scotland())
    assert [x.number for x in s.standards] == list(range(1, 11))
    assert s.standards[0].name == "Same-day access" and s.standards[9].name.startswith("Trauma")
    assert {c.stream for c in s.standards[4].criteria_for(2)} == {
        "process",
        "numerical",
        "experiential",
    }


def test_national_summary_counts_and_separates_provisional():
    green = grade(scotland(), {"process": F, "numerical": F, "experiential": F}, "phs")
    prov = grade(scotland(), {"process": F, "numerical": F, "experiential": P}, "phs")
    amber = grade(scotland(), {"process": P, "numerical": P}, "phs")
    items = (
        [Assessment("A", 1, green)] * 3
        + [Assessment("A", 2, prov)]
        + [Assessment("A", 6, amber)] * 2
    )
    one_to_five, six_to_ten = national_summary(scotland(), items)
    assert one_to_five["assessments"] == 4 and one_to_five["fully_implemented"] == 3
    assert one_to_five["fully_implemented_pct"] == 75 and one_to_five["provisional"] == 1
    assert six_to_ten["partial_pct"] == 100 and six_to_ten["fully_implemented"] == 0


def test_published_2022_shares_are_recomputed(store):
    rows = dict(
        store.query(
            "SELECT measure, value FROM observations WHERE dataset = 'other' AND period = "
            "'April 2022' AND measure LIKE 'mat1to5_%_implemented'"
        )
    )
    shares = published_shares(
        int(rows["mat1to5_fully_implemented"]),
        int(rows["mat1to5_partially_implemented"]),
        int(rows["mat1to5_not_implemented"]),
    )
    assert shares == {"fully": 17, "partially": 65, "not": 18}


def test_comparison_across_criteria_versions_is_refused_with_its_reason():
    assert comparable(scotland(), 2022, 2023).version == 1
    with pytest.raises(CriteriaVersionError) as info:
        comparable(scotland(), 2023, 2024)
    message = str(info.value)
    assert "criteria version 1" in message and "version 2" in message
    assert "do not compare" in message
