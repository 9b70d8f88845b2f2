"""Prevalence by capture–recapture from linked sources: read a table of capture histories,
fit every hierarchical log-linear model, and report them ranked.

A table is a CSV with one 0/1 column per source and a ``count`` column (people with that
history); the all-zero history is unobservable and must not appear.

For example::

    table = read_histories(Path("linked.csv"))
    fits = estimate(table)
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from missionmonitor.config import read_definition
from missionmonitor.datasets.reader import Value, read_file
from missionmonitor.datasets.table_schema import get_table_schema
from missionmonitor.errors import Problem
from missionmonitor.methods.capture_recapture import History, ModelFit, chapman, fit_models


class _Example(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    title: str
    sources: list[str]
    #: People seen by each history of 0s and 1s, one digit per source.
    histories: dict[str, float]


@dataclass(frozen=True)
class HistoryTable:
    title: str
    sources: list[str]
    counts: dict[History, float]

    @property
    def captured(self) -> float:
        return sum(self.counts.values())


def example() -> HistoryTable:
    """The worked example shipped with the package (see prevalence_example.yaml)."""
    path = Path(str(resources.files("missionmonitor.surveillance") / "prevalence_example.yaml"))
    raw = read_definition(path, _Example, "capture-recapture example")
    counts = {tuple(int(c) for c in k): v for k, v in raw.histories.items()}
    return HistoryTable(raw.title, raw.sources, counts)


def read_histories(path: Path) -> HistoryTable:
    """Read a capture-history CSV, checked against the ``capture_histories`` table schema by
    the one reader (row and column named for every problem)."""
    seen: dict[History, int] = {}

    def history_rule(i: int, row: dict[str, Value]) -> list[Problem]:
        sources = [c for c in row if c != "count"]
        key = tuple(int(str(row[s])) for s in sources)
        if not any(key):
            return [Problem("observable", "the all-zero history cannot be observed", i)]
        if key in seen:
            return [
                Problem("duplicate-key", f"this history is also on row {seen[key]}", i, sources[-1])
            ]
        seen[key] = i
        return []

    table = read_file(get_table_schema("capture_histories"), path, {}, history_rule)
    sources = [c for c in table.columns if c != "count"]
    counts = {tuple(int(str(r[s])) for s in sources): float(str(r["count"])) for r in table.rows}
    return HistoryTable(path.name, sources, counts)


def estimate(table: HistoryTable, intervals: int = 5) -> list[ModelFit]:
    """Every hierarchical model, best first by BIC, with profile intervals for the best."""
    return fit_models(table.counts, intervals=intervals)


def two_source(table: HistoryTable) -> float | None:
    """Chapman's estimate when there are exactly two sources."""
    return chapman(table.counts).estimate if len(table.sources) == 2 else None
