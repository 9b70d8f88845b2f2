"""The latest national figure of every indicator, for ``missionmonitor summary``.

Read straight from the store's disclosure-controlled results with no data-frame library, so
the command answers within a second of starting.
"""

from __future__ import annotations

from typing import Any

from missionmonitor.indicators.catalogue import load_catalogue
from missionmonitor.refdata.geography import national_code
from missionmonitor.store.connection import Store


def national_summary(store: Store) -> list[dict[str, Any]]:
    """The latest national figure of every indicator with its change on the previous period,
    in catalogue order: ``[{"indicator": Indicator, "row": {column: value}}, ...]``."""
    store.require_table("indicator_results")
    cursor = store.con.execute(
        """
        SELECT * FROM indicator_results WHERE area_code = ? QUALIFY row_number() OVER (
            PARTITION BY indicator_id ORDER BY period_start DESC) = 1
        """,
        [national_code()],
    )
    names = [d[0] for d in cursor.description]
    catalogue = load_catalogue()
    order = {ind_id: i for i, ind_id in enumerate(catalogue)}
    rows = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    rows = [r for r in rows if r["indicator_id"] in catalogue]
    rows.sort(key=lambda r: order[r["indicator_id"]])
    return [{"indicator": catalogue[r["indicator_id"]], "row": r} for r in rows]
