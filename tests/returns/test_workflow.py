"""The returns workflow on SQLite and PostgreSQL: drafts, submission with errors and
warnings, approval and return, versions never overwritten, completeness, flow onward."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from missionmonitor import config
from missionmonitor.errors import (
    MethodInputError,
    NotReadyToSubmit,
    PermissionDenied,
    StaleEditError,
)
from missionmonitor.portal import accounts
from missionmonitor.portal.db import session_scope
from missionmonitor.portal.models import AuditEntry, Submission
from missionmonitor.refdata.geography import Geography
from missionmonitor.returns.coordination import approved_rows, completeness, due_date, remind_late
from missionmonitor.returns.forms import get_form
from missionmonitor.returns.workflow import decide, history, save_draft, submit
from tests.helpers import CHEAP, scotland

GEO = Geography.of(config.load(None))
FORM = get_form(scotland(), "rehab_quarterly")
ADP, OTHER = "S11000015", "S11000001"
ANSWERS = {
    "placements_total": 10,
    "placements_drugs": 5,
    "placements_alcohol": 3,
    "placements_both": 2,
    "placements_women": 4,
    "estimated_cost_gbp": 420000.0,
}
PASSWORD = "correct horse battery"


@pytest.fixture
def people(engine):
    with session_scope(engine) as db:
        out = {}
        for name, role, area in (
            ("sub", "adp_submitter", ADP),
            ("app", "adp_approver", ADP),
            ("other", "adp_submitter", OTHER),
            ("ana", "phs_analyst", None),
        ):
            out[name], _ = accounts.add_user(
                scotland(), db, name, name, role, area, password=PASSWORD, hashing=CHEAP
            )
    return out


def draft(engine, user, answers=ANSWERS, **kw):
    with session_scope(engine) as db:
        return save_draft(db, user, FORM, ADP, "2024-Q2", answers, geo=GEO, **kw)


def test_draft_submit_approve_and_then_locked(engine, people):
    d = draft(engine, people["sub"], {"placements_total": 10})
    d = draft(engine, people["sub"], ANSWERS, seen_version=d.version)  # edited in place
    with session_scope(engine) as db:
        s = submit(db, people["sub"], d.id, d.version, GEO)
    with session_scope(engine) as db:
        a = decide(db, people["app"], s.id, s.version, approve=True, geo=GEO)
        assert a.status == "approved"
    with pytest.raises(MethodInputError, match="locked"):
        draft(engine, people["sub"])
    with session_scope(engine) as db:
        actions = [
            e.action
            for e in db.scalars(
                select(AuditEntry).where(AuditEntry.entity == "submission").order_by(AuditEntry.id)
            )
        ]
    assert actions == ["create_draft", "save_draft", "submit", "approve"]


def test_errors_block_and_warnings_need_a_comment(engine, people):
    d = draft(engine, people["sub"], {**ANSWERS, "placements_drugs": 6})
    with pytest.raises(NotReadyToSubmit, match="add up"), session_scope(engine) as db:
        submit(db, people["sub"], d.id, d.version, GEO)
    d = draft(
        engine, people["sub"], {**ANSWERS, "estimated_cost_gbp": 900000.0}, seen_version=d.version
    )
    with pytest.raises(NotReadyToSubmit, match="explain"), session_scope(engine) as db:
        submit(db, people["sub"], d.id, d.version, GEO)
    d = draft(
        engine,
        people["sub"],
        {**ANSWERS, "estimated_cost_gbp": 900000.0},
        comments={"cost_per_placement": "Two long specialist placements"},
        seen_version=d.version,
    )
    with session_scope(engine) as db:
        assert submit(db, people["sub"], d.id, d.version, GEO).status == "submitted"


def test_returned_return_is_resubmitted_as_a_new_version(engine, people):
    d = draft(engine, people["sub"])
    with session_scope(engine) as db:
        s = submit(db, people["sub"], d.id, d.version, GEO)
    with pytest.raises(MethodInputError, match="say what"), session_scope(engine) as db:
        decide(db, people["app"], s.id, s.version, approve=False, geo=GEO)
    with session_scope(engine) as db:
        decide(
            db,
            people["app"],
            s.id,
            s.version,
            approve=False,
            comment="Costs look low: check the invoices",
            geo=GEO,
        )
    second = draft(engine, people["sub"], {**ANSWERS, "estimated_cost_gbp": 450000.0})
    assert second.number == 2 and second.id != d.id
    with session_scope(engine) as db:
        versions = history(db, FORM.id, ADP, "2024-Q2")
    assert [(v.number, v.status) for v in versions] == [(1, "returned"), (2, "draft")]
    assert json.loads(versions[0].answers)["estimated_cost_gbp"] == 420000.0  # kept as it was


def test_two_editors_of_one_draft_cannot_overwrite_each_other(engine, people):
    d = draft(engine, people["sub"])
    draft(engine, people["sub"], {**ANSWERS, "placements_women": 1}, seen_version=d.version)
    with pytest.raises(StaleEditError):
        draft(engine, people["sub"], {**ANSWERS, "placements_women": 2}, seen_version=d.version)
    with session_scope(engine) as db:
        (only,) = history(db, FORM.id, ADP, "2024-Q2")
        assert json.loads(only.answers)["placements_women"] == 1


def test_a_submission_interrupted_midway_leaves_no_rows(engine, people):
    with pytest.raises(RuntimeError), session_scope(engine) as db:
        save_draft(db, people["sub"], FORM, ADP, "2024-Q2", ANSWERS, geo=GEO)
        raise RuntimeError("connection dropped")
    with session_scope(engine) as db:
        assert db.scalars(select(Submission)).all() == []


def test_roles_and_areas(engine, people):
    with pytest.raises(PermissionDenied):
        draft(engine, people["other"])  # another ADP's return
    with pytest.raises(PermissionDenied):
        draft(engine, people["ana"])  # analysts read returns, they do not write them
    d = draft(engine, people["sub"])
    with session_scope(engine) as db:
        s = submit(db, people["sub"], d.id, d.version, GEO)
    with pytest.raises(PermissionDenied), session_scope(engine) as db:
        decide(db, people["sub"], s.id, s.version, approve=True, geo=GEO)  # not an approver
    with pytest.raises(MethodInputError, match="quarter"), session_scope(engine) as db:
        save_draft(db, people["sub"], FORM, ADP, "2024/25", ANSWERS, geo=GEO)


def test_approvers_cannot_approve_their_own_return(engine, people):
    with session_scope(engine) as db:
        d = save_draft(db, people["app"], FORM, ADP, "2024-Q3", ANSWERS, geo=GEO)
        s = submit(db, people["app"], d.id, d.version, GEO)
    with pytest.raises(MethodInputError, match="did not create"), session_scope(engine) as db:
        decide(db, people["app"], s.id, s.version, approve=True, geo=GEO)


def test_an_approver_who_edited_or_submitted_a_draft_may_not_decide_it(engine, people):
    """The two-person rule covers everyone who changed the return, not only its creator."""
    d = draft(engine, people["sub"], {"placements_total": 10})
    d = draft(engine, people["app"], ANSWERS, seen_version=d.version)  # approver rewrites it
    with session_scope(engine) as db:
        s = submit(db, people["sub"], d.id, d.version, GEO)
        assert json.loads(s.contributors) == [people["sub"].id, people["app"].id]
        assert (s.last_edited_by, s.submitted_by) == (people["sub"].id, people["sub"].id)
    with pytest.raises(MethodInputError, match="did not create"), session_scope(engine) as db:
        decide(db, people["app"], s.id, s.version, approve=True, geo=GEO)
    with session_scope(engine) as db:
        e = save_draft(db, people["sub"], FORM, ADP, "2024-Q1", ANSWERS, geo=GEO)
        s = submit(db, people["app"], e.id, e.version, GEO)  # the approver submits it
    with pytest.raises(MethodInputError, match="did not create"), session_scope(engine) as db:
        decide(db, people["app"], s.id, s.version, approve=True, geo=GEO)


def test_saving_answers_keeps_file_answers_and_comments(engine, people):
    from missionmonitor.returns.workflow import attach

    form = get_form(scotland(), "mat_evidence")
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    with session_scope(engine) as db:
        attach(db, people["sub"], form, ADP, "2024/25", "s1_process", "plan.pdf", pdf, GEO)
        (d,) = history(db, form.id, ADP, "2024/25")
        d = save_draft(
            db,
            people["sub"],
            form,
            ADP,
            "2024/25",
            {"s1_self_assessment": "amber"},
            {"some_rule": "explained"},
            seen_version=d.version,
            geo=GEO,
        )
        d = save_draft(
            db,
            people["sub"],
            form,
            ADP,
            "2024/25",
            {"s1_self_assessment": "green"},
            seen_version=d.version,
            geo=GEO,
        )
        kept = json.loads(d.answers)
        assert kept["s1_self_assessment"] == "green"
        assert kept["s1_process"].startswith("plan.pdf (sha256:")
        assert json.loads(d.comments) == {"some_rule": "explained"}


def test_completeness_and_late_returns(engine, people):
    d = draft(engine, people["sub"])
    with session_scope(engine) as db:
        rows = {
            r["adp_code"]: r
            for r in completeness(db, FORM, "2024-Q2", GEO, today=dt.date(2024, 8, 1))
        }
    assert len(rows) == len(GEO.of_type("adp"))
    # 2024-Q2 has its own date in deadlines.yaml; 2024-Q1 takes the default 28 days.
    assert rows[ADP]["state"] == "draft" and rows[ADP]["due"] == "2024-07-31"
    assert due_date(scotland(), FORM, "2024-Q1") == dt.date(2024, 4, 28)
    assert rows[ADP]["late"] and rows[OTHER]["late"] and rows[OTHER]["state"] == "not started"
    with session_scope(engine) as db:
        submit(db, people["sub"], d.id, d.version, GEO)
        rows = {
            r["adp_code"]: r
            for r in completeness(db, FORM, "2024-Q2", GEO, today=dt.date(2024, 8, 1))
        }
    assert not rows[ADP]["late"]


def test_approved_returns_flow_onward_as_a_dataset(engine, people):
    d = draft(engine, people["sub"])
    with session_scope(engine) as db:
        s = submit(db, people["sub"], d.id, d.version, GEO)
        decide(db, people["app"], s.id, s.version, approve=True, geo=GEO)
        rows = approved_rows(scotland(), db, FORM.id)
    by_measure = {r["measure"]: r["value"] for r in rows}
    assert by_measure["placements_total"] == 10 and len(rows) == len(ANSWERS)
    assert {r["area_code"] for r in rows} == {ADP} and {r["period"] for r in rows} == {"2024-Q2"}


def test_late_returns_are_reminded_and_the_reminder_audited(engine, people):
    sent = []
    with session_scope(engine) as db:
        db.get(type(people["sub"]), people["sub"].id).email = "sub@example.org"
    with session_scope(engine) as db:
        told = remind_late(
            db,
            FORM,
            "2024-Q2",
            GEO,
            lambda to, s, b: sent.append((to, s, b)) or True,
            today=dt.date(2024, 8, 1),
        )
    mine = next(t for t in told if t["adp_code"] == ADP)
    assert mine["to"] == ["sub@example.org"] and mine["sent"] is True
    assert len(told) == len(GEO.of_type("adp"))  # nobody has submitted: all late
    assert sent == [
        (
            ["sub@example.org"],
            "Late return: Residential rehabilitation placements (quarterly return), 2024-Q2",
            sent[0][2],
        )
    ]
    assert "was due on 2024-07-31" in sent[0][2]
    with session_scope(engine) as db:
        reminders = db.scalars(select(AuditEntry).where(AuditEntry.action == "remind")).all()
    assert len(reminders) == len(told)


def test_a_failure_part_way_through_reminders_keeps_those_sent(engine, people):
    """The record of each mail sent is kept as it is sent, so a rerun does not send it again."""
    with session_scope(engine) as db:
        for name in ("sub", "other"):
            db.get(type(people[name]), people[name].id).email = f"{name}@example.org"
    sent: list[list[str]] = []

    def fail_on_the_second(to, subject, body):
        if sent:
            raise ConnectionError("the mail server went away")
        sent.append(to)
        return True

    with pytest.raises(ConnectionError), session_scope(engine) as db:
        remind_late(db, FORM, "2024-Q2", GEO, fail_on_the_second, today=dt.date(2024, 8, 1))
    assert len(sent) == 1
    again: list[list[str]] = []
    with session_scope(engine) as db:
        told = remind_late(
            db,
            FORM,
            "2024-Q2",
            GEO,
            lambda to, s, b: again.append(to) or True,
            today=dt.date(2024, 8, 1),
        )
    assert sent[0] not in again and len(again) == 1
    assert sum(t["sent"] == "already" for t in told) == 1
