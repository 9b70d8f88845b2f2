"""Synthetic prescribing records: deterministic, labelled, calibrated, realistic enough."""

from __future__ import annotations

import csv

import duckdb
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from missionmonitor.cli.app import app
from missionmonitor.errors import MethodInputError
from missionmonitor.ost.synthetic import BATCH_PEOPLE, OST_DRUGS, SyntheticSpec, write_prescribing
from tests.helpers import scotland

OST = ", ".join(f"'{d}'" for d in OST_DRUGS)


def test_same_seed_same_records_other_seed_other_records(tmp_path):
    a = pq.read_table(
        write_prescribing(scotland(), tmp_path / "a", SyntheticSpec(people=800, years=1, seed=3))
    )
    b = pq.read_table(
        write_prescribing(scotland(), tmp_path / "b", SyntheticSpec(people=800, years=1, seed=3))
    )
    c = pq.read_table(
        write_prescribing(scotland(), tmp_path / "c", SyntheticSpec(people=800, years=1, seed=4))
    )
    assert a.equals(b)
    assert not a.equals(c)


def test_labelled_synthetic_everywhere(synthetic_small):
    table = pq.read_table(synthetic_small)
    assert table.column("synthetic").to_pylist() == [True] * table.num_rows
    assert pq.read_schema(synthetic_small).metadata[b"synthetic"] == b"true"
    assert "SYNTHETIC" in (synthetic_small.parent / "README-SYNTHETIC.md").read_text()


def test_realistic_behaviour_is_present(synthetic_small):
    q = duckdb.connect().execute
    path = f"'{synthetic_small}'"
    missing, total = q(f"SELECT count(*) - count(patient_id), count(*) FROM {path}").fetchall()[0]
    assert 0.02 < missing / total < 0.06  # the default 4% without an identifier
    assert {r[0] for r in q(f"SELECT DISTINCT drug FROM {path}").fetchall()} >= {
        "lofexidine",
        "naltrexone",
        *OST_DRUGS,
    }
    assert {r[0] for r in q(f"SELECT DISTINCT setting FROM {path}").fetchall()} == {
        "community",
        "prison",
        "hospital",
    }
    moved = q(
        f"SELECT count(*) FROM (SELECT patient_id FROM {path} WHERE patient_id IS NOT NULL "
        "GROUP BY 1 HAVING count(DISTINCT council_code) > 1)"
    ).fetchall()[0][0]
    switched = q(
        f"SELECT count(*) FROM (SELECT patient_id FROM {path} WHERE drug IN ({OST}) "
        "GROUP BY 1 HAVING count(DISTINCT drug) > 1)"
    ).fetchall()[0][0]
    assert moved > 10 and switched > 50
    councils = q(f"SELECT count(DISTINCT council_code) FROM {path}").fetchall()[0][0]
    assert councils == 32


@pytest.mark.slow
def test_calibrated_to_about_29500_people_a_year(tmp_path):
    path = write_prescribing(scotland(), tmp_path, SyntheticSpec())  # the defaults
    rows = (
        duckdb.connect()
        .execute(f"""
        SELECT CASE WHEN dispensed_date < DATE '2022-04-01' THEN '2021/22'
                    WHEN dispensed_date < DATE '2023-04-01' THEN '2022/23' ELSE '2023/24' END,
               count(DISTINCT patient_id)
        FROM '{path}' WHERE setting = 'community' AND drug IN ({OST}) GROUP BY 1""")
        .fetchall()
    )
    assert len(rows) == 3
    for _fy, people in rows:
        assert abs(people - 29_500) / 29_500 < 0.05
    assert pq.ParquetFile(path).num_row_groups > 1  # streamed in batches of people
    assert SyntheticSpec().people > BATCH_PEOPLE


def test_bad_settings_are_refused():
    with pytest.raises(MethodInputError):
        SyntheticSpec(people=0)
    with pytest.raises(MethodInputError):
        SyntheticSpec(missing_id_share=1.5)


def test_cli_generates_and_computes(tmp_path):
    runner = CliRunner()
    made = runner.invoke(
        app,
        [
            "synth",
            "prescribing",
            "--people",
            "1500",
            "--years",
            "2",
            "--seed",
            "2",
            "--out",
            str(tmp_path / "s"),
        ],
    )
    assert made.exit_code == 0, made.output
    referred = runner.invoke(
        app,
        ["synth", "referrals", "--out", str(tmp_path / "s"), "--referrals", "800", "--years", "2"],
    )
    assert referred.exit_code == 0, referred.output
    computed = runner.invoke(
        app, ["ost", "compute", "--input", str(tmp_path / "s"), "--out", str(tmp_path / "o")]
    )
    assert computed.exit_code == 0, computed.output
    assert "SYNTHETIC" in computed.stdout
    people = list(csv.DictReader((tmp_path / "o/synthetic-ost-people.csv").open()))
    assert people and all(r["synthetic"] == "True" for r in people)
    assert {r["period_type"] for r in people} == {"financial_year", "quarter", "rolling_12_months"}
    by_drug = list(csv.DictReader((tmp_path / "o/synthetic-ost-people_by_drug.csv").open()))
    assert {r["drug"] for r in by_drug} >= {"methadone", "buprenorphine"}
    access = list(csv.DictReader((tmp_path / "o/synthetic-ost-access.csv").open()))
    assert access and all(0 <= float(r["within_3_weeks_pct"]) <= 100 for r in access)
    items = list(csv.DictReader((tmp_path / "o/synthetic-ost-items.csv").open()))
    assert all(float(r["ddd_per_1000_per_day"]) > 0 for r in items)
    retention = list(csv.DictReader((tmp_path / "o/synthetic-ost-retention.csv").open()))
    scot = [r for r in retention if r["area_type"] == "scotland" and r["retained_12w_pct"]]
    assert scot and all(
        float(r["retained_12w_lci"]) <= float(r["retained_12w_pct"]) <= float(r["retained_12w_uci"])
        for r in scot
    )
    missing = runner.invoke(app, ["ost", "compute", "--input", str(tmp_path / "nothing")])
    assert missing.exit_code == 6 and "no Parquet" in missing.stderr
