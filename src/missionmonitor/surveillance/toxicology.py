"""Toxicology and drug-market signals from emergency-department and post-mortem samples.

Three signals, per NHS board and for the whole country, month by month:

* **first seen**: a substance detected in an area for the first time (after at least
  ``baseline`` months of results there, so that "first" means something);
* **rising share**: a substance found in more of the month's samples than its share in the
  previous ``baseline`` months explains: the one-sided binomial probability of at least the
  count seen, with the baseline share (plus a half count, so a substance rarely seen still
  has an expected share), is below ``alpha``, and at least ``min_count`` samples hold it;
* **new combination**: two substances found together in a sample for the first time in the
  country.

Signals are stored as a scan of the ``toxicology_signals`` series (``store_scan`` of
``early_warning``), so each can become a tracked action like any early-warning alert.
``synthetic_results`` makes SYNTHETIC samples with emerging substances injected at known
months; ``evaluate`` measures detection (sensitivity, false signals, delay) against them.

>>> samples = pd.DataFrame({"date": ["2024-01-05"] * 3 + ["2024-02-02"],
...     "board_code": ["S08000031"] * 4, "substances": ["a", "a;b", "a", "a;c"]})
>>> s = signals(samples, "S92000003", baseline=1)
>>> for area, method in sorted(zip(s["area_code"], s["method"])):
...     print(area, method)
S08000031 first seen: c
S92000003 first seen: c
S92000003 new combination: a + c
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd

from missionmonitor.datasets.reader import Value, read_file
from missionmonitor.datasets.table_schema import get_table_schema
from missionmonitor.errors import Problem
from missionmonitor.periods import calendar_month_label, month_label, parse_period
from missionmonitor.store.connection import Store
from missionmonitor.surveillance.early_warning import ALERT_COLUMNS, get_series, store_scan

SERIES_ID = "toxicology_signals"


def read_results(path: Path, area_codes: Mapping[str, str]) -> pd.DataFrame:
    """A toxicology results CSV checked against its table schema, each sample from an NHS
    board with a real date; raises ValidationError naming every problem."""

    def sample_rule(row_no: int, row: dict[str, Value]) -> list[Problem]:
        problems = []
        if area_codes.get(str(row["board_code"])) != "health_board":
            problems.append(
                Problem(
                    "health-board",
                    f"{row['board_code']} is not an NHS board",
                    row=row_no,
                    column="board_code",
                )
            )
        try:
            dt.date.fromisoformat(str(row["date"]))
        except ValueError:
            problems.append(
                Problem("date", f"{row['date']} is not a date", row=row_no, column="date")
            )
        return problems

    table = read_file(get_table_schema("toxicology_results"), path, area_codes, sample_rule)
    frame = pd.DataFrame(table.rows, columns=table.columns)
    return frame.fillna("")


def _month(date: str) -> str:
    """``2024-03-10`` (or ``2024-03``) → ``March 2024``."""
    return month_label(parse_period(date[:7]).start)


def signals(
    samples: pd.DataFrame,
    national: str,
    baseline: int = 12,
    alpha: float = 0.001,
    min_count: int = 3,
) -> pd.DataFrame:
    """Every signal, oldest first, as alert rows (area_code, period, method, observed,
    expected, threshold, score): observed is the month's samples with the substance (or
    pair), expected the baseline share × the month's samples, threshold the fewest samples
    that would have signalled, and score −log10 of the binomial probability (rising share)
    or the count itself (first seen, new combination)."""
    from scipy.stats import binom

    found = samples["substances"].map(lambda t: sorted({x for x in str(t).split(";") if x}))
    s = samples.assign(month=samples["date"].str[:7], found=found)
    months = sorted(s["month"].unique())
    order = {m: i for i, m in enumerate(months)}
    out: list[dict[str, object]] = []
    for area, part in (*s.groupby("board_code"), (national, s)):
        first_month = order[part["month"].min()]
        per_month = {m: grp for m, grp in part.groupby("month")}
        seen: dict[str, int] = {}
        history: dict[str, list[int]] = {}  # substance → samples holding it, month by month
        totals: list[int] = []
        for m in months:
            grp = per_month.get(m)
            i = order[m]
            n = 0 if grp is None else len(grp)
            counts: dict[str, int] = {}
            if grp is not None:
                for held in grp["found"]:
                    for sub in held:
                        counts[sub] = counts.get(sub, 0) + 1
            ready = i - first_month >= baseline
            for sub, x in sorted(counts.items()):
                if sub not in seen:
                    if ready:
                        out.append(_row(area, m, f"first seen: {sub}", x, 0.0, 1.0, float(x)))
                    continue
                base_n = sum(totals[-baseline:])
                base_x = sum(history.get(sub, [])[-baseline:])
                if not ready or base_n == 0 or x < min_count:
                    continue
                p0 = (base_x + 0.5) / (base_n + 1)
                p = float(binom.sf(x - 1, n, p0))
                if p < alpha:
                    need = int(binom.isf(alpha, n, p0)) + 1
                    out.append(
                        _row(
                            area,
                            m,
                            f"rising share: {sub}",
                            x,
                            n * p0,
                            float(need),
                            -np.log10(max(p, 1e-300)),
                        )
                    )
            for sub in counts:
                seen.setdefault(sub, i)
            for sub in set(history) | set(counts):
                history.setdefault(sub, [0] * len(totals)).append(counts.get(sub, 0))
            totals.append(n)
        if area != national:
            continue
        pairs_seen: set[tuple[str, str]] = set()
        for m in months:
            grp = per_month.get(m)
            new: dict[tuple[str, str], int] = {}
            for held in [] if grp is None else grp["found"]:
                for pair in combinations(held, 2):
                    if pair not in pairs_seen:
                        new[pair] = new.get(pair, 0) + 1
            if order[m] - first_month >= baseline:
                out += [
                    _row(area, m, f"new combination: {a} + {b}", x, 0.0, 1.0, float(x))
                    for (a, b), x in sorted(new.items())
                ]
            pairs_seen |= set(new)
    frame = pd.DataFrame(
        out,
        columns=[
            "area_code",
            "period",
            "method",
            "observed",
            "expected",
            "threshold",
            "score",
            "month",
        ],
    )
    return (
        frame.sort_values(["month", "area_code", "method"])
        .drop(columns="month")
        .reset_index(drop=True)
    )


def _row(
    area: str,
    month: str,
    method: str,
    observed: int,
    expected: float,
    threshold: float,
    score: float,
) -> dict[str, object]:
    return {
        "area_code": area,
        "period": _month(month + "-01"),
        "method": method,
        "observed": float(observed),
        "expected": float(expected),
        "threshold": threshold,
        "score": float(score),
        "month": month,
    }


def sample_counts(samples: pd.DataFrame) -> pd.DataFrame:
    """Samples per board and month (the series a toxicology scan stores beside its alerts)."""
    month = samples["date"].map(_month)
    return (
        samples.assign(period=month)
        .groupby(["board_code", "period"])
        .size()
        .rename("count")
        .reset_index()
        .rename(columns={"board_code": "area_code"})
    )


# ---- SYNTHETIC samples --------------------------------------------------------------------

#: Substances present from the start, with the share of samples holding each.
BASE_SHARES = {
    "heroin_morphine": 0.3,
    "methadone": 0.3,
    "benzodiazepine_street": 0.35,
    "cocaine": 0.35,
    "gabapentinoid": 0.2,
    "alcohol": 0.25,
    "buprenorphine": 0.08,
    "amphetamine": 0.05,
}


@dataclass(frozen=True)
class Emergence:
    """An emerging substance injected in one board from ``month`` (index from the start),
    its share rising linearly to ``share`` over ``ramp`` months."""

    board: str
    substance: str
    month: int
    share: float = 0.15
    ramp: int = 6


@dataclass(frozen=True)
class SyntheticToxicology:
    samples: pd.DataFrame
    emergences: list[Emergence]
    months: list[str]


def synthetic_results(
    boards: Mapping[str, float],
    seed: int = 1,
    years: int = 4,
    start: dt.date = dt.date(2021, 1, 1),
    emergences: list[Emergence] | None = None,
) -> SyntheticToxicology:
    """SYNTHETIC samples: each board's monthly number of samples is Poisson around its weight
    (samples a month), each sample holds the base substances at their shares, and each
    emergence adds its substance from its month. Marked synthetic in every row."""
    rng = np.random.default_rng(seed)
    names = list(boards)
    if emergences is None:
        # Three new substances, and a known one (cocaine) whose share rises by a quarter.
        late = 12 + rng.integers(6, 12 * years - 18, size=4)
        emergences = [
            Emergence(names[int(rng.integers(len(names)))], sub, int(m), share)
            for sub, m, share in zip(
                ("nitazene", "bromazolam", "xylazine", "cocaine"),
                late,
                (0.15, 0.15, 0.15, 0.25),
                strict=True,
            )
        ]
    months = []
    rows = []
    for k in range(12 * years):
        year, month = start.year + (start.month - 1 + k) // 12, (start.month - 1 + k) % 12 + 1
        months.append(calendar_month_label(dt.date(year, month, 1)))
        for board, weight in boards.items():
            for j in range(int(rng.poisson(weight))):
                found = [sub for sub, p in BASE_SHARES.items() if rng.random() < p]
                for e in emergences:
                    if e.board == board and k >= e.month:
                        share = e.share * min(1.0, (k - e.month + 1) / e.ramp)
                        if rng.random() < share:
                            found.append(e.substance)
                day = int(rng.integers(1, 29))
                rows.append(
                    {
                        "sample_id": f"SYN-{board}-{year}{month:02d}-{j:04d}",
                        "date": f"{year}-{month:02d}-{day:02d}",
                        "board_code": board,
                        "source": ("post_mortem" if rng.random() < 0.2 else "emergency_department"),
                        "substances": ";".join(sorted(set(found))),
                        "synthetic": "yes",
                    }
                )
    return SyntheticToxicology(pd.DataFrame(rows), emergences, months)


def evaluate(found: pd.DataFrame, made: SyntheticToxicology, window: int = 6) -> dict[str, float]:
    """How the board-level signals did on SYNTHETIC samples: the share of emergences
    signalled in their board within ``window`` months of starting (sensitivity), the median
    delay in months, and the signals about anything else per board-year (false signals)."""
    month_index = {_month(m): i for i, m in enumerate(made.months)}
    # Every board with samples, whether or not it signalled (never the whole country).
    boards = set(made.samples["board_code"])
    at_board = found[found["area_code"].isin(boards)] if len(found) else found
    delays, true_rows, caught = [], set(), {True: 0, False: 0}
    for e in made.emergences:
        hits = at_board[
            (at_board["area_code"] == e.board) & at_board["method"].str.endswith(f": {e.substance}")
        ]
        when = sorted(month_index[p] for p in hits["period"] if month_index[p] >= e.month)
        if when and when[0] - e.month <= window:
            delays.append(when[0] - e.month)
            caught[e.substance in BASE_SHARES] += 1
        true_rows |= set(hits.index)
    false = at_board[
        ~at_board.index.isin(true_rows) & ~at_board["method"].str.startswith("new combination")
    ]
    board_years = max(len(boards), 1) * len(made.months) / 12
    known = sum(e.substance in BASE_SHARES for e in made.emergences)
    new = len(made.emergences) - known
    return {
        "sensitivity": len(delays) / len(made.emergences),
        "sensitivity_new_substance": caught[False] / new if new else float("nan"),
        "sensitivity_rising_share": caught[True] / known if known else float("nan"),
        "median_delay_months": float(np.median(delays)) if delays else float("nan"),
        "false_signals_per_board_year": len(false) / board_years,
    }


def store_signals(
    store: Store, samples: pd.DataFrame, national: str, baseline: int = 12, alpha: float = 0.001
) -> tuple[int, pd.DataFrame, bool]:
    """Compute the signals and keep them as a new scan of the ``toxicology_signals`` series
    (samples per board and month beside them); refused for SYNTHETIC samples unless the
    store is a demonstration. Returns (scan id, signals, whether synthetic)."""
    synthetic = "synthetic" in samples and bool((samples["synthetic"] == "yes").any())
    found = signals(samples, national, baseline, alpha)
    counts = sample_counts(samples).assign(synthetic=synthetic)
    alerts = found.assign(series_id=SERIES_ID, synthetic=synthetic)[ALERT_COLUMNS]
    return (
        store_scan(store, get_series(store.configuration, SERIES_ID), counts, alerts),
        found,
        synthetic,
    )
