"""A return submission killed with SIGKILL at random points leaves the portal database
consistent (the return and its audit trail together, or neither), and a rerun completes."""

from __future__ import annotations

import json
import random
import time

from sqlalchemy import select

from missionmonitor import config
from missionmonitor.portal import accounts
from missionmonitor.portal.db import connect, session_scope
from missionmonitor.portal.models import AuditEntry, Submission, User
from missionmonitor.refdata.geography import Geography
from missionmonitor.returns.forms import get_form
from missionmonitor.returns.workflow import save_draft, submit
from tests.helpers import CHEAP, kill_at_random, scotland
from tests.store.test_writing import RUNS

FORM = get_form(scotland(), "rehab_quarterly")
ADP = "S11000015"
ANSWERS = {
    "placements_total": 10,
    "placements_drugs": 5,
    "placements_alcohol": 3,
    "placements_both": 2,
    "placements_women": 4,
    "estimated_cost_gbp": 420000.0,
}


def _save_and_submit(url: str, period: str) -> None:
    engine = connect(url, migrate=False)  # the child's own connections
    geo = Geography.of(config.load(None))
    with session_scope(engine) as db:
        user = db.scalar(select(User).where(User.username == "sub"))
        draft = save_draft(db, user, FORM, ADP, period, ANSWERS, geo=geo)
        submit(db, user, draft.id, draft.version, geo)


def test_a_submission_killed_at_random_points_is_all_or_nothing(engine, app_db_url):
    with session_scope(engine) as db:
        accounts.add_user(
            scotland(), db, "sub", "Sub", "adp_submitter", ADP, password="p" * 12, hashing=CHEAP
        )
    rng = random.Random(7)
    # Kill within the time one whole submission takes here, so most runs die part-way.
    started = time.monotonic()
    kill_at_random(_save_and_submit, (app_db_url, "1999-Q1"), 60, rng)
    took = time.monotonic() - started
    periods = ["1999-Q1"] + [f"{2000 + i // 4}-Q{i % 4 + 1}" for i in range(RUNS)]
    killed = 0
    for period in periods[1:]:
        killed += not kill_at_random(_save_and_submit, (app_db_url, period), took * 1.2, rng)
    assert killed, "every run finished before it was killed: nothing was tested"
    with session_scope(engine) as db:
        rows = list(db.scalars(select(Submission)))
        audit = list(db.scalars(select(AuditEntry).where(AuditEntry.entity == "submission")))
    held = {s.period for s in rows}
    for s in rows:
        actions = [a.action for a in audit if a.entity_id == str(s.id)]
        assert s.status == "submitted" and actions == ["create_draft", "submit"], (s, actions)
        assert json.loads(s.contributors) and s.submitted_by is not None
    assert len(audit) == 2 * len(rows)  # no audit entry without its return
    for period in sorted(set(periods) - held):  # a rerun of each one that was killed
        _save_and_submit(app_db_url, period)
    with session_scope(engine) as db:
        assert {s.period for s in db.scalars(select(Submission))} == set(periods)
