"""Files in the portal's returns: a spreadsheet of returns uploaded as drafts, an evidence
file attached to a return's file question, and an attachment downloaded by those who may see
the return. Each route calls one service function; the file is read once the sender is
signed in and parsed off the event loop after the CSRF check."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile as StarletteUpload

from missionmonitor.errors import MethodInputError
from missionmonitor.returns import workflow
from missionmonitor.returns.evidence import MAX_EVIDENCE_BYTES
from missionmonitor.returns.forms import Form as ReturnForm
from missionmonitor.returns.forms import adp_form
from missionmonitor.returns.upload import MAX_BYTES as UPLOAD_BYTES
from missionmonitor.services import adp_returns
from missionmonitor.services.adp_returns import address
from missionmonitor.web.dependencies import (
    Areas,
    Configured,
    SignedIn,
    Visitor,
    geography,
    on_refusal,
)
from missionmonitor.web.return_replies import period_of, refused_upload
from missionmonitor.web.sessions import check_csrf, posted_form

router = APIRouter(include_in_schema=False)


async def _posted_file(request: Request, limit: int) -> tuple[str, bytes, str]:
    """(file name, at most ``limit`` + 1 bytes of it, CSRF token) of a posted upload, read
    once the sender is signed in."""
    posted = await posted_form(request, files=1)
    upload = posted.get("file")
    if not isinstance(upload, StarletteUpload):
        raise MethodInputError("choose a file to upload")
    data = await upload.read(limit + 1)
    return upload.filename or "upload", data, str(posted.get("csrf_token") or "")


@router.post("/portal/returns/{form_id}/upload", response_model=None)
async def upload_return(
    configuration: Configured, request: Request, form_id: str, visitor: Visitor
) -> Response:
    form = adp_form(configuration, form_id)
    name, data, token = await _posted_file(request, UPLOAD_BYTES)
    # The spreadsheet is parsed off the event loop, after the CSRF check.
    return await run_in_threadpool(_upload_return, request, visitor, form, name, data, token)


def _upload_return(
    request: Request, visitor: SignedIn, form: ReturnForm, filename: str, data: bytes, token: str
) -> Response:
    check_csrf(visitor.session, token)
    on_refusal(
        request, lambda _v, exc, status: refused_upload(request, exc, filename, form, status)
    )
    count = adp_returns.upload_drafts(
        visitor.db, visitor.user, form, filename, data, geography(request)
    )
    return RedirectResponse(f"/portal/returns?uploaded={count}", status_code=303)


@router.post("/portal/returns/{form_id}/{adp}/{period}/attach/{question}", response_model=None)
async def attach_file(
    configuration: Configured,
    request: Request,
    form_id: str,
    adp: str,
    period: str,
    question: str,
    visitor: Visitor,
) -> Response:
    """Attach an evidence file to a file question of the return's draft."""
    form = adp_form(configuration, form_id)
    name, data, token = await _posted_file(request, MAX_EVIDENCE_BYTES)
    return await run_in_threadpool(
        _attach_file, request, visitor, form, adp, period_of(period), question, name, data, token
    )


def _attach_file(
    request: Request,
    visitor: SignedIn,
    form: ReturnForm,
    adp: str,
    period: str,
    question: str,
    filename: str,
    data: bytes,
    token: str,
) -> Response:
    check_csrf(visitor.session, token)
    on_refusal(
        request, lambda _v, exc, status: refused_upload(request, exc, filename, form, status)
    )
    workflow.attach(
        visitor.db, visitor.user, form, adp, period, question, filename, data, geography(request)
    )
    return RedirectResponse(address(form.id, adp, period) + "?notice=attached", status_code=303)


@router.get("/portal/attachments/{attachment_id}")
def download_attachment(attachment_id: int, visitor: Visitor, geo: Areas) -> Response:
    item = adp_returns.attachment(visitor.db, visitor.user, attachment_id, geo)
    safe = "".join(c for c in item.filename if c.isalnum() or c in "._- ") or "attachment"
    return Response(
        item.content,
        media_type=item.content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{safe}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
