"""Two configurations in one process: each app answers from the configuration it was built
for, and each configuration's definitions are read and kept apart from the other's."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from missionmonitor import config
from missionmonitor.indicators.catalogue import load_catalogue
from missionmonitor.refdata.geography import Geography, national_code
from missionmonitor.services.build import build_store
from missionmonitor.web.app import create_app
from tests.conftest import site_settings

SMALL = Path(__file__).parent / "configurations" / "small"


def test_two_configurations_load_side_by_side():
    scotland, small = config.load(None), config.load(SMALL)
    small_ids = sorted(load_catalogue(small))
    small_nation = national_code(small)
    scottish_ids = sorted(load_catalogue(scotland))
    assert national_code(scotland) != small_nation
    # Reading Scotland's did not replace the small one's.
    assert sorted(load_catalogue(small)) == small_ids
    assert small_ids == ["death_rate", "deaths", "standards_met_pct"]
    assert len(scottish_ids) > len(small_ids) and "death_rate" not in scottish_ids
    assert sorted(Geography.of(small).areas) == ["X12000001", "X12000002", "X92000001"]
    assert len(Geography.of(scotland).areas) > 3


def test_two_apps_of_two_configurations_answer_side_by_side(built_store_path, tmp_path):
    example_store = tmp_path / "example.duckdb"
    build_store(config.load(SMALL), example_store, demonstration=True)
    scotland = TestClient(create_app(site_settings(built_store_path)))
    example = TestClient(
        create_app(site_settings(example_store).model_copy(update={"config_dir": SMALL}))
    )
    scottish_licence = config.load(None).attribution
    example_licence = config.load(SMALL).attribution
    assert scottish_licence != example_licence
    for _ in range(2):  # interleaved, twice: neither app's answers leak into the other's
        home = scotland.get("/index.json").json()
        assert home["licence"] == scottish_licence
        assert "Example Land" not in scotland.get("/").text
        assert "Example Land: monitoring" in example.get("/").text
        assert example.get("/index.json").json()["licence"] == example_licence
        assert scotland.get("/indicators/drd_deaths").status_code == 200
        assert example.get("/indicators/drd_deaths").status_code == 404
        assert example.get("/indicators/death_rate").status_code == 200
        assert scotland.get("/indicators/death_rate").status_code == 404
        assert "Drug deaths in Example Land" in example.get("/surveillance").text
        surveillance = scotland.get("/surveillance")
        assert surveillance.status_code == 200 and "Example Land" not in surveillance.text
        assert example.get("/surveillance.json").json()["trend"] is None
        assert scotland.get("/surveillance.json").json()["trend"] is not None
        # Who publishes what is each configuration's to say: Scotland's says it.
        assert "Police Scotland record suspected" in surveillance.text
        assert "confirmed (NRS, latest edition)" in surveillance.text
        # Only a configuration that declares an evaluation has the page, and links it.
        assert scotland.get("/evaluation").status_code == 200
        assert 'href="/evaluation"' in scotland.get("/").text
        assert example.get("/evaluation").status_code == 404
        assert example.get("/evaluation.json").status_code == 404
        assert 'href="/evaluation"' not in example.get("/").text
        assert "ScotPHO" in scotland.get("/methodology").text
        assert "ScotPHO" not in example.get("/methodology").text
        assert "For ADP coordinators" in scotland.get("/login").text
        assert "For ADP coordinators" not in example.get("/login").text
        profile = example.get("/areas/X12000001.json").json()["profile"]
        assert {h["id"] for h in profile["held"]} == {"death_rate", "deaths"}
        missing = {m["id"]: m for m in profile["not_published"]}
        assert missing["standards_met_pct"]["note"].endswith("only (invented).")
        assert example.get("/areas/X12000001/profile.csv").status_code == 200
        # Success is judged by each configuration's own declared rules.
        judged = example.get("/indicators/deaths.json").json()["success"]
        assert judged["rule"] == "trend" and judged["sentence"].startswith("Success is fewer")
        assert scotland.get("/indicators/drd_deaths.json").json()["success"]["rule"] == "trend"


def test_the_standards_are_cited_as_their_configuration_cites_them(built_store_path, tmp_path):
    example_store = tmp_path / "example.duckdb"
    build_store(config.load(SMALL), example_store, demonstration=True)
    scotland = TestClient(create_app(site_settings(built_store_path)))
    example = TestClient(
        create_app(site_settings(example_store).model_copy(update={"config_dir": SMALL}))
    )
    cited = scotland.get("/standards/S11000015/1.json").json()["standard"]
    assert cited["citation"].startswith("Scottish Government, Medication Assisted Treatment")
    assert cited["citation"] in scotland.get("/standards/S11000015/1").text
    assert example.get("/standards/X12000001/1.json").json()["standard"]["citation"] == ""
    # A configuration that declares no benchmarking years nor per-ADP grades has none to list.
    mine = example.get("/standards/X12000001/1.json").json()["published"]
    assert mine == {"coverage": [], "grades": []}
    matrix = example.get("/standards.json").json()["published_grades"]
    assert matrix["coverage"] == [] and matrix["grades"] == []
    assert example.get("/standards").status_code == 200
    assert example.get("/standards.json").json()["quarters"]["rows"] == []
