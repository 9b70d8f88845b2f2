"""Load one file into the store: validate first (no store access), then load, then compute.

For example::

    result = ingest(Path("var/missionmonitor.duckdb"), "other", Path("other_2025.csv"))
"""

from __future__ import annotations

from pathlib import Path

from missionmonitor import config
from missionmonitor.connectors.dataset_file import read_dataset_file
from missionmonitor.datasets.declaration import get_declaration
from missionmonitor.datasets.loader import LoadResult, load_parsed
from missionmonitor.datasets.reader import ParsedFile
from missionmonitor.indicators.engine import compute_all
from missionmonitor.refdata.geography import Geography
from missionmonitor.store.connection import Store


def ingest(
    configuration: config.Configuration,
    store_path: Path,
    dataset: str,
    file: Path,
    vintage: str | None = None,
    *,
    recompute: bool = True,
) -> LoadResult:
    """Validate ``file`` as ``dataset`` and load it all-or-nothing; recompute indicators
    (unless ``recompute`` is False: a caller loading several files recomputes once).

    A file that breaks any rule raises ValidationError (a publisher's workbook out of its
    declared layout, LayoutError) before the store is even opened, so the store file stays
    byte-for-byte as it was.
    """
    decl = get_declaration(configuration, dataset)
    geo = Geography.of(configuration)
    parsed = read_dataset_file(decl, file, geo)
    return load_checked(store_path, parsed, geo, vintage, recompute=recompute)


def load_checked(
    store_path: Path,
    parsed: ParsedFile,
    geography: Geography,
    vintage: str | None = None,
    *,
    recompute: bool = True,
) -> LoadResult:
    """Load a file already validated (``read_and_validate``) in one transaction."""
    with Store.open(store_path, geography.configuration) as store:
        result = load_parsed(store, parsed, vintage=vintage)
        if recompute and not result.already_loaded:
            compute_all(store, geography)
    return result


def recompute_all(store_path: Path, geography: Geography) -> None:
    """Compute every indicator again from the store's figures."""
    with Store.open(store_path, geography.configuration) as store:
        compute_all(store, geography)
