"""The MAT standards grading workflow on SQLite and PostgreSQL: propose, moderate (confirm
or change with a reason), publish only moderated grades, who sees what, improvement
actions with overdue flags."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from missionmonitor import config
from missionmonitor.errors import MethodInputError, PermissionDenied, StaleEditError
from missionmonitor.portal import accounts
from missionmonitor.portal.db import session_scope
from missionmonitor.portal.models import AuditEntry, StandardGrade
from missionmonitor.refdata.geography import Geography
from missionmonitor.standards.workflow import (
    actions_for,
    add_action,
    history,
    moderate,
    propose,
    set_action_status,
    visible,
)
from tests.helpers import CHEAP, scotland

GEO = Geography.of(config.load(None))
ADP, OTHER = "S11000015", "S11000001"
PASSWORD = "correct horse battery"
PARTLY = {"process": "full", "numerical": "full", "experiential": "partial"}


@pytest.fixture
def people(engine):
    with session_scope(engine) as db:
        out = {}
        for name, role, area in (
            ("assessor", "phs_analyst", None),
            ("moderator", "mat_moderator", None),
            ("adp", "adp_submitter", ADP),
            ("other", "adp_submitter", OTHER),
            ("gov", "government_viewer", None),
        ):
            out[name], _ = accounts.add_user(
                scotland(), db, name, name, role, area, password=PASSWORD, hashing=CHEAP
            )
    return out


def proposed(engine, people, evidence=PARTLY, rule_set="phs", adp=ADP):
    with session_scope(engine) as db:
        return propose(
            db,
            people["assessor"],
            adp,
            1,
            2024,
            evidence,
            rule_set,
            "Process and numerical evidence full; experiential partial",
            GEO,
            evidence_refs=["s1_process", "s1_numerical"],
        )


def test_propose_then_confirm_publishes_with_its_rule_set(engine, people):
    g = proposed(engine, people)
    assert (g.proposed_grade, g.proposed_provisional, g.rule_set) == ("green", True, "phs")
    assert g.criteria_version == 2
    with session_scope(engine) as db:
        assert visible(db, None, 2024, GEO) == []  # nothing public before moderation
        m = moderate(db, people["moderator"], g.id, g.version, GEO)
        assert (m.grade, m.provisional, m.status) == ("green", True, "moderated")
    with session_scope(engine) as db:
        (public,) = visible(db, None, 2024, GEO)
        assert public.rule_set == "phs"
        log = [e.action for e in db.scalars(select(AuditEntry).where(AuditEntry.entity == "grade"))]
    assert log == ["propose", "confirm"]


def test_changing_a_grade_needs_a_reason(engine, people):
    g = proposed(engine, people)
    with pytest.raises(MethodInputError, match="reason"), session_scope(engine) as db:
        moderate(
            db, people["moderator"], g.id, g.version, GEO, new_grade="amber", new_provisional=False
        )
    with session_scope(engine) as db:
        m = moderate(
            db,
            people["moderator"],
            g.id,
            g.version,
            GEO,
            new_grade="amber",
            new_provisional=False,
            reason="Experiential evidence is one survey",
        )
        assert (m.grade, m.provisional, m.moderation_reason) == (
            "amber",
            False,
            "Experiential evidence is one survey",
        )
        change = db.scalars(select(AuditEntry).where(AuditEntry.action == "change")).one()
    assert json.loads(change.before)["status"] == "proposed"


def test_the_rule_set_decides_provisional_green(engine, people):
    beginning = {"process": "full", "numerical": "partial", "experiential": "none"}
    assert proposed(engine, people, beginning, "phs").proposed_grade == "amber"
    sg = proposed(engine, people, beginning, "scottish_government")
    assert (sg.proposed_grade, sg.proposed_provisional) == ("green", True)
    with session_scope(engine) as db:
        statuses = [g.status for g in db.scalars(select(StandardGrade).order_by(StandardGrade.id))]
    assert statuses == ["superseded", "proposed"]  # the new proposal supersedes, keeps the old


def test_who_sees_what(engine, people):
    mine = proposed(engine, people)
    theirs = proposed(engine, people, adp=OTHER)
    with session_scope(engine) as db:
        seen = {u: {g.adp_code for g in visible(db, people[u], 2024, GEO)} for u in people}
    assert seen["adp"] == {ADP}  # its own draft, not the other ADP's
    assert seen["other"] == {OTHER}
    assert seen["assessor"] == seen["moderator"] == {ADP, OTHER}
    assert seen["gov"] == set()  # only moderated grades, and none is yet
    with session_scope(engine) as db:
        moderate(db, people["moderator"], theirs.id, theirs.version, GEO)
    with session_scope(engine) as db:
        assert {g.adp_code for g in visible(db, people["adp"], 2024, GEO)} == {ADP, OTHER}
        assert [g.id for g in history(db, None, ADP, 1, GEO)] == []
        assert [g.id for g in history(db, people["adp"], ADP, 1, GEO)] == [mine.id]


def test_roles_are_enforced(engine, people):
    for who in ("adp", "moderator", "gov"):
        with pytest.raises(PermissionDenied), session_scope(engine) as db:
            propose(db, people[who], ADP, 1, 2024, PARTLY, "phs", "x", GEO)
    g = proposed(engine, people)
    for who in ("assessor", "adp"):
        with pytest.raises((PermissionDenied, MethodInputError)), session_scope(engine) as db:
            moderate(db, people[who], g.id, g.version, GEO)
    with pytest.raises(StaleEditError), session_scope(engine) as db:
        moderate(db, people["moderator"], g.id, g.version + 5, GEO)


def test_improvement_actions_and_overdue(engine, people):
    g = proposed(engine, people)
    with session_scope(engine) as db:
        a = add_action(
            db,
            people["adp"],
            g.id,
            "Offer same-day starts at the hub",
            "Service lead",
            dt.date(2024, 9, 30),
            GEO,
        )
    with pytest.raises(PermissionDenied), session_scope(engine) as db:
        add_action(db, people["other"], g.id, "Not mine", "X", dt.date(2024, 9, 30), GEO)
    with session_scope(engine) as db:
        (row,) = actions_for(db, ADP, today=dt.date(2024, 10, 1))
        assert row["overdue"] and row["status"] == "open"
        set_action_status(db, people["adp"], a.id, a.version, "done", GEO)
    with session_scope(engine) as db:
        (row,) = actions_for(db, ADP, today=dt.date(2024, 10, 1))
        assert not row["overdue"] and row["status"] == "done"
