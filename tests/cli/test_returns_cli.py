"""``missionmonitor returns``: completeness, and approved returns flowing into the store."""

from __future__ import annotations

from typer.testing import CliRunner

from missionmonitor.cli.app import app
from missionmonitor.portal import accounts
from missionmonitor.portal.db import connect, session_scope
from missionmonitor.refdata.geography import Geography
from missionmonitor.returns.forms import get_form
from missionmonitor.returns.workflow import decide, save_draft, submit
from missionmonitor.store.connection import Store
from tests.returns.test_workflow import ANSWERS, PASSWORD

runner = CliRunner()


def test_approved_return_is_exported_and_loaded(store_copy, tmp_path):
    url = f"sqlite:///{tmp_path}/portal.sqlite3"
    geo, form = Geography.shipped(), get_form("rehab_quarterly")
    with session_scope(connect(url)) as db:
        sub, _ = accounts.add_user(
            db, "sub", "Sub", "adp_submitter", "S11000015", password=PASSWORD
        )
        app_user, _ = accounts.add_user(
            db, "app", "App", "adp_approver", "S11000015", password=PASSWORD
        )
        d = save_draft(db, sub, form, "S11000015", "2024-Q2", ANSWERS, geo=geo)
        s = submit(db, sub, d.id, d.version, geo)
        decide(db, app_user, s.id, s.version, approve=True, geo=geo)
    base = ["--store", str(store_copy), "--app-db", url]
    state = runner.invoke(app, [*base, "returns", "completeness", "rehab_quarterly", "2024-Q2"])
    assert state.exit_code == 0 and "1 of 30 approved" in state.output
    out = tmp_path / "adp-returns.csv"
    exported = runner.invoke(
        app, [*base, "returns", "export-approved", "rehab_quarterly", "--out", str(out)]
    )
    assert exported.exit_code == 0 and f"Wrote {len(ANSWERS)} approved figures" in exported.output
    from missionmonitor.reports.annual import annual
    from missionmonitor.reports.sections import NOT_YET
    from missionmonitor.services.site_data import SiteData

    assert NOT_YET["returns"] in annual(SiteData.read(store_copy), "2023/24")["not_yet"]
    loaded = runner.invoke(app, [*base, "load", "adp_returns", str(out)])
    assert loaded.exit_code == 0, loaded.output
    # The report no longer says returns are not held.
    assert NOT_YET["returns"] not in annual(SiteData.read(store_copy), "2023/24")["not_yet"]
    with Store.open(store_copy, read_only=True) as store:
        rows = store.query(
            "SELECT measure, value FROM observations WHERE dataset = 'adp_returns'"
            " AND area_code = 'S11000015' AND period = '2024-Q2'"
        )
    assert dict(rows)["placements_total"] == 10
    # Loading recomputed the indicators: the ADP's placements are now a published figure.
    with Store.open(store_copy, read_only=True) as store:
        ((value,),) = store.query(
            "SELECT value FROM indicator_results WHERE indicator_id = 'rr_placements_adp'"
            " AND area_code = 'S11000015' AND period = '2024-Q2'"
        )
    assert value == 10
