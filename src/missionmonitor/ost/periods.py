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
        out.append(Period(f"{year}/{(year + 1) % 100:02d}", dt.date(year, 4, 1),
                          dt.date(year + 1, 3, 31)))  # fmt: skip
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
            out.append(Period(f"12 months to {end.isoformat()}", window_start, end,
                              "rolling_12_months"))  # fmt: skip
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)
    return out


def period_frame(spans: list[Period]) -> pd.DataFrame:
    return pd.DataFrame([(p.label, p.start, p.end) for p in spans],
                        columns=["label", "first_day", "last_day"])  # fmt: skip


def with_period_type(frame: pd.DataFrame, periods: list[Period]) -> pd.DataFrame:
    """Add each row's period type (financial_year, quarter, rolling_12_months)."""
    kinds = {p.label: p.kind for p in periods}
    out = frame.assign(period_type=frame["period"].map(kinds))
    return out[["period", "period_type", *[c for c in frame.columns if c != "period"]]]
