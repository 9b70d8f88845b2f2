"""Accounts: argon2id password hashes, sign-in with throttling, server-side sessions.

A session cookie holds a random token; the database keeps only its SHA-256, the user, the
expiry and the session's CSRF token.

For example::

    user = add_user(db, "ana", "Ana Analyst", "phs_analyst", password="…")
    token, session = sign_in(db, "ana", "…", ip="127.0.0.1", hours=8)

Hashes cost what ``hashing`` says (``Settings.password_hashing``; by default the argon2
library's recommended profile).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import secrets
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from missionmonitor import config
from missionmonitor.errors import (
    MethodInputError,
    NotFoundError,
    SignInRefused,
)
from missionmonitor.portal.audit import record
from missionmonitor.portal.models import LoginAttempt, SessionRecord, User, now
from missionmonitor.portal.permissions import matrix
from missionmonitor.refdata.geography import Geography
from missionmonitor.settings import PasswordHashing

#: Failed sign-ins allowed before the throttle makes a client wait: for one account from
#: one address, from one address across all accounts (password spraying), and for one
#: account from everywhere (a distributed attack). Past the limit the wait doubles with each
#: further failure, from one minute up to an hour; attempts refused while waiting do not
#: lengthen it, so no one can keep another person's account locked from elsewhere.
ACCOUNT_FAILURES = 5
ADDRESS_FAILURES = 20
GLOBAL_FAILURES = 100
FIRST_WAIT = dt.timedelta(minutes=1)
LONGEST_WAIT = dt.timedelta(hours=1)
#: Sign-in attempts are kept this long (for the throttle and the audit), then deleted.
KEEP_ATTEMPTS = dt.timedelta(days=1)
MIN_PASSWORD = 12
#: The cost of the demonstration's stand-in accounts' hashes only (``stand_in``), the
#: lowest Argon2id allows. A hash's cost protects a password a person chose; a stand-in
#: is disabled when made and its password is 120 random bits that nobody is told, which no
#: cost would make safer. Every other account is hashed at the site's cost.
STAND_IN_HASHING = PasswordHashing(time_cost=1, memory_kib=8, parallelism=1)


@cache
def _hasher(hashing: PasswordHashing | None) -> PasswordHasher:
    """Argon2id at ``hashing``'s cost (None: the library's recommended parameters)."""
    h = hashing or PasswordHashing()
    return PasswordHasher(
        time_cost=h.time_cost, memory_cost=h.memory_kib, parallelism=h.parallelism
    )


def _public(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "email": user.email,
        "role": user.role,
        "area_code": user.area_code,
        "active": user.active,
    }


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise MethodInputError(f"a password needs at least {MIN_PASSWORD} characters")


def add_user(
    configuration: config.Configuration,
    db: Session,
    username: str,
    display_name: str,
    role: str,
    area_code: str | None = None,
    email: str = "",
    password: str | None = None,
    by: int | None = None,
    hashing: PasswordHashing | None = None,
) -> tuple[User, str]:
    """Create an account; returns it with its password (generated when not given)."""
    roles = matrix().roles
    if role not in roles:
        raise MethodInputError(f"unknown role {role!r}; roles: {', '.join(roles)}")
    if roles[role].scoped:
        geo, want = Geography.of(configuration), str(roles[role].area_type)
        if want not in geo.types:
            raise MethodInputError(
                f"role {role} is for an area type ({want}) this configuration does not have"
            )
        if area_code is None or geo.codes().get(area_code) != want:
            kind = geo.types[want]
            raise MethodInputError(
                f"role {role} needs --area with the code of its area, "
                f"of type {kind.label} ({kind.prefix}…)"
            )
    elif area_code is not None:
        raise MethodInputError(f"role {role} is not scoped to an area")
    if db.scalar(select(User).where(User.username == username)) is not None:
        raise MethodInputError(f"username {username!r} is taken")
    password = password or secrets.token_urlsafe(15)
    _check_password(password)
    user = User(
        username=username,
        display_name=display_name,
        role=role,
        area_code=area_code,
        email=email,
        password_hash=_hasher(hashing).hash(password),
        active=True,
    )
    db.add(user)
    db.flush()
    record(db, by, "create", "user", user.id, None, _public(user))
    return user, password


def get_user(db: Session, username: str) -> User:
    user = db.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFoundError(f"no user {username!r}")
    return user


def disable_user(db: Session, username: str, by: int | None = None) -> User:
    user = get_user(db, username)
    before = _public(user)
    user.active = False
    db.execute(delete(SessionRecord).where(SessionRecord.user_id == user.id))
    record(db, by, "disable", "user", user.id, before, _public(user))
    return user


def stand_in(
    configuration: config.Configuration,
    db: Session,
    username: str,
    role: str,
    area_code: str | None = None,
) -> User:
    """The demonstration's account ``username`` that its SYNTHETIC records name: made on
    first use, disabled at once (no one signs in as it), with a generated password hashed
    at ``STAND_IN_HASHING``."""
    found = db.scalar(select(User).where(User.username == username))
    if found is None:
        found, _ = add_user(
            configuration,
            db,
            username,
            f"SYNTHETIC {role}",
            role,
            area_code,
            hashing=STAND_IN_HASHING,
        )
        disable_user(db, username)
    return found


def reset_password(
    db: Session,
    username: str,
    password: str | None = None,
    by: int | None = None,
    hashing: PasswordHashing | None = None,
) -> str:
    user = get_user(db, username)
    password = password or secrets.token_urlsafe(15)
    _check_password(password)
    user.password_hash = _hasher(hashing).hash(password)
    db.execute(delete(SessionRecord).where(SessionRecord.user_id == user.id))
    record(db, by, "reset_password", "user", user.id, None, {"username": username})
    return password


def _wait(db: Session, limit: int, *where: Any) -> dt.timedelta | None:
    """How long a client must still wait, given the failed attempts that match ``where``
    within the last day; None when it need not."""
    failures = list(
        db.scalars(
            select(LoginAttempt.at)
            .where(
                LoginAttempt.succeeded.is_(False),
                LoginAttempt.refused.is_(False),
                LoginAttempt.at >= now() - KEEP_ATTEMPTS,
                *where,
            )
            .order_by(LoginAttempt.at.desc())
            .limit(limit + 12)
        )
    )
    if len(failures) < limit:
        return None
    wait = min(FIRST_WAIT * 2 ** (len(failures) - limit), LONGEST_WAIT)
    last = failures[0] if failures[0].tzinfo else failures[0].replace(tzinfo=dt.UTC)
    left = last + wait - now()
    return left if left > dt.timedelta(0) else None


def _throttled(db: Session, username: str, ip: str) -> dt.timedelta | None:
    waits = [
        _wait(db, ACCOUNT_FAILURES, LoginAttempt.username == username, LoginAttempt.ip == ip),
        _wait(db, ADDRESS_FAILURES, LoginAttempt.ip == ip),
        _wait(db, GLOBAL_FAILURES, LoginAttempt.username == username),
    ]
    return max((w for w in waits if w is not None), default=None)


def _forget_old(db: Session) -> None:
    """Sign-in attempts and sessions do not pile up: old attempts and expired sessions go."""
    db.execute(delete(LoginAttempt).where(LoginAttempt.at < now() - KEEP_ATTEMPTS))
    db.execute(delete(SessionRecord).where(SessionRecord.expires_at < now()))


@cache
def _decoy_hash(hashing: PasswordHashing | None) -> str:
    """A hash to check unknown usernames against, so they take as long as known ones."""
    return _hasher(hashing).hash(secrets.token_urlsafe(16))


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign_in(
    db: Session,
    username: str,
    password: str,
    ip: str,
    hours: int = 8,
    hashing: PasswordHashing | None = None,
) -> tuple[str, SessionRecord]:
    """Check the password (after the throttle) and open a session; returns its token. An
    unknown or disabled account takes as long to refuse as a wrong password."""
    _forget_old(db)
    username = username[:80]
    wait = _throttled(db, username, ip)
    if wait is not None:
        minutes = max(1, math.ceil(wait.total_seconds() / 60))
        plural = "s" if minutes > 1 else ""
        raise SignInRefused(
            f"too many failed sign-ins: wait {minutes} minute{plural} and try again", throttled=True
        )
    user = db.scalar(select(User).where(User.username == username))
    known = user is not None and user.active
    hashed = user.password_hash if user is not None and known else _decoy_hash(hashing)
    hasher = _hasher(hashing)
    ok: bool = False
    try:
        ok = bool(hasher.verify(hashed, password)) and known
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None:
        raise SignInRefused("the username or password is not right")
    db.add(LoginAttempt(username=username, ip=ip[:64], succeeded=True))
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    token = secrets.token_urlsafe(32)
    session = SessionRecord(
        token_hash=_hash_token(token),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(32),
        expires_at=now() + dt.timedelta(hours=hours),
    )
    db.add(session)
    record(db, user.id, "sign_in", "user", user.id, None, {"ip": ip})
    return token, session


def record_failure(db: Session, username: str, ip: str, refusal: SignInRefused) -> None:
    """Keep a refused sign-in (``sign_in`` raises, so its own transaction is rolled back):
    the caller records it in a transaction of its own."""
    db.add(
        LoginAttempt(username=username[:80], ip=ip[:64], succeeded=False, refused=refusal.throttled)
    )


def session_user(db: Session, token: str | None) -> tuple[User, SessionRecord] | None:
    """The active user and session for a cookie token, or None (expired, unknown, disabled)."""
    if not token:
        return None
    found = db.scalar(select(SessionRecord).where(SessionRecord.token_hash == _hash_token(token)))
    if found is None:
        return None
    expires = found.expires_at
    if expires.tzinfo is None:  # SQLite gives naive datetimes back; they were stored in UTC
        expires = expires.replace(tzinfo=dt.UTC)
    user = db.get(User, found.user_id)
    if expires < now() or user is None or not user.active:
        return None
    return user, found


def sign_out(db: Session, token: str | None) -> None:
    if token:
        db.execute(delete(SessionRecord).where(SessionRecord.token_hash == _hash_token(token)))


def list_users(db: Session) -> list[User]:
    return list(db.scalars(select(User).order_by(User.username)))
