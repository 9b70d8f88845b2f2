"""The outcome reviews return end to end: people's review records uploaded through the
portal, submitted and approved under the two-person rule, turned into measures, loaded,
and shown on the outcome 5 page and its JSON twin, never a person's record."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
from fastapi.testclient import TestClient

from missionmonitor.portal.db import connect, session_scope
from missionmonitor.services.ingest import ingest
from missionmonitor.services.outcome_reviews import approved_figures
from missionmonitor.web.app import create_app
from tests.helpers import add_users, scotland, sign_in, site_settings
from tests.wellbeing.test_records import records_file, row

ADP = "S11000015"


def reviews() -> bytes:
    """40 people start on 1 April 2025 with an acute housing problem and no paid work; 20
    are reviewed at three months, 10 of them housed and working."""
    rows = [row(f"p{n}") for n in range(40)]
    for n in range(20):
        better = n < 10
        rows.append(
            row(
                f"p{n}",
                period="2025-Q3",
                review_point="review_3m",
                review_date="2025-07-01",
                acute_housing_problem="no" if better else "yes",
                paid_work_days="6" if better else "0",
                quality_of_life="12",
            )
        )
    return records_file(*rows)


def _version(page: str) -> str:
    return re.search(r'name="version" value="([^"]*)"', page).group(1)


def test_upload_approve_and_the_measures_reach_the_outcome_page(store_copy, app_db_url, tmp_path):
    add_users(app_db_url, {"sub": ("adp_submitter", ADP), "app": ("adp_approver", ADP)})
    site = TestClient(create_app(site_settings(store_copy, app_db_url)))
    csrf = sign_in(site, "sub", page="/portal/governance")
    data = reviews()
    uploaded = site.post(
        "/portal/returns/outcome_reviews/upload",
        data={"csrf_token": csrf},
        files={"file": ("reviews.csv", data, "text/csv")},
    )
    assert uploaded.status_code == 200 and "uploaded 2 drafts" in uploaded.text
    key = row("p0")["person_key"]
    approver = TestClient(site.app)
    app_csrf = sign_in(approver, "app", page="/portal/governance")
    for period in ("2025-Q2", "2025-Q3"):
        url = f"/portal/returns/outcome_reviews/{ADP}/{period}"
        page = site.get(url).text
        assert "records held" in page and key not in page  # counted, never listed
        done = site.post(url + "/submit", data={"csrf_token": csrf, "version": _version(page)})
        assert "Your return was submitted" in done.text
        # The uploader may not approve their own return: the approver does.
        page = approver.get(url).text
        approver.post(
            url + "/decide",
            data={"decision": "approve", "version": _version(page), "csrf_token": app_csrf},
        )
        assert "approved" in site.get(url).text
    with session_scope(connect(app_db_url)) as db:
        rows = approved_figures(scotland(), db, "outcome_reviews", dt.date(2025, 12, 31))
    figures = {(r["measure"], r["period"]): r["value"] for r in rows}
    # 40 people x two scheduled reviews, all windows closed by 31 December; 20 done.
    assert figures[("quality_of_life_reviews_due", "2025/26")] == 80
    assert figures[("quality_of_life_reviews_completed", "2025/26")] == 20
    assert figures[("quality_of_life_housing_resolved", "2025/26")] == 10
    # No published reliability: no reliable change is computed.
    assert not any("reliably" in m for m, _ in figures)
    file = tmp_path / "adp-returns.csv"
    pd.DataFrame(rows).to_csv(file, index=False)
    ingest(scotland(), store_copy, "adp_returns", file)
    public = TestClient(create_app(site_settings(store_copy, app_db_url)))
    page = public.get("/outcomes/5").text
    twin = public.get("/outcomes/5.json").json()
    shown = {i["id"]: i for i in twin["indicators"]}
    # One ADP's returns: no national sum (made only when every ADP's figures are in), so the
    # headline is the ADP's own.
    latest = shown["qol_reviews_completed_pct"]["latest"]
    assert (latest["area_code"], latest["period"], latest["value"]) == (ADP, "2025/26", 25.0)
    assert shown["qol_housing_resolved_pct"]["latest"]["value"] == 50.0
    assert shown["qol_employment_resolved_pct"]["latest"]["value"] == 50.0
    assert shown["qol_reliable_improvement_pct"]["latest"] is None
    assert "Outcome reviews completed of those due" in page and "25.0" in page
    assert key not in page and key not in str(twin)
