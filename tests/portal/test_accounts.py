"""Accounts, sign-in, throttling, sessions and the audit log, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from argon2 import PasswordHasher
from argon2.profiles import RFC_9106_LOW_MEMORY
from sqlalchemy import select, update

from missionmonitor.errors import MethodInputError, SignInRefused
from missionmonitor.portal import accounts
from missionmonitor.portal.db import session_scope
from missionmonitor.portal.models import AuditEntry, SessionRecord, User
from missionmonitor.settings import PasswordHashing, Settings
from tests.helpers import CHEAP, PASSWORD, scotland


def make(engine, username="ana", role="phs_analyst", area=None):
    with session_scope(engine) as db:
        user, _ = accounts.add_user(
            scotland(), db, username, username.title(), role, area, password=PASSWORD, hashing=CHEAP
        )
        return user.id


def test_passwords_are_argon2id_and_sign_in_opens_a_session(engine):
    make(engine)
    with session_scope(engine) as db:
        assert db.scalar(select(User.password_hash)).startswith("$argon2id$")
        token, session = accounts.sign_in(db, "ana", PASSWORD, "10.0.0.1", hashing=CHEAP)
    with session_scope(engine) as db:
        user, found = accounts.session_user(db, token)
        assert user.username == "ana" and found.csrf_token == session.csrf_token
        # Only the token's hash is stored.
        assert db.scalar(select(SessionRecord.token_hash)) != token


def test_wrong_password_unknown_user_and_disabled_account_are_refused(engine):
    make(engine)
    for name, password in (("ana", "wrong password!!"), ("nobody", PASSWORD)):
        with pytest.raises(SignInRefused), session_scope(engine) as db:
            accounts.sign_in(db, name, password, "10.0.0.1", hashing=CHEAP)
    with session_scope(engine) as db:
        token, _ = accounts.sign_in(db, "ana", PASSWORD, "10.0.0.1", hashing=CHEAP)
        accounts.disable_user(db, "ana")
    with session_scope(engine) as db:
        assert accounts.session_user(db, token) is None  # disabling ends sessions
    with pytest.raises(SignInRefused), session_scope(engine) as db:
        accounts.sign_in(db, "ana", PASSWORD, "10.0.0.1", hashing=CHEAP)


def _fail(engine, username, ip, password="not the password"):
    """A failed sign-in recorded as the sign-in page records it."""
    try:
        with session_scope(engine) as db:
            accounts.sign_in(db, username, password, ip, hashing=CHEAP)
    except SignInRefused as exc:
        with session_scope(engine) as db:
            accounts.record_failure(db, username, ip, exc)
        return exc
    raise AssertionError("the sign-in was not refused")


def test_sign_in_is_throttled_per_account_and_address_with_back_off(engine):
    make(engine)
    for _ in range(accounts.ACCOUNT_FAILURES):
        assert not _fail(engine, "ana", "10.0.0.9").throttled
    refusal = _fail(engine, "ana", "10.0.0.9", PASSWORD)  # even the right password
    assert refusal.throttled and "wait 1 minute" in str(refusal)
    # Someone elsewhere cannot keep the account locked: its owner signs in from their desk.
    with session_scope(engine) as db:
        accounts.sign_in(db, "ana", PASSWORD, "10.0.0.1", hashing=CHEAP)
    # Waiting doubles with each further failure, and refusals while waiting do not count.
    from missionmonitor.portal.models import LoginAttempt

    with session_scope(engine) as db:
        db.add(LoginAttempt(username="ana", ip="10.0.0.9", succeeded=False))
    for _ in range(3):
        assert "wait 2 minutes" in str(_fail(engine, "ana", "10.0.0.9", PASSWORD))


def test_password_spraying_from_one_address_is_throttled(engine):
    make(engine)
    for i in range(accounts.ADDRESS_FAILURES):
        _fail(engine, f"guess{i}", "10.6.6.6")
    assert _fail(engine, "ana", "10.6.6.6", PASSWORD).throttled


def test_unknown_accounts_cost_a_password_check_as_known_ones_do(engine, monkeypatch):
    """An unknown or disabled username still pays an Argon2 verification, so the time taken
    does not reveal which accounts exist."""
    make(engine)
    checked = []
    real = PasswordHasher.verify

    def spy(self, hashed, password):
        checked.append(hashed)
        return real(self, hashed, password)

    monkeypatch.setattr(PasswordHasher, "verify", spy)
    for name in ("ana", "nobody-at-all"):
        with pytest.raises(SignInRefused, match="not right"), session_scope(engine) as db:
            accounts.sign_in(db, name, "wrong password!", "10.1.0.1", hashing=CHEAP)
    assert len(checked) == 2 and all(h.startswith("$argon2id$") for h in checked)


def test_expired_sessions_and_password_resets_end_access(engine):
    make(engine)
    with session_scope(engine) as db:
        token, _ = accounts.sign_in(db, "ana", PASSWORD, "10.0.0.1", hashing=CHEAP)
        db.execute(
            update(SessionRecord).values(
                expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
            )
        )
    with session_scope(engine) as db:
        assert accounts.session_user(db, token) is None
        token2, _ = accounts.sign_in(db, "ana", PASSWORD, "10.0.0.1", hashing=CHEAP)
        new = accounts.reset_password(db, "ana", hashing=CHEAP)
    with session_scope(engine) as db:
        assert accounts.session_user(db, token2) is None
        accounts.sign_in(db, "ana", new, "10.0.0.1", hashing=CHEAP)


def test_roles_and_areas_are_checked(engine):
    with pytest.raises(MethodInputError, match="unknown role"), session_scope(engine) as db:
        accounts.add_user(scotland(), db, "x", "X", "superuser", password=PASSWORD, hashing=CHEAP)
    with (
        pytest.raises(MethodInputError, match=r"type Alcohol and Drug Partnership \(S11"),
        session_scope(engine) as db,
    ):
        accounts.add_user(
            scotland(), db, "x", "X", "adp_submitter", "S08000031", password=PASSWORD, hashing=CHEAP
        )
    with pytest.raises(MethodInputError, match="not scoped"), session_scope(engine) as db:
        accounts.add_user(
            scotland(), db, "x", "X", "phs_analyst", "S11000015", password=PASSWORD, hashing=CHEAP
        )
    with pytest.raises(MethodInputError, match="12"), session_scope(engine) as db:
        accounts.add_user(scotland(), db, "x", "X", "phs_analyst", password="short", hashing=CHEAP)
    make(engine)
    with pytest.raises(MethodInputError, match="taken"), session_scope(engine) as db:
        accounts.add_user(
            scotland(), db, "ana", "Ana", "phs_analyst", password=PASSWORD, hashing=CHEAP
        )


def test_every_account_change_is_audited(engine):
    make(engine)
    with session_scope(engine) as db:
        accounts.disable_user(db, "ana")
        entries = list(db.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    assert [(e.action, e.entity) for e in entries] == [("create", "user"), ("disable", "user")]
    assert json.loads(entries[1].before)["active"] is True
    assert json.loads(entries[1].after)["active"] is False


def test_the_production_hash_cost_is_the_librarys_recommended_one(engine):
    """Without a profile, and with the settings' default one, hashes are made at the
    argon2 library's recommended parameters (RFC 9106, low memory)."""
    recommended = PasswordHasher().hash("x").split("$")[3]
    assert recommended == (
        f"m={RFC_9106_LOW_MEMORY.memory_cost},t={RFC_9106_LOW_MEMORY.time_cost},"
        f"p={RFC_9106_LOW_MEMORY.parallelism}"
    )
    assert Settings().password_hashing == PasswordHashing()
    with session_scope(engine) as db:
        accounts.add_user(scotland(), db, "dee", "Dee", "phs_analyst", password=PASSWORD)
        accounts.add_user(
            scotland(),
            db,
            "eve",
            "Eve",
            "phs_analyst",
            password=PASSWORD,
            hashing=PasswordHashing(),
        )
        hashes = list(db.scalars(select(User.password_hash)))
    assert [h.split("$")[3] for h in hashes] == [recommended, recommended]


def test_a_hash_made_at_one_cost_verifies_at_another_and_is_remade_at_it(engine):
    make(engine)  # hashed cheaply
    with session_scope(engine) as db:
        cheap = db.scalar(select(User.password_hash))
        accounts.sign_in(db, "ana", PASSWORD, "10.0.0.1", hashing=PasswordHashing())
    with session_scope(engine) as db:
        production = db.scalar(select(User.password_hash))
        assert "m=8,t=1,p=1" in cheap and "m=65536,t=3,p=4" in production
        # and back: a production hash still lets its user in under the cheap profile
        accounts.sign_in(db, "ana", PASSWORD, "10.0.0.1", hashing=CHEAP)
        assert "m=8,t=1,p=1" in db.scalar(select(User.password_hash))


def _cost(password_hash: str) -> str:
    return password_hash.split("$")[3]


def test_only_the_demonstrations_disabled_stand_ins_are_hashed_cheaply(engine):
    """A stand-in's generated password is hashed at the lowest cost and the account is
    disabled; an account made any other way is hashed at the production cost."""
    with session_scope(engine) as db:
        made = accounts.stand_in(scotland(), db, "demo-assessor", "phs_analyst")
        again = accounts.stand_in(scotland(), db, "demo-assessor", "phs_analyst")
        assert again.id == made.id  # found, not made twice
        accounts.add_user(scotland(), db, "ana", "Ana", "phs_analyst", password=PASSWORD)
        accounts.add_user(
            scotland(),
            db,
            "bea",
            "Bea",
            "phs_analyst",
            password=PASSWORD,
            hashing=Settings().password_hashing,
        )
        users = {u.username: u for u in db.scalars(select(User))}
    production = _cost(PasswordHasher().hash("x"))
    assert _cost(users["demo-assessor"].password_hash) == "m=8,t=1,p=1"
    assert not users["demo-assessor"].active
    assert [_cost(users[n].password_hash) for n in ("ana", "bea")] == [production, production]
    with session_scope(engine) as db, pytest.raises(SignInRefused):
        accounts.sign_in(db, "demo-assessor", "anything at all", "10.0.0.1")


def test_the_demonstration_makes_only_stand_ins(engine):
    """Every account the demonstration's generated grades and returns name is a disabled
    stand-in (hashed cheaply), so building it does not spend production hashes."""
    from missionmonitor import config
    from missionmonitor.refdata.geography import Geography
    from missionmonitor.services.demo_returns import demo_accountability
    from missionmonitor.standards.workflow import demo_year

    with session_scope(engine) as db:
        demo_year(db, 2023, geo=Geography.of(scotland()))
        demo_accountability(db, Geography.of(config.load(None)), dt.date(2025, 6, 1))
        users = list(db.scalars(select(User)))
    assert len(users) == 5
    assert all(not u.active and _cost(u.password_hash) == "m=8,t=1,p=1" for u in users)
