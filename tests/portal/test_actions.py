"""Tracked actions: created from an alert, edited with optimistic locking, closed, audited."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from missionmonitor import config
from missionmonitor.errors import MethodInputError, PermissionDenied, StaleEditError
from missionmonitor.portal import accounts
from missionmonitor.portal.actions import (
    actions_for_area,
    close_action,
    create_action,
    notes,
    update_action,
)
from missionmonitor.portal.db import session_scope
from missionmonitor.portal.models import Action, AuditEntry
from missionmonitor.refdata.geography import Geography
from tests.helpers import CHEAP, PASSWORD, scotland

GEO = Geography.of(config.load(None))
# An alert in NHS Greater Glasgow and Clyde (S08000031).
ALERT = {
    "scan_id": 1,
    "series_id": "nonfatal_overdoses",
    "area_code": "S08000031",
    "period": "2024-03-04",
    "method": "EARS C1",
}


@pytest.fixture
def users(engine):
    with session_scope(engine) as db:
        out = {}
        for name, role, area in (
            ("ana", "phs_analyst", None),
            ("gail", "adp_submitter", "S11000015"),
            ("eve", "adp_submitter", "S11000001"),
            ("gov", "government_viewer", None),
        ):
            out[name], _ = accounts.add_user(
                scotland(), db, name, name, role, area, password=PASSWORD, hashing=CHEAP
            )
    return out


def test_lifecycle_open_update_note_close(engine, users):
    with session_scope(engine) as db:
        a = create_action(
            db, users["ana"], ALERT, "Check naloxone supply", "Harm reduction lead", GEO
        )
        action_id = a.id
    with session_scope(engine) as db:
        a = update_action(
            db, users["ana"], action_id, 1, GEO, status="in progress", note="Called the team"
        )
        assert a.version == 2
    with session_scope(engine) as db:
        a = close_action(db, users["ana"], action_id, 2, "Cluster traced to one batch", GEO)
        assert a.status == "done" and a.closed_at is not None
        assert [n.text for n in notes(db, action_id)] == ["Called the team"]
        log = list(
            db.scalars(
                select(AuditEntry).where(AuditEntry.entity == "action").order_by(AuditEntry.id)
            )
        )
    assert [e.action for e in log] == ["create", "update", "close"]
    assert json.loads(log[2].before)["status"] == "in progress"
    assert json.loads(log[2].after)["status"] == "done"
    with pytest.raises(MethodInputError, match="done"), session_scope(engine) as db:
        update_action(db, users["ana"], action_id, 3, GEO, note="late")


def test_two_editors_cannot_silently_overwrite_each_other(engine, users):
    with session_scope(engine) as db:
        action_id = create_action(db, users["ana"], ALERT, "Check", "Lead", GEO).id
    # Both open version 1; the first saves; the second is refused and told to reload.
    with session_scope(engine) as db:
        update_action(db, users["ana"], action_id, 1, GEO, owner="First editor")
    with pytest.raises(StaleEditError, match="reload"), session_scope(engine) as db:
        update_action(db, users["ana"], action_id, 1, GEO, owner="Second editor")
    with session_scope(engine) as db:
        assert db.get(Action, action_id).owner == "First editor"


def test_the_database_enforces_the_version_too(engine, users):
    """Even if two writers pass the check at once, the UPDATE … WHERE version = n fails,
    and the loser is told someone else saved first (StaleEditError, a 409 on the site)."""
    from sqlalchemy.orm.exc import StaleDataError

    with session_scope(engine) as db:
        action_id = create_action(db, users["ana"], ALERT, "Check", "Lead", GEO).id
    conflict = pytest.raises(StaleEditError, match="same moment")
    with conflict as raised, session_scope(engine) as first:
        mine = first.get(Action, action_id)
        with session_scope(engine) as second:
            second.get(Action, action_id).owner = "Other"
        mine.owner = "Mine"
        first.flush()
    assert isinstance(raised.value.__cause__, StaleDataError)


def test_area_scope_decides_who_may_act(engine, users):
    """An ADP acts on alerts within its own area; a board's or the nation's alert is
    read-only to it."""
    with session_scope(engine) as db:
        board = create_action(db, users["ana"], ALERT, "Board follows up", "Lead", GEO)
        council = {**ALERT, "area_code": "S12000049"}  # Glasgow City, within Gail's ADP
        create_action(db, users["gail"], council, "Glasgow ADP follows up", "Gail", GEO)
    for who in ("eve", "gov", "gail"):  # another ADP; a viewer role; an ADP in the board
        with pytest.raises(PermissionDenied), session_scope(engine) as db:
            create_action(db, users[who], ALERT, "Not mine", "Eve", GEO)
    with pytest.raises(PermissionDenied), session_scope(engine) as db:
        close_action(db, users["gail"], board.id, board.version, "closing it", GEO)
    with session_scope(engine) as db:
        assert len(actions_for_area(db, users["gail"], "S08000031", GEO)) == 2
        assert actions_for_area(db, users["eve"], "S08000031", GEO) == []
        assert len(actions_for_area(db, users["gov"], "S92000003", GEO)) == 2


def test_interrupted_write_leaves_nothing(engine, users):
    with pytest.raises(RuntimeError), session_scope(engine) as db:
        create_action(db, users["ana"], ALERT, "Half done", "Lead", GEO)
        raise RuntimeError("connection lost")
    with session_scope(engine) as db:
        assert db.scalars(select(Action)).all() == []
        assert db.scalars(select(AuditEntry).where(AuditEntry.entity == "action")).all() == []


def test_required_fields(engine, users):
    with pytest.raises(MethodInputError, match="title"), session_scope(engine) as db:
        create_action(db, users["ana"], ALERT, "  ", "Lead", GEO)


def test_lists_of_actions_are_bounded_newest_first(engine, users):
    with session_scope(engine) as db:
        made = [
            create_action(db, users["ana"], ALERT, f"Check {i}", "Lead", GEO).id for i in range(7)
        ]
    with session_scope(engine) as db:
        listed = actions_for_area(db, users["ana"], "S92000003", GEO, limit=5)
    assert [a.id for a in listed] == made[::-1][:5]
