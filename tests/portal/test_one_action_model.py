"""One action model: actions on alerts and governance actions share one status set, and an
address for one kind of action never reaches the other kind."""

from __future__ import annotations

import datetime as dt

import pytest

from missionmonitor import config
from missionmonitor.accountability import governance
from missionmonitor.errors import MethodInputError, NotFoundError
from missionmonitor.portal import accounts
from missionmonitor.portal import actions as action_service
from missionmonitor.portal.db import session_scope
from missionmonitor.refdata.geography import Geography
from tests.helpers import scotland

GEO = Geography.of(config.load(None))
ALERT = {
    "scan_id": 1,
    "series_id": "nonfatal_overdoses",
    "area_code": "S08000031",
    "period": "2024-03-04",
    "method": "EARS C1",
}


@pytest.fixture
def made(engine):
    with session_scope(engine) as db:
        sec, _ = accounts.add_user(
            scotland(),
            db,
            "sec",
            "sec",
            "oversight_secretariat",
            None,
            password="correct horse battery",
        )
        ana, _ = accounts.add_user(
            scotland(), db, "ana", "ana", "phs_analyst", None, password="correct horse battery"
        )
        on_alert = action_service.create_action(db, ana, ALERT, "Check supply", "Lead", GEO)
        meeting = governance.create_meeting(
            db, sec, "national_mission_oversight", dt.date(2025, 3, 4), "Oversight", GEO
        )
        agreed = governance.add_action(
            db, sec, meeting.id, "Review", "Lead", dt.date(2025, 6, 1), "", GEO
        )
        return {"sec": sec, "ana": ana, "alert": on_alert.id, "governance": agreed.id}


def test_one_status_set_for_both_kinds():
    assert action_service.STATUSES == ("open", "in progress", "done", "cancelled")
    assert set(action_service.FINISHED) | set(action_service.UNFINISHED) == set(
        action_service.STATUSES
    )


def test_an_address_for_one_kind_never_reaches_the_other(engine, made):
    with pytest.raises(NotFoundError), session_scope(engine) as db:
        action_service.get_action(db, made["ana"], made["governance"], GEO)
    with pytest.raises(NotFoundError), session_scope(engine) as db:
        governance.update_action(db, made["sec"], made["alert"], 1, GEO, status="done")
    with pytest.raises(NotFoundError), session_scope(engine) as db:
        governance.meeting_of_action(db, made["sec"], made["alert"], GEO)
    with session_scope(engine) as db:
        listed = action_service.actions_for_area(db, made["sec"], "S92000003", GEO)
        assert [a.id for a in listed] == [made["alert"]]


def test_a_finished_action_no_longer_changes_whatever_its_kind(engine, made):
    with session_scope(engine) as db:
        governance.update_action(db, made["sec"], made["governance"], 1, GEO, status="cancelled")
        closed = action_service.close_action(db, made["ana"], made["alert"], 1, "Done", GEO)
        assert closed.status == "done"
    with pytest.raises(MethodInputError, match="cancelled"), session_scope(engine) as db:
        governance.update_action(db, made["sec"], made["governance"], 2, GEO, note="late")
    with pytest.raises(MethodInputError, match="done"), session_scope(engine) as db:
        action_service.update_action(db, made["ana"], made["alert"], 2, GEO, note="late")
