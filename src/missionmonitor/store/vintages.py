"""Read observations from the store, choosing one vintage of each figure.

Vintage selections:

* ``"latest"`` (default) — the most recently published figure;
* ``"first_published"`` — the figure as first published (the earliest vintage held);
* ``"as_at:KEY"`` — the figure as it stood in edition ``KEY`` (a source-register key): the
  latest vintage published no later than ``KEY``; figures that edition did not yet hold
  are absent.

Every reader of observations chooses its vintage through ``figures_query``.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from missionmonitor import config
from missionmonitor.data import load_sources
from missionmonitor.errors import NotFoundError
from missionmonitor.store.connection import Store
from missionmonitor.store.schema import FIGURE_KEY

_FIGURE = ", ".join(FIGURE_KEY)


def vintage_clause(
    configuration: config.Configuration, selection: str
) -> tuple[str, str, list[object]]:
    """(extra WHERE, ORDER BY direction, params) for a vintage selection."""
    if selection == "latest":
        return "", "DESC", []
    if selection == "first_published":
        return "", "ASC", []
    if selection.startswith("as_at:"):
        key = selection.removeprefix("as_at:")
        source = load_sources(configuration).get(key)
        if source is None:
            raise NotFoundError(f"unknown edition {key!r}: not in the source register")
        return "AND vintage_rank <= ?", "DESC", [source.order]
    raise NotFoundError(
        f"unknown vintage selection {selection!r}: use latest, first_published or as_at:KEY"
    )


def figures_query(
    configuration: config.Configuration,
    where: str,
    params: Sequence[object] = (),
    vintage: str = "latest",
    columns: str = "*",
) -> tuple[str, list[object]]:
    """SQL (and its parameters) for one vintage of each figure among the observations that
    match ``where``: every reader of observations picks its vintage through this.

    >>> sql, params = figures_query(
    ...     config.load(None), "dataset = ?", ["other"], "as_at:NRS_2024_REPORT"
    ... )
    >>> "vintage_rank <= ?" in sql and params[0] == "other"
    True
    """
    extra, direction, extra_params = vintage_clause(configuration, vintage)
    sql = f"""
        SELECT {columns} FROM observations WHERE ({where}) {extra}
        QUALIFY row_number() OVER (
            PARTITION BY {_FIGURE} ORDER BY vintage_rank {direction}, load_id {direction}) = 1
    """
    return sql, [*params, *extra_params]


def select_figures(
    store: Store,
    where: str,
    params: Sequence[object] = (),
    vintage: str = "latest",
    columns: str = "*",
    order_by: str = "measure, area_code, period",
) -> pd.DataFrame:
    """One row per figure matching ``where`` under a vintage selection (see the module)."""
    store.require_table("observations")
    sql, all_params = figures_query(store.configuration, where, params, vintage, columns)
    return store.con.execute(f"{sql} ORDER BY {order_by}", all_params).df()


def select_observations(
    store: Store, dataset: str, measures: Sequence[str], vintage: str = "latest"
) -> pd.DataFrame:
    """One row per figure (dataset × measure × area × period × sex × age × breakdown)."""
    marks = ", ".join("?" for _ in measures)
    return select_figures(
        store, f"dataset = ? AND measure IN ({marks})", [dataset, *measures], vintage
    )


def vintages_of(
    store: Store, dataset: str, measure: str, area_code: str, period: str
) -> pd.DataFrame:
    """Every vintage held of one figure, oldest first (for showing revisions)."""
    return store.con.execute(
        "SELECT vintage, source, value, load_id, source_row FROM observations "
        "WHERE dataset = ? AND measure = ? AND area_code = ? AND period = ? "
        "ORDER BY vintage_rank, load_id",
        [dataset, measure, area_code, period],
    ).df()
