"""OST pipeline outputs land in the store as the ost_records dataset: indicators by area,
local targets, balancing indicators on every page that shows the target, SYNTHETIC labels,
and disclosure control on all of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from missionmonitor.cli.app import app
from missionmonitor.errors import DemonstrationDataError, ValidationError
from missionmonitor.indicators.catalogue import load_catalogue
from missionmonitor.ost.measures import SOURCE_SYNTHETIC
from missionmonitor.ost.referrals import ReferralSpec, write_referrals
from missionmonitor.ost.synthetic import SyntheticSpec, write_prescribing
from missionmonitor.services.ingest import ingest
from missionmonitor.targets.definitions import get_target
from missionmonitor.web.app import create_app
from tests.helpers import scotland, site_settings

OST_INDICATORS = [
    i for i, ind in load_catalogue(scotland()).items() if "ost_records" in ind.sources
]
OST = get_target(scotland(), "ost_32000")


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory, demo_store_path: Path) -> Path:
    """A copy of the demonstration store with SYNTHETIC OST measures loaded through the CLI."""
    folder = tmp_path_factory.mktemp("ost")
    write_prescribing(scotland(), folder / "records", SyntheticSpec(people=20_000, years=3, seed=5))
    write_referrals(scotland(), folder / "records", ReferralSpec(referrals=9_000, years=3, seed=5))
    store = folder / "store.duckdb"
    shutil.copy(demo_store_path, store)
    result = CliRunner().invoke(
        app,
        [
            "--store",
            str(store),
            "ost",
            "compute",
            "--input",
            str(folder / "records"),
            "--out",
            str(folder / "out"),
            "--load",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "synthetic-ost-measures.csv: loaded" in result.output
    return store


def test_generated_measures_are_refused_by_a_store_of_published_figures(loaded, store_copy):
    measures = sorted((loaded.parent / "out").glob("*ost-measures.csv"))[0]
    before = store_copy.read_bytes()
    with pytest.raises(DemonstrationDataError, match="missionmonitor demo"):
        ingest(scotland(), store_copy, "ost_records", measures)
    assert store_copy.read_bytes() == before


@pytest.fixture(scope="module")
def results(loaded: Path) -> pd.DataFrame:
    con = duckdb.connect(str(loaded), read_only=True)
    try:
        return con.execute("SELECT * FROM indicator_results").df()
    finally:
        con.close()


@pytest.fixture(scope="module")
def site(loaded: Path) -> TestClient:
    return TestClient(create_app(site_settings(loaded)))


def test_every_ost_indicator_has_results_at_every_level_marked_synthetic(results):
    ost = results[results.indicator_id.isin(OST_INDICATORS)]
    assert set(ost.indicator_id) == set(OST_INDICATORS)
    for ind in OST_INDICATORS:
        assert set(ost[ost.indicator_id == ind].area_type) == set(
            load_catalogue(scotland())[ind].geography
        )
    assert set(ost.status) == {"SYNTHETIC"}
    assert set(ost.vintage) == {SOURCE_SYNTHETIC}
    # Partly covered years are left out: the records run from 1 April 2021 for three years.
    assert set(ost[ost.indicator_id == "ost_people_records"].period) == {
        "2021/22",
        "2022/23",
        "2023/24",
    }
    # Starts in the first 28 days may continue from before the records: that year is left out.
    assert "2021/22" not in set(ost[ost.indicator_id == "ost_new_starts"].period)


def test_ratios_match_their_numerators_and_denominators(results):
    scot = results[
        (results.area_code == "S92000003") & (results.indicator_id == "ost_retention_12w")
    ]
    r = scot.iloc[-1]
    assert r.value == pytest.approx(r.numerator / r.denominator * 100)
    assert r.lci < r.value < r.uci
    services = results[
        (results.indicator_id == "ost_services_per_100k") & (results.area_code == "S92000003")
    ].iloc[-1]
    assert services.value == pytest.approx(services.numerator / services.denominator * 100_000)


def test_no_small_count_is_published(results):
    people_based = results[
        results.indicator_id.isin(
            [
                "ost_people_records",
                "ost_new_starts",
                "ost_retention_12w",
                "ost_retention_26w",
                "ost_access_3w",
            ]
        )
    ]
    shown = people_based[~people_based.suppressed.astype(bool)]
    assert not ((shown.numerator > 0) & (shown.numerator <= 9)).any()
    ratios = shown[shown.denominator.notna()]
    gap = ratios.denominator - ratios.numerator
    assert not ((gap > 0) & (gap <= 9)).any()  # nor through the complement
    assert people_based.suppressed.astype(bool).any()  # small areas exist, and were hidden
    hidden = people_based[people_based.suppressed.astype(bool)]
    assert hidden[["value", "lci", "uci", "numerator"]].isna().all().all()


def test_a_suppressed_or_small_share_publishes_no_count(results):
    """A share's denominator counts people: like its numerator, never 1 to 9 in public, and
    never beside a suppressed value."""
    shares = results[
        results.indicator_id.isin(
            [
                "ost_retention_12w",
                "ost_retention_26w",
                "ost_access_3w",
                "ost_identifier_completeness",
            ]
        )
    ]
    assert not shares.denominator.between(1, 9).any()
    assert shares[shares.suppressed.astype(bool)].denominator.isna().all()
    assert shares.suppressed.astype(bool).any()


def test_local_targets_follow_the_proportional_uplift(site):
    page = site.get("/targets.json").json()
    ost = next(t for t in page["targets"] if t["id"] == "ost_32000")
    areas = ost["areas"]
    assert len(areas) == 31  # every Integration Authority
    factor = OST.value / OST.baseline.value
    for a in areas:
        assert abs(a["target"] - a["baseline"] * factor) < 1  # whole people
        assert a["baseline_period"] == "2021/22" and a["status"] == "SYNTHETIC"
        assert a["derived"]  # the publisher's local targets (Annex A) are not held
    total = sum(a["baseline"] for a in areas) * factor
    assert sum(a["target"] for a in areas) == round(total)
    assert all(b["latest"] is not None for b in ost["balancing"])
    assert "SYNTHETIC" in ost["balancing_note"]
    html = site.get("/targets").text
    assert "SYNTHETIC data" in html and "Local baselines (2021/22), derived targets" in html
    assert "Target (derived)" in html and ost["local_targets"]["basis"] == "derived"


@pytest.mark.parametrize("code", ["S37000015", "S11000015"])  # an IA and an ADP
def test_profiles_show_the_local_target_with_its_balancing_indicators(site, code):
    page = site.get(f"/areas/{code}.json").json()
    (panel,) = page["targets"]
    assert panel["local"]["target"] > panel["local"]["baseline"] > 0
    assert [b["indicator"] for b in panel["balancing"]] == [b.indicator for b in OST.balancing]
    html = site.get(f"/areas/{code}").text
    assert "Local target (derived)" in html and "Balancing indicators for" in html
    assert panel["local_note"] == panel["local_basis"]["statement"]
    assert "Annex A" in panel["local_note"] and panel["local_note"][:40] in html
    assert "SYNTHETIC" in html


def test_council_profiles_have_no_target_panel(site):
    assert site.get("/areas/S12000049.json").json()["targets"] == []


def test_generated_figures_name_no_publisher(site):
    page = site.get("/indicators/ost_people_records.json").json()
    assert {e["status"] for e in page["editions"]} == {"generated (SYNTHETIC)"}


def test_indicator_pages_label_synthetic_figures(site):
    page = site.get("/indicators/ost_retention_26w.json").json()
    assert {r["status"] for r in page["trend"]["rows"]} == {"SYNTHETIC"}
    assert "SYNTHETIC" in site.get("/indicators/ost_retention_26w").text


def test_bad_measures_file_is_refused_whole(loaded, tmp_path):
    good = sorted((loaded.parent / "out").glob("*ost-measures.csv"))[0]
    frame = pd.read_csv(good)
    frame.loc[3, "measure"] = "ost_made_up"
    frame.loc[7, "value"] = -1
    bad = tmp_path / "ost-measures.csv"
    frame.to_csv(bad, index=False)
    before = loaded.read_bytes()
    with pytest.raises(ValidationError) as info:
        ingest(scotland(), loaded, "ost_records", bad)
    rules = {(p.row, p.column) for p in info.value.problems}
    assert {(5, "measure"), (9, "value")} <= rules  # header is row 1
    assert loaded.read_bytes() == before


def test_annual_report_states_the_balancing_figures(loaded):
    from missionmonitor.reports.annual import annual
    from missionmonitor.services.site_data import SiteDataSource

    data = SiteDataSource(scotland(), loaded).get()
    report = annual(data, "2023/24")
    section = next(s for s in report["sections"] if s["id"] == "targets")
    text = " ".join(section["paragraphs"])
    assert "Balancing indicator, retention" in text and "SYNTHETIC" in text
    ids = {f["indicator_id"] for f in report["facts"]}
    assert {"ost_retention_12w", "ost_services_per_100k"} <= ids
    from missionmonitor.reports.sections import NOT_YET

    # Loaded: every balancing indicator has a national figure, so none is said missing.
    missing = NOT_YET["balancing"].split("{missing}")[0].format(title=OST.title)
    assert not any(s.startswith(missing) for s in report["not_yet"])
    generated = next(s for s in report["sources"] if s["name"] == "ost_records")
    assert "generated" in generated["licence"] and "Licence" not in generated["licence"]
    assert NOT_YET["ost_areas"] not in report["not_yet"]
    assert np.isfinite([f["value"] for f in report["facts"]]).all()


def test_adp_report_gives_the_local_target_with_balancing_figures(loaded):
    from missionmonitor.reports.adp_profile import adp
    from missionmonitor.reports.sections import NOT_YET
    from missionmonitor.services.site_data import SiteDataSource

    data = SiteDataSource(scotland(), loaded).get()
    report = adp(data, "S11000015")
    section = next(s for s in report["sections"] if s["id"] == "target")
    text = " ".join(section["paragraphs"])
    assert "local target" in text and "Balancing indicator, access" in text
    assert "SYNTHETIC" in text
    assert NOT_YET["ost_areas"] not in report["not_yet"]
    targets = [f for f in report["facts"] if f["column"] == "target"]
    assert len(targets) == 1 and f"{int(targets[0]['value']):,}" in text


def test_nothing_published_is_disclosive_with_generated_records_loaded(loaded):
    result = CliRunner().invoke(app, ["--store", str(loaded), "disclosure", "audit"])
    assert result.exit_code == 0, result.output
    assert "No disclosive figure found" in result.output


def test_parquet_file_names_never_become_sql(synthetic_small, tmp_path):
    """A file name with quotes and SQL in it is read as a file name, nothing more."""
    import shutil

    from missionmonitor.ost.service import compute_folder

    folder = tmp_path / "records"
    folder.mkdir()
    shutil.copy(synthetic_small, folder / "x']); DROP TABLE members; --'.parquet")
    result = compute_folder(scotland(), folder, tmp_path / "out")
    assert result.outputs.items["items"].sum() > 0
