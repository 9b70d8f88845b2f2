"""The reporting periods of the OST pipeline: financial years, calendar quarters and rolling
12-month windows, each a run of whole calendar months (each a ``periods.Period``, labelled
by the one period grammar), and the month bitmasks its counts match them with.

>>> import datetime as dt
>>> [p.label for p in reporting_periods(dt.date(2023, 4, 1), dt.date(2024, 6, 30))][:3]
['2023/24', '2024/25', '2023-Q2']
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from missionmonitor.periods import Period, financial_year_of, quarter_of, rolling_12_months_to


def financial_years(first: dt.date, last: dt.date) -> list[Period]:
    """Every financial year touching [first, last]."""
    out = [financial_year_of(first)]
    while out[-1].end < last:
        out.append(financial_year_of(out[-1].end + dt.timedelta(days=1)))
    return out


def reporting_periods(first: dt.date, last: dt.date) -> list[Period]:
    """Financial years and calendar quarters touching [first, last], and the rolling
    12-month windows ending at each quarter end that lie wholly within it. Every period is
    a run of whole calendar months (the monthly summary relies on it)."""
    out = financial_years(first, last)
    quarter = quarter_of(first)
    while quarter.start <= last:
        out.append(quarter)
        window = rolling_12_months_to(quarter.end)
        if window.start >= first and window.end <= last:
            out.append(window)
        quarter = quarter_of(quarter.end + dt.timedelta(days=1))
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
    kinds = {p.label: p.type for p in periods}
    out = frame.assign(period_type=frame["period"].map(kinds))
    return out[["period", "period_type", *[c for c in frame.columns if c != "period"]]]
