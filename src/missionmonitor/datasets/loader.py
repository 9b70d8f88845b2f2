"""Load a validated file into the store, all or nothing, with provenance.

For example::

    with Store.open(path, configuration) as store:
        decl = get_declaration(configuration, "other")
        result = load_file(store, decl, Path("other.csv"), geo.codes())
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from missionmonitor.data import Source, load_sources
from missionmonitor.datasets.declaration import Declaration, ObservationMap
from missionmonitor.datasets.reader import ParsedFile, Value, read_and_validate
from missionmonitor.errors import VintageConflictError
from missionmonitor.store.connection import Store
from missionmonitor.store.schema import FIGURE_KEY, OBSERVATION_COLUMNS, dataset_table_ddl

_ARROW_TYPES = {"integer": pa.int64(), "decimal": pa.float64()}
#: Vintages not in the source register rank after every registered one, in load order.
_UNREGISTERED_RANK = 1_000_000
_OBS_KEY = (*FIGURE_KEY, "vintage")


@dataclass(frozen=True)
class LoadResult:
    dataset: str
    file_name: str
    sha256: str
    load_id: int
    rows: int
    observations: int
    vintages: tuple[str, ...]
    already_loaded: bool


def _pick(ref: str | None, row: Mapping[str, Value]) -> Value:
    if ref is None:
        return None
    if ref.startswith("="):
        return ref[1:]
    return row.get(ref)


def _vintage_rank(sources: Mapping[str, Source], vintage: str, load_id: int) -> int:
    source = sources.get(vintage)
    return source.order if source else _UNREGISTERED_RANK + load_id


def build_observations(
    sources: Mapping[str, Source],
    parsed: ParsedFile,
    load_id: int,
    vintage_override: str | None = None,
) -> dict[str, list[object]]:
    """Turn parsed rows into observation columns, following the declaration's maps, each
    vintage ranked by the source register ``sources``."""
    decl = parsed.declaration
    cols: dict[str, list[object]] = {name: [] for name in OBSERVATION_COLUMNS}
    for row, row_no in zip(parsed.rows, parsed.row_numbers, strict=True):
        for spec in decl.observations:
            if not _matches(spec, row):
                continue
            value = _pick(spec.value, row)
            if value is None and spec.blank == "skip":
                continue
            # A row whose area has no code (a publisher's area held apart, e.g. part of one
            # code) stays in the dataset's rows but is no figure of any area.
            if _pick(spec.area_code, row) is None:
                continue
            source = vintage_override or str(_pick(spec.vintage, row) or decl.default_vintage or "")
            vintage = source.split(";")[0].strip()
            period = str(_pick(spec.period, row))
            raw_breakdown = _pick(spec.breakdown, row)
            if spec.breakdown_map and raw_breakdown is not None:
                raw_breakdown = spec.breakdown_map.get(str(raw_breakdown))
            record: dict[str, object] = {
                "dataset": decl.name,
                "measure": str(_pick(spec.measure, row)),
                "area_code": str(_pick(spec.area_code, row)),
                "period": spec.period_map.get(period, period),
                "sex": str(_pick(spec.sex, row) or "All"),
                "age_group": str(_pick(spec.age_group, row) or "All ages"),
                "breakdown": str(raw_breakdown or ""),
                "value": value,
                "lci": _pick(spec.lci, row),
                "uci": _pick(spec.uci, row),
                "numerator": _pick(spec.numerator, row),
                "unit": _pick(spec.unit, row),
                "suppressed_at_source": value is None,
                "vintage": vintage,
                "source": source,
                "vintage_rank": _vintage_rank(sources, vintage, load_id),
                "status": decl.status,
                "load_id": load_id,
                "source_row": row_no,
            }
            for name, val in record.items():
                cols[name].append(val)
    return cols


def _matches(spec: ObservationMap, row: Mapping[str, Value]) -> bool:
    return all(str(row.get(col)) in allowed for col, allowed in spec.where.items())


def _ensure_dataset_table(store: Store, decl: Declaration) -> None:
    types = {name: col.type for name, col in decl.columns.items()}
    store.con.execute(dataset_table_ddl(decl.table, types))


def _rows_table(parsed: ParsedFile, load_id: int) -> pa.Table:
    decl = parsed.declaration
    arrays = {
        name: pa.array([r[name] for r in parsed.rows], type=_ARROW_TYPES.get(col.type, pa.string()))
        for name, col in decl.columns.items()
    }
    arrays["_load_id"] = pa.array([load_id] * len(parsed.rows), type=pa.int32())
    arrays["_row"] = pa.array(parsed.row_numbers, type=pa.int32())
    return pa.table(arrays)


def load_file(
    store: Store,
    decl: Declaration,
    path: Path,
    area_codes: Mapping[str, str],
    *,
    vintage: str | None = None,
    now: dt.datetime | None = None,
) -> LoadResult:
    """Validate ``path`` completely, then load it in one transaction (see ``load_parsed``)."""
    return load_parsed(store, read_and_validate(decl, path, area_codes), vintage=vintage, now=now)


def load_parsed(
    store: Store,
    parsed: ParsedFile,
    *,
    vintage: str | None = None,
    now: dt.datetime | None = None,
) -> LoadResult:
    """Load an already validated file in one transaction.

    Loading a file already loaded for this dataset (same SHA-256) changes nothing. A figure
    already held under the same vintage is never overwritten: VintageConflictError, and the
    transaction is rolled back.
    """
    decl, path = parsed.declaration, parsed.path
    existing = store.query(
        "SELECT load_id, row_count, observation_count, vintages FROM loads "
        "WHERE dataset = ? AND sha256 = ?",
        [decl.name, parsed.sha256],
    )
    if existing:
        load_id, rows, obs, vintages = existing[0]
        return LoadResult(
            decl.name,
            path.name,
            parsed.sha256,
            load_id,
            rows,
            obs,
            tuple(vintages.split(",")) if vintages else (),
            True,
        )

    with store.transaction():
        ((next_id,),) = store.con.execute("SELECT nextval('load_ids')").fetchall()
        load_id = int(next_id)
        _ensure_dataset_table(store, decl)
        incoming_rows = _rows_table(parsed, load_id)
        store.con.register("incoming_rows", incoming_rows)
        store.con.execute(f'INSERT INTO "{decl.table}" SELECT * FROM incoming_rows')
        store.con.unregister("incoming_rows")

        sources = load_sources(store.configuration)
        obs = build_observations(sources, parsed, load_id, vintage)
        n_obs = len(obs["dataset"])
        if _generated(sources, obs):
            store.refuse_generated(f"{path.name} ({decl.name})")
        vintages = tuple(sorted({str(v) for v in obs["vintage"]})) or (
            (vintage or decl.default_vintage or ""),
        )
        if n_obs:
            incoming = pa.table(obs)
            _refuse_overwrites(store, incoming, path.name)
            store.append_rows("observations", incoming)
        store.con.execute(
            "INSERT INTO loads VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                load_id,
                decl.name,
                path.name,
                parsed.sha256,
                len(parsed.rows),
                n_obs,
                ",".join(vintages),
                now or dt.datetime.now(dt.UTC).replace(tzinfo=None),
            ],
        )
    return LoadResult(
        decl.name, path.name, parsed.sha256, load_id, len(parsed.rows), n_obs, vintages, False
    )


def _generated(sources: Mapping[str, Source], obs: dict[str, list[object]]) -> bool:
    """Whether any figure comes from a source the register marks synthetic."""
    return any((s := sources.get(str(v))) is not None and s.synthetic for v in set(obs["vintage"]))


def _refuse_overwrites(store: Store, incoming: pa.Table, file_name: str) -> None:
    store.con.register("incoming_obs", incoming)
    on = " AND ".join(f"o.{k} = i.{k}" for k in _OBS_KEY)
    clash = store.query(
        f"SELECT i.measure, i.area_code, i.period, i.vintage, i.source_row "
        f"FROM incoming_obs i JOIN observations o ON {on} ORDER BY i.source_row LIMIT 5"
    )
    store.con.unregister("incoming_obs")
    if clash:
        measure, area, period, vintage, row_no = clash[0]
        raise VintageConflictError(
            f"{file_name}: row {row_no}: {measure} for {area} {period} is already held under "
            f"vintage {vintage!r}; figures are never overwritten — load the revision under a "
            "new vintage (e.g. --vintage NRS_2025_REPORT)"
        )
