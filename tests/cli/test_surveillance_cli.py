"""``missionmonitor surveillance`` commands end to end."""

from __future__ import annotations

from typer.testing import CliRunner

from missionmonitor.cli.app import app
from missionmonitor.store.connection import Store
from tests.helpers import scotland

runner = CliRunner()


def run(store, *args: str):
    return runner.invoke(app, ["--store", str(store), "surveillance", *args])


def test_deaths_and_trend(built_store_path):
    deaths = run(built_store_path, "deaths")
    assert deaths.exit_code == 0, deaths.output
    assert "+16" in deaths.output and "1,092" in deaths.output
    # The publishers named are the configuration's (its surveillance section).
    assert "confirmed (NRS) and suspected (Police Scotland)" in " ".join(deaths.output.split())
    trend = run(built_store_path, "trend", "--launch", "2021")
    assert trend.exit_code == 0 and "Change in the trend per year" in trend.output
    assert "does not establish" in trend.output
    bad = run(built_store_path, "trend", "--family", "gaussian")
    assert bad.exit_code != 0 and "unknown family" in bad.output


def test_prevalence_example_and_file(tmp_path):
    example = runner.invoke(app, ["surveillance", "prevalence", "--top", "2"])
    assert example.exit_code == 0 and "[1,2,3,4]" in example.output and "11,125" in example.output
    path = tmp_path / "two.csv"
    path.write_text("a,b,count\n1,0,400\n0,1,300\n1,1,100\n")
    two = runner.invoke(app, ["surveillance", "prevalence", str(path)])
    assert two.exit_code == 0 and "Chapman two-source estimate: 1,988.1" in two.output
    path.write_text("a,b,count\n1,0,-4\n")
    refused = runner.invoke(app, ["surveillance", "prevalence", str(path)])
    assert refused.exit_code != 0 and "row 2" in refused.output


def test_synthetic_series_scanned_and_kept(demo_store_copy, store_copy, tmp_path):
    series = tmp_path / "overdoses.csv"
    made = run(demo_store_copy, "synth-overdoses", "--out", str(series), "--years", "6")
    assert made.exit_code == 0 and "SYNTHETIC" in made.output
    assert (tmp_path / "overdoses.outbreaks.csv").exists()
    scanned = run(demo_store_copy, "scan", "--input", str(series), "--since", "2023-01-02")
    assert scanned.exit_code == 0, scanned.output
    assert "Scan 1 of Non-fatal overdoses attended (SYNTHETIC)" in scanned.output
    with Store.open(demo_store_copy, scotland(), read_only=True) as store:
        ((n,),) = store.query("SELECT count(*) FROM alerts WHERE period >= '2023-01-02'")
        ((total,),) = store.query("SELECT count(*) FROM alerts")
    assert n == total > 0
    refused = run(store_copy, "scan", "--input", str(series))
    assert refused.exit_code == 17 and "missionmonitor demo" in refused.stderr
