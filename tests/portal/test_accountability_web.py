"""Accountability in the web app, on SQLite and PostgreSQL: the permission matrix over every
new route (every role, the area roles and a user of another board included, against the
permission service; over HTTP, one role of each scope), the governance log from meeting to
published summary, the anonymous feedback form and its moderation, and what the public
sees."""

from __future__ import annotations

import datetime as dt
import re
from functools import partial

import pytest
from fastapi.testclient import TestClient

from missionmonitor import config
from missionmonitor.accountability import governance
from missionmonitor.errors import MethodInputError
from missionmonitor.portal import accounts
from missionmonitor.portal.db import connect, session_scope
from missionmonitor.portal.models import Action, FeedbackResponse, Meeting
from missionmonitor.portal.permissions import can
from missionmonitor.refdata.geography import Geography
from missionmonitor.web.app import create_app
from tests.helpers import CHEAP, PASSWORD, Actor, scotland, site_settings
from tests.helpers import sign_in as sign_in_at

ADP, IA, BOARD, HIGHLAND = "S11000015", "S37000034", "S08000031", "S08000022"
# name → (role, area): Glasgow City's ADP and Integration Authority, its board (Greater
# Glasgow and Clyde), and a user of another board (Highland).
ROLES = {
    "sub": ("adp_submitter", ADP),
    "app": ("adp_approver", ADP),
    "ia": ("ia_officer", IA),
    "ijb": ("ijb_member", IA),
    "hb": ("health_board_officer", BOARD),
    "hbh": ("health_board_officer", HIGHLAND),
    "ana": ("phs_analyst", None),
    "gov": ("government_viewer", None),
    "mod": ("mat_moderator", None),
    "sec": ("oversight_secretariat", None),
    "adm": ("administrator", None),
}
# The groups (one per kind of area) and who logs each meeting before the tests.
GROUPS = {
    "national": "national_mission_oversight",
    "board": f"board_{BOARD.lower()}",
    "ijb": f"ijb_{IA.lower()}",
    "adp": f"adp_{ADP.lower()}",
    "highland": f"board_{HIGHLAND.lower()}",
}
# Each group's area.
AREAS = {"national": "S92000003", "board": BOARD, "ijb": IA, "adp": ADP, "highland": HIGHLAND}
# Over HTTP, a role of each scope: an ADP's, an Integration Authority's, a board's (another
# board: Highland), national.
ONE_OF_EACH_SCOPE = ["app", "ijb", "hbh", "sec"]
GEO = Geography.of(config.load(None))
MAKER = {"national": "sec", "board": "hb", "ijb": "ijb", "adp": "app", "highland": "hbh"}
ALL, NONE = set(GROUPS), set()
# Which groups' meetings each role may record (record_governance: within its area).
RECORD = {
    "sub": NONE,
    "app": {"adp", "ijb"},
    "ia": {"adp", "ijb"},
    "ijb": {"adp", "ijb"},
    "hb": {"board", "ijb", "adp"},
    "hbh": {"highland"},
    "ana": NONE,
    "gov": NONE,
    "mod": NONE,
    "sec": ALL,
    "adm": NONE,
}
# Which meetings each role may read (view_governance: areas overlapping its own).
VIEW = {
    **{n: {"national", "board", "ijb", "adp"} for n in ("sub", "app", "ia", "ijb", "hb")},
    "hbh": {"national", "highland"},
    **{n: ALL for n in ("ana", "gov", "mod", "sec", "adm")},
}
# Whose actions each role may update (update_governance_actions: within its area).
UPDATE = {**RECORD, "sub": {"adp", "ijb"}}


@pytest.fixture
def site(demo_store_copy, app_db_url):
    engine = connect(app_db_url)
    geo = Geography.of(config.load(None))
    made = {}
    with session_scope(engine) as db:
        users = {
            name: accounts.add_user(
                scotland(), db, name, name, role, area, password=PASSWORD, hashing=CHEAP
            )[0]
            for name, (role, area) in ROLES.items()
        }
        for kind, gid in GROUPS.items():
            m = governance.create_meeting(
                db, users[MAKER[kind]], gid, dt.date(2025, 3, 4), f"{kind} meeting", geo
            )
            a = governance.add_action(
                db,
                users[MAKER[kind]],
                m.id,
                f"{kind} action",
                "Lead",
                dt.date(2025, 6, 1),
                "standard:1",
                geo,
            )
            made[kind] = (m.id, a.id)
    engine.dispose()
    client = TestClient(create_app(site_settings(demo_store_copy, app_db_url)))
    client.made = made  # type: ignore[attr-defined]
    client.db_url = app_db_url  # type: ignore[attr-defined]
    return client


sign_in = partial(sign_in_at, page="/portal/governance")


@pytest.mark.parametrize("name", list(ROLES))
def test_the_permissions_behind_the_accountability_routes_for_every_role(name):
    user = Actor(*ROLES[name])
    for kind, area in AREAS.items():
        assert can(user, "view_governance", area, GEO) == (kind in VIEW[name]), (name, kind)
        assert can(user, "record_governance", area, GEO) == (kind in RECORD[name]), (name, kind)
        may_update = can(user, "update_governance_actions", area, GEO)
        assert may_update == (kind in UPDATE[name]), (name, kind)
    assert can(user, "read_feedback", ADP, GEO) == (name in ("sub", "app"))
    assert can(user, "moderate_feedback", ADP, GEO) == (name == "app")
    # The quarterly trajectory is shown to whoever may see the ADP's returns.
    assert can(user, "view_returns", ADP, GEO) == (name != "hbh")


@pytest.mark.parametrize("name", ONE_OF_EACH_SCOPE)
def test_permission_matrix_over_the_governance_routes(site, name):
    csrf = sign_in(site, name)
    log = site.get("/portal/governance")
    assert log.status_code == 200
    for kind, (meeting_id, action_id) in site.made.items():
        listed = f'/portal/governance/meetings/{meeting_id}"' in log.text
        assert listed == (kind in VIEW[name]), (name, kind)
        page = site.get(f"/portal/governance/meetings/{meeting_id}")
        assert page.status_code == (200 if kind in VIEW[name] else 403), (name, kind)
        new = site.post(
            "/portal/governance/meetings",
            data={
                "group_id": GROUPS[kind],
                "held_on": "2025-04-01",
                "title": "Follow-up",
                "csrf_token": csrf,
            },
            follow_redirects=False,
        )
        assert new.status_code == (303 if kind in RECORD[name] else 403), (name, kind)
        decision = site.post(
            f"/portal/governance/meetings/{meeting_id}/decisions",
            data={"text": "Agreed", "links": "indicator:drd_deaths", "csrf_token": csrf},
            follow_redirects=False,
        )
        assert decision.status_code == (303 if kind in RECORD[name] else 403), (name, kind)
        update = site.post(
            f"/portal/governance/actions/{action_id}",
            data={"version": "1", "status": "in progress", "csrf_token": csrf},
            follow_redirects=False,
        )
        assert update.status_code == (303 if kind in UPDATE[name] else 403), (name, kind)


@pytest.mark.parametrize("name", ONE_OF_EACH_SCOPE)
def test_permission_matrix_over_feedback_and_trajectory_routes(site, name):
    csrf = sign_in(site, name)
    engine = connect(site.db_url)
    with session_scope(engine) as db:
        from missionmonitor.accountability import feedback
        from missionmonitor.returns.forms import get_form

        r = feedback.receive(
            db,
            get_form(scotland(), "lived_experience_feedback"),
            ADP,
            {"respondent": "person", "s1_experience": "agree"},
            Geography.of(config.load(None)),
        )
        response_id = r.id
    engine.dispose()
    reads = name in ("sub", "app")
    assert site.get(f"/portal/feedback/{ADP}").status_code == (200 if reads else 403)
    decided = site.post(
        f"/portal/feedback/responses/{response_id}",
        data={"version": "1", "decision": "accept", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert decided.status_code == (303 if name == "app" else 403)
    # The quarterly trajectory is shown to whoever may see the ADP's returns.
    page = site.get(f"/standards/{ADP}/1").text
    assert ("Between benchmarkings" in page) == (name != "hbh")


def test_anonymous_visitors_are_sent_to_sign_in(site):
    meeting_id, action_id = site.made["national"]
    for path in (
        "/portal/governance",
        f"/portal/governance/meetings/{meeting_id}",
        f"/portal/feedback/{ADP}",
    ):
        r = site.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login"
    r = site.post(
        f"/portal/governance/actions/{action_id}",
        data={"version": "1", "status": "done"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/login"


def test_from_meeting_to_published_summary(site):
    csrf = sign_in(site, "sec")
    meeting_id, action_id = site.made["national"]
    url = f"/portal/governance/meetings/{meeting_id}"
    bad = site.post(
        f"{url}/decisions", data={"text": "x", "links": "indicator:nope", "csrf_token": csrf}
    )
    assert bad.status_code == 400 and "unknown links: indicator:nope" in bad.text
    assert (
        site.post(
            f"{url}/decisions",
            data={
                "text": "Ask ADPs for plans",
                "links": "indicator:mat1_same_day_pct, standard:1",
                "csrf_token": csrf,
            },
            follow_redirects=False,
        ).status_code
        == 303
    )
    early = site.post(
        f"{url}/actions",
        data={"title": "T", "owner": "O", "due": "2025-01-01", "links": "", "csrf_token": csrf},
    )
    assert early.status_code == 400 and "due before the meeting" in early.text
    assert "Ask ADPs for plans" not in site.get("/governance").text  # not published yet
    stale = site.post(f"{url}/publish", data={"version": "9", "summary": "S", "csrf_token": csrf})
    assert stale.status_code == 409
    assert (
        site.post(
            f"{url}/publish",
            data={"version": "1", "summary": "We reviewed MAT.", "csrf_token": csrf},
            follow_redirects=False,
        ).status_code
        == 303
    )
    public = TestClient(site.app).get("/governance")
    assert "We reviewed MAT." in public.text and "Ask ADPs for plans" in public.text
    assert 'href="/indicators/mat1_same_day_pct"' in public.text
    twin = TestClient(site.app).get("/governance.json").json()
    assert [m["summary"] for m in twin["meetings"]] == ["We reviewed MAT."]
    # An ADP group does not publish: its meetings never reach the public.
    adp_meeting = site.made["adp"][0]
    refused = site.post(
        f"/portal/governance/meetings/{adp_meeting}/publish",
        data={"version": "1", "summary": "S", "csrf_token": csrf},
    )
    assert refused.status_code == 400 and "does not publish" in refused.text
    # Every step is audited.
    engine = connect(site.db_url)
    with session_scope(engine) as db:
        from sqlalchemy import select

        from missionmonitor.portal.models import AuditEntry

        kinds = {(a.action, a.entity) for a in db.scalars(select(AuditEntry))}
        done = db.get(Action, action_id)
        assert (
            done is not None and done.kind == "governance" and db.get(Meeting, meeting_id).published
        )
    engine.dispose()
    assert {
        ("create", "meeting"),
        ("create", "decision"),
        ("create", "governance_action"),
        ("publish", "meeting"),
    } <= kinds


def test_anonymous_feedback_is_kept_without_identity_and_moderated(site, store_copy):
    form = site.get(f"/feedback?adp={ADP}")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    assert f'<option value="{ADP}" selected>' in form.text
    assert site.post("/feedback", data={"adp": ADP, "csrf_token": "forged"}).status_code == 403
    missing = site.post("/feedback", data={"adp": ADP, "respondent": "person", "csrf_token": token})
    assert missing.status_code == 400 and "Answer at least one" in missing.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', missing.text).group(1)
    wrong = site.post(
        "/feedback",
        data={
            "adp": "S08000031",
            "respondent": "person",
            "s1_experience": "agree",
            "csrf_token": token,
        },
    )
    assert wrong.status_code == 400 and "choose the ADP area" in wrong.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', wrong.text).group(1)
    sent = site.post(
        "/feedback",
        data={
            "adp": ADP,
            "respondent": "person",
            "s1_experience": "agree",
            "comment": "My worker was kind",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert sent.status_code == 303 and sent.headers["location"] == "/feedback?sent=1"
    trap = site.post(
        "/feedback",
        data={
            "adp": ADP,
            "respondent": "person",
            "s1_experience": "agree",
            "website": "spam",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert trap.status_code == 303
    engine = connect(site.db_url)
    with session_scope(engine) as db:
        from sqlalchemy import select

        from missionmonitor.portal.models import AuditEntry

        kept = list(db.scalars(select(FeedbackResponse)))
        assert len(kept) == 1 and kept[0].status == "received"  # the trap kept nothing
        columns = {c.name for c in FeedbackResponse.__table__.columns}
        assert not columns & {"ip", "user_id", "name", "email", "user_agent"}
        audit = [a for a in db.scalars(select(AuditEntry)) if a.entity == "feedback"]
        assert audit and all("kind" not in (a.after or "") for a in audit)
    engine.dispose()
    csrf = sign_in(site, "app")
    inbox = site.get(f"/portal/feedback/{ADP}")
    assert "My worker was kind" in inbox.text
    no_reason = site.post(
        f"/portal/feedback/responses/{kept[0].id}",
        data={"version": "1", "decision": "reject", "csrf_token": csrf},
    )
    assert no_reason.status_code == 400 and "say why" in no_reason.text
    assert (
        site.post(
            f"/portal/feedback/responses/{kept[0].id}",
            data={"version": "1", "decision": "accept", "csrf_token": csrf},
            follow_redirects=False,
        ).status_code
        == 303
    )
    # One answer is too few to publish: the standard's page says so and shows no share (on
    # a site of published figures; a demonstration shows only SYNTHETIC feedback).
    published = TestClient(create_app(site_settings(store_copy, site.db_url)))
    page = published.get(f"/standards/{ADP}/1").text
    assert "too few answers to show" in page and "My worker was kind" not in page


def test_area_roles_need_an_area_of_their_type(engine):
    with session_scope(engine) as db:
        for role, wrong in (
            ("ia_officer", ADP),
            ("health_board_officer", IA),
            ("ijb_member", BOARD),
            ("adp_approver", BOARD),
        ):
            with pytest.raises(MethodInputError, match="needs --area"):
                accounts.add_user(
                    scotland(), db, f"u-{role}", "U", role, wrong, password=PASSWORD, hashing=CHEAP
                )
        with pytest.raises(MethodInputError, match="not scoped"):
            accounts.add_user(
                scotland(),
                db,
                "u-sec",
                "U",
                "oversight_secretariat",
                IA,
                password=PASSWORD,
                hashing=CHEAP,
            )
        assert accounts.add_user(
            scotland(), db, "u-ia", "U", "ia_officer", IA, password=PASSWORD, hashing=CHEAP
        )[0].id
