"""Read observations from the store, choosing one vintage of each figure.

Vintage selections:

* ``"latest"`` (default) — the most recently published figure;
* ``"first_published"`` — the figure as first published (the earliest vintage held);
* ``"as_at:KEY"`` — the figure as it stood in edition ``KEY`` (a source-register key): the
  latest vintage published no later than ``KEY``; figures that edition did not yet hold
  are absent.

>>> # select_observations(store, "drd_scotland_annual", ["drd_deaths"], "first_published")
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from missionmonitor.data import load_sources
from missionmonitor.errors import NotFoundError
from missionmonitor.store import Store

_FIGURE = "dataset, measure, area_code, period, sex, age_group, breakdown"


def vintage_clause(selection: str) -> tuple[str, str, list[object]]:
    """(extra WHERE, ORDER BY direction, params) for a vintage selection."""
    if selection == "latest":
        return "", "DESC", []
    if selection == "first_published":
        return "", "ASC", []
    if selection.startswith("as_at:"):
        key = selection.removeprefix("as_at:")
        source = load_sources().get(key)
        if source is None:
            raise NotFoundError(f"unknown edition {key!r}: not in the source register")
        return "AND vintage_rank <= ?", "DESC", [source.order]
    raise NotFoundError(
        f"unknown vintage selection {selection!r}: use latest, first_published or as_at:KEY"
    )


def select_observations(
    store: Store, dataset: str, measures: Sequence[str], vintage: str = "latest"
) -> pd.DataFrame:
    """One row per figure (dataset × measure × area × period × sex × age × breakdown)."""
    store.require_table("observations")
    extra, direction, params = vintage_clause(vintage)
    marks = ", ".join("?" for _ in measures)
    sql = f"""
        SELECT * EXCLUDE (pick) FROM (
            SELECT *, row_number() OVER (
                PARTITION BY {_FIGURE} ORDER BY vintage_rank {direction}, load_id {direction}
            ) AS pick
            FROM observations
            WHERE dataset = ? AND measure IN ({marks}) {extra}
        ) WHERE pick = 1
        ORDER BY measure, area_code, period
    """
    return store.con.execute(sql, [dataset, *measures, *params]).df()


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
