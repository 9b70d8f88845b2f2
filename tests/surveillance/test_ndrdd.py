"""Drug-death case review (NDRDD shape): counts checked by hand on small crafted cases,
combinations with small counts suppressed, bad files refused with their rule, SYNTHETIC
cases matching the published figures, and the shares published only through disclosure
control."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from missionmonitor import config
from missionmonitor.cli.app import app
from missionmonitor.errors import ValidationError
from missionmonitor.methods.disclosure import Disclosure
from missionmonitor.refdata.geography import Geography
from missionmonitor.services import ndrdd as review
from missionmonitor.services.disclosure_audit import audit
from missionmonitor.surveillance import ndrdd
from missionmonitor.surveillance.ndrdd import (
    ITEMS,
    combinations,
    measures,
    pair_disclosure,
    read_cases,
)
from tests.helpers import scotland

GLASGOW, RENFREW, BOARD = "S12000049", "S12000038", "S08000031"  # both in NHS GG&C
PARENTS = pd.DataFrame(
    {
        "council": [GLASGOW, RENFREW],
        "parent": [BOARD, BOARD],
        "parent_type": ["health_board", "health_board"],
    }
)


def _case(council: str, reviewed: str = "yes", substances: str = "methadone", **answers: str):
    row = {
        "year": 2023,
        "council_code": council,
        "reviewed": reviewed,
        "substances_implicated": substances if reviewed == "yes" else "",
    }
    for item in ITEMS:
        row[item] = answers.get(item, "no") if reviewed == "yes" else ""
    return row


def test_counts_by_hand_with_unknown_answers_and_unreviewed_cases():
    cases = pd.DataFrame(
        [
            _case(GLASGOW, on_ost_at_death="yes", substances="heroin_morphine;cocaine"),
            _case(GLASGOW, on_ost_at_death="unknown", substances="cocaine"),
            _case(GLASGOW, reviewed="no"),
            _case(RENFREW, on_ost_at_death="yes", substances="benzodiazepine_street;methadone"),
        ]
    )
    m = measures(cases, PARENTS, "X").set_index(["area_code", "measure"])["value"]
    # Glasgow: 3 cases, 2 reviewed; OST known for 1 (yes); 2 with toxicology, 1 polydrug.
    counted = (
        "ndrdd_cases",
        "ndrdd_reviewed",
        "ndrdd_on_ost_at_death_known",
        "ndrdd_on_ost_at_death_yes",
        "ndrdd_toxicology",
        "ndrdd_polydrug",
        "ndrdd_cocaine",
        "ndrdd_opioid",
    )
    assert [int(m[(GLASGOW, k)]) for k in counted] == [3, 2, 1, 1, 2, 1, 2, 1]
    # The board is the sum of its two councils.
    assert [
        int(m[(BOARD, k)])
        for k in (
            "ndrdd_cases",
            "ndrdd_on_ost_at_death_known",
            "ndrdd_on_ost_at_death_yes",
            "ndrdd_benzodiazepine",
            "ndrdd_polydrug",
        )
    ] == [4, 2, 2, 1, 2]


def test_combinations_suppress_small_counts():
    cases = pd.DataFrame(
        [_case(GLASGOW, substances="cocaine;methadone")] * 12
        + [_case(GLASGOW, substances="alcohol;methadone")] * 3
    )
    table = combinations(cases, pair_disclosure(scotland())).set_index(
        ["period", "substance", "with"]
    )
    assert table["cases"][("2023", "cocaine", "methadone")] == 12
    assert table["cases"][("2023", "alcohol", "methadone")] is None  # 3: suppressed
    assert table["cases"][("all years", "cocaine", "methadone")] == 12
    # The configured rule decides: with a threshold of 2, three cases are shown.
    lower = combinations(cases, Disclosure(threshold=2)).set_index(["period", "substance", "with"])
    assert lower["cases"][("2023", "alcohol", "methadone")] == 3


def test_pairs_follow_the_threshold_their_dataset_declares(tmp_path, monkeypatch):
    """The case review's combinations file hides what the ``ndrdd_measures`` declaration
    says; changing the declared threshold changes what is hidden."""
    declared = ndrdd.get_declaration(scotland(), "ndrdd_measures")
    assert pair_disclosure(scotland()) == declared.disclosure["ndrdd_pair"]
    rows = [_case(GLASGOW, substances="alcohol;methadone")] * 4
    path = _write(tmp_path, rows)
    assert review.compute(scotland(), path).combinations["cases"].tolist() == [None, None]
    changed = declared.model_copy(
        update={"disclosure": {"ndrdd_pair": Disclosure(threshold=3, additive=False)}}
    )
    monkeypatch.setattr(ndrdd, "get_declaration", lambda configuration, name: changed)
    assert review.compute(scotland(), path).combinations["cases"].tolist() == [4, 4]


def test_pairs_cannot_be_worked_out_from_their_total_over_all_years():
    """A small year hidden beside a published total over all years takes another year with
    it, so that the total minus the years shown gives nothing away."""
    cases = pd.DataFrame(
        [{**_case(GLASGOW, substances="cocaine;methadone"), "year": 2022}] * 12
        + [_case(GLASGOW, substances="cocaine;methadone")] * 3
    )
    table = combinations(cases, pair_disclosure(scotland())).set_index("period")["cases"]
    assert table["all years"] == 15
    assert table["2023"] is None and table["2022"] is None


def _write(tmp_path, rows: list[dict]) -> object:
    path = tmp_path / "cases.csv"
    frame = pd.DataFrame(rows)
    frame.insert(0, "case_id", [f"C{i}" for i in range(len(frame))])
    for col, value in (("sex", "male"), ("age", 40)):
        frame[col] = value
    frame.to_csv(path, index=False)
    return path


@pytest.mark.parametrize(
    ("change", "rule", "column"),
    [
        ({"council_code": BOARD}, "council", "council_code"),
        ({"substances_implicated": "methadone;unicorn"}, "substance", "substances_implicated"),
        ({"on_ost_at_death": "maybe"}, "allowed-values", "on_ost_at_death"),
        ({"reviewed": "no"}, "unreviewed", "substances_implicated"),
        ({"year": "2023.5"}, "type", "year"),
    ],
)
def test_a_bad_case_is_refused_naming_row_column_and_rule(tmp_path, geo, change, rule, column):
    path = _write(tmp_path, [_case(GLASGOW), {**_case(GLASGOW), **change}])
    with pytest.raises(ValidationError) as refused:
        read_cases(path, geo.codes())
    (problem,) = [p for p in refused.value.problems if p.rule == rule]
    assert (problem.row, problem.column) == (3, column)


def test_synthetic_cases_match_the_published_deaths_and_are_marked(built_store_path, tmp_path):
    path = review.write_synthetic(
        scotland(), built_store_path, tmp_path / "cases.csv", [2022, 2023], seed=3
    )
    cases = read_cases(path, Geography.of(config.load(None)).codes())
    assert cases.groupby("year").size().to_dict() == {2022: 1051, 2023: 1172}  # NRS
    assert set(cases["synthetic"]) == {"yes"}
    known = cases[cases["contact_drug_treatment_6m"].isin(["yes", "no"])]
    share = (known["contact_drug_treatment_6m"] == "yes").mean()
    assert share == pytest.approx(0.55, abs=0.04)  # the published 55%
    again = review.write_synthetic(
        scotland(), built_store_path, tmp_path / "again.csv", [2022, 2023], seed=3
    )
    assert again.read_bytes() == path.read_bytes()


def test_synthetic_review_is_refused_by_a_published_store_and_loads_into_a_demo(
    built_store_path,
    demo_store_copy,
    tmp_path,
):
    cases = review.write_synthetic(scotland(), built_store_path, tmp_path / "cases.csv", [2023])
    runner = CliRunner()
    refused = runner.invoke(
        app,
        [
            "--store",
            str(built_store_path),
            "surveillance",
            "ndrdd",
            "--input",
            str(cases),
            "--out",
            str(tmp_path / "a"),
            "--load",
        ],
    )
    assert refused.exit_code == 17 and "SYNTHETIC" in refused.output
    loaded = runner.invoke(
        app,
        [
            "--store",
            str(demo_store_copy),
            "surveillance",
            "ndrdd",
            "--input",
            str(cases),
            "--out",
            str(tmp_path / "b"),
            "--load",
        ],
    )
    assert loaded.exit_code == 0, loaded.output
    assert "loaded as load" in loaded.output and "(SYNTHETIC)" in loaded.output
    assert (tmp_path / "b" / "synthetic-ndrdd-combinations.csv").exists()


def test_loaded_case_review_shares_are_published_through_disclosure_control(
    built_store_path,
    demo_store_copy,
    client,
    tmp_path,
):
    from fastapi.testclient import TestClient

    from missionmonitor.services.ingest import ingest
    from missionmonitor.web.app import create_app
    from tests.helpers import site_settings

    cases = review.write_synthetic(
        scotland(), built_store_path, tmp_path / "cases.csv", [2022, 2023]
    )
    made = review.compute(scotland(), cases, tmp_path / "out")
    ingest(scotland(), demo_store_copy, "ndrdd_measures", made.files[0])
    demo = TestClient(create_app(site_settings(demo_store_copy)))
    section = demo.get("/surveillance.json").json()["case_review"]
    assert section["synthetic"] and len(section["rows"]) == 12
    assert all(r["status"] == "SYNTHETIC" and r["period"] == "2023" for r in section["rows"])
    councils = demo.get(
        "/indicators/ndrdd_released_prison_6m.json", params={"area_type": "council"}
    ).json()["comparison"]["rows"]
    # Small councils' few releases are hidden, with their interval and counts.
    hidden = [r for r in councils if r["value"] is None]
    assert hidden and all(r["lci"] is None and r["numerator"] is None for r in hidden)
    # The substances most often implicated together, small counts hidden.
    pairs = section["pairs"]
    assert pairs["period"] == "2023" and len(pairs["rows"]) == 10
    counts = [r["cases"] for r in pairs["rows"]]
    assert all(c is None or c >= 10 for c in counts) and counts[0] == max(c or 0 for c in counts)
    assert audit(scotland(), demo_store_copy) == []
    # Without a review loaded, the page says how one is made.
    assert "No case review is loaded" in client.get("/surveillance").text
