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

import pandas as pd
import yaml

from missionmonitor.errors import Problem, ValidationError
from missionmonitor.methods.capture_recapture import History, ModelFit, chapman, fit_models


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
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    counts = {tuple(int(c) for c in k): float(v) for k, v in raw["histories"].items()}
    return HistoryTable(raw["title"], list(raw["sources"]), counts)


def read_histories(path: Path) -> HistoryTable:
    """Read and check a capture-history CSV (row and column named for every problem)."""
    try:
        frame = pd.read_csv(path, dtype=str)
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise ValidationError(str(path), [Problem("readable", str(exc))]) from exc
    if "count" not in frame.columns:
        raise ValidationError(str(path), [Problem("required-column", "no 'count' column",
                                                  None, "count")])  # fmt: skip
    sources = [c for c in frame.columns if c != "count"]
    problems = []
    if not 2 <= len(sources) <= 6:
        problems.append(Problem("source-columns", "give between 2 and 6 source columns"))
    counts: dict[History, float] = {}
    for i, row in enumerate(frame.itertuples(index=False), start=2):
        values = dict(zip(frame.columns, row, strict=True))
        flags = []
        for s in sources:
            if values[s] not in ("0", "1"):
                problems.append(Problem("zero-or-one", f"{values[s]!r} is not 0 or 1", i, s))
            flags.append(1 if values[s] == "1" else 0)
        try:
            n = float(values["count"])
            if n < 0 or n != int(n):
                raise ValueError
        except (TypeError, ValueError):
            problems.append(Problem("whole-count", f"{values['count']!r} is not a count", i,
                                    "count"))  # fmt: skip
            continue
        key = tuple(flags)
        if not any(key):
            problems.append(Problem("observable", "the all-zero history cannot be observed", i))
        elif key in counts:
            problems.append(Problem("unique-history", "this history appears twice", i))
        counts[key] = n
    if problems:
        raise ValidationError(str(path), problems)
    return HistoryTable(path.name, sources, counts)


def estimate(table: HistoryTable, intervals: int = 5) -> list[ModelFit]:
    """Every hierarchical model, best first by BIC, with profile intervals for the best."""
    return fit_models(table.counts, intervals=intervals)


def two_source(table: HistoryTable) -> float | None:
    """Chapman's estimate when there are exactly two sources."""
    return chapman(table.counts).estimate if len(table.sources) == 2 else None
