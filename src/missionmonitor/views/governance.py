"""Governance pages: the portal's log of oversight groups' meetings, decisions and actions,
the public summaries of published meetings, and the feedback an ADP reads and moderates."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy.orm import Session

from missionmonitor.accountability import feedback, governance
from missionmonitor.accountability.groups import load_groups
from missionmonitor.portal.actions import STATUSES, UNFINISHED
from missionmonitor.portal.models import User
from missionmonitor.portal.permissions import can
from missionmonitor.refdata.geography import Geography, national_code, reporting_type
from missionmonitor.returns.forms import public_form
from missionmonitor.views.common import page_model


def _link(ref: str) -> dict[str, str]:
    """A reference as a link to its page."""
    kind, _, rest = ref.partition(":")
    url = {
        "indicator": f"/indicators/{rest}",
        "target": "/targets",
        "alert": "/surveillance",
        "standard": "/standards",
    }.get(kind, "/")
    return {"ref": ref, "url": url}


def log(db: Session, user: User, geo: Geography) -> dict[str, Any]:
    """The meetings a user may see, and the groups they may record meetings for."""
    groups = load_groups(geo)
    today = dt.date.today()
    meetings = []
    for m in governance.meetings_for(db, user, geo):
        actions = governance.actions_of(db, m.id)
        meetings.append(
            {
                "id": m.id,
                "group": groups[m.group_id].name if m.group_id in groups else m.group_id,
                "held_on": m.held_on.isoformat(),
                "title": m.title,
                "published": m.published,
                "open_actions": sum(a.status in UNFINISHED for a in actions),
                "overdue": len(governance.overdue(actions, today)),
            }
        )
    return page_model(
        geo.configuration,
        "Oversight: meetings, decisions and actions",
        meetings=meetings,
        listed=governance.LISTED,
        groups=[{"id": g.id, "name": g.name} for g in governance.groups_for(user, geo)],
        today=today.isoformat(),
        feedback_adp=user.area_code if can(user, "read_feedback", user.area_code, geo) else None,
    )


def meeting(db: Session, user: User, meeting_id: int, geo: Geography) -> dict[str, Any]:
    m = governance.get_meeting(db, user, meeting_id, geo)
    group = load_groups(geo).get(m.group_id)
    today = dt.date.today()
    may_record = can(user, "record_governance", m.area_code, geo)
    decisions = [
        {"id": d.id, "text": d.text, "links": [_link(r) for r in json.loads(d.links)]}
        for d in governance.decisions_of(db, m.id)
    ]
    actions = [
        {
            "id": a.id,
            "title": a.title,
            "owner": a.owner,
            "due": a.due.isoformat() if a.due else "",
            "status": a.status,
            "version": a.version,
            "note": a.progress_note or "",
            "decision_id": a.decision_id,
            "overdue": a in governance.overdue([a], today),
            "links": [_link(r) for r in json.loads(a.links)],
            "may_update": can(user, "update_governance_actions", a.area_code, geo)
            and a.status in UNFINISHED,
        }
        for a in governance.actions_of(db, m.id)
    ]
    return page_model(
        geo.configuration,
        f"{m.title}, {m.held_on.strftime('%d %B %Y')}",
        meeting={
            "id": m.id,
            "group": group.name if group else m.group_id,
            "publishes": bool(group and group.publishes),
            "area_code": m.area_code,
            "held_on": m.held_on.isoformat(),
            "published": m.published,
            "summary": m.public_summary or "",
            "version": m.version,
            "synthetic": m.synthetic,
        },
        area_name=geo.area(m.area_code).name,
        decisions=decisions,
        actions=actions,
        statuses=list(STATUSES),
        may_record=may_record,
    )


def public(db: Session, geo: Geography, demonstration: bool) -> dict[str, Any]:
    """Published meetings of groups that publish; SYNTHETIC ones only in a demonstration."""
    shown = [m for m in governance.public_meetings(db, geo) if demonstration or not m["synthetic"]]
    for m in shown:
        m["area_name"] = geo.area(m["area_code"]).name
        for item in [*m["decisions"], *m["actions"]]:
            item["links"] = [_link(r) for r in item["links"]]
    return page_model(
        geo.configuration,
        "Oversight decisions",
        meetings=shown,
        groups=[
            {"name": g.name, "area": geo.area(g.area).name}
            for g in load_groups(geo).values()
            if g.publishes and g.area == national_code(geo.configuration)
        ],
    )


def feedback_form(geo: Geography) -> dict[str, Any]:
    form = public_form(geo.configuration)
    adps = sorted(geo.of_type(reporting_type(geo.configuration)), key=lambda a: a.name)
    return {"form": form, "adps": [{"code": a.code, "name": a.name} for a in adps]}


def feedback_inbox(
    db: Session, user: User, adp: str, geo: Geography, status: str | None
) -> dict[str, Any]:
    form = public_form(geo.configuration)
    labels = {q.id: q.label for q in form.questions}
    codes = {q.id: form.code_lists.get(q.codes or "", {}) for q in form.questions}
    rows = []
    for r in feedback.responses_for(db, user, adp, geo, status):
        answers = json.loads(r.answers)
        rows.append(
            {
                "id": r.id,
                "period": r.period,
                "status": r.status,
                "version": r.version,
                "received": r.received_at.strftime("%d %B %Y"),
                "reason": r.reason or "",
                "synthetic": r.synthetic,
                "answers": [
                    (labels.get(k, k), codes.get(k, {}).get(str(v), str(v)))
                    for k, v in answers.items()
                ],
            }
        )
    return page_model(
        geo.configuration,
        f"Feedback about {geo.area(adp).name}",
        adp={"code": adp, "name": geo.area(adp).name},
        responses=rows,
        status=status or "",
        listed=feedback.LISTED,
        may_moderate=feedback.may_moderate(user, adp, geo),
    )
