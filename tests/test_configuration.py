"""Another configuration, for real: a small made-up programme (three areas, two indicators,
one return form) is built and served with no code change, only its folder."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from missionmonitor import config
from missionmonitor.cli.app import app as cli
from missionmonitor.errors import DefinitionError, StoreVersionError
from missionmonitor.indicators.catalogue import load_catalogue
from missionmonitor.portal import accounts
from missionmonitor.portal.db import connect, session_scope
from missionmonitor.refdata.geography import Geography, national_code
from missionmonitor.services.build import build_store
from missionmonitor.web.app import create_app
from tests.helpers import CHEAP, site_settings

SMALL = Path(__file__).parent / "configurations" / "small"


@pytest.fixture
def small() -> Path:
    """The small configuration's folder."""
    return SMALL


@pytest.fixture
def small_site(small: Path, tmp_path: Path) -> TestClient:
    store = tmp_path / "example.duckdb"
    # Its figures are invented, so it is a demonstration store.
    report = build_store(config.load(small), store, demonstration=True)
    assert report.result_rows > 0
    settings = site_settings(store).model_copy(update={"config_dir": small})
    return TestClient(create_app(settings))


def test_definitions_load_from_the_configuration_folder(small, serve):
    configuration = serve(small)
    geo = Geography.of(configuration)
    assert national_code(configuration) == "X92000001"
    assert sorted(geo.areas) == ["X12000001", "X12000002", "X92000001"]
    assert sorted(load_catalogue(configuration)) == ["death_rate", "deaths", "standards_met_pct"]
    configuration = serve(None)
    assert national_code(configuration) == "S92000003" and len(load_catalogue(configuration)) > 2


def test_the_second_configuration_is_built_and_served(small_site):
    home = small_site.get("/")
    assert home.status_code == 200
    assert "Example Land: monitoring" in home.text and "Scotland" not in home.text
    twin = small_site.get("/index.json").json()
    assert [c["indicator"] for c in twin["cards"]] == ["deaths", "death_rate"]
    assert twin["licence"] == "Invented figures for testing; not official statistics."
    rate = small_site.get("/indicators/death_rate.json", params={"area": "X12000001"}).json()
    latest = rate["trend"]["rows"][-1]
    assert (latest["period"], latest["value"], latest["status"]) == ("2023", 9.5, "SYNTHETIC")
    for path in (
        "/indicators",
        "/indicators/deaths",
        "/areas",
        "/areas/X12000002",
        "/outcomes",
        "/outcomes/1",
        "/methodology",
        "/standards",
        "/targets",
    ):
        page = small_site.get(path)
        assert page.status_code == 200, path
        assert "Invented figures for testing" in page.text, path
    assert "SYNTHETIC" in small_site.get("/indicators/deaths").text
    assert "Demonstration — generated data" in home.text


def test_the_second_configuration_has_its_one_return_form(small, tmp_path):
    runner = CliRunner()
    listed = runner.invoke(cli, ["--config-dir", str(small), "forms", "list"])
    assert listed.exit_code == 0, listed.output
    assert "deaths_review" in listed.output and "rehab_quarterly" not in listed.output
    template = tmp_path / "template.csv"
    made = runner.invoke(
        cli,
        ["--config-dir", str(small), "forms", "template", "deaths_review", "--out", str(template)],
    )
    assert made.exit_code == 0, made.output
    assert template.read_text().splitlines()[0].endswith("period,deaths_reviewed")


def test_a_folder_that_is_not_a_configuration_is_refused(tmp_path, serve):
    with pytest.raises(DefinitionError, match="not a configuration folder"):
        serve(tmp_path)


def test_a_store_serves_only_the_configuration_it_was_built_for(small, tmp_path, serve):
    store = tmp_path / "example.duckdb"
    build_store(serve(small), store, demonstration=True)
    with pytest.raises(StoreVersionError, match="'example' configuration"):
        build_store(serve(None), store)


def test_the_second_configuration_serves_every_public_page_type(small_site):
    for path in ("/surveillance", "/accountability", "/governance", "/reports"):
        page = small_site.get(path)
        assert page.status_code == 200, path
        assert "Invented figures for testing" in page.text, path
    feedback = small_site.get("/feedback")
    assert feedback.status_code == 200 and "I was offered naloxone" in feedback.text
    for path in ("/governance", "/feedback", "/reports"):
        assert "Scotland" not in small_site.get(path).text, path
    # A section the configuration lacks is said to be absent, not shown empty or failed.
    accountability = small_site.get("/accountability").text
    assert "No commitment on residential rehabilitation beds is declared" in accountability
    assert small_site.get("/accountability.json").json()["rehabilitation"]["items"] == []
    # Too few years either side of the launch for a trend: the page says so.
    assert "No trend is shown" in small_site.get("/surveillance").text
    assert "Drug deaths in Example Land" in small_site.get("/surveillance").text
    surveillance = small_site.get("/surveillance.json").json()
    assert surveillance["trend"] is None and surveillance["case_review"]["rows"] == []
    assert small_site.get("/standards/X12000001/1").status_code == 200


def test_the_second_configurations_pages_name_neither_scotland_nor_its_publishers(small_site):
    """Pages whose wording is the configuration's say it generically when it has none."""
    names = re.compile(r"\b(Scotland|Scottish|NRS|PHS|ScotPHO|National Records|NHS Scotland)\b")
    for path in (
        "/",
        "/surveillance",
        "/methodology",
        "/methodology.json",
        "/standards",
        "/standards/X12000001/1",
        "/targets",
        "/accountability",
        "/accountability.json",
        "/login",
    ):
        page = small_site.get(path)
        assert page.status_code == 200, path
        assert names.search(page.text) is None, (path, names.search(page.text))
    surveillance = small_site.get("/surveillance").text
    assert "suspected drug deaths, which are recorded provisionally" in surveillance
    assert "confirmed (latest edition)" in surveillance
    assert "not data from Example Land" in small_site.get("/methodology").text
    assert "Results for Example Land as published" in small_site.get("/standards").text
    assert "oversee the programme&#39;s returns" in small_site.get("/login").text


def test_the_second_configuration_builds_every_report(small_site):
    listed = small_site.get("/reports.json").json()
    assert [r["period"] for r in listed["annual"]] == ["2023/24", "2022/23", "2021/22"]
    assert [r["code"] for r in listed["adp"]] == ["X12000001", "X12000002"]
    links = re.findall(r'href="(/reports/[^"]+\.html)"', small_site.get("/reports").text)
    kinds = {link.split("/")[2] for link in links}
    assert kinds == {"annual", "adp", "mat"}
    for link in links:
        report = small_site.get(link)
        assert report.status_code == 200, link
        assert "Invented figures for testing" in report.text, link
        assert "Scotland" not in report.text, link
    annual = small_site.get("/reports/annual/2023-24.html").text
    # The summary sentences are the configured indicators'.
    assert "Drug deaths" in annual and "Service standards met" in annual
    assert "60" in small_site.get("/reports/mat/2024.html").text


PASSWORD = "correct horse battery"


def test_the_second_configuration_serves_the_signed_in_portal(small, small_site, tmp_path):
    url = f"sqlite:///{tmp_path}/portal.sqlite3"
    engine = connect(url)
    with session_scope(engine) as db:
        accounts.add_user(
            config.load(small), db, "ana", "Ana", "phs_analyst", password=PASSWORD, hashing=CHEAP
        )
    engine.dispose()
    store = tmp_path / "example.duckdb"
    settings = site_settings(store, url).model_copy(update={"config_dir": small})
    site = TestClient(create_app(settings))
    token = re.search(r'name="csrf_token" value="([^"]+)"', site.get("/login").text)
    assert token is not None
    signed = site.post(
        "/login",
        data={"username": "ana", "password": PASSWORD, "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    assert signed.status_code == 303
    returns = site.get("/portal/returns")
    forms = re.findall(r'href="(/portal/returns/deaths_review/[^"]+)"', returns.text)
    assert len(forms) == 2
    for path in ("/portal", "/portal/returns", forms[0], "/portal/governance"):
        page = site.get(path)
        assert page.status_code == 200, path
        assert "Scotland" not in page.text, path
    # Feedback inboxes are for the reporting areas' own officers: refused to an analyst.
    assert site.get("/portal/feedback/X12000001").status_code == 403
