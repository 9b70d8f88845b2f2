"""The command line: thin commands, clear errors, meaningful exit codes."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from missionmonitor.cli.app import app
from missionmonitor.indicators.engine import RESULT_COLUMNS
from tests.helpers import scotland

runner = CliRunner()


def run(store: Path, *args: str):
    return runner.invoke(app, ["--store", str(store), *args])


def test_export_drd_deaths_csv(built_store_path):
    result = run(built_store_path, "export", "--indicator", "drd_deaths", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == RESULT_COLUMNS
    by_year = {r["period"]: r for r in rows}
    assert by_year["2022"]["value"] == "1051.0"
    assert by_year["2022"]["change_vs_previous"] == "-279.0"
    assert len(rows) == 29


def test_export_rate_for_one_board(built_store_path):
    result = run(
        built_store_path, "export", "--indicator", "drd_rate_per_1000_5yr", "--area", "S08000031"
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["area_code"] for r in rows} == {"S08000031"}
    assert [r["period"] for r in rows][-1] == "2017-2021"
    assert all(r["lci"] and r["uci"] for r in rows)


def test_previous_area_code_is_accepted(built_store_path):
    result = run(
        built_store_path, "export", "--indicator", "drd_rate_per_1000_5yr", "--area", "S08000021"
    )
    assert result.exit_code == 0
    assert "S08000031" in result.stdout


def test_suppressed_values_are_never_exported(built_store_path):
    result = run(
        built_store_path, "export", "--indicator", "suspected_drug_deaths", "--format", "json"
    )
    records = json.loads(result.stdout)["results"]
    hidden = [r for r in records if r["suppressed"]]
    assert hidden
    assert all(r["value"] is None and r["numerator"] is None for r in hidden)


def test_export_first_published_vintage(built_store_path):
    result = run(
        built_store_path,
        "export",
        "--indicator",
        "drd_deaths",
        "--vintage",
        "first_published",
        "--format",
        "json",
    )
    records = {r["period"]: r for r in json.loads(result.stdout)["results"]}
    assert records["2019"]["value"] == 1264.0


def test_export_parquet(built_store_path, tmp_path):
    out = tmp_path / "x.parquet"
    result = run(
        built_store_path,
        "export",
        "--indicator",
        "ost_people",
        "--format",
        "parquet",
        "--out",
        str(out),
    )
    assert result.exit_code == 0
    df = pd.read_parquet(out)
    assert list(df.columns) == list(RESULT_COLUMNS)


@pytest.mark.parametrize(
    ("args", "code", "text"),
    [
        (["export", "--indicator", "nope"], 6, "unknown indicator"),
        (["export", "--indicator", "drd_deaths", "--area", "S12999999"], 6, "unknown area"),
        (["export", "--indicator", "drd_deaths", "--vintage", "yesterday"], 6, "vintage"),
        (["areas", "show", "X1"], 6, "unknown area code"),
        (["indicators", "show", "nope"], 6, "unknown indicator"),
        (["datasets", "show", "nope"], 6, "unknown dataset"),
    ],
)
def test_errors_have_messages_and_exit_codes(built_store_path, args, code, text):
    result = run(built_store_path, *args)
    assert result.exit_code == code
    assert text in result.stderr


def test_missing_store_says_how_to_build_it(tmp_path):
    result = run(tmp_path / "absent.duckdb", "summary")
    assert result.exit_code == 8
    assert "missionmonitor init" in result.stderr


def test_load_bad_file_exit_code_and_message(store_copy, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("year,deaths\n2025,10\n")
    result = run(store_copy, "load", "drd_scotland_annual", str(bad))
    assert result.exit_code == 4
    assert "bad.csv" in result.stderr and "missing column" in result.stderr


def test_load_same_file_again_changes_nothing(store_copy):
    from missionmonitor.data import shipped_file

    result = run(store_copy, "load", "other", str(shipped_file(scotland(), "other.csv")))
    assert result.exit_code == 0
    assert "already loaded" in result.stdout


def test_summary_and_listings(built_store_path):
    summary = run(built_store_path, "summary")
    assert summary.exit_code == 0 and "1,017" in summary.stdout
    assert "Open Government Licence" in summary.stdout
    for args in (
        ["indicators", "list"],
        ["indicators", "show", "ost_people"],
        ["areas", "list", "--type", "adp"],
        ["areas", "show", "S11000051"],
        ["datasets", "list"],
        ["datasets", "show", "drd_scotland_annual"],
    ):
        result = run(built_store_path, *args)
        assert result.exit_code == 0, (args, result.output)
    shown = run(built_store_path, "indicators", "show", "ost_people").stdout
    assert "SERIES BREAK" in shown


def test_compute_one_indicator_keeps_the_others(store_copy):
    result = run(store_copy, "compute", "--indicator", "drd_deaths")
    assert result.exit_code == 0
    listed = run(store_copy, "export", "--indicator", "ost_people")
    assert listed.exit_code == 0 and "29817" in listed.stdout


def test_every_command_help_has_an_example():
    commands = [
        ["init"],
        ["load"],
        ["compute"],
        ["export"],
        ["summary"],
        ["indicators", "list"],
        ["indicators", "show"],
        ["areas", "list"],
        ["areas", "show"],
        ["datasets", "list"],
        ["datasets", "show"],
    ]
    for cmd in commands:
        result = runner.invoke(app, [*cmd, "--help"])
        assert result.exit_code == 0
        assert "Example" in result.stdout and "missionmonitor" in result.stdout, cmd


def test_python_dash_m_runs(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "missionmonitor", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0 and "missionmonitor" in proc.stdout


def test_a_store_of_another_schema_version_is_refused_then_rebuilt_by_init(store_copy):
    import duckdb

    with duckdb.connect(str(store_copy)) as con:
        con.execute("UPDATE store_meta SET value = '1' WHERE key = 'schema_version'")
    refused = run(store_copy, "summary")
    assert refused.exit_code == 10 and "missionmonitor init" in refused.stderr
    rebuilt = run(store_copy, "init")
    assert rebuilt.exit_code == 0, rebuilt.output
    assert "is kept at" in rebuilt.output
    kept = list(store_copy.parent.glob(f"{store_copy.name}.*.old"))
    assert len(kept) == 1 and run(store_copy, "summary").exit_code == 0
