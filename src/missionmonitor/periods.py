"""Period labels as Scottish official statistics write them, parsed for ordering and change.

* calendar year ``2022``; financial year ``2023/24``; quarter ``2023-Q1``;
* rolling window ``2015-2019`` (a run of calendar years);
* point in time ``April 2024`` (e.g. a MAT standards assessment).

>>> parse_period("2023/24").previous()
'2022/23'
>>> parse_period("2015-2019").previous()
'2014-2018'
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from missionmonitor.errors import NotFoundError

PeriodType = Literal["calendar_year", "financial_year", "quarter", "rolling_years", "month"]

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
_PATTERNS: tuple[tuple[PeriodType, re.Pattern[str]], ...] = (
    ("calendar_year", re.compile(r"^(\d{4})$")),
    ("financial_year", re.compile(r"^(\d{4})/(\d{2})$")),
    ("quarter", re.compile(r"^(\d{4})-Q([1-4])$")),
    ("rolling_years", re.compile(r"^(\d{4})-(\d{4})$")),
    ("month", re.compile(r"^(" + "|".join(_MONTHS) + r") (\d{4})$")),
)


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    end: dt.date
    type: PeriodType
    label: str

    def previous(self) -> str:
        """Label of the period immediately before this one, of the same type and length."""
        if self.type == "calendar_year":
            return str(self.start.year - 1)
        if self.type == "financial_year":
            y = self.start.year - 1
            return f"{y}/{(y + 1) % 100:02d}"
        if self.type == "quarter":
            y, q = self.start.year, (self.start.month - 1) // 3 + 1
            return f"{y - 1}-Q4" if q == 1 else f"{y}-Q{q - 1}"
        if self.type == "rolling_years":
            return f"{self.start.year - 1}-{self.end.year - 1}"
        return f"{_MONTHS[self.start.month - 1]} {self.start.year - 1}"

    @property
    def years(self) -> int:
        """Length in whole years (1 for a year, 5 for ``2015-2019``, 0 for shorter)."""
        if self.type == "rolling_years":
            return self.end.year - self.start.year + 1
        return 1 if self.type in ("calendar_year", "financial_year") else 0


@lru_cache(maxsize=4096)
def parse_period(label: str) -> Period:
    """Parse a period label; raise NotFoundError for a label of no known form.

    Cached: a Period is immutable and labels repeat across areas.
    """
    for ptype, pattern in _PATTERNS:
        m = pattern.match(label.strip())
        if not m:
            continue
        if ptype == "calendar_year":
            y = int(m[1])
            return Period(dt.date(y, 1, 1), dt.date(y, 12, 31), ptype, label)
        if ptype == "financial_year":
            y = int(m[1])
            if (y + 1) % 100 != int(m[2]):
                break
            return Period(dt.date(y, 4, 1), dt.date(y + 1, 3, 31), ptype, label)
        if ptype == "quarter":
            y, q = int(m[1]), int(m[2])
            start = dt.date(y, 3 * q - 2, 1)
            end = dt.date(y + (q == 4), (3 * q) % 12 + 1, 1) - dt.timedelta(days=1)
            return Period(start, end, ptype, label)
        if ptype == "rolling_years":
            a, b = int(m[1]), int(m[2])
            if b <= a:
                break
            return Period(dt.date(a, 1, 1), dt.date(b, 12, 31), ptype, label)
        month = _MONTHS.index(m[1]) + 1
        y = int(m[2])
        return Period(dt.date(y, month, 1), dt.date(y, month, 1), ptype, label)
    raise NotFoundError(f"'{label}' is not a period label this platform understands")


def month_label(day: dt.date) -> str:
    """The label of the month ``day`` falls in, as periods are written: ``March 2024``."""
    return f"{_MONTHS[day.month - 1]} {day.year}"


def period_type_of(label: str) -> PeriodType | None:
    try:
        return parse_period(label).type
    except NotFoundError:
        return None


def recent_periods(period_type: str, today: dt.date, count: int = 8) -> list[str]:
    """The latest ``count`` periods of a type that have ended by ``today``, newest first."""
    out = []
    if period_type == "quarter":
        year, q = today.year, (today.month - 1) // 3 + 1
        for _ in range(count):
            year, q = (year - 1, 4) if q == 1 else (year, q - 1)
            out.append(f"{year}-Q{q}")
    else:
        start = today.year if today.month >= 4 else today.year - 1
        for k in range(1, count + 1):
            y = start - k
            out.append(f"{y}/{(y + 1) % 100:02d}")
    return out
