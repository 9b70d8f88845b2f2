"""MAT standards grading on constructed evidence, both provisional-green and provisional-amber
definitions,
the national summary, published 2022 shares, and comparisons across criteria versions."""

from __future__ import annotations

import pytest

from missionmonitor.errors import CriteriaVersionError, MethodInputError
from missionmonitor.standards.grading import (
    Assessment,
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
        for c in s.criteria:
            assert c.source.startswith("https://") and "are in place." not in c.text
    first = standards.standards[0].criteria_for(2)[0]
    assert "no barrier" in first.text and "1.1 to 1.3" in first.text


def test_the_two_provisional_definitions_are_named_and_differ():
    sets = {rs.id: rs for rs in load_rule_sets(scotland()).rule_sets}
    assert "not yet confirmed in all three" in sets["phs"].provisional_green
    assert "beginning" in sets["scottish_government"].provisional_green
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
