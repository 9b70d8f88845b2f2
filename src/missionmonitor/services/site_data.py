"""An in-memory snapshot of what the website publishes, reloaded when the store changes.

The results table is small (thousands of rows) and already disclosure-controlled, so pages
are computed from this snapshot rather than by querying the store per request.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from missionmonitor import config
from missionmonitor.datasets.declaration import Declaration, load_declarations
from missionmonitor.evaluation.definitions import load_evaluation
from missionmonitor.indicators.catalogue import Indicator, Outcome, load_catalogue, load_outcomes
from missionmonitor.refdata.geography import Geography, national_code
from missionmonitor.store.connection import Store
from missionmonitor.store.schema import FIGURE_KEY
from missionmonitor.store.vintages import select_figures

log = logging.getLogger("missionmonitor.site")

_SHOWN = "measure, period, value, unit, vintage"


@dataclass(frozen=True)
class SiteData:
    """Everything a page needs, read once from the store."""

    results: pd.DataFrame
    revisions: pd.DataFrame  # figures held in more than one vintage
    population: pd.DataFrame  # latest year, all ages, both sexes, per area
    catalogue: dict[str, Indicator]
    outcomes: dict[str, Outcome]
    datasets: dict[str, Declaration]
    geo: Geography
    version: float  # the store file's modification time when read
    alerts: pd.DataFrame  # early-warning alerts of the latest scan of each series
    scans: pd.DataFrame  # the latest scan of each series
    drugs: pd.DataFrame  # drugs implicated in deaths, and polydrug shares (latest vintage)
    mat_published: pd.DataFrame  # Scotland-level MAT standards results as published
    #: Reviewed drug deaths with each pair of substances implicated together (case review),
    #: nationally by year; unsuppressed counts that pages pass through disclosure control.
    substance_pairs: pd.DataFrame = field(default_factory=pd.DataFrame)
    demonstration: bool = False  # a demonstration store: generated data, marked everywhere
    #: The evaluation's comparator series (published figures of places outside the
    #: geography, e.g. another nation's rates), as held: dataset, measure, period, value.
    comparators: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def configuration(self) -> config.Configuration:
        """The configuration whose figures these are."""
        return self.geo.configuration

    @classmethod
    def read(cls, configuration: config.Configuration, store_path: Path) -> SiteData:
        version = store_path.stat().st_mtime
        with Store.open(store_path, configuration, read_only=True) as store:
            store.require_table("indicator_results")
            demonstration = store.demonstration
            results = store.con.execute("SELECT * FROM indicator_results").df()
            # Every vintage of each figure held with more than one value (a revision).
            figure = ", ".join(FIGURE_KEY)
            revisions = store.con.execute(f"""
                SELECT {figure}, vintage, value, vintage_rank
                FROM observations WHERE ({figure}) IN (
                    SELECT ({figure}) FROM observations
                    GROUP BY ALL HAVING count(DISTINCT value) > 1)
                ORDER BY {figure}, vintage_rank""").df()
            population = store.con.execute("""
                SELECT area_code, area_type, population FROM population
                WHERE sex = 'All' AND age_band = 'All ages'
                  AND year = (SELECT max(year) FROM population)""").df()
            drugs = select_figures(
                store,
                f"dataset = 'other' AND area_code = '{national_code(configuration)}' AND "
                "(measure LIKE 'drugs_implicated_%' OR measure LIKE 'more_than_one_drug%')",
                columns=_SHOWN,
                order_by="measure, period",
            )
            mat_published = select_figures(
                store,
                "dataset = 'other' AND measure LIKE 'mat%'",
                columns=_SHOWN,
                order_by="period, measure",
            )
            scans = store.con.execute("""
                SELECT scan_id, series_id, CAST(scanned_at AS VARCHAR) AS scanned_at,
                       areas, periods, alerts, synthetic
                FROM surveillance_scans QUALIFY scan_id = max(scan_id)
                OVER (PARTITION BY series_id)""").df()
            pairs = select_figures(
                store,
                "dataset = 'ndrdd_measures' AND measure = 'ndrdd_pair'",
                columns="breakdown, period, value, vintage",
                order_by="period, value DESC",
            )
            comparators = _comparators(configuration, store)
            alerts = store.con.execute("""
                SELECT a.* FROM alerts a JOIN (SELECT max(scan_id) AS scan_id
                FROM surveillance_scans GROUP BY series_id) l USING (scan_id)
                ORDER BY series_id, period DESC, area_code, method""").df()
        return cls(
            results,
            revisions,
            population,
            load_catalogue(configuration),
            load_outcomes(configuration),
            load_declarations(configuration),
            Geography.of(configuration),
            version,
            alerts,
            scans,
            drugs,
            mat_published,
            pairs,
            demonstration,
            comparators,
        )


def _comparators(configuration: config.Configuration, store: Store) -> pd.DataFrame:
    """The figures of the series the configuration's evaluation compares with."""
    evaluation = load_evaluation(configuration)
    pairs = [(c.dataset, c.measure) for c in evaluation.comparators] if evaluation else []
    if not pairs:
        return pd.DataFrame(columns=["dataset", "measure", "area_code", "period", "value"])
    where = " OR ".join("(dataset = ? AND measure = ?)" for _ in pairs)
    return select_figures(
        store,
        where,
        [v for pair in pairs for v in pair],
        columns="dataset, measure, area_code, period, value, unit, vintage",
        order_by="dataset, measure, period",
    )


class SiteDataSource:
    """Hands out the current snapshot, re-reading it when the store file has changed."""

    def __init__(self, configuration: config.Configuration, store_path: Path) -> None:
        self.configuration = configuration
        self.store_path = store_path
        self._data: SiteData | None = None
        self._failed: float | None = None  # the file version that last failed to read
        self._lock = threading.Lock()

    def get(self) -> SiteData:
        """The snapshot of the store as it last read well. A store that cannot be read just
        now (another version being moved in, a file being copied by hand) leaves the site
        serving its last good snapshot; with none yet, the error is raised."""
        current = self.store_path.stat().st_mtime if self.store_path.exists() else None
        with self._lock:
            if self._data is None or (current != self._data.version and current != self._failed):
                try:
                    self._data = SiteData.read(self.configuration, self.store_path)
                    self._failed = None
                except Exception:
                    if self._data is None:
                        raise
                    self._failed = current  # tried once per change of the file
                    log.warning(
                        "the store at %s cannot be read now; serving the last good snapshot",
                        self.store_path,
                        exc_info=True,
                    )
            return self._data

    def demonstration(self) -> bool:
        """Whether the store is a demonstration store (False while there is no store)."""
        if not self.store_path.exists():
            return False
        return self.get().demonstration
