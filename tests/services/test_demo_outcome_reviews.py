"""SYNTHETIC outcome reviews in the demonstration: filed and approved through the record-level
return, loaded only into a demonstration store, shown on the outcome 5 page and in the
annual report as SYNTHETIC, and nothing published is disclosive."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from missionmonitor.errors import DemonstrationDataError
from missionmonitor.periods import recent_periods
from missionmonitor.portal import accounts
from missionmonitor.portal.db import connect, session_scope
from missionmonitor.refdata.geography import Geography
from missionmonitor.reports.annual import annual
from missionmonitor.services.demo_outcome_reviews import demo_outcome_reviews
from missionmonitor.services.disclosure_audit import audit
from missionmonitor.services.ingest import ingest
from missionmonitor.services.site_data import SiteData
from missionmonitor.web.app import create_app
from tests.helpers import scotland, site_settings

TODAY = dt.date(2026, 12, 7)


@pytest.mark.parametrize("app_db_url", ["sqlite"], indirect=True)
def test_synthetic_reviews_reach_outcome_5_of_the_demonstration_only(
    demo_store_copy, store_copy, app_db_url, tmp_path
):
    geo = Geography.of(scotland())
    with session_scope(connect(app_db_url)) as db:
        sub = accounts.stand_in(scotland(), db, "demo-submitter", "phs_analyst").id
        app = accounts.stand_in(scotland(), db, "demo-approver", "phs_analyst").id
        rows = demo_outcome_reviews(db, geo, sub, app, TODAY, seed=1)
    assert rows and {r["source"] for r in rows} == {"MM_DEMO_RETURNS"}
    assert all(len(str(r["value"])) < 20 for r in rows)  # measures only, no person keys
    file = tmp_path / "reviews.csv"
    pd.DataFrame(rows).to_csv(file, index=False)
    with pytest.raises(DemonstrationDataError):
        ingest(scotland(), store_copy, "adp_returns", file)  # never a published store
    ingest(scotland(), demo_store_copy, "adp_returns", file)
    site = TestClient(create_app(site_settings(demo_store_copy)))
    year = recent_periods("financial_year", TODAY, 1)[0]
    twin = site.get("/outcomes/5.json").json()
    shown = {
        i["id"]: i["latest"]
        for i in twin["indicators"]
        if i["id"].startswith("qol_") and i["latest"] and i["latest"]["value"] is not None
    }
    assert len(shown) >= 2, shown
    for latest in shown.values():
        assert latest["status"] == "SYNTHETIC" and latest["period"] == year
        assert latest["area_code"] == "S92000003"  # every ADP's returns: a national sum
    assert "qol_reliable_improvement_pct" not in shown  # no published reliability
    # ADPs compared on a funnel plot around the national share (exact Poisson limits).
    funnel = site.get("/indicators/qol_reviews_completed_pct.json").json()["funnel"]
    assert funnel and "against its reviews due" in funnel["caption"]
    assert "share" in funnel["caption"] and funnel["spec"]
    # The annual report's outcome 5 section holds them (built for the year directly: the
    # site offers reports only for years with the headline series).
    report = annual(SiteData.read(scotland(), demo_store_copy), year)
    (section,) = [s for s in report["sections"] if s["id"] == "outcome-5"]
    assert {b["id"] for b in section["blocks"]} >= set(shown)
    assert audit(scotland(), demo_store_copy) == []
