"""Measures of outcome reviews per area and period, from people's review records: reviews
completed out of those due, reliable improvement and mean change between the start and the
review on each scale, and problems at the start resolved by the review. Pure functions; the
national figure is made from every area's records, never by averaging areas.

A person is one hashed key within one area. Their change compares the start record with
their latest later record (a scheduled review or the exit), in the financial year of that
review's date. A scheduled review is due once its window has closed (start date + due days
+ window days, on or before ``as_of``), counted in the financial year of its due date, and
completed when a record at that point is dated within the window.

For example::

    rows = area_measures(instrument, records, as_of=dt.date(2026, 3, 31), national="S92000003")
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from missionmonitor.periods import financial_year_of
from missionmonitor.wellbeing.change import classify, mean_change, standard_error_of_difference
from missionmonitor.wellbeing.instrument import Instrument, Problem, Scale


@dataclass(frozen=True)
class ReviewRecord:
    """One person's answers at one review point (yes/no answers as 1 and 0; None where not
    answered)."""

    area_code: str
    person: str
    point: str
    date: dt.date
    answers: Mapping[str, int | None]


@dataclass(frozen=True)
class Pair:
    area_code: str
    period: str
    start: ReviewRecord
    review: ReviewRecord


def score(scale: Scale, answers: Mapping[str, int | None]) -> float | None:
    """The scale's score from its items (None when one is not answered)."""
    values = [answers.get(i) for i in scale.items]
    if any(v is None for v in values):
        return None
    total = float(sum(v for v in values if v is not None))
    return total / len(values) if scale.scoring == "mean" else total


def _people(
    instrument: Instrument, records: Iterable[ReviewRecord]
) -> dict[tuple[str, str], list[ReviewRecord]]:
    out: dict[tuple[str, str], list[ReviewRecord]] = defaultdict(list)
    for r in records:
        out[(r.area_code, r.person)].append(r)
    return {k: sorted(v, key=lambda r: r.date) for k, v in out.items()}


def _start(instrument: Instrument, mine: Sequence[ReviewRecord]) -> ReviewRecord | None:
    starts = [r for r in mine if r.point == instrument.start]
    return starts[0] if starts else None


def pairs(instrument: Instrument, records: Iterable[ReviewRecord]) -> list[Pair]:
    """Each person's start and latest later record, in the financial year of the latter."""
    out = []
    for (area, _), mine in _people(instrument, records).items():
        start = _start(instrument, mine)
        later = [r for r in mine if r.point != instrument.start and start and r.date > start.date]
        if start is not None and later:
            out.append(Pair(area, financial_year_of(later[-1].date).label, start, later[-1]))
    return out


def reviews_due(
    instrument: Instrument, records: Iterable[ReviewRecord], as_of: dt.date
) -> list[tuple[str, str, bool]]:
    """(area, period, completed) for every scheduled review whose window has closed by
    ``as_of``, for every person with a start record."""
    out = []
    for (area, _), mine in _people(instrument, records).items():
        start = _start(instrument, mine)
        if start is None:
            continue
        for point in instrument.scheduled:
            due = start.date + dt.timedelta(days=point.due_after_days or 0)
            window = dt.timedelta(days=point.window_days)
            if due + window > as_of:
                continue
            done = any(r.point == point.id and abs(r.date - due) <= window for r in mine)
            out.append((area, financial_year_of(due).label, done))
    return out


def _is_problem(problem: Problem, answers: Mapping[str, int | None]) -> bool | None:
    value = answers.get(problem.item)
    if value is None:
        return None
    return value == 1 if problem.when == "yes" else value == 0


def baseline_sd(scale: Scale, records: Iterable[ReviewRecord], start: str) -> float | None:
    """The declared SD, or else the sample SD (n - 1) of everyone's start scores."""
    if scale.baseline_sd is not None:
        return scale.baseline_sd
    scores = [s for r in records if r.point == start if (s := score(scale, r.answers)) is not None]
    return float(np.std(scores, ddof=1)) if len(scores) >= 2 else None


def _group_measures(
    instrument: Instrument, group: Sequence[Pair], sds: Mapping[str, float | None]
) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for scale in instrument.scales:
        scored = [
            (a, b)
            for p in group
            if (a := score(scale, p.start.answers)) is not None
            and (b := score(scale, p.review.answers)) is not None
        ]
        out[f"{scale.id}_pairs"] = len(scored)
        if scored:
            m = mean_change([b - a for a, b in scored])
            out[f"{scale.id}_mean_change"] = m.mean
            out[f"{scale.id}_mean_change_lci"] = m.lci
            out[f"{scale.id}_mean_change_uci"] = m.uci
        r, sd = scale.reliability.coefficient, sds.get(scale.id)
        if r is not None and sd is not None:
            s_diff = standard_error_of_difference(sd, r)
            kinds = [classify(a, b, s_diff, scale.higher_is_better) for a, b in scored]
            out[f"{scale.id}_reliably_improved"] = kinds.count("improved")
            out[f"{scale.id}_reliably_deteriorated"] = kinds.count("deteriorated")
    for problem in instrument.problems:
        at_start = [p for p in group if _is_problem(problem, p.start.answers)]
        answered = [p for p in at_start if _is_problem(problem, p.review.answers) is not None]
        out[f"{problem.id}_problem_at_start"] = len(answered)
        out[f"{problem.id}_resolved"] = sum(
            _is_problem(problem, p.review.answers) is False for p in answered
        )
    return out


def area_measures(
    instrument: Instrument,
    records: Sequence[ReviewRecord],
    as_of: dt.date,
    national: str,
) -> list[tuple[str, str, str, float]]:
    """(area code, period, measure, value) for every area and the nation (``national``):
    ``reviews_due`` and ``reviews_completed``; per scale ``SCALE_pairs``, its mean change
    (``SCALE_mean_change`` with ``_lci`` and ``_uci``) and, where the scale declares a
    reliability, ``SCALE_reliably_improved`` and ``SCALE_reliably_deteriorated``; per
    problem ``PROBLEM_problem_at_start`` and ``PROBLEM_resolved``. Values that cannot be
    computed (an interval from one person) are left out."""
    sds = {s.id: baseline_sd(s, records, instrument.start) for s in instrument.scales}
    groups: dict[tuple[str, str], list[Pair]] = defaultdict(list)
    for p in pairs(instrument, records):
        groups[(p.area_code, p.period)].append(p)
        groups[(national, p.period)].append(p)
    due: dict[tuple[str, str], list[bool]] = defaultdict(list)
    for area, period, done in reviews_due(instrument, records, as_of):
        due[(area, period)].append(done)
        due[(national, period)].append(done)
    out: dict[tuple[str, str, str], float] = {}
    for (area, period), flags in due.items():
        out[(area, period, "reviews_due")] = len(flags)
        out[(area, period, "reviews_completed")] = sum(flags)
    for (area, period), group in groups.items():
        for measure, value in _group_measures(instrument, group, sds).items():
            if value is not None:
                out[(area, period, measure)] = value
    return sorted((a, p, m, float(v)) for (a, p, m), v in out.items())
