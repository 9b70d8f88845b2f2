"""The record-level outcome reviews upload: what a file must be, each problem named by row,
column and rule, and never a CHI number or a name."""

from __future__ import annotations

import csv
import io

import pytest

from missionmonitor.errors import ValidationError
from missionmonitor.refdata.geography import Geography
from missionmonitor.returns.forms import get_form
from missionmonitor.wellbeing.instrument import current_instrument
from missionmonitor.wellbeing.records import columns, person_key, read_records, template_csv
from tests.helpers import scotland

ADP = "S11000015"
GEO = Geography.of(scotland())
FORM = get_form(scotland(), "outcome_reviews")
QOL = current_instrument(scotland(), "quality_of_life")
ANSWERS = {
    "psychological_health": "8",
    "physical_health": "10",
    "quality_of_life": "7",
    "paid_work_days": "0",
    "education_days": "0",
    "acute_housing_problem": "yes",
    "eviction_risk": "no",
    "substance_use_days": "20",
}


def row(person: str = "a", **changes: str) -> dict[str, str]:
    return {
        "form_id": "outcome_reviews",
        "form_version": "1",
        "adp_code": ADP,
        "period": "2025-Q2",
        "person_key": person_key(person, "salt"),
        "review_point": "start",
        "review_date": "2025-04-02",
        **ANSWERS,
        **changes,
    }


def records_file(*rows: dict[str, str]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns(QOL), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def problems(data: bytes) -> list[tuple[str, int | None, str | None]]:
    with pytest.raises(ValidationError) as err:
        read_records(GEO, FORM, QOL, "reviews.csv", data, {ADP})
    return [(p.rule, p.row, p.column) for p in err.value.problems]


def test_a_good_file_is_grouped_by_adp_and_quarter():
    data = records_file(
        row("a"),
        row("b"),
        row("a", review_point="review_3m", period="2025-Q3", review_date="2025-07-01"),
    )
    groups = read_records(GEO, FORM, QOL, "reviews.csv", data, {ADP})
    assert sorted(groups) == [(ADP, "2025-Q2"), (ADP, "2025-Q3")]
    first = groups[(ADP, "2025-Q2")][0]
    assert first["answers"]["acute_housing_problem"] == 1 and first["answers"]["eviction_risk"] == 0
    assert len(first["person_key"]) == 64
    assert template_csv(FORM, QOL).splitlines()[0] == ",".join(columns(QOL))


def test_chi_numbers_and_names_are_refused():
    found = problems(records_file(row(person_key="0101011234"), row(person_key="Jane Smith")))
    assert ("person-key", 2, "person_key") in found and ("person-key", 3, "person_key") in found
    with pytest.raises(ValidationError, match="CHI number"):
        read_records(GEO, FORM, QOL, "r.csv", records_file(row(person_key="010101 1234")), {ADP})
    with pytest.raises(ValidationError, match="name or free text"):
        read_records(GEO, FORM, QOL, "r.csv", records_file(row(person_key="Jane Smith")), {ADP})


def test_each_answer_and_date_is_checked_with_its_row_and_column():
    found = problems(
        records_file(
            row("a", quality_of_life="21"),
            row("b", paid_work_days="29", eviction_risk="maybe"),
            row("c", review_date="2025-09-01"),  # outside 2025-Q2
            row("d", review_point="month_1", physical_health=""),
        )
    )
    assert ("range", 2, "quality_of_life") in found
    assert ("range", 3, "paid_work_days") in found and ("range", 3, "eviction_risk") in found
    assert ("review-date", 4, "review_date") in found
    assert ("review-point", 5, "review_point") in found and (
        "required",
        5,
        "physical_health",
    ) in found


def test_scope_duplicates_and_formulas_are_refused():
    other = problems(records_file(row("a", adp_code="S11000001")))
    assert ("scope", 2, "adp_code") in other
    # One record per person and review point.
    assert problems(records_file(row("a"), row("a"))) == [("duplicate-key", 3, "review_point")]
    assert ("formula", 2, "quality_of_life") in problems(
        records_file(row("a", quality_of_life="=1+1"))
    )


def test_the_forms_commands_write_and_check_the_records_template(tmp_path):
    from typer.testing import CliRunner

    from missionmonitor.cli.app import app

    runner = CliRunner()
    out = tmp_path / "t.csv"
    made = runner.invoke(app, ["forms", "template", "outcome_reviews", "--out", str(out)])
    assert made.exit_code == 0 and out.read_text().splitlines()[0] == ",".join(columns(QOL))
    good = tmp_path / "good.csv"
    good.write_bytes(records_file(row("a"), row("b")))
    checked = runner.invoke(app, ["forms", "check", "outcome_reviews", str(good)])
    assert checked.exit_code == 0 and "2 record(s) pass" in checked.output
    bad = tmp_path / "bad.csv"
    bad.write_bytes(records_file(row("a", person_key="0101011234")))
    refused = runner.invoke(app, ["forms", "check", "outcome_reviews", str(bad)])
    assert refused.exit_code == 4 and "CHI number" in refused.output
