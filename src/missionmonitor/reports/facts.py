"""Numbers printed in generated sentences, each recorded with where it came from.

A ``Facts`` collector formats a value exactly as the report prints it and remembers the
indicator, area, period and results-table column it came from, so a test can check every
printed number against the results table.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from missionmonitor.formatting import display_percent, display_value


@dataclass(frozen=True)
class Fact:
    indicator_id: str
    area_code: str
    period: str
    column: str  # a results-table column, or "p_value" / "target"
    value: float
    shown: str


@dataclass
class Facts:
    items: list[Fact] = field(default_factory=list)

    def show(
        self,
        row: dict[str, Any],
        column: str,
        digits: int,
        *,
        absolute: bool = False,
        percent: bool = False,
    ) -> str:
        """Format ``row[column]`` as printed and record it."""
        value = float(row[column])
        shown_value = abs(value) if absolute else value
        text = display_percent(shown_value) if percent else display_value(shown_value, digits)
        self.items.append(
            Fact(row["indicator_id"], row["area_code"], row["period"], column, value, text)
        )
        return text

    def note(
        self, indicator_id: str, area: str, period: str, column: str, value: float, text: str
    ) -> str:
        """Record a number that is not a results-table value (a p-value, a target)."""
        self.items.append(Fact(indicator_id, area, period, column, value, text))
        return text

    def as_dicts(self) -> list[dict[str, Any]]:
        return [asdict(f) for f in self.items]
