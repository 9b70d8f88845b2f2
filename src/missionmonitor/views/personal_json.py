"""The JSON twins of the signed-in pages: a page's view model with each record it holds
reduced to the fields its page shows. Never a password hash, an e-mail address, a session's
CSRF token or a file's content: a record of a kind not named here is refused, not guessed
at, so a view that starts holding a new kind of record cannot leak it through its twin.

>>> plain({"title": "T", "csrf": "secret", "rows": ({"n": 1},)})
{'title': 'T', 'rows': [{'n': 1}]}
"""

from __future__ import annotations

import dataclasses
from typing import Any

from pydantic import BaseModel

from missionmonitor.portal.actions import snapshot
from missionmonitor.portal.models import Action, ActionNote, Attachment, Base, Submission
from missionmonitor.returns.forms import Form

#: What a page holds for its own forms and templates, never shown in its twin: the
#: session's CSRF token and the signed-in user's account.
HELD_BACK = frozenset({"csrf", "user"})


def plain(page: dict[str, Any]) -> dict[str, Any]:
    """``page`` as its JSON twin shows it."""
    return {k: _plain(v) for k, v in page.items() if k not in HELD_BACK}


def _submission(s: Submission) -> dict[str, Any]:
    return {
        "id": s.id,
        "form_id": s.form_id,
        "form_version": s.form_version,
        "adp_code": s.adp_code,
        "period": s.period,
        "number": s.number,
        "status": s.status,
        "version": s.version,
        "created_at": s.created_at,
        "submitted_at": s.submitted_at,
        "decided_at": s.decided_at,
        "decision_comment": s.decision_comment,
    }


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Action):
        return snapshot(value)
    if isinstance(value, ActionNote):
        return {"at": value.at, "text": value.text}
    if isinstance(value, Submission):
        return _submission(value)
    if isinstance(value, Attachment):
        return {
            "id": value.id,
            "question": value.question,
            "filename": value.filename,
            "content_type": value.content_type,
            "size": value.size,
            "uploaded_at": value.uploaded_at,
        }
    if isinstance(value, Form):
        return {"id": value.id, "version": value.version, "title": value.title}
    if isinstance(value, (Base, BaseModel)):
        raise TypeError(f"a signed-in page's JSON does not show a {type(value).__name__}")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _plain(dataclasses.asdict(value))
    return value
