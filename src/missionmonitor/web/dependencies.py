"""What a route asks FastAPI for: the request's unit of work on the portal database, the
signed-in user (checked before anything else, so an anonymous request learns nothing about
the records an address names) and a checked CSRF token.

For example::

    @router.post("/portal/things/{thing_id}")
    def change_thing(thing_id: int, visitor: Checked) -> Response:
        things.change(visitor.db, visitor.user, thing_id)
        return RedirectResponse(f"/portal/things/{thing_id}", status_code=303)

A refused change (MethodInputError, StaleEditError, ValidationError, NotReadyToSubmit)
becomes a 400 or 409 in the app's exception handler, which shows the page a route named
with ``on_refusal`` (in a fresh transaction: the refused one was rolled back).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from missionmonitor.config import Configuration
from missionmonitor.portal.models import SessionRecord, User
from missionmonitor.refdata.geography import Geography
from missionmonitor.services.site_data import SiteData
from missionmonitor.web.sessions import check_csrf, signed_in, unit, viewer


def database(request: Request) -> Iterator[Session]:
    """One transaction for the request: committed when the route returns, rolled back when
    it raises (before the response is sent, so a lost race is still answered 409)."""
    with unit(request) as db:
        yield db


Database = Annotated[Session, Depends(database, scope="function")]


def configuration(request: Request) -> Configuration:
    """The configuration the app was built for (once, by ``create_app``)."""
    found: Configuration = request.app.state.configuration
    return found


def geography(request: Request) -> Geography:
    """The app's configuration's geography (built once, by ``create_app``)."""
    found: Geography = request.app.state.geography
    return found


Configured = Annotated[Configuration, Depends(configuration)]
Areas = Annotated[Geography, Depends(geography)]


@dataclass(frozen=True)
class SignedIn:
    """The signed-in user, their session and the request's transaction."""

    db: Session
    user: User
    session: SessionRecord

    @property
    def csrf(self) -> str:
        return self.session.csrf_token


@dataclass(frozen=True)
class Viewer:
    """Whoever is asking for a page anyone may see: a signed-in user (and their CSRF token)
    or the public (both None)."""

    db: Session
    user: User | None
    csrf: str | None


def signed_in_user(request: Request, db: Database) -> SignedIn:
    """The signed-in user; PermissionDenied("sign in first") (a redirect to sign in)."""
    user, session = signed_in(request, db)
    return SignedIn(db, user, session)


def page_viewer(request: Request, db: Database) -> Viewer:
    return Viewer(db, *viewer(request, db))


def checked_form(
    visitor: Annotated[SignedIn, Depends(signed_in_user)],
    csrf_token: Annotated[str, Form()] = "",
) -> SignedIn:
    """The signed-in user of a posted form whose CSRF token is their session's."""
    check_csrf(visitor.session, csrf_token)
    return visitor


def site_data(request: Request) -> SiteData:
    data: SiteData = request.app.state.data.get()
    return data


Visitor = Annotated[SignedIn, Depends(signed_in_user)]
Checked = Annotated[SignedIn, Depends(checked_form)]
Anyone = Annotated[Viewer, Depends(page_viewer)]
Data = Annotated[SiteData, Depends(site_data)]

#: Shows a refusal: (the signed-in user in a fresh transaction, the error, its status).
RefusalPage = Callable[[SignedIn, Exception, int], Response]


def refuse_with(request: Request, show: Callable[[Exception, int], Response]) -> None:
    """If this request is refused, answer with ``show(error, status)`` (else the error page)."""
    request.state.refusal = show


def on_refusal(request: Request, page: RefusalPage) -> None:
    """If this signed-in user's change is refused, answer with ``page``."""

    def show(exc: Exception, status: int) -> Response:
        with unit(request) as db:
            user, session = signed_in(request, db)
            return page(SignedIn(db, user, session), exc, status)

    refuse_with(request, show)
