"""Writers work on a copy: a failure or a SIGKILL at any point leaves the store as it was,
readers are never locked out, and the next writer completes."""

from __future__ import annotations

import random
import time
from pathlib import Path

import duckdb
import pytest

from missionmonitor import config
from missionmonitor.services.ingest import ingest
from missionmonitor.services.site_data import SiteData, SiteDataSource
from missionmonitor.store.connection import Store
from tests.helpers import kill_at_random, revised_edition, scotland

RUNS = 20


def _state(store: Path) -> tuple[bool, float | None]:
    """(whether the revised edition is loaded, the 1996 national drug deaths result)."""
    con = duckdb.connect(str(store), read_only=True)
    try:
        loaded = (
            con.execute("SELECT count(*) FROM loads WHERE vintages LIKE '%FAULT-TEST%'").fetchone()[
                0
            ]
            > 0
        )
        value = con.execute(
            "SELECT value FROM indicator_results WHERE indicator_id = "
            "'drd_deaths' AND area_code = 'S92000003' AND period = '1996'"
        ).fetchone()
    finally:
        con.close()
    return loaded, value[0] if value else None


def test_a_failed_write_leaves_the_store_byte_for_byte(store_copy):
    before = store_copy.read_bytes()
    with pytest.raises(RuntimeError), Store.open(store_copy, scotland()) as store:
        store.con.execute("DELETE FROM indicator_results")
        raise RuntimeError("a fault part-way")
    assert store_copy.read_bytes() == before
    assert not store_copy.with_name(store_copy.name + ".writing").exists()


def test_readers_are_not_locked_out_while_a_writer_works(store_copy):
    source = SiteDataSource(scotland(), store_copy)
    first = source.get()
    with Store.open(store_copy, scotland()) as store:
        store.con.execute("DELETE FROM indicator_results WHERE indicator_id = 'drd_deaths'")
        # Mid-write, the site reads the store as it was.
        assert SiteData.read(scotland(), store_copy).results.equals(first.results)
    assert not (source.get().results["indicator_id"] == "drd_deaths").any()


def test_the_site_keeps_its_last_good_snapshot_when_the_store_cannot_be_read(store_copy):
    source = SiteDataSource(scotland(), store_copy)
    good = source.get()
    store_copy.write_bytes(b"not a store any more")  # a file being copied in by hand
    assert source.get() is good


def test_a_load_and_its_recompute_killed_at_random_points_change_nothing(store_copy, tmp_path):
    edition, rng = revised_edition(tmp_path), random.Random(20261202)
    original = store_copy.read_bytes()
    assert _state(store_copy) == (False, 244)
    started = time.monotonic()
    ingest(scotland(), store_copy, "drd_scotland_annual", edition, vintage="FAULT-TEST")
    took = time.monotonic() - started
    store_copy.write_bytes(original)
    outcomes = []
    for _ in range(RUNS):
        finished = kill_at_random(
            ingest, (store_copy, "drd_scotland_annual", edition, "FAULT-TEST"), took * 1.2, rng
        )
        state = _state(store_copy)
        # All or nothing: the edition with its recomputed result, or the store untouched.
        assert state in ((True, 245), (False, 244)), state
        if state == (False, 244):
            assert store_copy.read_bytes() == original
        outcomes.append(finished)
        if state[0]:
            store_copy.write_bytes(original)
    assert not all(outcomes), "every run finished before it was killed: nothing was tested"
    result = ingest(scotland(), store_copy, "drd_scotland_annual", edition, vintage="FAULT-TEST")
    assert not result.already_loaded and _state(store_copy) == (True, 245)


def _recompute(store: Path) -> None:
    from missionmonitor.indicators.engine import compute_all
    from missionmonitor.refdata.geography import Geography

    with Store.open(store, scotland()) as opened:
        opened.con.execute("DELETE FROM indicator_results")  # as a recompute starts afresh
        compute_all(opened, Geography.of(config.load(None)))


def test_a_recompute_killed_at_random_points_leaves_every_result(store_copy):
    rng = random.Random(11)
    original = store_copy.read_bytes()
    expected = SiteData.read(scotland(), store_copy).results
    started = time.monotonic()
    _recompute(store_copy)
    took = time.monotonic() - started
    store_copy.write_bytes(original)
    cols = ["indicator_id", "area_code", "period", "value"]

    def ordered(frame):
        return frame[cols].sort_values(cols[:3]).reset_index(drop=True)

    finished = []
    for _ in range(RUNS):
        finished.append(kill_at_random(_recompute, (store_copy,), took * 1.2, rng))
        # Never a store with some results gone: the same results whether or not it finished.
        assert ordered(SiteData.read(scotland(), store_copy).results).equals(ordered(expected))
    assert not all(finished), "every run finished before it was killed: nothing was tested"
