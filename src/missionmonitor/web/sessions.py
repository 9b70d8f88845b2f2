"""Who is asking: the portal database for a request, the signed-in user and CSRF checks.

Route modules call these; none of them reads cookies or opens the database itself.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from missionmonitor.errors import MethodInputError, PermissionDenied, StaleEditError
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


def signed_change(
    request: Request,
    csrf_token: str,
    change: Callable[[Session, User], object],
    refused: Callable[[Session, User, SessionRecord, str, int], Response],
    done: str,
) -> Response:
    """Make a signed-in user's change in one transaction (CSRF checked), then go to
    ``done``; a refusal (bad input 400, or a stale edit 409) is shown by ``refused`` with
    its message, in a fresh transaction (the refused one was rolled back)."""
    try:
        with unit(request) as db:
            user, session = signed_in(request, db)
            check_csrf(session, csrf_token)
            change(db, user)
    except (MethodInputError, StaleEditError) as exc:
        status = 409 if isinstance(exc, StaleEditError) else 400
        with unit(request) as db:
            user, session = signed_in(request, db)
            return refused(db, user, session, str(exc), status)
    return RedirectResponse(done, status_code=303)


def check_csrf(session: SessionRecord, token: str) -> None:
    """Refuse a form whose token is not this session's."""
    if not secrets.compare_digest(session.csrf_token, token or ""):
        raise PermissionDenied("the form has expired or did not come from this site: try again")


def _require_session(request: Request) -> None:
    with unit(request) as db:
        signed_in(request, db)


async def posted_form(request: Request, files: int = 0) -> FormData:
    """The posted form of a signed-in user, read only after the sign-in is checked (off the
    event loop): an anonymous sender's body is never read. At most ``files`` files and
    ``MAX_FIELDS`` fields; the request-size limit bounds the whole body."""
    await run_in_threadpool(_require_session, request)
    return await request.form(max_files=files, max_fields=MAX_FIELDS)
