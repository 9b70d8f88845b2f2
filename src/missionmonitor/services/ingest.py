"""Load one file into the store: validate first (no store access), then load, then compute.

For example::

    result = ingest(Path("var/missionmonitor.duckdb"), "other", Path("other_2025.csv"))
"""

from __future__ import annotations

from pathlib import Path

from missionmonitor import config
from missionmonitor.datasets.declaration import get_declaration
from missionmonitor.datasets.loader import LoadResult, load_parsed
from missionmonitor.datasets.reader import read_and_validate
from missionmonitor.indicators.engine import compute_all
from missionmonitor.refdata.geography import Geography
from missionmonitor.store.connection import Store


def ingest(
    configuration: config.Configuration,
    store_path: Path,
    dataset: str,
    file: Path,
    vintage: str | None = None,
) -> LoadResult:
    """Validate ``file`` as ``dataset`` and load it all-or-nothing; recompute indicators.

    A file that breaks any rule raises ValidationError before the store is even opened, so
    the store file stays byte-for-byte as it was.
    """
    decl = get_declaration(configuration, dataset)
    geo = Geography.of(configuration)
    parsed = read_and_validate(decl, file, geo.codes())
    with Store.open(store_path, configuration) as store:
        result = load_parsed(store, parsed, vintage=vintage)
        if not result.already_loaded:
            compute_all(store, geo)
    return result
