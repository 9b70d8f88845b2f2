"""The signed-in pages' JSON twins (SQLite and PostgreSQL): each answers as its page does
(a redirect to sign in for the public, a refusal for a user outside the area), with the
page's own content and nothing held back from it: no CSRF token, no account, no file."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from fastapi.testclient import TestClient

from missionmonitor import config
from missionmonitor.accountability import feedback
from missionmonitor.periods import recent_periods
from missionmonitor.portal import actions as action_service
from missionmonitor.portal.db import connect, session_scope
from missionmonitor.portal.models import Attachment, User
from missionmonitor.refdata.geography import Geography
from missionmonitor.returns import workflow
from missionmonitor.returns.forms import get_form
from missionmonitor.services.adp_returns import address
from missionmonitor.web.app import create_app
from tests.helpers import CSRF, add_users, log_in, scotland, site_settings

ADP, OTHER = "S11000015", "S11000001"
BOARD, OTHER_BOARD = "S08000031", "S08000022"
ROLES = {
    "sub": ("adp_submitter", ADP),
    "other": ("adp_submitter", OTHER),
    "hb": ("health_board_officer", BOARD),
    "hbh": ("health_board_officer", OTHER_BOARD),
    "ana": ("phs_analyst", None),
}
GEO = Geography.of(config.load(None))
CONTENT = b"the evidence file's own words"


@pytest.fixture
def site(built_store_path, app_db_url):
    users = add_users(app_db_url, ROLES)
    form = get_form(scotland(), "adp_funding")
    period = recent_periods(form.period_type, dt.date.today())[0]
    engine = connect(app_db_url)
    with session_scope(engine) as db:
        hb, sub = (db.get(User, users[n].id) for n in ("hb", "sub"))
        alert = {
            "series_id": "nonfatal_overdoses",
            "area_code": BOARD,
            "period": "2024-03-04",
            "method": "EARS C1",
            "scan_id": 1,
        }
        action = action_service.create_action(db, hb, alert, "Follow up", "Lead", GEO)
        draft = workflow.save_draft(db, sub, form, ADP, period, {}, None, None, geo=GEO)
        db.add(
            Attachment(
                submission_id=draft.id,
                question="q",
                filename="evidence.txt",
                content_type="text/plain",
                size=len(CONTENT),
                sha256="0" * 64,
                content=CONTENT,
                uploaded_by=sub.id,
            )
        )
        feedback.receive(
            db,
            get_form(scotland(), "lived_experience_feedback"),
            ADP,
            {"respondent": "person", "s1_experience": "agree"},
            GEO,
        )
        action_id = action.id
    engine.dispose()
    app = create_app(site_settings(built_store_path, app_db_url))
    return app, {"action": f"/portal/actions/{action_id}", "return": address(form.id, ADP, period)}


def _as(app, name: str | None) -> TestClient:
    client = TestClient(app)
    if name is not None:
        log_in(client, name)
    return client


def _twins(paths: dict[str, str]) -> list[str]:
    return [
        "/portal.json",
        f"{paths['action']}.json",
        "/portal/returns.json",
        f"{paths['return']}.json",
        f"{paths['return']}/check.json",
        "/portal/governance.json",
        f"/portal/feedback/{ADP}.json",
    ]


def test_each_twin_answers_the_public_as_its_page_does(site):
    app, paths = site
    anonymous = _as(app, None)
    for twin in _twins(paths):
        page = anonymous.get(twin.removesuffix(".json"), follow_redirects=False)
        answer = anonymous.get(twin, follow_redirects=False)
        assert (answer.status_code, answer.headers.get("location")) == (303, "/login"), twin
        assert (page.status_code, page.headers.get("location")) == (303, "/login"), twin


@pytest.mark.parametrize(
    ("name", "twin"),
    [
        ("other", "return"),  # another ADP's return
        ("other", "check"),
        ("other", "feedback"),  # feedback about another ADP
        ("hbh", "action"),  # an action on another board's alert
    ],
)
def test_a_user_outside_the_area_is_refused_by_the_twin_as_by_the_page(site, name, twin):
    app, paths = site
    address_of = {
        "return": paths["return"],
        "check": f"{paths['return']}/check",
        "feedback": f"/portal/feedback/{ADP}",
        "action": paths["action"],
    }[twin]
    client = _as(app, name)
    page = client.get(address_of, follow_redirects=False)
    answer = client.get(f"{address_of}.json", follow_redirects=False)
    assert page.status_code == 403
    assert answer.status_code == page.status_code
    assert answer.headers["content-type"].startswith("application/json")
    assert set(answer.json()) == {"error", "detail"}


def test_a_twin_shows_its_page_and_holds_back_tokens_accounts_and_files(site):
    app, paths = site
    owners = {"/portal.json": "hb", f"{paths['action']}.json": "hb"}
    for twin in _twins(paths):
        client = _as(app, owners.get(twin, "sub"))
        page = client.get(twin.removesuffix(".json"))
        answer = client.get(twin)
        assert answer.status_code == 200 == page.status_code, twin
        assert answer.headers["cache-control"] == "no-store"
        text = answer.text
        body = json.loads(text)
        assert body["title"] and body["title"] in page.text.replace("&#39;", "'")
        assert "csrf" not in body and "user" not in body
        held_back = ["$argon2", CONTENT.decode(), client.cookies["mm_session"]]
        held_back += CSRF.findall(page.text)  # the session's form token, on pages with forms
        for secret in held_back:
            assert secret not in text, (twin, secret)
    attached = _as(app, "sub").get(f"{paths['return']}.json").json()
    assert [f["filename"] for f in attached["files"]] == ["evidence.txt"]
    assert attached["form"]["id"] == "adp_funding" and attached["editable"] is True
    action = _as(app, "hb").get(f"{paths['action']}.json").json()
    assert action["action"]["title"] == "Follow up" and action["may_edit"] is True
