"""SYNTHETIC accountability data for the demonstration: a year of approved ADP returns
(funding and spend, quarterly MAT progress, the bed census, placement outcomes, people's
outcome reviews: ``demo_outcome_reviews``), accepted
lived-experience feedback, and a published national oversight meeting, all made through
the same forms engine, workflow and audit as real ones and marked SYNTHETIC. The returns'
figures are written in the ``adp_returns`` shape for loading into the demonstration store.

Calibration, so the demonstration looks like the programme it stands for: about £50m a
year of Mission funding shared by population (the Mission's annual reports), spend of 85%
to 105% of allocation, and beds totalling about 420 (the capacity survey's 418, not a dated
statistic). Everything else is drawn at random and is said to be SYNTHETIC wherever shown.

For example::

    rows = demo_accountability(db, geo, dt.date(2025, 6, 1), seed=1)
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from sqlalchemy.orm import Session

from missionmonitor import config
from missionmonitor.accountability import feedback, governance
from missionmonitor.indicators.populations import latest_population
from missionmonitor.periods import recent_periods
from missionmonitor.portal import accounts
from missionmonitor.portal.models import User
from missionmonitor.refdata.geography import Geography, national_code, reporting_type
from missionmonitor.returns import workflow
from missionmonitor.returns.coordination import approved_rows
from missionmonitor.returns.forms import get_form, public_form
from missionmonitor.services.demo_outcome_reviews import demo_outcome_reviews

SOURCE = "MM_DEMO_RETURNS"
MISSION_FUNDING = 50_000_000
BEDS = 420
STREAMS = ("mission", "rehab", "families", "partnership")
PRIORITIES = (
    "treatment",
    "rehab",
    "overdose",
    "lived_experience",
    "families",
    "prevention",
    "other",
)


def _split(total: int, weights: list[float]) -> list[int]:
    """``total`` in whole pounds shared by ``weights``; the parts add up exactly."""
    parts = [int(total * w / sum(weights)) for w in weights]
    parts[0] += total - sum(parts)
    return parts


def _funding(rng: random.Random, share: float) -> dict[str, Any]:
    streams = _split(int(MISSION_FUNDING * share / 0.55), [0.55, 0.2, 0.1, 0.15])
    allocation = dict(zip(STREAMS, streams, strict=True))
    spend = {s: int(v * rng.uniform(0.85, 1.0)) for s, v in allocation.items()}
    total = sum(spend.values())
    priorities = _split(total, [rng.uniform(0.5, 1.5) * w for w in (30, 20, 10, 8, 10, 12, 10)])
    answers = {f"allocation_{s}": v for s, v in allocation.items()}
    answers |= {f"spend_{s}": v for s, v in spend.items()}
    answers |= {f"priority_{p}": v for p, v in zip(PRIORITIES, priorities, strict=True)}
    return {**answers, "allocation_total": sum(allocation.values()), "spend_total": total}


def _mat(rng: random.Random, share: float) -> dict[str, Any]:
    starts = max(12, int(rng.gauss(3000 * share, 20)))
    identified = max(10, int(starts * rng.uniform(0.3, 0.6)))
    cohort = max(10, int(starts * rng.uniform(0.8, 1.1)))
    answers: dict[str, Any] = {
        "s1_starts": starts,
        "s1_same_day": int(starts * rng.uniform(0.4, 0.9)),
        "s2_choice": int(starts * rng.uniform(0.7, 1.0)),
        "s3_identified": identified,
        "s3_contacted": int(identified * rng.uniform(0.5, 0.95)),
        "s4_offered": int(starts * rng.uniform(0.6, 1.0)),
        "s5_in_treatment_6m": cohort,
        "s5_retained": int(cohort * rng.uniform(0.6, 0.9)),
    }
    for n in range(1, 11):
        answers[f"s{n}_rag"] = rng.choices(["green", "amber", "red"], [6, 3, 1])[0]
        answers[f"s{n}_progress"] = (
            "on_track"
            if answers[f"s{n}_rag"] == "green"
            else rng.choice(["on_track", "some_delay", "off_track"])
        )
        answers[f"s{n}_notes"] = "SYNTHETIC demonstration return"
    if answers["s1_rag"] == "green" and answers["s1_progress"] == "off_track":
        answers["s1_progress"] = "some_delay"
    return answers


def _capacity(rng: random.Random, beds: int) -> dict[str, Any]:
    nhs, third = int(beds * rng.uniform(0.1, 0.3)), int(beds * rng.uniform(0.4, 0.7))
    return {
        "beds_nhs": nhs,
        "beds_third_sector": third,
        "beds_private": beds - nhs - third,
        "beds_total": beds,
        "beds_publicly_funded": int(beds * rng.uniform(0.5, 0.9)),
        "providers": max(1, beds // 15) if beds else 0,
    }


def _outcomes(rng: random.Random, share: float) -> dict[str, Any]:
    ended = max(0, int(rng.gauss(250 * share, 2)))
    completed = int(ended * rng.uniform(0.55, 0.8))
    due3, due12 = int(ended * 0.9), int(ended * 0.8)
    r3, r12 = int(due3 * rng.uniform(0.55, 0.9)), int(due12 * rng.uniform(0.5, 0.8))
    return {
        "placements_ended": ended,
        "placements_completed": completed,
        "placements_left_early": int((ended - completed) * 0.8),
        "followup_3m_due": due3,
        "followup_3m_reached": r3,
        "followup_3m_in_recovery": int(r3 * rng.uniform(0.6, 0.85)),
        "followup_12m_due": due12,
        "followup_12m_reached": r12,
        "followup_12m_in_recovery": int(r12 * rng.uniform(0.5, 0.8)),
    }


def _file(
    db: Session,
    submitter: User,
    approver: User,
    form_id: str,
    adp: str,
    period: str,
    answers: dict[str, Any],
    geo: Geography,
) -> None:
    """Draft, submit and approve one return, commenting on any warning."""
    from missionmonitor.returns.forms import check_answers

    form = get_form(geo.configuration, form_id)
    comments = {
        f.rule: "SYNTHETIC demonstration comment"
        for f in check_answers(form, answers)
        if f.importance == "warning"
    }
    draft = workflow.save_draft(db, submitter, form, adp, period, answers, comments, geo=geo)
    sent = workflow.submit(db, submitter, draft.id, draft.version, geo)
    workflow.decide(db, approver, sent.id, sent.version, True, geo=geo)


def demo_accountability(
    db: Session, geo: Geography, today: dt.date, seed: int = 1
) -> list[dict[str, Any]]:
    """Make the SYNTHETIC returns, feedback and oversight meeting; return the returns' and
    feedback's figures in the ``adp_returns`` shape (source ``MM_DEMO_RETURNS``)."""
    rng = random.Random(f"accountability-{seed}")
    secretariat_id = accounts.stand_in(
        geo.configuration, db, "demo-secretariat", "oversight_secretariat"
    ).id
    sub_id = accounts.stand_in(geo.configuration, db, "demo-submitter", "phs_analyst").id
    app_id = accounts.stand_in(geo.configuration, db, "demo-approver", "phs_analyst").id
    _, pops = latest_population(geo)
    adps = geo.of_type(reporting_type(geo.configuration))
    years = recent_periods("financial_year", today, 2)
    quarters = sorted(recent_periods("quarter", today, 4))
    bed_shares = [rng.uniform(0.2, 1.8) * pops[a.code] for a in adps]
    beds = _split(BEDS, bed_shares)
    for adp, adp_beds in zip(adps, beds, strict=True):
        share = pops[adp.code] / pops[national_code(geo.configuration)]
        # Enabled stand-ins for the permission checks; the returns name the demo accounts.
        submitter = User(id=sub_id, role="adp_submitter", area_code=adp.code, active=True)
        approver = User(id=app_id, role="adp_approver", area_code=adp.code, active=True)
        for year in years:
            _file(db, submitter, approver, "adp_funding", adp.code, year, _funding(rng, share), geo)
        for q in quarters:
            _file(db, submitter, approver, "mat_quarterly", adp.code, q, _mat(rng, share), geo)
            _file(
                db,
                submitter,
                approver,
                "rehab_capacity",
                adp.code,
                q,
                _capacity(rng, adp_beds + rng.randint(-1, 2) if adp_beds else 0),
                geo,
            )
            _file(
                db, submitter, approver, "rehab_outcomes", adp.code, q, _outcomes(rng, share), geo
            )
    _feedback(db, geo, adps, today, rng, approver_id=app_id)
    _meeting(db, geo, today, User(id=secretariat_id, role="oversight_secretariat", active=True))
    rows = []
    for form_id in ("adp_funding", "mat_quarterly", "rehab_capacity", "rehab_outcomes"):
        rows += approved_rows(geo.configuration, db, form_id, SOURCE)
    rows += feedback.export_rows(
        geo.configuration, db, public_form(geo.configuration), synthetic=True
    )
    rows += demo_outcome_reviews(db, geo, sub_id, app_id, today, seed)
    return rows


def _feedback(
    db: Session,
    geo: Geography,
    adps: list[Any],
    today: dt.date,
    rng: random.Random,
    approver_id: int,
) -> None:
    """Feedback over this quarter so far and the three before it (as pages show it)."""
    form = public_form(geo.configuration)
    days = [today]
    for q in recent_periods("quarter", today, 3):
        year, n = int(q[:4]), int(q[-1])
        days.append(dt.date(year, 3 * n - 1, 15))
    for adp in adps:
        moderator = User(id=approver_id, role="adp_approver", area_code=adp.code, active=True)
        for day in days:
            for _ in range(rng.randint(8, 25)):
                answers: dict[str, Any] = {
                    "respondent": rng.choice(["person", "person", "family", "panel"])
                }
                for s in feedback.statements(form):
                    answers[s] = rng.choices(
                        ["agree", "neutral", "disagree", "not_applicable"], [6, 2, 2, 1]
                    )[0]
                r = feedback.receive(db, form, adp.code, answers, geo, day, synthetic=True)
                feedback.moderate(db, moderator, r.id, r.version, True, geo)


def _meeting(db: Session, geo: Geography, today: dt.date, secretariat: User) -> None:
    held = today - dt.timedelta(days=30)
    m = governance.create_meeting(
        db,
        secretariat,
        "national_mission_oversight",
        held,
        "SYNTHETIC quarterly oversight meeting",
        geo,
        synthetic=True,
    )
    d = governance.add_decision(
        db,
        secretariat,
        m.id,
        "SYNTHETIC: ask every ADP for a plan to raise same-day starts",
        [f"indicator:{i}" for i in _standards_indicator(geo.configuration)] + ["standard:1"],
        geo,
    )
    governance.add_action(
        db,
        secretariat,
        m.id,
        "SYNTHETIC: collect ADP plans",
        "Secretariat",
        held + dt.timedelta(days=60),
        ["standard:1"],
        geo,
        d.id,
    )
    governance.publish_meeting(
        db,
        secretariat,
        m.id,
        m.version,
        "SYNTHETIC summary: the group reviewed MAT progress and beds.",
        geo,
    )


def _standards_indicator(configuration: config.Configuration) -> list[str]:
    """The configuration's standards indicator, which a decision on a standard links to."""
    spec = configuration.mat_report
    return [spec.indicator] if spec else []
