"""Period labels: the one grammar of every period the product reads or writes.

Labels as Scottish official statistics write them, and those the product's own files and
pages write, parsed for ordering and change:

* calendar year ``2022``; financial year ``2023/24``; quarter ``2023-Q1``;
* rolling window ``2015-2019`` (a run of calendar years);
* point in time ``April 2024`` (e.g. a MAT standards assessment);
* calendar month ``2024-05`` (count series, toxicology samples);
* week ``2024-05-06``, labelled by its first day (an ISO week starts on a Monday);
* rolling 12 months ``12 months to 2024-03-31``, labelled by its last day (OST measures);
* MAT benchmarking ``2024 benchmarking``: the annual assessment, as of April of the year.

Every label is written by one of the ``*_label`` functions below and read back by
``parse_period``, so a label the product writes is always one it can read.

>>> parse_period("2023/24").previous()
'2022/23'
>>> parse_period("2015-2019").previous()
'2014-2018'
>>> quarter_of(dt.date(2024, 5, 17)).label, financial_year_of(dt.date(2024, 3, 31)).label
('2024-Q2', '2023/24')
>>> parse_period("12 months to 2024-03-31").start
datetime.date(2023, 4, 1)
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal

from missionmonitor.errors import NotFoundError

PeriodType = Literal[
    "calendar_year",
    "financial_year",
    "quarter",
    "rolling_years",
    "month",
    "calendar_month",
    "week",
    "rolling_12_months",
    "benchmarking",
]

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# ASCII digits only ([0-9], not \d, which takes other scripts' digits).
_PATTERNS: tuple[tuple[PeriodType, re.Pattern[str]], ...] = (
    ("calendar_year", re.compile(r"^([0-9]{4})$")),
    ("financial_year", re.compile(r"^([0-9]{4})/([0-9]{2})$")),
    ("quarter", re.compile(r"^([0-9]{4})-Q([1-4])$")),
    ("rolling_years", re.compile(r"^([0-9]{4})-([0-9]{4})$")),
    ("month", re.compile(r"^(" + "|".join(_MONTHS) + r") ([0-9]{4})$")),
    ("calendar_month", re.compile(r"^([0-9]{4})-([0-9]{2})$")),
    ("week", re.compile(r"^([0-9]{4}-[0-9]{2}-[0-9]{2})$")),
    ("rolling_12_months", re.compile(r"^12 months to ([0-9]{4}-[0-9]{2}-[0-9]{2})$")),
    ("benchmarking", re.compile(r"^([0-9]{4}) benchmarking$")),
)


@dataclass(frozen=True, order=True)
class Period:
    """A period: its first and last day, its type and its label (as written)."""

    start: dt.date
    end: dt.date
    type: PeriodType
    label: str

    def previous(self) -> str:
        """Label of the period immediately before this one, of the same type and length
        (a year earlier for a point in time and for a rolling window of months)."""
        if self.type == "calendar_year":
            return calendar_year_label(self.start.year - 1)
        if self.type == "financial_year":
            return financial_year_label(self.start.year - 1)
        if self.type == "quarter":
            return quarter_of(self.start - dt.timedelta(days=1)).label
        if self.type == "rolling_years":
            return rolling_years_label(self.start.year - 1, self.end.year - 1)
        if self.type == "calendar_month":
            return calendar_month_label(self.start - dt.timedelta(days=1))
        if self.type == "week":
            return week_label(self.start - dt.timedelta(weeks=1))
        if self.type == "rolling_12_months":
            return rolling_12_months_label(self.start - dt.timedelta(days=1))
        if self.type == "benchmarking":
            return benchmarking_label(self.start.year - 1)
        return month_label(self.start.replace(year=self.start.year - 1))

    @property
    def years(self) -> int:
        """Length in whole years (1 for a year, 5 for ``2015-2019``, 0 for shorter)."""
        if self.type == "rolling_years":
            return self.end.year - self.start.year + 1
        return 1 if self.type in ("calendar_year", "financial_year", "rolling_12_months") else 0


# ---- writing labels ------------------------------------------------------------------


def calendar_year_label(year: int) -> str:
    return f"{year:04d}"


def financial_year_label(start_year: int) -> str:
    """The financial year from 1 April ``start_year``: ``2023/24``."""
    return f"{start_year:04d}/{(start_year + 1) % 100:02d}"


def quarter_label(year: int, quarter: int) -> str:
    return f"{year:04d}-Q{quarter}"


def rolling_years_label(first: int, last: int) -> str:
    return f"{first:04d}-{last:04d}"


def month_label(day: dt.date) -> str:
    """The label of the month ``day`` falls in, as periods are written: ``March 2024``."""
    return f"{_MONTHS[day.month - 1]} {day.year:04d}"


def calendar_month_label(day: dt.date) -> str:
    """The calendar month ``day`` falls in, as count series write it: ``2024-05``."""
    return f"{day.year:04d}-{day.month:02d}"


def week_label(first_day: dt.date) -> str:
    """The week starting ``first_day``: its ISO date."""
    return first_day.isoformat()


def rolling_12_months_label(last_day: dt.date) -> str:
    """The 12 months ending on ``last_day`` (the last day of a month)."""
    return f"12 months to {last_day.isoformat()}"


def benchmarking_label(year: int) -> str:
    """The MAT standards benchmarking of ``year`` (graded as of April)."""
    return f"{year:04d} benchmarking"


# ---- the periods a day falls in ------------------------------------------------------


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)


def quarter_of(day: dt.date) -> Period:
    """The calendar quarter ``day`` falls in."""
    q = (day.month - 1) // 3 + 1
    start = dt.date(day.year, 3 * q - 2, 1)
    return Period(start, _month_end(day.year, 3 * q), "quarter", quarter_label(day.year, q))


def financial_year_of(day: dt.date) -> Period:
    """The financial year (1 April to 31 March) ``day`` falls in."""
    y = day.year if day.month >= 4 else day.year - 1
    return Period(
        dt.date(y, 4, 1), dt.date(y + 1, 3, 31), "financial_year", financial_year_label(y)
    )


def rolling_12_months_to(last_day: dt.date) -> Period:
    """The 12 whole months ending on ``last_day`` (which must end a month)."""
    start = dt.date(last_day.year - 1, last_day.month % 12 + 1, 1)
    if last_day.month == 12:
        start = dt.date(last_day.year, 1, 1)
    label = rolling_12_months_label(last_day)
    return Period(start, last_day, "rolling_12_months", label)


# ---- reading labels ------------------------------------------------------------------


@lru_cache(maxsize=4096)
def parse_period(label: str) -> Period:
    """Parse a period label; raise NotFoundError for a label of no known form.

    Cached: a Period is immutable and labels repeat across areas.
    """
    for ptype, pattern in _PATTERNS:
        m = pattern.match(label.strip())
        if not m:
            continue
        try:
            found = _parsed(ptype, m, label)
        except ValueError:  # no such day or month (2024-02-30, 2024-13)
            found = None
        if found is None:
            break
        return found
    raise NotFoundError(f"'{label}' is not a period label this platform understands")


def _parsed(ptype: PeriodType, m: re.Match[str], label: str) -> Period | None:
    """The period a matched label names, or None if the label only looks like one."""
    if ptype == "calendar_year":
        y = int(m[1])
        return Period(dt.date(y, 1, 1), dt.date(y, 12, 31), ptype, label)
    if ptype == "financial_year":
        y = int(m[1])
        if (y + 1) % 100 != int(m[2]):
            return None
        return Period(dt.date(y, 4, 1), dt.date(y + 1, 3, 31), ptype, label)
    if ptype == "quarter":
        return replace(quarter_of(dt.date(int(m[1]), 3 * int(m[2]), 1)), label=label)
    if ptype == "rolling_years":
        a, b = int(m[1]), int(m[2])
        if b <= a:
            return None
        return Period(dt.date(a, 1, 1), dt.date(b, 12, 31), ptype, label)
    if ptype == "calendar_month":
        y, month = int(m[1]), int(m[2])
        return Period(dt.date(y, month, 1), _month_end(y, month), ptype, label)
    if ptype == "week":
        first = dt.date.fromisoformat(m[1])
        return Period(first, first + dt.timedelta(days=6), ptype, label)
    if ptype == "rolling_12_months":
        last = dt.date.fromisoformat(m[1])
        if last != _month_end(last.year, last.month):
            return None
        return replace(rolling_12_months_to(last), label=label)
    if ptype == "benchmarking":
        as_of = dt.date(int(m[1]), 4, 1)
        return Period(as_of, as_of, ptype, label)
    month = _MONTHS.index(m[1]) + 1
    y = int(m[2])
    return Period(dt.date(y, month, 1), dt.date(y, month, 1), ptype, label)


def period_type_of(label: str) -> PeriodType | None:
    try:
        return parse_period(label).type
    except NotFoundError:
        return None


def known_by(label: str, end: dt.date) -> bool:
    """Whether the period ``label`` had ended by ``end``, as a report as at ``end`` takes it:
    a point-in-time figure dated within the month after still counts.

    >>> known_by("2023/24", dt.date(2024, 3, 31)), known_by("2024-Q2", dt.date(2024, 3, 31))
    (True, False)
    >>> known_by("April 2024", dt.date(2024, 3, 31))
    True
    """
    period = parse_period(label)
    limit = end + dt.timedelta(days=31) if period.type == "month" else end
    return period.end <= limit


def recent_periods(period_type: str, today: dt.date, count: int = 8) -> list[str]:
    """The latest ``count`` periods of a type that have ended by ``today``, newest first."""
    of = quarter_of if period_type == "quarter" else financial_year_of
    out = []
    day = of(today).start
    for _ in range(count):
        period = of(day - dt.timedelta(days=1))
        out.append(period.label)
        day = period.start
    return out
