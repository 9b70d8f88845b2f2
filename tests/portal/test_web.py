"""The portal in the web app: sign-in, CSRF on every form, the permission matrix over every
portal route (every role against the permission service; over HTTP, one role of each
scope), actions on the area profile. On SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from missionmonitor import config
from missionmonitor.portal.permissions import can
from missionmonitor.refdata.geography import Geography
from missionmonitor.store.connection import Store
from missionmonitor.surveillance.early_warning import ALERT_COLUMNS, get_series, store_scan
from missionmonitor.web.app import create_app
from tests.helpers import PASSWORD, Actor, add_users, csrf_on, scotland, sign_in, site_settings

GLASGOW_BOARD, HIGHLAND_BOARD = "S08000031", "S08000022"
ALERTS = pd.DataFrame(
    [
        (
            "nonfatal_overdoses",
            GLASGOW_BOARD,
            "2024-03-04",
            "EARS C1",
            30.0,
            12.0,
            20.0,
            2.25,
            True,
        ),
        ("nonfatal_overdoses", HIGHLAND_BOARD, "2024-03-04", "EARS C1", 15.0, 5.0, 9.0, 2.5, True),
    ],
    columns=ALERT_COLUMNS,
)
# name → (role, ADP): Glasgow City ADP lies in Greater Glasgow and Clyde, not in Highland.
ROLES = {
    "sub": ("adp_submitter", "S11000015"),
    "app": ("adp_approver", "S11000015"),
    "ana": ("phs_analyst", None),
    "gov": ("government_viewer", None),
    "adm": ("administrator", None),
    "ia": ("ia_officer", "S37000034"),
    "ijb": ("ijb_member", "S37000034"),
    "hb": ("health_board_officer", GLASGOW_BOARD),
    "sec": ("oversight_secretariat", None),
}
# Over HTTP, a role of each scope: an ADP's, an Integration Authority's, a board's, national.
ONE_OF_EACH_SCOPE = ["sub", "ia", "hb", "ana"]
GEO = Geography.of(config.load(None))


@pytest.fixture
def site(demo_store_copy, app_db_url):
    counts = pd.DataFrame(
        {
            "area_code": [GLASGOW_BOARD, HIGHLAND_BOARD],
            "period": ["2024-03-04"] * 2,
            "count": [30.0, 15.0],
            "synthetic": True,
        }
    )
    with Store.open(demo_store_copy, scotland()) as store:
        store_scan(store, get_series(scotland(), "nonfatal_overdoses"), counts, ALERTS)
    add_users(app_db_url, ROLES)
    return TestClient(create_app(site_settings(demo_store_copy, app_db_url)))


def create(client, csrf, area=GLASGOW_BOARD):
    return client.post(
        "/portal/actions",
        data={
            "scan_id": "1",
            "series_id": "nonfatal_overdoses",
            "area_code": area,
            "period": "2024-03-04",
            "method": "EARS C1",
            "title": "Follow up",
            "owner": "Lead",
            "csrf_token": csrf,
        },
        follow_redirects=False,
    )


def test_sign_in_needs_the_form_token_and_the_right_password(site):
    assert site.get("/portal", follow_redirects=False).headers["location"] == "/login"
    r = site.post("/login", data={"username": "ana", "password": PASSWORD, "csrf_token": "x"})
    assert r.status_code == 403
    token = re.search(r'value="([^"]+)"', site.get("/login").text).group(1)
    r = site.post("/login", data={"username": "ana", "password": "nope", "csrf_token": token})
    assert r.status_code == 400 and "not right" in r.text and "There is a problem" in r.text


def test_the_session_cookie_is_http_only_and_same_site(site):
    r = site.post(
        "/login",
        data={"username": "ana", "password": PASSWORD, "csrf_token": csrf_on(site, "/login")},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    assert "httponly" in r.headers["set-cookie"].lower()
    assert "samesite=lax" in r.headers["set-cookie"].lower()


def test_every_form_checks_the_csrf_token(site):
    csrf = sign_in(site, "ana")
    assert create(site, "forged").status_code == 403
    created = create(site, csrf)
    assert created.status_code == 303
    url = created.headers["location"]
    for path, data in (
        (url, {"version": "1", "note": "x"}),
        (url + "/close", {"version": "1", "closure_note": "x"}),
        ("/logout", {}),
    ):
        assert site.post(path, data={**data, "csrf_token": "forged"}).status_code == 403


# Expected status per role for each route: 200/303 allowed, 403 refused, 303→login anonymous.
MATRIX = {
    # route: {role: (own board's outcome, other board's outcome)}
    "view_portal": {
        "sub": 200,
        "app": 200,
        "ana": 200,
        "gov": 200,
        "adm": 200,
        "ia": 200,
        "ijb": 200,
        "hb": 200,
        "sec": 200,
    },
    # A board's alerts are read-only to the ADPs in it: they see them, act on their own.
    "create_action": {
        "sub": (403, 403),
        "app": (403, 403),
        "ana": (303, 303),
        "gov": (403, 403),
        "adm": (303, 303),
        # A board officer acts on its own board's alerts; an Integration Authority officer
        # only within its authority; IJB members and the secretariat see but do not act.
        "ia": (403, 403),
        "ijb": (403, 403),
        "hb": (303, 403),
        "sec": (403, 403),
    },
}


@pytest.mark.parametrize("name", list(ROLES))
def test_the_permissions_behind_the_portal_routes_for_every_role(name):
    role, area = ROLES[name]
    user = Actor(role, area)
    own, other = MATRIX["create_action"][name]
    assert can(user, "manage_actions", GLASGOW_BOARD, GEO) == (own == 303)
    assert can(user, "manage_actions", HIGHLAND_BOARD, GEO) == (other == 303)
    # Scoped users see only alerts in areas overlapping their ADP.
    assert can(user, "view_alerts", HIGHLAND_BOARD, GEO) == (area is None)
    # An action on a Highland alert: seen by national roles, changed by analysts and admins.
    may_edit = role in ("phs_analyst", "administrator")
    assert can(user, "manage_actions", HIGHLAND_BOARD, GEO) == may_edit


@pytest.mark.parametrize("name", ONE_OF_EACH_SCOPE)
def test_permission_matrix_over_every_portal_route(site, name):
    csrf = sign_in(site, name)
    assert site.get("/portal").status_code == MATRIX["view_portal"][name]
    portal = site.get("/portal").text
    # Scoped users see only alerts in areas overlapping their ADP.
    assert ("NHS Highland" in portal) == (ROLES[name][1] is None)
    own, other = MATRIX["create_action"][name]
    assert create(site, csrf, GLASGOW_BOARD).status_code == own
    assert create(site, csrf, HIGHLAND_BOARD).status_code == other


@pytest.mark.parametrize("name", ONE_OF_EACH_SCOPE)
def test_action_routes_for_every_role(site, name):
    analyst = TestClient(site.app)
    made = create(analyst, sign_in(analyst, "ana"), HIGHLAND_BOARD)  # outside Glasgow's ADP
    url = made.headers["location"]
    csrf = sign_in(site, name)
    scoped = ROLES[name][1] is not None
    may_edit = ROLES[name][0] in ("phs_analyst", "administrator")
    assert site.get(url).status_code == (403 if scoped else 200)
    update = site.post(
        url, data={"version": "1", "note": "n", "csrf_token": csrf}, follow_redirects=False
    )
    assert update.status_code == (303 if may_edit else 403)
    version = "2" if may_edit else "1"
    form = {"version": version, "closure_note": "done", "csrf_token": csrf}
    close = site.post(url + "/close", data=form, follow_redirects=False)
    assert close.status_code == (303 if may_edit else 403)


def test_anonymous_visitors_are_sent_to_sign_in(site):
    for path in ("/portal", "/portal/actions/1"):
        r = site.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login"
    assert site.post("/portal/actions", data={}, follow_redirects=False).status_code == 303


def test_a_stale_edit_is_refused_with_a_message(site):
    csrf = sign_in(site, "ana")
    url = create(site, csrf).headers["location"]
    assert (
        site.post(
            url, data={"version": "1", "owner": "A", "csrf_token": csrf}, follow_redirects=False
        ).status_code
        == 303
    )
    stale = site.post(url, data={"version": "1", "owner": "B", "csrf_token": csrf})
    assert stale.status_code == 409 and "changed by someone else" in stale.text


def test_a_boards_action_is_read_only_to_an_adp_in_it(site):
    analyst = TestClient(site.app)
    url = create(analyst, sign_in(analyst, "ana")).headers["location"]
    csrf = sign_in(site, "sub")
    page = site.get(url)
    assert page.status_code == 200 and "Follow up" in page.text
    for path, data in (
        (url, {"version": "1", "note": "x"}),
        (url + "/close", {"version": "1", "closure_note": "x"}),
    ):
        assert site.post(path, data={**data, "csrf_token": csrf}).status_code == 403


def test_actions_appear_on_the_area_profile_only_when_signed_in(site):
    analyst = TestClient(site.app)
    create(analyst, sign_in(analyst, "ana"))
    sign_in(site, "sub")
    signed = site.get(f"/areas/{GLASGOW_BOARD}")
    assert "Actions on early-warning alerts" in signed.text and "Follow up" in signed.text
    assert signed.headers["cache-control"] == "no-store"
    public = TestClient(site.app).get(f"/areas/{GLASGOW_BOARD}")
    assert "Actions on early-warning alerts" not in public.text
