"""Reading the fields of posted forms that need more than FastAPI's own types.

>>> parse_date("2025-03-31", "the due date")
datetime.date(2025, 3, 31)
>>> parse_date("31/03/2025", "the due date")
Traceback (most recent call last):
...
missionmonitor.errors.MethodInputError: the due date must be a date such as 2025-03-31
"""

from __future__ import annotations

import datetime as dt

from missionmonitor.errors import MethodInputError


def parse_date(value: str, name: str) -> dt.date:
    """An ISO date from a form field; MethodInputError (a 400) otherwise."""
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise MethodInputError(f"{name} must be a date such as 2025-03-31") from exc
