"""Loading: provenance, no-op reloads, coexisting vintages, never overwriting, rollback."""

from __future__ import annotations

import hashlib

import pytest

from missionmonitor.data import shipped_file
from missionmonitor.errors import VintageConflictError
from missionmonitor.services.ingest import ingest
from missionmonitor.store.connection import Store
from missionmonitor.store.vintages import select_observations, vintages_of
from tests.helpers import scotland


def test_every_shipped_file_is_loaded_with_provenance(store):
    loads = store.query("SELECT dataset, file_name, sha256, row_count, vintages FROM loads")
    assert {r[0] for r in loads} == {
        "adp_funding_allocations",
        "drd_by_age_sex",
        "drd_by_area",
        "drd_scotland_annual",
        "esp2013",
        "geography",
        "mat_adp_grades",
        "nrs_drug_deaths",
        "nrs_population",
        "ons_drug_deaths_england_wales",
        "other",
        "phs_waiting_times_areas",
        "police_suspected_drug_deaths",
        "population",
        "published",
        "treatment_target",
    }
    for _dataset, file_name, sha, rows, vintages in loads:
        data = shipped_file(store.configuration, file_name).read_bytes()
        assert sha == hashlib.sha256(data).hexdigest()
        if not file_name.endswith(".xlsx"):  # a publisher's workbook: tests/connectors
            assert rows == len(data.decode().splitlines()) - 1
        assert rows and vintages


def test_reloading_the_same_file_is_a_no_op(store_copy):
    before = hashlib.sha256(store_copy.read_bytes()).hexdigest()
    result = ingest(scotland(), store_copy, "other", shipped_file(scotland(), "other.csv"))
    assert result.already_loaded
    assert hashlib.sha256(store_copy.read_bytes()).hexdigest() == before


def test_both_vintages_of_a_revised_figure_are_kept(store):
    held = vintages_of(store, "drd_scotland_annual", "drd_deaths", "S92000003", "2019")
    assert list(held["value"]) == [1264, 1280]
    assert list(held["vintage"]) == ["NRS_2019_PDF", "NRS_T1_2021"]


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        ("latest", 1280),
        ("first_published", 1264),
        ("as_at:NRS_2019_PDF", 1264),
        ("as_at:NRS_2024_REPORT", 1280),
    ],
)
def test_vintage_selection(store, selection, expected):
    obs = select_observations(store, "drd_scotland_annual", ["drd_deaths"], selection)
    assert obs.set_index("period").loc["2019", "value"] == expected


def test_as_at_an_early_edition_omits_later_figures(store):
    obs = select_observations(store, "drd_scotland_annual", ["drd_deaths"], "as_at:NRS_2013_WEB")
    assert list(obs["period"]) == ["2013"]
    assert list(obs["value"]) == [526]


def test_a_new_edition_coexists_and_becomes_latest(store_copy, tmp_path):
    revised = tmp_path / "nrs_2025.csv"
    lines = shipped_file(scotland(), "drd_scotland_annual.csv").read_text().splitlines()
    header, row_2024 = lines[0], next(x for x in lines if x.startswith("2024,"))
    revised.write_text(header + "\n" + row_2024.replace("2024,1017,", "2024,1020,") + "\n")
    result = ingest(
        scotland(), store_copy, "drd_scotland_annual", revised, vintage="NRS_2025_REPORT"
    )
    assert not result.already_loaded and result.vintages == ("NRS_2025_REPORT",)
    with Store.open(store_copy, scotland(), read_only=True) as s:
        held = vintages_of(s, "drd_scotland_annual", "drd_deaths", "S92000003", "2024")
        assert list(held["value"]) == [1017, 1020]
        latest = select_observations(s, "drd_scotland_annual", ["drd_deaths"])
        assert latest.set_index("period").loc["2024", "value"] == 1020
        first = select_observations(s, "drd_scotland_annual", ["drd_deaths"], "first_published")
        assert first.set_index("period").loc["2024", "value"] == 1017
        row = s.query(
            "SELECT value FROM indicator_results WHERE indicator_id='drd_deaths' AND period='2024'"
        )
        assert row == [(1020.0,)]


def test_a_different_file_under_a_held_vintage_is_refused_and_rolled_back(store_copy, tmp_path):
    changed = tmp_path / "changed.csv"
    lines = shipped_file(scotland(), "drd_scotland_annual.csv").read_text().splitlines()
    changed.write_text(lines[0] + "\n" + lines[-1].replace("2024,1017,", "2024,999,") + "\n")
    with Store.open(store_copy, scotland(), read_only=True) as s:
        loads_before = s.query("SELECT count(*) FROM loads")
        obs_before = s.query("SELECT count(*) FROM observations")
    with pytest.raises(VintageConflictError, match="never overwritten"):
        ingest(scotland(), store_copy, "drd_scotland_annual", changed)
    with Store.open(store_copy, scotland(), read_only=True) as s:
        assert s.query("SELECT count(*) FROM loads") == loads_before
        assert s.query("SELECT count(*) FROM observations") == obs_before
        assert s.query("SELECT count(*) FROM ds_drd_scotland_annual WHERE deaths = 999") == [(0,)]
