"""What the returns pages share: the trail back to the returns, a period from its address,
and the page that says an uploaded file was refused."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from missionmonitor.returns.forms import Form as ReturnForm
from missionmonitor.web.rendering import personal_page

RETURNS = (("Returns", "/portal/returns"),)


def refused_upload(
    request: Request, exc: Exception, filename: str, form: ReturnForm, status: int
) -> Response:
    """The page saying an uploaded file was refused, with every problem found."""
    problems = getattr(exc, "problems", None) or []
    page = {
        "title": "Upload refused",
        "file": filename,
        "problems": [str(p) for p in problems] or [str(exc)],
        "form": form,
    }
    return personal_page(request, "upload_result.html", page, status=status, trail=RETURNS)


def period_of(slug: str) -> str:
    """2024-25 → 2024/25; quarters (2024-Q2) are unchanged."""
    return slug.replace("-", "/", 1) if "Q" not in slug else slug
