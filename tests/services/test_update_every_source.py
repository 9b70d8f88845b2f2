"""`update --all` against a publishers' site on 127.0.0.1 that serves every dataset Scotland
declares a ``source:`` for, from the publishers' own files: each dataset is reported; an
edition the store already holds is unchanged; a newer edition is loaded; and a second run
reports every dataset unchanged and leaves the store as it was."""

from __future__ import annotations

import urllib.parse
from pathlib import Path

import yaml

from missionmonitor import config
from missionmonitor.connectors.http import Http
from missionmonitor.datasets.declaration import load_declarations
from missionmonitor.services.update import update_sources
from missionmonitor.store.connection import Store
from tests.connectors.publisher_server import XLSX, PublisherSite
from tests.helpers import scotland

SHIPPED = config.SCOTLAND / "data"
FILES = Path(__file__).parents[1] / "connectors" / "files" / "sg-suspected-drug-deaths"
FIXTURES = Path(__file__).parents[1] / "fixtures" / "publisher"
WAITS = "abf54d64-88de-47d8-9c31-49a959abc164"
POLICE = "police_suspected_drug_deaths"
QUICK = Http(retries=0)


def sourced() -> dict[str, dict]:
    """Each shipped dataset with a ``source:`` block, as its YAML declares it."""
    found = {}
    for file in sorted((config.SCOTLAND / "datasets").glob("*.yaml")):
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
        if "source" in raw:
            found[file.stem] = raw
    return found


def on_site(site: str, url: str) -> str:
    """The test site's address for a publisher's file (its path kept, the host replaced)."""
    return site + urllib.parse.urlparse(url).path


def configuration_from_site(
    folder: Path, site: str, newest: dict[str, str]
) -> config.Configuration:
    """Scotland's configuration with every source read from ``site``: each edition's
    address moved there, the CKAN API there; ``newest`` cuts a dataset's editions at the
    one named (as its declaration read when that was the newest)."""
    folder.mkdir()
    for entry in config.SCOTLAND.iterdir():
        if entry.name != "datasets":
            (folder / entry.name).symlink_to(entry)
    (folder / "datasets").mkdir()
    declared = sourced()
    for file in sorted((config.SCOTLAND / "datasets").glob("*.yaml")):
        if file.stem not in declared:
            (folder / "datasets" / file.name).symlink_to(file)
            continue
        raw = declared[file.stem]
        source = raw["source"]
        editions = source.get("editions", [])
        for edition in editions:
            edition["url"] = on_site(site, edition["url"])
        if file.stem in newest:
            names = [e["edition"] for e in editions]
            source["editions"] = editions[: names.index(newest[file.stem]) + 1]
        if source["platform"] == "phs_ckan":
            source["options"]["site"] = site
        (folder / "datasets" / file.name).write_text(yaml.safe_dump(raw, sort_keys=False))
    return config.read(folder)


def serve_editions(site: PublisherSite) -> None:
    """Every listed edition's workbook at its address on ``site``: the shipped file where
    the configuration ships it, the publisher's copy in the test files otherwise."""
    for raw in sourced().values():
        for edition in raw["source"].get("editions", []):
            name = edition.get("file") or edition["url"].rsplit("/", 1)[-1]
            path = SHIPPED / name if (SHIPPED / name).exists() else FILES / name
            site.files[urllib.parse.urlparse(edition["url"]).path] = (path.read_bytes(), XLSX)


def test_every_declared_source_is_read_from_the_site_and_a_second_run_changes_nothing(
    store_copy: Path, tmp_path: Path, publisher_site: PublisherSite
):
    declared = sorted(sourced())
    assert declared == sorted(
        n for n, d in load_declarations(scotland()).items() if d.source is not None
    )
    serve_editions(publisher_site)
    june = (FIXTURES / "phs_ongoing_waits_2025-06-24.csv").read_bytes()
    publisher_site.publish(WAITS, june, "2025-06-24T00:00:00", "ongoingwaits.csv")
    earlier = configuration_from_site(
        tmp_path / "earlier", publisher_site.base, {POLICE: "July to September 2023"}
    )

    first = {r.dataset: r for r in update_sources(earlier, store_copy, http=QUICK)}
    assert sorted(first) == declared
    assert {n: r.refused for n, r in first.items()} == dict.fromkeys(declared)
    outcomes = {n: r.outcome for n, r in first.items()}
    # The NRS workbooks served are the editions the store was built from.
    assert outcomes["nrs_drug_deaths"] == outcomes["nrs_population"] == "unchanged"
    assert outcomes["phs_waiting_times_areas"] != "unchanged"
    assert outcomes[POLICE] != "unchanged"  # an earlier edition than the one held
    assert first[POLICE].edition == "July to September 2023"
    # An edition the source gives no key of its own is labelled by the edition, whole.
    older = "POLICE_SUSPECTED_DRUG_DEATHS_JULY_TO_SEPTEMBER_2023"
    assert first[POLICE].vintage == older and first[POLICE].load is not None
    with Store.open(store_copy, scotland(), read_only=True) as s:
        held = s.query(
            "SELECT DISTINCT vintage FROM observations WHERE dataset = ? ORDER BY 1", [POLICE]
        )
    assert held == [(older,), ("SG_SDD_XLSX",)]

    september = (FIXTURES / "phs_ongoing_waits_2025-09-30.csv").read_bytes()
    publisher_site.publish(WAITS, september, "2025-09-30T00:00:00", "ongoingwaits.csv")
    current = configuration_from_site(tmp_path / "current", publisher_site.base, {})
    newer = {r.dataset: r for r in update_sources(current, store_copy, http=QUICK)}
    assert sorted(newer) == declared
    assert {n: r.refused for n, r in newer.items()} == dict.fromkeys(declared)
    assert newer[POLICE].edition == "October to December 2023"
    # The newest workbook is the one shipped: already held.
    assert newer[POLICE].outcome == "unchanged"
    waits = newer["phs_waiting_times_areas"]
    assert waits.edition == "2025-09-30T00:00:00" and waits.outcome == "changed"
    assert ("datwt_ongoing_3w_or_less", "S11000020", "2024-Q4", 51.0, 60.0) in waits.revised

    before = store_copy.read_bytes()
    again = update_sources(current, store_copy, http=QUICK)
    assert {r.dataset: r.outcome for r in again} == dict.fromkeys(declared, "unchanged")
    assert store_copy.read_bytes() == before
    with Store.open(store_copy, scotland(), read_only=True) as s:
        loads = s.query("SELECT dataset, count(*) FROM loads GROUP BY dataset")
    assert dict(loads)["nrs_drug_deaths"] == 1
