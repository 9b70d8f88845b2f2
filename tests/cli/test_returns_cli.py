"""``missionmonitor returns``: completeness, and approved returns flowing into the store."""

from __future__ import annotations

from typer.testing import CliRunner

from missionmonitor import config
from missionmonitor.cli.app import app
from missionmonitor.portal import accounts
from missionmonitor.portal.db import connect, session_scope
from missionmonitor.refdata.geography import Geography
from missionmonitor.returns.forms import get_form
from missionmonitor.returns.workflow import decide, save_draft, submit
from missionmonitor.store.connection import Store
from tests.helpers import CHEAP, scotland
from tests.returns.test_workflow import ANSWERS, PASSWORD

runner = CliRunner()


def test_approved_return_is_exported_and_loaded(store_copy, tmp_path):
    url = f"sqlite:///{tmp_path}/portal.sqlite3"
    geo, form = Geography.of(config.load(None)), get_form(scotland(), "rehab_quarterly")
    with session_scope(connect(url)) as db:
        sub, _ = accounts.add_user(
            scotland(),
            db,
            "sub",
            "Sub",
            "adp_submitter",
            "S11000015",
            password=PASSWORD,
            hashing=CHEAP,
        )
        app_user, _ = accounts.add_user(
            scotland(),
            db,
            "app",
            "App",
            "adp_approver",
            "S11000015",
            password=PASSWORD,
            hashing=CHEAP,
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

    assert NOT_YET["returns"] in annual(SiteData.read(scotland(), store_copy), "2023/24")["not_yet"]
    loaded = runner.invoke(app, [*base, "load", "adp_returns", str(out)])
    assert loaded.exit_code == 0, loaded.output
    # The report no longer says returns are not held.
    assert (
        NOT_YET["returns"]
        not in annual(SiteData.read(scotland(), store_copy), "2023/24")["not_yet"]
    )
    with Store.open(store_copy, scotland(), read_only=True) as store:
        rows = store.query(
            "SELECT measure, value FROM observations WHERE dataset = 'adp_returns'"
            " AND area_code = 'S11000015' AND period = '2024-Q2'"
        )
    assert dict(rows)["placements_total"] == 10
    # Loading recomputed the indicators: the ADP's placements are now a published figure.
    with Store.open(store_copy, scotland(), read_only=True) as store:
        ((value,),) = store.query(
            "SELECT value FROM indicator_results WHERE indicator_id = 'rr_placements_adp'"
            " AND area_code = 'S11000015' AND period = '2024-Q2'"
        )
    assert value == 10


def test_accepted_feedback_is_exported_as_counts_and_loaded(store_copy, tmp_path):
    """Ten people agree and two disagree on standard 1 about Glasgow; one rejected response
    does not count; the export holds counts only, and the ADP's share becomes a figure."""
    import csv
    import datetime as dt

    from missionmonitor.accountability import feedback

    url = f"sqlite:///{tmp_path}/portal.sqlite3"
    geo, form = Geography.of(config.load(None)), get_form(scotland(), "lived_experience_feedback")
    day = dt.date(2025, 5, 1)
    with session_scope(connect(url)) as db:
        approver, _ = accounts.add_user(
            scotland(),
            db,
            "app",
            "App",
            "adp_approver",
            "S11000015",
            password=PASSWORD,
            hashing=CHEAP,
        )
        for i, answer in enumerate(["agree"] * 10 + ["disagree"] * 2 + ["agree"]):
            r = feedback.receive(
                db,
                form,
                "S11000015",
                {"respondent": "person", "s1_experience": answer, "comment": f"words {i}"},
                geo,
                day,
            )
            feedback.moderate(db, approver, r.id, r.version, i < 12, geo, "" if i < 12 else "spam")
    base = ["--store", str(store_copy), "--app-db", url]
    out = tmp_path / "feedback.csv"
    exported = runner.invoke(app, [*base, "returns", "export-feedback", "--out", str(out)])
    assert exported.exit_code == 0, exported.output
    rows = {r["measure"]: float(r["value"]) for r in csv.DictReader(out.open())}
    assert rows["le_responses"] == 12 and rows["le_s1_answered"] == 12
    assert rows["le_agree"] == rows["le_s1_agree"] == 10
    assert "words" not in out.read_text()
    loaded = runner.invoke(app, [*base, "load", "adp_returns", str(out)])
    assert loaded.exit_code == 0, loaded.output
    with Store.open(store_copy, scotland(), read_only=True) as store:
        ((value, suppressed),) = store.query(
            "SELECT value, suppressed FROM indicator_results"
            " WHERE indicator_id = 'lived_experience_agree_pct' AND area_code = 'S11000015'"
        )
    # 10 of 12 agree, but the 2 who do not are a count from 1 to 9: suppressed.
    assert suppressed and value is None
