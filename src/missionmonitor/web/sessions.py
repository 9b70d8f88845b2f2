"""Who is asking: the portal database for a request, the signed-in user and CSRF checks.

Route modules call these; none of them reads cookies or opens the database itself.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from missionmonitor.errors import PermissionDenied
from missionmonitor.portal import accounts
from missionmonitor.portal.db import connect, session_scope
from missionmonitor.portal.models import SessionRecord, User

#: The most fields a posted form may have (a MAT evidence return has about a hundred).
MAX_FIELDS = 400
SESSION_COOKIE = "mm_session"
LOGIN_CSRF_COOKIE = "mm_login_csrf"
_engine_lock = threading.Lock()


def engine(request: Request) -> Engine:
    """The application database, connected (and migrated) on first use."""
    state = request.app.state
    with _engine_lock:
        if getattr(state, "portal_engine", None) is None:
            state.portal_engine = connect(state.settings.app_database_url)
    return state.portal_engine  # type: ignore[no-any-return]


@contextmanager
def unit(request: Request) -> Iterator[Session]:
    """One transaction on the application database."""
    with session_scope(engine(request)) as db:
        yield db


def current(request: Request, db: Session) -> tuple[User, SessionRecord] | None:
    """The signed-in user and their session, or None."""
    return accounts.session_user(db, request.cookies.get(SESSION_COOKIE))


def viewer(request: Request, db: Session) -> tuple[User | None, str | None]:
    """(user, CSRF token) for pages that anyone may see; (None, None) for the public."""
    found = current(request, db) if SESSION_COOKIE in request.cookies else None
    return (found[0], found[1].csrf_token) if found else (None, None)


def signed_in(request: Request, db: Session) -> tuple[User, SessionRecord]:
    """The signed-in user and session; PermissionDenied("sign in first") otherwise."""
    found = current(request, db)
    if found is None:
        raise PermissionDenied("sign in first")
    return found


def check_csrf(session: SessionRecord, token: str) -> None:
    """Refuse a form whose token is not this session's."""
    if not secrets.compare_digest(session.csrf_token, token or ""):
        raise PermissionDenied("the form has expired or did not come from this site: try again")


async def posted_form(request: Request, files: int = 0) -> FormData:
    """The posted form of a route whose sign-in dependency has already run, so an anonymous
    sender's body is never read. At most ``files`` files and ``MAX_FIELDS`` fields; the
    request-size limit bounds the whole body."""
    return await request.form(max_files=files, max_fields=MAX_FIELDS)
