"""The latest national figure of every indicator, for ``missionmonitor summary``.

Read straight from the store's disclosure-controlled results with no data-frame library, so
the command answers within a second of starting.
"""

from __future__ import annotations

from typing import Any

from missionmonitor.indicators.catalogue import load_catalogue
from missionmonitor.refdata.geography import national_code
from missionmonitor.services.results import latest_result
from missionmonitor.store.connection import Store


def national_summary(store: Store) -> list[dict[str, Any]]:
    """The latest national figure of every indicator with its change on the previous period,
    in catalogue order: ``[{"indicator": Indicator, "row": {column: value}}, ...]``."""
    store.require_table("indicator_results")
    nation = national_code(store.configuration)
    cursor = store.con.execute(
        "SELECT * FROM indicator_results WHERE area_code = ? ORDER BY indicator_id, period_start",
        [nation],
    )
    names = [d[0] for d in cursor.description]
    by_indicator: dict[str, list[dict[str, Any]]] = {}
    for values in cursor.fetchall():
        row = dict(zip(names, values, strict=True))
        by_indicator.setdefault(row["indicator_id"], []).append(row)
    summary = []
    for ind_id, ind in load_catalogue(store.configuration).items():
        latest = latest_result(by_indicator.get(ind_id, ()), nation)
        if latest is not None:
            summary.append({"indicator": ind, "row": latest})
    return summary
