"""Returns in the web portal (SQLite and PostgreSQL): the form built from its definition,
check your answers, submit, approve or return, uploads, and the permission matrix over
every returns route (every role, an ADP user of another ADP included, against the
permission service; over HTTP, one role of each scope)."""

from __future__ import annotations

import re
from functools import partial

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from missionmonitor import config
from missionmonitor.portal import accounts
from missionmonitor.portal.db import connect, session_scope
from missionmonitor.portal.models import Submission
from missionmonitor.portal.permissions import can
from missionmonitor.refdata.geography import Geography
from missionmonitor.web.app import create_app
from tests.helpers import CHEAP, PASSWORD, Actor, add_users, scotland, site_settings
from tests.helpers import sign_in as sign_in_at
from tests.returns.test_upload import GOOD, csv_bytes

ADP, OTHER = "S11000015", "S11000001"
ROLES = {
    "sub": ("adp_submitter", ADP),
    "app": ("adp_approver", ADP),
    "other": ("adp_submitter", OTHER),
    "ana": ("phs_analyst", None),
    "gov": ("government_viewer", None),
    "adm": ("administrator", None),
    # Area roles: Glasgow City's Integration Authority and IJB, its board, another board.
    "ia": ("ia_officer", "S37000034"),
    "ijb": ("ijb_member", "S37000034"),
    "hb": ("health_board_officer", "S08000031"),
    "hbh": ("health_board_officer", "S08000022"),
    "sec": ("oversight_secretariat", None),
    "mod": ("mat_moderator", None),
}
# Over HTTP, a role of each scope: an ADP's, an Integration Authority's, a board's (another
# board: Highland), national.
ONE_OF_EACH_SCOPE = ["app", "ia", "hbh", "ana"]
GEO = Geography.of(config.load(None))
URL = f"/portal/returns/rehab_quarterly/{ADP}/2024-Q2"
FIELDS = {
    k: v for k, v in GOOD.items() if k not in ("form_id", "form_version", "adp_code", "period")
}


@pytest.fixture
def site(built_store_path, app_db_url):
    add_users(app_db_url, ROLES)
    client = TestClient(create_app(site_settings(built_store_path, app_db_url)))
    client.app_db_url = app_db_url  # type: ignore[attr-defined]
    return client


sign_in = partial(sign_in_at, page="/portal/governance")


def rows_held(client) -> int:
    with session_scope(connect(client.app_db_url)) as db:
        return db.scalar(select(func.count()).select_from(Submission)) or 0


def version_on(page: str) -> str:
    return re.search(r'name="version" value="([^"]*)"', page).group(1)


def test_fill_check_submit_and_approve(site):
    csrf = sign_in(site, "sub")
    form = site.get(URL).text
    assert "Placements approved" in form and "Save as draft" in form
    bad = {**FIELDS, "placements_drugs": "6", "csrf_token": csrf, "action": "check"}
    checked = site.post(URL, data=bad)
    assert checked.status_code == 200 and "Fix these before you submit" in checked.text
    assert "must add up" in checked.text and "Submit the return" not in checked.text
    page = site.get(URL).text
    fixed = {
        **FIELDS,
        "estimated_cost_gbp": "900000",
        "csrf_token": csrf,
        "action": "check",
        "version": version_on(page),
    }
    checked = site.post(URL, data=fixed)
    assert "Submit the return" in checked.text and "£60,000" in checked.text
    version = version_on(checked.text)
    refused = site.post(URL + "/submit", data={"csrf_token": csrf, "version": version})
    assert refused.status_code == 400  # the warning has no comment yet
    done = site.post(
        URL + "/submit",
        data={
            "csrf_token": csrf,
            "version": version,
            "comment_cost_per_placement": "Two long stays",
        },
    )
    assert "Your return was submitted" in done.text
    approver = TestClient(site.app)
    app_csrf = sign_in(approver, "app")
    page = approver.get(URL).text
    assert "Approve" in page
    approver.post(
        URL + "/decide",
        data={"decision": "approve", "version": version_on(page), "csrf_token": app_csrf},
    )
    assert "approved" in site.get(URL).text and "Save as draft" not in site.get(URL).text


def test_upload_good_file_makes_drafts_and_bad_file_keeps_nothing(site):
    csrf = sign_in(site, "sub")
    good = site.post(
        "/portal/returns/rehab_quarterly/upload",
        data={"csrf_token": csrf},
        files={"file": ("q2.csv", csv_bytes(GOOD), "text/csv")},
    )
    assert good.status_code == 200 and "uploaded 1 draft" in good.text
    assert rows_held(site) == 1
    bad = csv_bytes({**GOOD, "period": "2024-Q3"}, {**GOOD, "period": "2024-Q4", "adp_code": OTHER})
    refused = site.post(
        "/portal/returns/rehab_quarterly/upload",
        data={"csrf_token": csrf},
        files={"file": ("q3.csv", bad, "text/csv")},
    )
    assert refused.status_code == 400 and "nothing was kept" in refused.text
    assert "row 3" in refused.text and "scope" in refused.text
    assert rows_held(site) == 1  # the good row of the bad file was not kept either


UPLOAD = {
    "sub": 200,
    "app": 200,
    "other": 400,
    "ana": 403,
    "gov": 403,
    "adm": 403,
    "ia": 403,
    "ijb": 403,
    "hb": 403,
    "hbh": 403,
    "sec": 403,
    "mod": 403,
}
# Outcome for each role: may they see, edit (save), and decide this ADP's return?
EXPECT = {
    "sub": (200, 303, 403),
    "app": (200, 303, None),
    "other": (403, 403, 403),
    "ana": (200, 403, 403),
    "gov": (200, 403, 403),
    "adm": (200, 403, 403),
    # Area roles see the returns of the ADPs in their area and change none.
    "ia": (200, 403, 403),
    "ijb": (200, 403, 403),
    "hb": (200, 403, 403),
    "hbh": (403, 403, 403),
    "sec": (200, 403, 403),
    "mod": (200, 403, 403),
}


@pytest.mark.parametrize("name", list(ROLES))
def test_the_permissions_behind_the_returns_routes_for_every_role(name):
    user = Actor(*ROLES[name])
    see, save, decide = EXPECT[name]
    assert can(user, "view_returns", ADP, GEO) == (see == 200)
    assert can(user, "edit_returns", ADP, GEO) == (save == 303)
    assert can(user, "approve_returns", ADP, GEO) == (decide is None)
    # Uploading is for whoever may edit some ADP's returns (each row is then checked).
    assert can(user, "edit_returns", None, GEO) == (UPLOAD[name] != 403)
    assert can(user, "edit_returns", OTHER, GEO) == (name == "other")


@pytest.mark.parametrize("name", ONE_OF_EACH_SCOPE)
def test_permission_matrix_over_every_returns_route(site, name):
    author = TestClient(site.app)
    csrf = sign_in(author, "sub")
    author.post(URL, data={**FIELDS, "csrf_token": csrf, "action": "save"})
    version = version_on(author.get(URL).text)
    author.post(URL + "/submit", data={"csrf_token": csrf, "version": version})
    with session_scope(connect(site.app_db_url)) as db:
        submitted_version = str(db.scalar(select(Submission.version)))
    see, save, decide = EXPECT[name]
    mine = sign_in(site, name)
    assert site.get(URL, follow_redirects=False).status_code == see
    assert site.get(URL + "/check", follow_redirects=False).status_code == see
    # Submitting again: refused as already submitted for the ADP's own users, forbidden
    # for everyone else.
    again = site.post(
        URL + "/submit",
        data={"csrf_token": mine, "version": submitted_version},
        follow_redirects=False,
    )
    assert again.status_code == (400 if name in ("sub", "app") else 403)
    other_url = URL.replace("2024-Q2", "2024-Q3")
    r = site.post(
        other_url, data={**FIELDS, "csrf_token": mine, "action": "save"}, follow_redirects=False
    )
    assert r.status_code == save
    r = site.post(
        URL + "/decide",
        data={
            "decision": "return",
            "comment": "Check costs",
            "version": submitted_version,
            "csrf_token": mine,
        },
        follow_redirects=False,
    )
    assert r.status_code == (303 if decide is None else decide)
    r = site.post(
        "/portal/returns/rehab_quarterly/upload",
        data={"csrf_token": mine},
        files={"file": ("q.csv", csv_bytes({**GOOD, "period": "2024-Q4"}), "text/csv")},
    )
    # ADP users may upload, but only for their own ADP (the other ADP's row is refused);
    # the other roles may not upload at all.
    assert r.status_code == UPLOAD[name]
    listing = site.get("/portal/returns")
    assert listing.status_code == 200
    assert ("Glasgow City" in listing.text) == (name not in ("other", "hbh"))


def test_returns_need_sign_in_and_the_form_token(site):
    for path in ("/portal/returns", URL, URL + "/check"):
        r = TestClient(site.app).get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login"
    sign_in(site, "sub")
    assert site.post(URL, data={**FIELDS, "csrf_token": "forged"}).status_code == 403
    assert rows_held(site) == 0


def test_answers_are_prefilled_from_national_data(store_copy, app_db_url, tmp_path):
    from missionmonitor.services.ingest import ingest

    national = tmp_path / "national.csv"
    national.write_text(
        "area_type,area_code,form_id,form_version,measure,period,value,source\n"
        f"adp,{ADP},national,1,waiting_times_within_3_weeks_pct,2024/25,88.5,"
        "MM_ADP_RETURNS\n"
    )
    ingest(scotland(), store_copy, "adp_returns", national)
    engine = connect(app_db_url)
    with session_scope(engine) as db:
        accounts.add_user(
            scotland(), db, "sub", "sub", "adp_submitter", ADP, password=PASSWORD, hashing=CHEAP
        )
    engine.dispose()
    client = TestClient(create_app(site_settings(store_copy, app_db_url)))
    sign_in(client, "sub")
    page = client.get(f"/portal/returns/adp_annual_survey/{ADP}/2024-25").text
    assert 'name="waiting_times_met_pct" value="88.5"' in page
    assert "Filled in from national data" in page
    # No national figure for another year: nothing is filled in.
    earlier = client.get(f"/portal/returns/adp_annual_survey/{ADP}/2023-24").text
    assert "Filled in from national data" not in earlier
    assert 'name="waiting_times_met_pct" value=""' in earlier


def test_recent_periods_and_the_period_picker(site):
    import datetime as dt

    from missionmonitor.periods import recent_periods

    assert recent_periods("quarter", dt.date(2024, 2, 10), 3) == ["2023-Q4", "2023-Q3", "2023-Q2"]
    assert recent_periods("financial_year", dt.date(2024, 2, 10), 2) == ["2022/23", "2021/22"]
    assert recent_periods("financial_year", dt.date(2024, 4, 1), 1) == ["2023/24"]
    sign_in(site, "sub")
    default = site.get("/portal/returns").text
    options = recent_periods("quarter", dt.date.today())
    assert f'<option value="{options[0]}" selected>' in default
    chosen = site.get(f"/portal/returns?form=rehab_quarterly&period={options[2]}").text
    assert f'<option value="{options[2]}" selected>' in chosen
    # An unknown period falls back to the latest rather than failing.
    assert site.get("/portal/returns?form=rehab_quarterly&period=1999-Q9").status_code == 200


def test_an_approver_who_rewrote_the_draft_cannot_approve_it(site):
    """Separation of duties through the site: the approver edits the submitter's draft, the
    submitter submits it, and the approver's decision is refused with the reason."""
    author = TestClient(site.app)
    csrf = sign_in(author, "sub")
    author.post(URL, data={**FIELDS, "csrf_token": csrf, "action": "save"})
    approver = TestClient(site.app)
    app_csrf = sign_in(approver, "app")
    seen = version_on(approver.get(URL).text)
    approver.post(
        URL,
        data={
            **FIELDS,
            "placements_women": "3",
            "csrf_token": app_csrf,
            "action": "save",
            "version": seen,
        },
    )
    author.post(
        URL + "/submit", data={"csrf_token": csrf, "version": version_on(author.get(URL).text)}
    )
    assert "Approve" not in approver.get(URL).text  # the decision is not offered
    with session_scope(connect(site.app_db_url)) as db:
        version = str(db.scalar(select(Submission.version)))
    refused = approver.post(
        URL + "/decide", data={"decision": "approve", "csrf_token": app_csrf, "version": version}
    )
    assert refused.status_code == 400 and "did not create, edit or submit" in refused.text
    with session_scope(connect(site.app_db_url)) as db:
        assert db.scalar(select(Submission.status)) == "submitted"


def test_saving_the_form_keeps_the_comments_on_warnings(site):
    csrf = sign_in(site, "sub")
    site.post(
        URL, data={**FIELDS, "estimated_cost_gbp": "900000", "csrf_token": csrf, "action": "save"}
    )
    site.post(
        URL + "/submit",
        data={
            "csrf_token": csrf,
            "version": version_on(site.get(URL).text),
            "comment_cost_per_placement": "Two long stays",
        },
    )
    with session_scope(connect(site.app_db_url)) as db:
        s = db.scalar(select(Submission))
        assert s.status == "submitted" and "Two long stays" in s.comments
