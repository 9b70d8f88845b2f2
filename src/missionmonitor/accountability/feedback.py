"""Anonymous feedback from people using services, families and lived and living experience
panels, through a public form (a return form whose ``answered_by`` is ``public``). Nothing
that identifies the person is asked or kept: no account, name, address or network address.
An ADP approver accepts or rejects each response; only accepted responses count. Published
figures are counts of answers per ADP and quarter, exported in the ``adp_returns`` shape,
and per-standard shares with small counts hidden.

For example::

    receive(db, public_form(), "S11000015", {"respondent": "person",
            "s1_experience": "agree"}, geo)
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from missionmonitor import config
from missionmonitor.errors import MethodInputError, NotReadyToSubmit
from missionmonitor.methods.disclosure import share_hidden
from missionmonitor.periods import quarter_of
from missionmonitor.portal.audit import record
from missionmonitor.portal.models import FeedbackResponse, User, now
from missionmonitor.portal.permissions import can, require
from missionmonitor.portal.records import fetch_current
from missionmonitor.refdata.geography import Geography, reporting_type
from missionmonitor.returns.forms import Form, check_answers

#: Answers of a statement that count towards the share (``not_applicable`` does not).
COUNTED = ("agree", "neutral", "disagree")
#: The most responses listed at once for moderation.
LISTED = 200


def statements(form: Form) -> list[str]:
    """The form's statement questions (``sN_experience``), in order."""
    return [q.id for q in form.questions if q.id.endswith("_experience")]


def receive(
    db: Session,
    form: Form,
    adp: str,
    answers: dict[str, Any],
    geo: Geography,
    today: dt.date | None = None,
    synthetic: bool = False,
) -> FeedbackResponse:
    """Keep one anonymous response after checking it as any return is checked; errors are
    refused (NotReadyToSubmit lists them). The audit trail records that a response arrived,
    not what it says."""
    if form.answered_by != "public":
        raise MethodInputError(f"{form.id} is not a form the public answers")
    if geo.codes().get(adp) != reporting_type(geo.configuration):
        raise MethodInputError("choose the ADP area whose services the feedback is about")
    kept = {k: v for k, v in answers.items() if v not in (None, "", [])}
    problems = [f for f in check_answers(form, kept) if f.importance == "error"]
    if problems:
        raise NotReadyToSubmit(problems)
    response = FeedbackResponse(
        form_id=form.id,
        form_version=form.version,
        adp_code=adp,
        period=quarter_of(today or dt.date.today()).label,
        answers=json.dumps(kept),
        status="received",
        synthetic=synthetic,
    )
    db.add(response)
    db.flush()
    record(
        db,
        None,
        "receive",
        "feedback",
        response.id,
        None,
        {
            "form": f"{form.id} v{form.version}",
            "adp_code": adp,
            "period": response.period,
            "answers": len(kept),
        },
    )
    return response


def moderate(
    db: Session,
    user: User,
    response_id: int,
    seen_version: int,
    accept: bool,
    geo: Geography,
    reason: str = "",
) -> FeedbackResponse:
    """Accept a response (it counts) or reject it with a reason (spam, abuse)."""
    r = fetch_current(
        db, FeedbackResponse, response_id, "response", user, "moderate_feedback", seen_version, geo
    )
    if r.status != "received":
        raise MethodInputError(f"response {response_id} is already {r.status}")
    if not accept and not reason.strip():
        raise MethodInputError("say why the response is rejected")
    before = {"status": r.status}
    r.status = "accepted" if accept else "rejected"
    r.decided_by, r.decided_at, r.reason = user.id, now(), reason.strip() or None
    db.flush()
    record(
        db,
        user.id,
        "accept" if accept else "reject",
        "feedback",
        r.id,
        before,
        {"status": r.status, "reason": r.reason},
    )
    return r


def responses_for(
    db: Session,
    user: User,
    adp: str,
    geo: Geography,
    status: str | None = None,
    limit: int = LISTED,
) -> list[FeedbackResponse]:
    """Responses about one ADP, newest first, for a user who may read them."""
    require(user, "read_feedback", adp, geo)
    query = select(FeedbackResponse).where(FeedbackResponse.adp_code == adp)
    if status:
        query = query.where(FeedbackResponse.status == status)
    return list(db.scalars(query.order_by(FeedbackResponse.id.desc()).limit(limit)))


def may_moderate(user: User | None, adp: str, geo: Geography) -> bool:
    return can(user, "moderate_feedback", adp, geo)


def tallies(
    db: Session,
    form: Form,
    *,
    generated: bool = False,
    adp: str | None = None,
    periods: list[str] | None = None,
) -> dict[tuple[str, str], dict[str, int]]:
    """Accepted responses' counts per (ADP, quarter): ``responses``, ``answered`` and
    ``agree`` over every statement, and ``sN_answered`` / ``sN_agree`` per statement; of one
    ADP and some quarters only, if given (read in the database, not after).
    SYNTHETIC responses count only with ``generated`` (a demonstration); never mixed."""
    out: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    names = statements(form)
    query = select(FeedbackResponse).where(
        FeedbackResponse.form_id == form.id,
        FeedbackResponse.status == "accepted",
        FeedbackResponse.synthetic.is_(generated),
    )
    if adp is not None:
        query = query.where(FeedbackResponse.adp_code == adp)
    if periods is not None:
        query = query.where(FeedbackResponse.period.in_(periods))
    for r in db.scalars(query):
        counts = out[(r.adp_code, r.period)]
        counts["responses"] += 1
        answers = json.loads(r.answers)
        for q in names:
            value = answers.get(q)
            if value in COUNTED:
                stem = q.removesuffix("_experience")
                counts["answered"] += 1
                counts[f"{stem}_answered"] += 1
                if value == "agree":
                    counts["agree"] += 1
                    counts[f"{stem}_agree"] += 1
    return {k: dict(v) for k, v in out.items()}


def export_rows(
    configuration: config.Configuration, db: Session, form: Form, synthetic: bool = False
) -> list[dict[str, Any]]:
    """Accepted responses' counts in the ``adp_returns`` dataset's shape (measures prefixed
    ``le_``), so that the feedback flows into the store and its indicators."""
    source = "MM_DEMO_RETURNS" if synthetic else "MM_ADP_RETURNS"
    rows = []
    for (adp, period), counts in sorted(tallies(db, form, generated=synthetic).items()):
        for measure in ("responses", "answered", "agree"):
            counts.setdefault(measure, 0)
        for measure, value in sorted(counts.items()):
            rows.append(
                {
                    "area_type": reporting_type(configuration),
                    "area_code": adp,
                    "form_id": form.id,
                    "form_version": form.version,
                    "measure": f"le_{measure}",
                    "period": period,
                    "value": float(value),
                    "source": source,
                }
            )
    return rows


def _shown(agree: int, answered: int, threshold: int) -> dict[str, Any]:
    """A share with the form's disclosure control: no count from 1 to its threshold, of
    either the answers that agree or those that do not, is shown or can be worked out (a
    share that is hidden takes its number of answers with it)."""
    _, hidden = share_hidden(agree, answered, threshold)
    if hidden:
        return {
            "answered": None,
            "agree_pct": None,
            "note": "no answers" if answered == 0 else "too few answers to show",
        }
    return {"answered": answered, "agree_pct": round(100 * agree / answered, 1), "note": ""}


def experiential(
    db: Session, form: Form, adp: str, periods: list[str], *, generated: bool = False
) -> list[dict[str, Any]]:
    """For each MAT standard: accepted answers about ``adp`` over ``periods`` and the share
    that agree, for showing beside the standard's experiential evidence stream."""
    totals: dict[str, tuple[int, int]] = defaultdict(lambda: (0, 0))
    for counts in tallies(db, form, generated=generated, adp=adp, periods=periods).values():
        for q in statements(form):
            stem = q.removesuffix("_experience")
            agree, answered = totals[stem]
            totals[stem] = (
                agree + counts.get(f"{stem}_agree", 0),
                answered + counts.get(f"{stem}_answered", 0),
            )
    labels = {q.id: q.label for q in form.questions}
    return [
        {
            "standard": int(q.removesuffix("_experience")[1:]),
            "statement": labels[q],
            **_shown(*totals[q.removesuffix("_experience")], form.disclosure.threshold),
        }
        for q in statements(form)
    ]
