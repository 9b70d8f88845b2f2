"""Feedback shares beside a standard are published under the disclosure rule the feedback
form declares: changing the form's threshold changes what is hidden, and a hidden share
takes its number of answers with it (so neither side can be worked out)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from missionmonitor import config
from missionmonitor.accountability import feedback
from missionmonitor.methods.disclosure import Disclosure
from missionmonitor.portal import accounts
from missionmonitor.portal.db import connect, session_scope
from missionmonitor.refdata.geography import Geography
from missionmonitor.returns.forms import Form, get_form
from tests.helpers import CHEAP, scotland

ADP = "S11000015"
PASSWORD = "a long enough password for tests"


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """Twelve answers about standard 1 that agree and three that do not, all accepted."""
    url = f"sqlite:///{tmp_path}/portal.sqlite3"
    geo, form = Geography.of(config.load(None)), get_form(scotland(), "lived_experience_feedback")
    with session_scope(connect(url)) as db:
        approver, _ = accounts.add_user(
            scotland(), db, "app", "App", "adp_approver", ADP, password=PASSWORD, hashing=CHEAP
        )
        for answer in ["agree"] * 12 + ["disagree"] * 3:
            answers = {"respondent": "person", "s1_experience": answer}
            r = feedback.receive(db, form, ADP, answers, geo, dt.date(2025, 5, 1))
            feedback.moderate(db, approver, r.id, r.version, True, geo)
    return url


def _standard_one(url: str, form: Form) -> dict[str, object]:
    with session_scope(connect(url)) as db:
        shares = feedback.experiential(db, form, ADP, ["2025-Q2"])
    return next(s for s in shares if s["standard"] == 1)


def test_the_form_declares_the_feedback_threshold():
    assert get_form(scotland(), "lived_experience_feedback").disclosure == Disclosure(
        threshold=9, additive=False
    )


def test_feedback_shares_follow_the_forms_configured_threshold(db_url: str):
    form = get_form(scotland(), "lived_experience_feedback")
    # Three disagree: a count from 1 to 9, so neither the share nor the answers are shown.
    hidden = _standard_one(db_url, form)
    assert hidden["agree_pct"] is None and hidden["answered"] is None
    assert hidden["note"] == "too few answers to show"
    # The same answers under a form that declares a threshold of 2 are shown.
    lower = form.model_copy(update={"disclosure": Disclosure(threshold=2, additive=False)})
    shown = _standard_one(db_url, lower)
    assert shown["answered"] == 15 and shown["agree_pct"] == 80.0
    # And under a threshold of 12, the twelve who agree are hidden too.
    higher = form.model_copy(update={"disclosure": Disclosure(threshold=12, additive=False)})
    assert _standard_one(db_url, higher)["agree_pct"] is None
