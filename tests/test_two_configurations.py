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
