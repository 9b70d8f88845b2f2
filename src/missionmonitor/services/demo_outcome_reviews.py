"""SYNTHETIC outcome reviews for the demonstration: people starting treatment in each ADP
over the first half of the last complete financial year, reviewed at three and six months
(or not), their records filed, submitted and approved through the same record-level return
and workflow as real ones, and their measures returned in the ``adp_returns`` shape with the
demonstration's SYNTHETIC source. Nothing here reaches a store that is not a demonstration.

People per ADP follow its population (about 3,000 in all); ratings drift upwards between
start and review, housing problems and unemployment resolve for some. Every person key is
the hash of a SYNTHETIC identifier with a demonstration salt.

For example::

    rows = demo_outcome_reviews(db, geo, submitter, approver, dt.date(2026, 12, 7), seed=1)
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from typing import Any

from sqlalchemy.orm import Session

from missionmonitor.indicators.populations import latest_population
from missionmonitor.periods import financial_year_of, parse_period, quarter_of, recent_periods
from missionmonitor.portal.models import User
from missionmonitor.refdata.geography import Geography, national_code, reporting_type
from missionmonitor.returns import workflow
from missionmonitor.returns.forms import Form, get_form
from missionmonitor.services.outcome_reviews import approved_figures
from missionmonitor.wellbeing.instrument import Instrument, current_instrument
from missionmonitor.wellbeing.records import person_key

FORM = "outcome_reviews"
PEOPLE = 3000


def _answers(instrument: Instrument, rng: random.Random, lift: float) -> dict[str, int]:
    out = {}
    for item in instrument.items:
        if item.kind == "rating":
            out[item.id] = max(0, min(20, round(rng.gauss(8 + lift, 3.5))))
        elif item.kind == "days":
            out[item.id] = rng.choice([0, 0, 0, rng.randint(1, 28)])
        else:
            out[item.id] = int(rng.random() < 0.35 - lift / 40)
    return out


def _person(
    instrument: Instrument, rng: random.Random, key: str, start: dt.date
) -> list[dict[str, Any]]:
    made = [(instrument.start, start, _answers(instrument, rng, 0))]
    for n, point in enumerate(instrument.scheduled):
        if rng.random() < 0.75 - 0.1 * n:
            due = start + dt.timedelta(days=point.due_after_days or 0)
            day = due + dt.timedelta(days=rng.randint(-point.window_days, point.window_days))
            made.append((point.id, day, _answers(instrument, rng, 2.5 + n)))
    return [
        {"person_key": key, "review_point": p, "review_date": d.isoformat(), "answers": a}
        for p, d, a in made
    ]


def synthetic_records(
    form: Form, geo: Geography, today: dt.date, seed: int
) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """SYNTHETIC records by (ADP, quarter): starts over April to September of the last
    complete financial year, each record in the quarter of its date."""
    rng = random.Random(f"outcome-reviews-{seed}")
    instrument = current_instrument(geo.configuration, form.instrument or "")
    year = parse_period(recent_periods("financial_year", today, 1)[0])
    _, pops = latest_population(geo)
    nation = pops[national_code(geo.configuration)]
    out: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for adp in geo.of_type(reporting_type(geo.configuration)):
        for n in range(max(1, round(PEOPLE * pops[adp.code] / nation))):
            key = person_key(f"SYNTHETIC-{adp.code}-{n}", f"demonstration-{seed}")
            start = year.start + dt.timedelta(days=rng.randint(0, 182))
            for record in _person(instrument, rng, key, start):
                day = dt.date.fromisoformat(record["review_date"])
                if financial_year_of(day).label == year.label:
                    out[(adp.code, quarter_of(day).label)].append(record)
    return dict(out)


def demo_outcome_reviews(
    db: Session, geo: Geography, submitter_id: int, approver_id: int, today: dt.date, seed: int
) -> list[dict[str, Any]]:
    """File, submit and approve the SYNTHETIC records of every ADP; their measures as of
    ``today`` in the ``adp_returns`` shape (source ``MM_DEMO_RETURNS``)."""
    form = get_form(geo.configuration, FORM)
    for (adp, quarter), records in sorted(synthetic_records(form, geo, today, seed).items()):
        submitter = User(id=submitter_id, role="adp_submitter", area_code=adp, active=True)
        approver = User(id=approver_id, role="adp_approver", area_code=adp, active=True)
        answers = {"records": records}
        draft = workflow.save_draft(db, submitter, form, adp, quarter, answers, geo=geo)
        sent = workflow.submit(db, submitter, draft.id, draft.version, geo)
        workflow.decide(db, approver, sent.id, sent.version, True, geo=geo)
    return approved_figures(geo.configuration, db, FORM, today, "MM_DEMO_RETURNS")
