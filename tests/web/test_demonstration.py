"""Demonstration kept apart: generated data lives only in a demonstration store, and every
page, JSON document, download and report page of a demonstration says so."""

from __future__ import annotations

import subprocess

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from missionmonitor.cli.app import app as cli
from missionmonitor.services.disclosure_audit import audit
from missionmonitor.store.connection import Store
from missionmonitor.web.app import create_app
from missionmonitor.web.rendering import DEMONSTRATION
from tests.helpers import scotland, site_settings

PAGES = [
    "/",
    "/outcomes",
    "/outcomes/2",
    "/indicators",
    "/indicators/drd_deaths",
    "/areas",
    "/areas/S11000051",
    "/methodology",
    "/surveillance",
    "/targets",
    "/reports",
    "/standards",
    "/login",
    "/no-such-page",
    "/accountability",
    "/governance",
    "/feedback",
]


@pytest.fixture(scope="module")
def demo_site(demo_store_path):
    return TestClient(create_app(site_settings(demo_store_path)))


@pytest.mark.parametrize("path", PAGES)
def test_every_page_of_a_demonstration_is_marked(demo_site, client, path):
    assert DEMONSTRATION in demo_site.get(path).text
    assert DEMONSTRATION not in client.get(path).text
    assert "Figures are official published statistics" in client.get(path).text


@pytest.mark.parametrize(
    "path",
    [
        "/index.json",
        "/indicators/drd_deaths.json",
        "/areas/S11000051.json",
        "/standards.json",
        "/accountability.json",
        "/governance.json",
    ],
)
def test_every_json_document_of_a_demonstration_is_marked(demo_site, client, path):
    assert demo_site.get(path).json()["demonstration"] == DEMONSTRATION
    assert "demonstration" not in client.get(path).json()


def test_downloads_of_a_demonstration_are_marked(demo_site, client):
    got = demo_site.get("/indicators/drd_deaths/data.csv")
    assert got.headers["x-demonstration"] == "generated data"
    assert "demonstration_drd_deaths" in got.headers["content-disposition"]
    header, first = got.text.splitlines()[:2]
    assert header.endswith(",demonstration") and first.endswith(DEMONSTRATION)
    assert demo_site.get("/indicators/drd_deaths/data.json").json()["demonstration"]
    assert "x-demonstration" not in client.get("/indicators/drd_deaths/data.csv").headers


def test_every_page_of_a_demonstration_report_is_marked(demo_site, tmp_path):
    pdf = tmp_path / "mat.pdf"
    pdf.write_bytes(demo_site.get("/reports/mat/2022.pdf").content)
    pages = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    pages = [p for p in pages if p.strip()]
    assert len(pages) >= 3 and all(DEMONSTRATION in p for p in pages)


def test_the_demo_command_builds_a_store_of_its_own(tmp_path, store_copy):
    store = tmp_path / "demo.duckdb"
    made = CliRunner().invoke(
        cli,
        [
            "demo",
            "--store",
            str(store),
            "--app-db",
            f"sqlite:///{tmp_path}/portal.sqlite3",
            "--people",
            "3000",
            "--no-serve",
        ],
    )
    assert made.exit_code == 0, made.output
    assert "all generated" in " ".join(made.output.split())  # rich wraps long paths
    with Store.open(store, scotland(), read_only=True) as built:
        assert built.demonstration
        ((synthetic,),) = built.query(
            "SELECT count(*) FROM indicator_results WHERE status = 'SYNTHETIC'"
        )
    assert synthetic > 0
    # The accountability returns, feedback and a published oversight meeting, all SYNTHETIC,
    # reach the demonstration's pages, and nothing published is disclosive.
    site = TestClient(create_app(site_settings(store, f"sqlite:///{tmp_path}/portal.sqlite3")))
    page = site.get("/accountability.json").json()
    beds = page["rehabilitation"]["beds"]
    assert beds["status"] == "SYNTHETIC" and beds["display"] and page["funding"]["held"]
    assert page["synthetic"] and "not as their cause" in page["not_attribution"]
    meetings = site.get("/governance.json").json()["meetings"]
    assert meetings and all(m["synthetic"] for m in meetings)
    shares = site.get("/standards/S11000015/1.json").json()["experience"]
    assert shares["agree_pct"] is not None and shares["answered"] >= 10
    assert audit(scotland(), store) == []
    refused = CliRunner().invoke(cli, ["demo", "--store", str(store_copy), "--no-serve"])
    assert refused.exit_code == 17 and "store of its own" in refused.stderr
