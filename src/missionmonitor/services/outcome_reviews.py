"""The record-level outcome reviews return: an uploaded file of people's reviews saved as
drafts (one per ADP and quarter, through the returns workflow and its two-person rule), and
the approved returns turned into measures in the ``adp_returns`` shape. People's records
stay in the portal's database; only counts per ADP and financial year (and a mean change
where enough people give it) leave it, and indicators publish them with disclosure control.

For example::

    count = upload_records(db, user, form, "reviews.csv", data, geo)
    rows = approved_figures(configuration, db, "outcome_reviews", dt.date.today())
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from missionmonitor import config
from missionmonitor.portal.models import Submission, User
from missionmonitor.portal.permissions import can, require
from missionmonitor.refdata.geography import Geography, national_code, reporting_type
from missionmonitor.returns import workflow
from missionmonitor.returns.coordination import approved_rows
from missionmonitor.returns.forms import Form, get_form
from missionmonitor.wellbeing.instrument import current_instrument
from missionmonitor.wellbeing.measures import ReviewRecord, area_measures
from missionmonitor.wellbeing.records import read_records, review_records

#: Measures that are not counts (published only where more people than the form's
#: disclosure threshold give them).
AVERAGES = ("_mean_change", "_mean_change_lci", "_mean_change_uci")


def upload_records(
    db: Session, user: User, form: Form, filename: str, data: bytes, geo: Geography
) -> int:
    """Save each ADP and quarter's records of an uploaded file as that return's draft
    (replacing the draft's records), all in the caller's one transaction. Only ADPs the
    user may edit are accepted. Returns how many drafts were saved."""
    require(user, "edit_returns", None, geo)
    allowed = {
        a.code
        for a in geo.of_type(reporting_type(geo.configuration))
        if can(user, "edit_returns", a.code, geo)
    }
    instrument = current_instrument(geo.configuration, form.instrument or "")
    groups = read_records(geo, form, instrument, filename, data, allowed)
    for (adp, period), records in sorted(groups.items()):
        versions = workflow.history(db, form.id, adp, period)
        latest = versions[-1] if versions else None
        seen = latest.version if latest is not None and latest.status == "draft" else None
        answers = {"records": records}
        workflow.save_draft(db, user, form, adp, period, answers, None, seen, geo=geo)
    return len(groups)


def _approved(db: Session, form_id: str) -> list[Submission]:
    latest: dict[tuple[str, str], Submission] = {}
    for s in db.scalars(
        select(Submission).where(Submission.form_id == form_id, Submission.status == "approved")
    ):
        key = (s.adp_code, s.period)
        if key not in latest or s.number > latest[key].number:
            latest[key] = s
    return [latest[k] for k in sorted(latest)]


def measure_rows(
    configuration: config.Configuration,
    form: Form,
    records: list[ReviewRecord],
    as_of: dt.date,
    source: str,
) -> list[dict[str, Any]]:
    """The measures of ``records`` per ADP and financial year in the ``adp_returns`` shape,
    each named ``INSTRUMENT_MEASURE`` (the national figure is left to the indicators, which
    add up the ADPs' counts)."""
    instrument = current_instrument(configuration, form.instrument or "")
    nation = national_code(configuration)
    rows = area_measures(instrument, records, as_of, nation)
    pairs = {(a, p, m[: -len("_pairs")]): v for a, p, m, v in rows if m.endswith("_pairs")}
    out = []
    for area, period, measure, value in rows:
        if area == nation:
            continue
        if measure.endswith(AVERAGES):
            scale = measure.split("_mean_change")[0]
            if pairs.get((area, period, scale), 0) <= form.disclosure.threshold:
                continue
        out.append(
            {
                "area_type": reporting_type(configuration),
                "area_code": area,
                "form_id": form.id,
                "form_version": form.version,
                "measure": f"{instrument.id}_{measure}",
                "period": period,
                "value": round(value, 6),
                "source": source,
            }
        )
    return out


def approved_figures(
    configuration: config.Configuration,
    db: Session,
    form_id: str,
    as_of: dt.date,
    source: str = "MM_ADP_RETURNS",
) -> list[dict[str, Any]]:
    """The approved returns of a form as ``adp_returns`` rows: a record-level return's
    measures as of ``as_of``, any other form's numeric answers."""
    form = get_form(configuration, form_id)
    if form.instrument is None:
        return approved_rows(configuration, db, form_id, source)
    records = [
        r
        for s in _approved(db, form_id)
        for r in review_records(s.adp_code, json.loads(s.answers).get("records", []))
    ]
    return measure_rows(configuration, form, records, as_of, source)
