"""``missionmonitor forms`` end to end."""

from __future__ import annotations

from typer.testing import CliRunner

from missionmonitor.cli.app import app
from tests.returns.test_upload import GOOD, csv_bytes

runner = CliRunner()


def test_template_check_and_burden(tmp_path):
    xlsx = tmp_path / "t.xlsx"
    assert (
        runner.invoke(app, ["forms", "template", "rehab_quarterly", "--out", str(xlsx)]).exit_code
        == 0
    )
    assert xlsx.read_bytes()[:2] == b"PK"
    good = tmp_path / "q2.csv"
    good.write_bytes(csv_bytes({**GOOD, "estimated_cost_gbp": "900000"}))
    ok = runner.invoke(app, ["forms", "check", "rehab_quarterly", str(good)])
    assert ok.exit_code == 0 and "1 row(s) pass" in ok.output and "warning" in ok.output
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes({**GOOD, "placements_drugs": "9"}))
    refused = runner.invoke(app, ["forms", "check", "rehab_quarterly", str(bad)])
    assert refused.exit_code != 0 and "categories_add_up" in refused.output
    burden = runner.invoke(app, ["forms", "burden"])
    assert burden.exit_code == 0 and "placements_wom" in burden.output
    shown = runner.invoke(app, ["forms", "show", "rehab_quarterly", "--version", "2"])
    assert "renamed estimated_cost_total" in shown.output.replace("\n", " ")
