"""``missionmonitor datasets currency``, and the user guide's table that is its output."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from missionmonitor.cli.app import app

runner = CliRunner()
DOC = Path(__file__).parents[2] / "docs" / "data-currency.md"
START, END = "<!-- currency table:", "<!-- end of currency table -->"


def _run(store: Path, *args: str):
    result = runner.invoke(app, ["--store", str(store), "datasets", "currency", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_the_documented_currency_table_is_the_commands_output_for_the_shipped_store(
    built_store_path,
):
    text = DOC.read_text(encoding="utf-8")
    documented = text.split(START, 1)[1].split("\n", 1)[1].split(END, 1)[0]
    assert documented == _run(built_store_path, "--markdown"), (
        "docs/data-currency.md is out of date: paste in the output of "
        "`missionmonitor datasets currency --markdown` run on the shipped store"
    )


def test_stale_lists_only_the_datasets_behind_their_publisher(built_store_path):
    every = _run(built_store_path, "--markdown").splitlines()[2:]
    stale = _run(built_store_path, "--markdown", "--stale").splitlines()[2:]
    assert stale and set(stale) < set(every)
    assert all("| behind |" in line for line in stale)
    assert any("`nrs_drug_deaths`" in line for line in stale)


def test_the_table_names_each_dataset(built_store_path):
    shown = _run(built_store_path)
    assert "Data currency" in shown and "phs_waiting_times_areas" in shown
