"""Early warning: scan count series per area for aberrations, store the alerts, and measure
how well the detectors do on series with known outbreaks.

Series and their detector settings are data (``series.yaml``). A SYNTHETIC weekly series of
non-fatal overdoses per NHS board, with outbreaks injected at known weeks, is generated for
demonstrations and tests; everything made from it says it is synthetic.

For example::

    counts, truth = synthetic_overdoses(seed=1)
    alerts = scan(counts, get_series("nonfatal_overdoses"))
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from missionmonitor import config
from missionmonitor.datasets.reader import read_file
from missionmonitor.datasets.table_schema import get_table_schema
from missionmonitor.errors import MethodInputError, NotFoundError
from missionmonitor.methods.aberration import Detection, FarringtonSettings, ears, farrington
from missionmonitor.methods.disclosure import Disclosure
from missionmonitor.periods import week_label
from missionmonitor.refdata.geography import Geography
from missionmonitor.store.connection import Store

ALERT_COLUMNS = [
    "series_id",
    "area_code",
    "period",
    "method",
    "observed",
    "expected",
    "threshold",
    "score",
    "synthetic",
]


class FarringtonChoice(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    settings: Literal["noufaily", "original"] = "noufaily"
    alpha: float = Field(default=0.05, gt=0, lt=0.5)
    b: int = Field(default=5, ge=1)
    w: int = Field(default=3, ge=0)


class Series(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    unit: str
    frequency: Literal["weekly", "monthly", "quarterly"]
    area_type: str
    farrington: FarringtonChoice | None = None
    ears: tuple[Literal["C1", "C2", "C3"], ...] = ()
    #: The rule for the observed counts its alerts publish (with what would narrow them down).
    disclosure: Disclosure = Disclosure()

    def farrington_settings(self) -> FarringtonSettings | None:
        f = self.farrington
        if f is None:
            return None
        freq = {"weekly": 52, "monthly": 12, "quarterly": 4}[self.frequency]
        make = (
            FarringtonSettings.noufaily if f.settings == "noufaily" else FarringtonSettings.original
        )
        return make(alpha=f.alpha, b=f.b, w=f.w, freq=freq)


@config.cached
def load_series(configuration: config.Configuration) -> dict[str, Series]:
    path = config.path(configuration, "surveillance", "series.yaml")
    series = config.read_definition(path, tuple[Series, ...], "series", key="series")
    return config.unique(series, lambda s: s.id, path, "series")


def get_series(configuration: config.Configuration, series_id: str) -> Series:
    try:
        return load_series(configuration)[series_id]
    except KeyError:
        raise NotFoundError(
            f"unknown series {series_id!r}; known: {', '.join(load_series(configuration))}"
        ) from None


def _detections(counts: np.ndarray, series: Series) -> list[Detection]:
    out = []
    settings = series.farrington_settings()
    if settings is not None and counts.size > settings.freq * settings.b + settings.w:
        out.append(farrington(counts, settings))
    out += [ears(counts, m) for m in series.ears]
    return out


def scan(counts: pd.DataFrame, series: Series, since: str | None = None) -> pd.DataFrame:
    """Alerts for every area in ``counts`` (columns area_code, period, count[, synthetic]),
    oldest period first within each area; ``since`` keeps alerts from that period on."""
    missing = {"area_code", "period", "count"} - set(counts.columns)
    if missing:
        raise MethodInputError(f"count series lacks columns: {', '.join(sorted(missing))}")
    rows = []
    synthetic = bool(counts.get("synthetic", pd.Series([False])).astype(bool).any())
    for area, grp in counts.sort_values(["area_code", "period"]).groupby("area_code"):
        periods = grp["period"].astype(str).to_numpy()
        values = grp["count"].to_numpy(float)
        for d in _detections(values, series):
            for i in np.flatnonzero(d.alarm):
                if since is not None and periods[i] < since:
                    continue
                rows.append(
                    (
                        series.id,
                        area,
                        periods[i],
                        d.method,
                        values[i],
                        d.expected[i],
                        d.upper[i],
                        d.score[i],
                        synthetic,
                    )
                )
    return pd.DataFrame(rows, columns=ALERT_COLUMNS)


# ---- SYNTHETIC series with known outbreaks -----------------------------------------------


@dataclass(frozen=True)
class SyntheticOverdoses:
    counts: pd.DataFrame  # area_code, period (week start, ISO date), count, synthetic
    outbreaks: pd.DataFrame  # area_code, start (period), weeks, extra


def synthetic_overdoses(
    configuration: config.Configuration,
    seed: int = 1,
    years: int = 7,
    start: dt.date = dt.date(2018, 1, 1),
    weekly_scotland: float = 95.0,
    outbreak_years: int = 2,
) -> SyntheticOverdoses:
    """SYNTHETIC weekly non-fatal overdoses per NHS board: seasonal, over-dispersed, with
    outbreaks (2 to 4 weeks, 3 to 6 times the usual spread) injected in the last
    ``outbreak_years`` years at random weeks; ``outbreaks`` is the truth."""
    from missionmonitor.indicators.populations import latest_population

    geo = Geography.of(configuration)
    _, population = latest_population(geo)
    boards = [a.code for a in geo.of_type("health_board")]
    share = np.array([population[b] for b in boards])
    share = share / share.sum()
    rng = np.random.default_rng([seed, 11])
    weeks = 52 * years
    t = np.arange(weeks)
    starts = [start + dt.timedelta(weeks=int(i)) for i in t]
    labels = np.array([week_label(d) for d in starts])
    frames, truth = [], []
    for code, s in zip(boards, share, strict=True):
        mean = (
            weekly_scotland * s * (1 + 0.15 * np.sin(2 * np.pi * t / 52)) * (1 + 0.01) ** (t / 52)
        )
        size = 8.0  # negative binomial: variance = mean + mean² / size
        y = rng.negative_binomial(size, size / (size + mean)).astype(float)
        first = weeks - 52 * outbreak_years
        for _ in range(int(rng.integers(1, 3))):
            begin = int(rng.integers(first, weeks - 4))
            length = int(rng.integers(2, 5))
            extra = np.ceil(rng.uniform(3, 6) * np.sqrt(mean[begin] + mean[begin] ** 2 / size))
            y[begin : begin + length] += extra
            truth.append((code, labels[begin], length, float(extra)))
        frames.append(pd.DataFrame({"area_code": code, "period": labels, "count": y}))
    counts = pd.concat(frames, ignore_index=True).assign(synthetic=True)
    outbreaks = pd.DataFrame(truth, columns=["area_code", "start", "weeks", "extra"])
    return SyntheticOverdoses(counts, outbreaks)


def evaluate(alerts: pd.DataFrame, data: SyntheticOverdoses, since: str) -> pd.DataFrame:
    """Per method: sensitivity (outbreaks with an alarm during them), false alarms per
    area-year (alarms outside every outbreak and the 8 weeks after it), and the median
    delay in weeks from an outbreak's start to its first alarm."""
    periods = sorted(data.counts["period"].unique())
    pos = {p: i for i, p in enumerate(periods)}
    monitored = [p for p in periods if p >= since]
    area_years = data.counts["area_code"].nunique() * len(monitored) / 52
    rows = []
    for method, grp in alerts.groupby("method"):
        hit, delays, busy = 0, [], set()
        truth = data.outbreaks
        for area, begin, length in zip(
            truth["area_code"], truth["start"], truth["weeks"].astype(int), strict=True
        ):
            s = pos[begin]
            window = {periods[i] for i in range(s, min(s + length, len(periods)))}
            busy |= {(area, periods[i]) for i in range(s, min(s + length + 8, len(periods)))}
            found = sorted(pos[p] for p in grp[grp["area_code"] == area]["period"] if p in window)
            if found:
                hit += 1
                delays.append(found[0] - s)
        false = sum(
            (a, p) not in busy for a, p in zip(grp["area_code"], grp["period"], strict=True)
        )
        rows.append(
            {
                "method": method,
                "outbreaks": len(data.outbreaks),
                "detected": hit,
                "sensitivity": hit / len(data.outbreaks),
                "false_alarms_per_area_year": false / area_years,
                "median_delay_weeks": float(np.median(delays)) if delays else None,
            }
        )
    return pd.DataFrame(rows)


# ---- storage -----------------------------------------------------------------------------


def store_scan(
    store: Store,
    series: Series,
    counts: pd.DataFrame,
    alerts: pd.DataFrame,
    now: dt.datetime | None = None,
) -> int:
    """Keep the series scanned and its alerts in the store, as a new scan (never replacing
    an earlier one). Returns the scan id."""
    stamp = now or dt.datetime.now(dt.UTC)
    if bool(counts.get("synthetic", pd.Series([False])).astype(bool).any()):
        store.refuse_generated(f"the {series.id} count series")
    with store.transaction():
        ((last,),) = store.con.execute(
            "SELECT coalesce(max(scan_id), 0) FROM surveillance_scans"
        ).fetchall()
        scan_id = int(last) + 1
        synthetic = bool(counts.get("synthetic", pd.Series([False])).astype(bool).any())
        store.con.execute(
            "INSERT INTO surveillance_scans VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                scan_id,
                series.id,
                stamp,
                counts["area_code"].nunique(),
                counts["period"].nunique(),
                len(alerts),
                synthetic,
            ],
        )
        frame = counts[["area_code", "period", "count"]].assign(
            scan_id=scan_id, series_id=series.id, synthetic=synthetic
        )
        store.append_rows("surveillance_counts", frame)
        store.append_rows("alerts", alerts.assign(scan_id=scan_id)[["scan_id", *ALERT_COLUMNS]])
    return scan_id


def read_counts(configuration: config.Configuration, path: Path) -> pd.DataFrame:
    """A count series file (CSV: area_code, period, count[, synthetic]), checked against the
    ``surveillance_counts`` table schema by the one reader."""
    table = read_file(
        get_table_schema("surveillance_counts"), path, Geography.of(configuration).codes()
    )
    frame = pd.DataFrame(table.rows, columns=table.columns)
    if "synthetic" in frame.columns:
        frame["synthetic"] = frame["synthetic"].astype(str).str.lower().isin(("true", "1"))
    return frame.assign(count=frame["count"].astype(float))
