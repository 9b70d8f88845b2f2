"""`update --all`: every dataset with a source fetched from its publisher's site (here on
127.0.0.1), read through its connector and loaded as a new edition, all or nothing; each
reported unchanged, with new periods and revisions, or refused."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from missionmonitor import config
from missionmonitor.cli.app import app
from missionmonitor.connectors.http import Http
from missionmonitor.errors import DownloadError, LayoutError
from missionmonitor.services.update import update_sources
from missionmonitor.store.connection import Store
from missionmonitor.store.vintages import select_figures, vintages_of
from tests.connectors.publisher_server import PublisherSite
from tests.helpers import scotland

FIXTURES = Path(__file__).parents[1] / "fixtures" / "publisher"
WAITS = "abf54d64-88de-47d8-9c31-49a959abc164"
DATASET = "phs_ongoing_waits"
JUNE = (FIXTURES / "phs_ongoing_waits_2025-06-24.csv").read_bytes()
SEPTEMBER = (FIXTURES / "phs_ongoing_waits_2025-09-30.csv").read_bytes()
QUICK = Http(retries=0)
WITHIN = "ongoing_waits_within_3_weeks"


def configuration_with_waits(
    folder: Path, site: str, datasets: tuple[str, ...] = (DATASET,)
) -> Path:
    """Scotland's configuration with ``datasets`` (declarations in the fixtures) read from
    ``site``; no other dataset's source (their publishers are not on the test site)."""
    folder.mkdir()
    for entry in config.SCOTLAND.iterdir():
        if entry.name != "datasets":
            (folder / entry.name).symlink_to(entry)
    (folder / "datasets").mkdir()
    for file in sorted((config.SCOTLAND / "datasets").glob("*.yaml")):
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
        if file.stem in datasets:
            continue
        if "source" in raw:
            raw.pop("source")
            (folder / "datasets" / file.name).write_text(yaml.safe_dump(raw, sort_keys=False))
        else:
            (folder / "datasets" / file.name).symlink_to(file)
    for name in datasets:
        text = (FIXTURES / f"{name}.yaml").read_text(encoding="utf-8")
        (folder / "datasets" / f"{name}.yaml").write_text(text.replace("SITE", site))
    return folder


@pytest.fixture
def waits_config(tmp_path: Path, publisher_site: PublisherSite) -> config.Configuration:
    return config.read(configuration_with_waits(tmp_path / "config", publisher_site.base))


def figures(store: Path):
    with Store.open(store, scotland(), read_only=True) as s:
        return select_figures(s, "dataset = ?", [DATASET])


def test_new_editions_and_revisions_are_loaded_and_a_second_run_changes_nothing(
    store_copy: Path, waits_config: config.Configuration, publisher_site: PublisherSite
):
    publisher_site.publish(WAITS, JUNE, "2025-06-24T00:00:00", "ongoingwaits.csv")
    (june,) = update_sources(waits_config, store_copy, http=QUICK)
    assert june.refused is None and june.load is not None and june.load.rows == 36
    assert june.new_periods == ["2024-Q4", "2025-Q1"] and june.revised == []
    assert june.vintage == "PHS_DATWT_ONGOING_2025_06_24T00_00_00"
    assert june.uncoded == ["North Lanarkshire ADP", "South Lanarkshire ADP"]
    held = figures(store_copy)
    glasgow = held[(held["area_code"] == "S11000015") & (held["measure"] == WITHIN)]
    assert dict(zip(glasgow["period"], glasgow["value"], strict=True)) == {
        "2024-Q4": 262,
        "2025-Q1": 292,
    }
    # North and South Lanarkshire ADPs have no code of their own: rows, not figures.
    assert "S11000052" not in set(held["area_code"]) and held["area_code"].notna().all()

    publisher_site.publish(WAITS, SEPTEMBER, "2025-09-30T00:00:00", "ongoingwaits.csv")
    (september,) = update_sources(waits_config, store_copy, http=QUICK)
    assert september.new_periods == ["2025-Q2"]
    assert (WITHIN, "S11000020", "2024-Q4", 51.0, 60.0) in september.revised
    with Store.open(store_copy, scotland(), read_only=True) as s:
        kept = vintages_of(s, DATASET, WITHIN, "S11000020", "2024-Q4")
    assert list(kept["value"]) == [51, 60]  # the revision is a new edition; the first kept

    before = store_copy.read_bytes()
    again = update_sources(waits_config, store_copy, http=QUICK)
    assert [r.outcome for r in again] == ["unchanged"]
    assert store_copy.read_bytes() == before


def test_a_dry_run_compares_and_loads_nothing(
    store_copy: Path, waits_config: config.Configuration, publisher_site: PublisherSite
):
    publisher_site.publish(WAITS, JUNE, "2025-06-24T00:00:00", "ongoingwaits.csv")
    before = store_copy.read_bytes()
    (report,) = update_sources(waits_config, store_copy, http=QUICK, dry_run=True)
    assert report.load is None and report.new_periods == ["2024-Q4", "2025-Q1"]
    assert store_copy.read_bytes() == before


def test_a_renamed_column_or_a_truncated_download_is_refused_and_nothing_loaded(
    store_copy: Path, waits_config: config.Configuration, publisher_site: PublisherSite
):
    renamed = JUNE.replace(b"Median_length_of_wait_days", b"Median_wait_days")
    publisher_site.publish(WAITS, renamed, "2025-06-24T00:00:00", "ongoingwaits.csv")
    before = store_copy.read_bytes()
    (report,) = update_sources(waits_config, store_copy, http=QUICK)
    assert isinstance(report.refused, LayoutError) and report.load is None
    assert "Median_length_of_wait_days" in str(report.refused)
    publisher_site.publish(WAITS, JUNE, "2025-06-24T00:00:00", "ongoingwaits.csv")
    publisher_site.claimed_total = 40
    (report,) = update_sources(waits_config, store_copy, http=QUICK)
    assert isinstance(report.refused, DownloadError) and "truncated" in str(report.refused)
    assert store_copy.read_bytes() == before


def test_the_command_reports_each_dataset_and_without_network_changes_nothing(
    store_copy: Path, tmp_path: Path, publisher_site: PublisherSite
):
    folder = configuration_with_waits(tmp_path / "config", publisher_site.base)
    args = ["--store", str(store_copy), "--config-dir", str(folder), "update", "--all"]
    publisher_site.publish(WAITS, JUNE, "2025-06-24T00:00:00", "ongoingwaits.csv")
    first = CliRunner().invoke(app, [*args, "--retries", "0"])
    assert first.exit_code == 0, first.output
    assert f"{DATASET}: loaded 36 rows" in first.output and "2024-Q4, 2025-Q1" in first.output
    second = CliRunner().invoke(app, [*args, "--retries", "0"])
    assert second.exit_code == 0 and f"{DATASET}: unchanged" in second.output

    renamed = JUNE.replace(b"Median_length_of_wait_days", b"Median_wait_days")
    publisher_site.publish(WAITS, renamed, "2025-12-16T00:00:00", "ongoingwaits.csv")
    refused = CliRunner().invoke(app, [*args, "--retries", "0"])
    assert refused.exit_code == LayoutError.exit_code and "layout changed" in refused.output

    offline = configuration_with_waits(tmp_path / "offline", "http://127.0.0.1:9")
    before = store_copy.read_bytes()
    cut_off = CliRunner().invoke(
        app,
        [
            "--store",
            str(store_copy),
            "--config-dir",
            str(offline),
            "update",
            "--all",
            "--retries",
            "0",
        ],
    )
    assert cut_off.exit_code == DownloadError.exit_code
    assert "no network? Nothing changed" in " ".join(cut_off.output.split())
    assert store_copy.read_bytes() == before


def test_the_shipped_layout_of_waits_by_area_is_kept_current_from_the_resource(
    store_copy: Path, tmp_path: Path, publisher_site: PublisherSite
):
    shipped = "phs_waiting_times_areas"
    folder = configuration_with_waits(tmp_path / "config", publisher_site.base, (shipped,))
    waits_config = config.read(folder)
    publisher_site.publish(WAITS, JUNE, "2025-06-24T00:00:00", "ongoingwaits.csv")
    (june,) = update_sources(waits_config, store_copy, http=QUICK)
    assert june.refused is None and june.load is not None and june.load.rows == 18
    publisher_site.publish(WAITS, SEPTEMBER, "2025-09-30T00:00:00", "ongoingwaits.csv")
    (september,) = update_sources(waits_config, store_copy, http=QUICK)
    assert september.refused is None
    assert ("datwt_ongoing_3w_or_less", "S11000020", "2024-Q4", 51.0, 60.0) in september.revised
    with Store.open(store_copy, scotland(), read_only=True) as s:
        held = select_figures(s, "dataset = ? AND area_code = ?", [shipped, "S11000020"])
        rows = s.query(f"SELECT DISTINCT source FROM ds_{shipped} WHERE Quarter = 'Q1 2025/2026'")
    latest = held[(held["measure"] == "datwt_ongoing_3w_or_less") & (held["period"] == "2024-Q4")]
    assert list(latest["value"]) == [60]
    assert ("PHS_DATWT_ONGOING_2025_09_30T00_00_00",) in rows
    assert september.uncoded == ["North Lanarkshire ADP", "South Lanarkshire ADP"]
