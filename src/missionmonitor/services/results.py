"""Reading, exporting and summarising indicator results (all disclosure-controlled).

Suppressed values are never present in what these return: the engine blanks them before
they are stored, and exports carry only the published columns. ``latest_result`` is the one
rule for "the latest figure" that every page, report and command uses; this module loads
the data-frame library only when a function needs it, so ``missionmonitor summary`` starts
fast.

>>> rows = [{"area_code": "A", "period": "2022"}, {"area_code": "B", "period": "2023"},
...         {"area_code": "A", "period": "2024"}]
>>> latest_result(rows, "A")["period"], latest_result(rows)["period"]
('2024', '2024')
>>> latest_result(rows, "A", end=dt.date(2023, 12, 31))["period"]
'2022'
>>> latest_result(rows, "C") is None
True
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from missionmonitor import config
from missionmonitor.errors import NotFoundError
from missionmonitor.indicators.catalogue import get_indicator
from missionmonitor.periods import known_by
from missionmonitor.refdata.geography import Geography
from missionmonitor.services import ExportFormat
from missionmonitor.store.connection import Store

if TYPE_CHECKING:  # only named in signatures: the summary reads results without pandas
    import pandas as pd

#: A result row: a mapping of the store's result columns (a dict, or a pandas row).
Row = TypeVar("Row", bound=Mapping[str, Any])


def latest_result(
    rows: Iterable[Row], area_code: str | None = None, end: dt.date | None = None
) -> Row | None:
    """The latest of one indicator's result ``rows`` (given in period order, as the store
    orders them) for ``area_code`` (None: any area), or None when there is none.

    With ``end``, the latest whose period ends by then: point in time, so a report as at a
    date shows what was known then; a monthly figure dated within a month still counts.
    """
    picked = None
    for row in rows:
        if area_code is not None and row["area_code"] != area_code:
            continue
        if end is not None and not known_by(str(row["period"]), end):
            continue
        picked = row
    return picked


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of a result frame as mappings, in order, for ``latest_result``."""
    return [{str(k): v for k, v in r.items()} for r in df.to_dict(orient="records")]


def indicator_results(
    store: Store,
    indicator_id: str,
    area_code: str | None = None,
    vintage: str = "latest",
    geo: Geography | None = None,
) -> pd.DataFrame:
    """Results for one indicator (optionally one area), latest vintage from the store or
    recomputed under another vintage selection."""
    from missionmonitor.indicators.engine import compute_indicator

    geo = geo or Geography.of(store.configuration)
    ind = get_indicator(store.configuration, indicator_id)
    if vintage == "latest":
        store.require_table("indicator_results")
        df = store.con.execute(
            "SELECT * FROM indicator_results WHERE indicator_id = ? "
            "ORDER BY area_type, area_code, period_start",
            [indicator_id],
        ).df()
    else:
        df = compute_indicator(store, ind, geo, vintage)
    if area_code is not None:
        code = geo.resolve(area_code)
        df = df[df["area_code"] == code]
        if df.empty:
            raise NotFoundError(f"{indicator_id} has no results for area {area_code}")
    return df.reset_index(drop=True)


def _published(df: pd.DataFrame) -> pd.DataFrame:
    from missionmonitor.indicators.engine import RESULT_COLUMNS

    out = df[list(RESULT_COLUMNS)].copy()
    for col in ("value", "lci", "uci", "numerator"):
        out.loc[out["suppressed"].astype(bool), col] = None
    return out


def export(configuration: config.Configuration, df: pd.DataFrame, fmt: ExportFormat) -> bytes:
    """The published columns of ``df`` as CSV, JSON or Parquet bytes."""
    out = _published(df)
    if fmt == "csv":
        return out.to_csv(index=False, lineterminator="\n").encode("utf-8")
    if fmt == "json":
        records = [
            {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
            for r in out.astype(object).to_dict(orient="records")
        ]
        meta = {"licence": configuration.attribution, "suppression": "suppressed values are null"}
        return json.dumps({"meta": meta, "results": records}, indent=2, default=str).encode()
    if fmt == "parquet":
        buf = io.BytesIO()
        out.to_parquet(buf, index=False)
        return buf.getvalue()
    raise NotFoundError(f"unknown export format {fmt!r}: use csv, json or parquet")


def default_export_name(indicator_id: str, area_code: str | None, fmt: str, vintage: str) -> str:
    """A file name that says what the file holds, e.g. ``deaths_all-areas_latest.csv``."""
    parts = [indicator_id, area_code or "all-areas", vintage.replace(":", "-")]
    return "_".join(parts) + f".{fmt}"


def write_export(data: bytes, out: Path | None) -> None:
    """Write to ``out``, or to standard output when ``out`` is None."""
    import sys

    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
