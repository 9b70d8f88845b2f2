"""Reading, exporting and summarising indicator results (all disclosure-controlled).

Suppressed values are never present in what these return: the engine blanks them before
they are stored, and exports carry only the published columns.
"""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import pandas as pd

from missionmonitor.config import attribution
from missionmonitor.errors import NotFoundError
from missionmonitor.indicators.catalogue import get_indicator
from missionmonitor.indicators.engine import RESULT_COLUMNS, compute_indicator
from missionmonitor.refdata.geography import Geography
from missionmonitor.services import ExportFormat
from missionmonitor.store.connection import Store


def indicator_results(
    store: Store,
    indicator_id: str,
    area_code: str | None = None,
    vintage: str = "latest",
    geo: Geography | None = None,
) -> pd.DataFrame:
    """Results for one indicator (optionally one area), latest vintage from the store or
    recomputed under another vintage selection."""
    ind = get_indicator(indicator_id)
    if vintage == "latest":
        store.require_table("indicator_results")
        df = store.con.execute(
            "SELECT * FROM indicator_results WHERE indicator_id = ? "
            "ORDER BY area_type, area_code, period_start",
            [indicator_id],
        ).df()
    else:
        df = compute_indicator(store, ind, geo or Geography.shipped(), vintage)
    if area_code is not None:
        code = (geo or Geography.shipped()).resolve(area_code)
        df = df[df["area_code"] == code]
        if df.empty:
            raise NotFoundError(f"{indicator_id} has no results for area {area_code}")
    return df.reset_index(drop=True)


def _published(df: pd.DataFrame) -> pd.DataFrame:
    out = df[list(RESULT_COLUMNS)].copy()
    for col in ("value", "lci", "uci", "numerator"):
        out.loc[out["suppressed"].astype(bool), col] = None
    return out


def export(df: pd.DataFrame, fmt: ExportFormat) -> bytes:
    """The published columns of ``df`` as CSV, JSON or Parquet bytes."""
    out = _published(df)
    if fmt == "csv":
        return out.to_csv(index=False, lineterminator="\n").encode("utf-8")
    if fmt == "json":
        records = [
            {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
            for r in out.astype(object).to_dict(orient="records")
        ]
        meta = {"licence": attribution(), "suppression": "suppressed values are null"}
        return json.dumps({"meta": meta, "results": records}, indent=2, default=str).encode()
    if fmt == "parquet":
        buf = io.BytesIO()
        out.to_parquet(buf, index=False)
        return buf.getvalue()
    raise NotFoundError(f"unknown export format {fmt!r}: use csv, json or parquet")


def default_export_name(indicator_id: str, area_code: str | None, fmt: str, vintage: str) -> str:
    """A file name that says what the file holds, e.g. ``drd_deaths_S92000003_latest.csv``."""
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
