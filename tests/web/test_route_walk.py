"""Walks every route of the app: an anonymous request to a signed-in address gets the same
answer whether the record it names exists or not, and every HTML page links its own JSON
twin (or, having none, links none)."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from missionmonitor import config
from missionmonitor.accountability import feedback, governance
from missionmonitor.periods import recent_periods
from missionmonitor.portal import accounts
from missionmonitor.portal import actions as action_service
from missionmonitor.portal.db import connect, session_scope
from missionmonitor.portal.models import Attachment
from missionmonitor.refdata.geography import Geography
from missionmonitor.returns import workflow as return_workflow
from missionmonitor.returns.forms import get_form
from missionmonitor.standards.workflow import propose
from missionmonitor.web.app import create_app
from tests.helpers import CHEAP, scotland, site_settings

PASSWORD = "correct horse battery"
ADP, BOARD = "S11000015", "S08000031"
FORM = "adp_funding"
#: Who may see each kind of signed-in page (the first of them to get a 200 is used).
USERS = {
    "ana": ("phs_analyst", None),
    "sub": ("adp_submitter", ADP),
    "app": ("adp_approver", ADP),
    "sec": ("oversight_secretariat", None),
    "hb": ("health_board_officer", BOARD),
}
MISSING = 987654


def routes(app: Any) -> Iterator[APIRoute]:
    """Every API route of ``app``, through included routers."""
    pending = list(app.routes)
    while pending:
        route = pending.pop(0)
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):
            pending.extend(route.original_router.routes)


@pytest.fixture(scope="module")
def site(demo_store_path, tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('walk')}/portal.sqlite3"
    geo = Geography.of(config.load(None))
    engine = connect(url)
    with session_scope(engine) as db:
        users = {
            n: accounts.add_user(scotland(), db, n, n, r, a, password=PASSWORD, hashing=CHEAP)[0]
            for n, (r, a) in USERS.items()
        }
        alert = {
            "series_id": "nonfatal_overdoses",
            "area_code": BOARD,
            "period": "2024-03-04",
            "method": "EARS C1",
            "scan_id": 1,
        }
        action = action_service.create_action(db, users["hb"], alert, "Follow up", "Lead", geo)
        meeting = governance.create_meeting(
            db, users["sec"], "national_mission_oversight", dt.date(2025, 3, 4), "Oversight", geo
        )
        agreed = governance.add_action(
            db, users["sec"], meeting.id, "Review", "Lead", dt.date(2025, 6, 1), "", geo
        )
        grade = propose(
            db,
            users["ana"],
            ADP,
            1,
            2024,
            {"process": "full", "numerical": "full", "experiential": "partial"},
            "phs",
            "Draft",
            geo,
        )
        form = get_form(scotland(), FORM)
        period = recent_periods(form.period_type, dt.date.today())[0]
        draft = return_workflow.save_draft(
            db, users["sub"], form, ADP, period, {}, None, None, geo=geo
        )
        attachment = Attachment(
            submission_id=draft.id,
            question="q",
            filename="evidence.txt",
            content_type="text/plain",
            size=2,
            sha256="0" * 64,
            content=b"hi",
            uploaded_by=users["sub"].id,
        )
        db.add(attachment)
        response = feedback.receive(
            db,
            get_form(scotland(), "lived_experience_feedback"),
            ADP,
            {"respondent": "person", "s1_experience": "agree"},
            geo,
        )
        db.flush()
        real = {
            "action_id": action.id,
            "meeting_id": meeting.id,
            "grade_id": grade.id,
            "attachment_id": attachment.id,
            "response_id": response.id,
            "form_id": FORM,
            "adp": ADP,
            "period": period.replace("/", "-"),
            "question": "q",
            "number": 1,
            "code": ADP,
            "outcome_id": "",
            "indicator_id": "",
        }
        real["governance_action"] = agreed.id
    engine.dispose()
    client = TestClient(create_app(site_settings(demo_store_path, url)))
    home = client.get("/index.json").json()
    outcomes = client.get("/outcomes.json").json()
    real["outcome_id"] = outcomes["outcomes"][0]["id"]
    real["indicator_id"] = client.get("/indicators.json").json()["indicators"][0]["id"]
    assert home["title"]
    client.real = real  # type: ignore[attr-defined]
    return client


def fill(path: str, values: dict[str, Any]) -> str:
    """``path`` with each {parameter} replaced by its value."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "action_id" and path.startswith("/portal/governance/"):
            name = "governance_action"
        return str(values[name])

    return re.sub(r"\{(\w+)\}", value, path)


def nonexistent(values: dict[str, Any]) -> dict[str, Any]:
    """Every parameter naming something that is not there."""
    out: dict[str, Any] = {k: MISSING for k in values}
    out.update(
        form_id="no_such_form",
        adp="S11999999",
        period="1901-02",
        question="nope",
        code="S11999999",
    )
    return out


def signed_in_routes(app: Any) -> list[tuple[str, str]]:
    return sorted(
        (method, r.path)
        for r in routes(app)
        if r.path.startswith("/portal")
        for method in r.methods
        if method in ("GET", "POST")
    )


def test_the_walk_finds_every_kind_of_signed_in_route(site):
    found = signed_in_routes(site.app)
    assert ("GET", "/portal/actions/{action_id}") in found
    assert ("POST", "/portal/governance/actions/{action_id}") in found
    assert ("GET", "/portal/attachments/{attachment_id}") in found
    assert ("POST", "/portal/grades/{grade_id}/moderate") in found
    assert len(found) >= 20


def test_anonymous_requests_learn_nothing_about_which_records_exist(site):
    anonymous = TestClient(site.app)
    for method, path in signed_in_routes(site.app):
        answers = []
        for values in (site.real, nonexistent(site.real)):
            url = fill(path, values)
            r = anonymous.request(
                method,
                url,
                data={"csrf_token": "x", "version": "1"} if method == "POST" else None,
                follow_redirects=False,
            )
            answers.append((r.status_code, r.headers.get("location"), r.content))
        assert answers[0] == answers[1], (method, path)
        assert answers[0][:2] == (303, "/login"), (method, path, answers[0][:2])


def _twin_link(text: str) -> str | None:
    links = re.findall(r'<link rel="alternate" type="application/json" href="([^"]*)"', text)
    footer = re.findall(r'<a href="([^"]*)">This page as JSON</a>', text)
    assert links == footer, "the head and the footer name the same twin"
    return html.unescape(links[0]) if links else None


def _own_twin(path: str) -> str:
    return "/index.json" if path == "/" else f"{path}.json"


def html_pages(app: Any) -> list[str]:
    """The GET routes that answer with a page (not a JSON twin, a download or a report)."""
    return sorted(
        r.path
        for r in routes(app)
        if "GET" in r.methods
        and not re.search(r"\.(json|csv|\{fmt\})$", r.path)
        and not r.path.startswith(("/api/", "/portal/attachments/"))
        and r.path != "/api/docs"
    )


def test_every_page_links_its_own_json_twin(site):
    twins = {r.path for r in routes(site.app) if r.path.endswith(".json")}
    clients = {}
    for name in USERS:
        client = TestClient(site.app)
        form = client.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        signed = client.post(
            "/login",
            data={"username": name, "password": PASSWORD, "csrf_token": token},
            follow_redirects=False,
        )
        assert signed.status_code == 303
        clients[name] = client
    pages = html_pages(site.app)
    assert "/portal/returns/{form_id}/{adp}/{period}/check" in pages and "/" in pages
    for path in pages:
        url = fill(path, site.real)
        # Public pages as the public sees them, then signed-in pages as a suitable role.
        tried = [TestClient(site.app), *clients.values()]
        opened = next(
            ((c, r) for c in tried if (r := c.get(url, follow_redirects=False)).status_code == 200),
            None,
        )
        assert opened is not None, f"no one could open {url}"
        opener, page = opened
        link = _twin_link(page.text)
        if _own_twin(path) in twins:
            assert link == _own_twin(url), (path, link)
            # The twin as whoever opened the page sees it: the same title.
            twin = opener.get(link)
            assert twin.status_code == 200, (link, twin.status_code)
            title = re.search(r"<title>(.*?) – Mission Monitor</title>", page.text, re.S)
            assert json.loads(twin.text)["title"] == html.unescape(title.group(1))
        else:
            assert link is None, (path, link)
    signed_in_twins = {p for p in twins if p.startswith("/portal")}
    assert {"/portal.json", "/portal/returns.json", "/portal/governance.json"} <= signed_in_twins


def test_a_twin_keeps_the_page_s_query(site):
    page = TestClient(site.app).get("/indicators?q=death")
    assert _twin_link(page.text) == "/indicators.json?q=death"
