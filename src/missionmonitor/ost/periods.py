"""The reporting periods of the OST pipeline: financial years, calendar quarters and rolling
12-month windows, each a run of whole calendar months.

>>> import datetime as dt
>>> [p.label for p in reporting_periods(dt.date(2023, 4, 1), dt.date(2024, 6, 30))][:3]
['2023/24', '2024/25', '2023-Q2']
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Period:
    label: str
    start: dt.date
    end: dt.date
    kind: str = "financial_year"


def financial_years(first: dt.date, last: dt.date) -> list[Period]:
    """Every financial year touching [first, last]."""
    year = first.year if first.month >= 4 else first.year - 1
    out = []
    while dt.date(year, 4, 1) <= last:
        out.append(
            Period(f"{year}/{(year + 1) % 100:02d}", dt.date(year, 4, 1), dt.date(year + 1, 3, 31))
        )
        year += 1
    return out


def _quarter_end(year: int, q: int) -> dt.date:
    return dt.date(year + (q == 4), (3 * q) % 12 + 1, 1) - dt.timedelta(days=1)


def reporting_periods(first: dt.date, last: dt.date) -> list[Period]:
    """Financial years and calendar quarters touching [first, last], and the rolling
    12-month windows ending at each quarter end that lie wholly within it. Every period is
    a run of whole calendar months (the monthly summary relies on it)."""
    out = financial_years(first, last)
    year, q = first.year, (first.month - 1) // 3 + 1
    while dt.date(year, 3 * q - 2, 1) <= last:
        start, end = dt.date(year, 3 * q - 2, 1), _quarter_end(year, q)
        out.append(Period(f"{year}-Q{q}", start, end, "quarter"))
        window_start = dt.date(end.year - 1, end.month, end.day) + dt.timedelta(days=1)
        if window_start >= first and end <= last:
            out.append(
                Period(f"12 months to {end.isoformat()}", window_start, end, "rolling_12_months")
            )
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)
    return out


#: Months held in each word of a month bitmask (63: the sign bit of a BIGINT stays clear).
MONTHS_PER_WORD = 63


def month_index(day: dt.date, first: dt.date) -> int:
    """Months from ``first``'s month to ``day``'s month (0 for the same month)."""
    return (day.year - first.year) * 12 + day.month - first.month


def mask_words(first: dt.date, last: dt.date) -> int:
    """How many 63-month words a bitmask of every month from ``first`` to ``last`` needs."""
    return month_index(last, first) // MONTHS_PER_WORD + 1


def period_frame(
    spans: list[Period], first: dt.date | None = None, last: dt.date | None = None
) -> pd.DataFrame:
    """The periods as a relation: label, first and last day, and (given the data's first
    and last days) each period's months as bitmask words ``p0``, ``p1``, … (bit k of word w
    is month ``63w + k`` counted from the first), to match against people's months."""
    frame = pd.DataFrame(
        [(p.label, p.start, p.end) for p in spans], columns=["label", "first_day", "last_day"]
    )
    if first is None or last is None:
        return frame
    words = [[0] * len(spans) for _ in range(mask_words(first, last))]
    for i, p in enumerate(spans):
        lo = max(month_index(p.start, first), 0)
        hi = min(month_index(p.end, first), month_index(last, first))
        for m in range(lo, hi + 1):
            words[m // MONTHS_PER_WORD][i] |= 1 << (m % MONTHS_PER_WORD)
    for w, values in enumerate(words):
        frame[f"p{w}"] = pd.Series(values, dtype="int64")
    return frame


def with_period_type(frame: pd.DataFrame, periods: list[Period]) -> pd.DataFrame:
    """Add each row's period type (financial_year, quarter, rolling_12_months)."""
    kinds = {p.label: p.kind for p in periods}
    out = frame.assign(period_type=frame["period"].map(kinds))
    return out[["period", "period_type", *[c for c in frame.columns if c != "period"]]]
