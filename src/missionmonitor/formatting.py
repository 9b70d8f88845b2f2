"""How figures are written for people: publication rounding, separators, the suppression mark.

Every page, report and export writes numbers through these, so a figure reads the same
everywhere it appears.

>>> display_value(1234.5, 0)
'1,235'
>>> display_value(None, 1)
'c'
>>> display_percent(-20.6)
'-21%'
>>> display_percent(0.44)
'0.4%'
>>> display_change(-155, -13.2, 0), display_change(24, None, 0)
('-155 (-13%)', '+24 percentage points')
"""

from __future__ import annotations

import math

from missionmonitor.methods.disclosure import SUPPRESSION_MARKER
from missionmonitor.methods.rounding import round_half_up


def display_value(value: float | None, digits: int) -> str:
    """Publication display: round half up, thousands separators; ``c`` if suppressed."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return SUPPRESSION_MARKER
    rounded = float(round_half_up(value, digits)) + 0.0  # + 0.0 turns -0.0 into 0.0
    return f"{rounded:,.{digits}f}"


def display_percent(pct: float) -> str:
    """A percentage change as NRS quotes it: whole per cent, one decimal below 1%."""
    return f"{display_value(pct, 1 if abs(pct) < 1 else 0)}%"


def display_change(change: float, relative_pct: float | None, digits: int) -> str:
    """A change on the previous period: with its relative change, or, for a percentage
    (``relative_pct`` None), in percentage points."""
    sign = "+" if change > 0 else ""
    text = f"{sign}{display_value(change, digits)}"
    if relative_pct is None:
        return f"{text} percentage points"
    return f"{text} ({sign}{display_percent(relative_pct)})"
