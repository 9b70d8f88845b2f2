"""Crawl the site: every page and JSON twin, every indicator and area, every download."""

from __future__ import annotations

import csv
import io
import json
import re

import openpyxl
import pytest

from missionmonitor import config
from missionmonitor.indicators.catalogue import load_catalogue
from missionmonitor.indicators.engine import RESULT_COLUMNS
from missionmonitor.refdata.geography import Geography, area_types
from tests.helpers import scotland

INDICATORS = list(load_catalogue(scotland()))


def shipped_indicators() -> list[str]:
    """Indicators computed from the shipped data (the rest need record-level data)."""
    from missionmonitor.datasets.declaration import load_declarations

    shipped = {n for n, d in load_declarations(scotland()).items() if d.shipped}
    return [i for i, ind in load_catalogue(scotland()).items() if set(ind.sources) <= shipped]


GEO = Geography.of(config.load(None))
AREAS = [a.code for t in area_types(scotland()) for a in GEO.of_type(t)]


OUTCOME_PAGES = [f"/outcomes/{o}" for o in ("1", "2", "3", "4", "5", "6", "equalities")]
PAGES = [
    "/",
    "/outcomes",
    "/indicators",
    "/targets",
    "/surveillance",
    "/evaluation",
    "/areas",
    "/methodology",
    "/reports",
    *OUTCOME_PAGES,
]


@pytest.mark.parametrize("path", PAGES)
def test_page_and_json_twin(client, path):
    html = client.get(path)
    assert html.status_code == 200
    assert html.headers["content-type"].startswith("text/html")
    twin = "/index.json" if path == "/" else f"{path}.json"
    data = client.get(twin)
    assert data.status_code == 200
    page = data.json()
    assert page["title"] in html.text.replace("&amp;", "&").replace("&#39;", "'")
    assert f'href="{twin}"' in html.text  # each page links its twin


@pytest.mark.parametrize("indicator", INDICATORS)
def test_every_indicator_page_twin_and_download(client, indicator):
    page = client.get(f"/indicators/{indicator}.json").json()
    assert client.get(f"/indicators/{indicator}").status_code == 200
    views = [None, *[o["value"] for o in page.get("area_type_options", [])]]
    for area_type in views:
        query = f"?area_type={area_type}" if area_type else ""
        assert client.get(f"/indicators/{indicator}{query}").status_code == 200
        twin = client.get(f"/indicators/{indicator}.json{query}").json()
        shown = len(twin["trend"]["rows"]) + len((twin.get("comparison") or {}).get("rows", []))
        _downloads_open(client, twin, shown)


def _downloads_open(client, page, shown):
    csv_resp = client.get(page["downloads"]["csv"])
    assert csv_resp.status_code == 200
    assert "attachment" in csv_resp.headers["content-disposition"]
    assert page["indicator"]["id"] in csv_resp.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(csv_resp.text)))
    assert len(rows) == shown
    xlsx = client.get(page["downloads"]["xlsx"])
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book["data"].max_row == shown + 1
    js = client.get(page["downloads"]["json"]).json()
    assert len(js["rows"]) == shown
    for row in rows:
        if row["suppressed"] == "True":
            assert row["value"] == row["lci"] == row["uci"] == row["numerator"] == ""


@pytest.mark.parametrize("code", AREAS)
def test_every_area_page_and_twin(client, code):
    assert client.get(f"/areas/{code}").status_code == 200
    page = client.get(f"/areas/{code}.json").json()
    assert page["area"]["code"] == code


def test_indicator_filters(client):
    outcome3 = client.get("/indicators.json?outcome=3").json()["indicators"]
    assert {"ost_people", "rr_placements", "ost_people_records", "ost_retention_12w"} <= {
        i["id"] for i in outcome3
    }
    assert all(i["outcome"] == "3" for i in outcome3)
    # OST's definitions name buprenorphine with naloxone, so they match too.
    found = client.get("/indicators.json?q=naloxone").json()["indicators"]
    assert {i["id"] for i in found} == {
        "naloxone_kits",
        "naloxone_reach",
        "ndrdd_naloxone_supplied",
        "ost_people",
        "ost_people_records",
        "ambulance_naloxone",
    }
    council = client.get("/indicators.json?geography=council").json()["indicators"]
    assert {"drd_rate_per_1000_5yr", "drd_easr_5yr", "ost_access_3w"} <= {i["id"] for i in council}
    assert "drd_deaths" not in {i["id"] for i in council}
    by_source = client.get("/indicators.json?source=treatment_target").json()["indicators"]
    assert [i["id"] for i in by_source] == ["ost_people"]


def test_indicator_view_choices(client):
    page = client.get(
        "/indicators/drd_rate_per_1000_5yr.json?area=S08000031&area_type=council&period=2015-2019"
    ).json()
    assert page["area"]["name"] == "NHS Greater Glasgow and Clyde"
    assert page["comparison"]["period"] == "2015-2019"
    assert {r["area_type"] for r in page["comparison"]["rows"]} == {"council"}
    assert page["funnel"] is not None
    assert client.get("/indicators/drd_deaths?area_type=council").status_code == 404
    assert client.get("/indicators/drd_rate_per_1000_5yr?period=1900-1904").status_code == 404


def test_maps_beside_their_table_and_a_twin_without_shapes(client):
    page = client.get("/indicators/drd_easr_5yr", params={"area_type": "health_board"})
    assert page.status_code == 200
    assert page.text.count('class="mm-map__area"') == 14
    assert 'id="map-table"' in page.text and "Boundaries: Council area boundaries 2023" in page.text
    twin = client.get("/indicators/drd_easr_5yr.json", params={"area_type": "health_board"})
    drawn = twin.json()["map"]
    assert drawn["area_type"] == "health_board" and len(drawn["areas"]) == 14
    assert set(drawn["areas"][0]) == {
        "area_code",
        "area_name",
        "value",
        "display",
        "state",
        "band",
        "href",
    }  # the outlines stay in the page
    assert len(twin.content) < len(page.content) / 2


def test_series_break_and_revisions_are_shown(client):
    ost = client.get("/indicators/ost_people").text
    assert "series break" in ost and "HMUD" in ost
    drd = client.get("/indicators/drd_deaths.json").json()
    revised = {r["period"]: r for r in drd["revisions"]}
    assert [v["value"] for v in revised["2019"]["vintages"]] == [1264, 1280]
    assert "1264 (NRS_2019_PDF) → 1280 (NRS_T1_2021)" in client.get("/indicators/drd_deaths").text


def test_home_headlines(client):
    home = client.get("/index.json").json()
    cards = {c["indicator"]: c for c in home["cards"]}
    assert cards["drd_deaths"]["text"] == (
        "1,017 drug misuse deaths were registered in 2024, 155 (13%) fewer than in 2023."
    )
    assert cards["ost_people"]["target"] == 32000
    assert "balancing" in cards["ost_people"]
    assert cards["rr_placements"]["target"] == 1000


def test_area_profile_contents(client):
    page = client.get("/areas/S11000051.json").json()  # Mid & East Lothian ADP
    assert [c["code"] for c in page["area"]["councils"]] == ["S12000010", "S12000019"]
    assert {p["code"] for p in page["parents"]} >= {"S08000024", "S92000003"}
    assert len(page["similar"]) == 5
    spine = page["spine"]["rows"]
    assert spine and all(0 <= r["area_pos"] <= 1 for r in spine)
    assert client.get("/areas/S08000021").status_code == 200  # a previous code still works


@pytest.mark.parametrize("code", ["S11000015", "S08000031", "S37000015", "S12000049"])
def test_area_profile_page_lists_every_indicator_held_and_not_published(client, code):
    page = client.get(f"/areas/{code}.json").json()
    html = client.get(f"/areas/{code}").text
    profile = page["profile"]
    name = page["area"]["name"]
    assert '<h2 id="profile-held">' in html and '<h2 id="profile-missing">' in html
    assert f"Indicators held for {name}, latest period</caption>" in html
    for h in profile["held"]:
        row = re.search(rf'<tr id="profile-{h["id"]}">(.*?)</tr>', html, re.S)
        assert row, h["id"]
        assert '<th scope="row">' in row[1] and f"<td>{h['latest']['period']}</td>" in row[1]
        assert h["latest"]["display"] in row[1]
        if h["national"]:
            assert h["national"]["display"] in row[1]
            assert h["latest"]["significance"] in row[1]  # in words, not only colour
        if h["derived"]:
            assert h["derived"].replace("'", "&#39;") in row[1]
    missing = re.search(r'<table class="ds_table" id="not-published">(.*?)</table>', html, re.S)
    assert missing and "<caption" in missing[1]
    assert missing[1].count('<th scope="row">') == len(profile["not_published"])
    for m in profile["not_published"]:
        assert f'href="/indicators/{m["id"]}"' in missing[1]
    download = client.get(profile["downloads"]["csv"])
    assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
    assert f'href="{profile["downloads"]["csv"]}"' in html
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert [r["indicator_id"] for r in rows] == [h["id"] for h in profile["held"]] + [
        m["id"] for m in profile["not_published"]
    ]
    assert [r["period"] for r in rows[: len(profile["held"])]] == [
        h["latest"]["period"] for h in profile["held"]
    ]


def test_an_area_the_publisher_splits_says_which_figures_it_lacks(client):
    page = client.get("/areas/S11000052.json").json()  # Lanarkshire ADP: PHS names two
    said = {m["id"]: m for m in page["profile"]["not_published"] if m["reason"] == "unmatched"}
    assert "waits_ongoing_median_days" in said  # a median cannot be added up
    # The share is made from the two ADPs' counts, added up openly.
    held = {h["id"]: h for h in page["profile"]["held"]}
    assert "waits_ongoing_3w_pct" not in said
    assert (
        "North Lanarkshire ADP and South Lanarkshire ADP" in held["waits_ongoing_3w_pct"]["derived"]
    )
    html = client.get("/areas/S11000052").text
    assert "North Lanarkshire ADP and South Lanarkshire ADP separately" in html


def test_suppressed_values_never_leave_the_site(client, store):
    hidden = store.query(
        "SELECT indicator_id, area_code, period FROM indicator_results "
        "WHERE suppressed AND area_type = 'council' LIMIT 20"
    )
    assert hidden
    for ind, area, period in hidden:
        page = client.get(f"/indicators/{ind}.json?area_type=council&period={period}").json()
        row = next(r for r in page["comparison"]["rows"] if r["area_code"] == area)
        assert row["suppressed"] and row["value"] is None and row["numerator"] is None
        assert row["display"] == "c"


def test_not_found_pages(client):
    html = client.get("/no/such/page")
    assert html.status_code == 404 and "Page not found" in html.text
    assert "ds_site-header" in html.text  # the friendly page uses the site's layout
    data = client.get("/indicators/nope.json")
    assert data.status_code == 404 and data.json()["error"] == "Page not found"
    assert client.get("/areas/S12999999").status_code == 404


def test_server_error_page_hides_details(built_store_path, monkeypatch):
    from fastapi.testclient import TestClient

    from missionmonitor.views import home as home_views
    from missionmonitor.web.app import create_app
    from tests.helpers import site_settings

    def boom(data):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(home_views, "home", boom)
    c = TestClient(create_app(site_settings(built_store_path)), raise_server_exceptions=False)
    r = c.get("/")
    assert r.status_code == 500
    assert "problem with the service" in r.text and "secret internals" not in r.text
    assert c.get("/index.json").json()["error"].startswith("Sorry")


def test_security_headers_and_no_inline_scripts(client):
    for path in (
        "/",
        "/indicators/drd_deaths",
        "/areas/S12000049",
        "/index.json",
        "/nope",
        "/api/docs",
    ):
        r = client.get(path)
        csp = r.headers["content-security-policy"]
        script_src = re.search(r"script-src ([^;]+)", csp)[1]
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        if r.headers["content-type"].startswith("text/html"):
            for tag in re.findall(r"<script[^>]*>", r.text):
                assert "src=" in tag or 'type="application/json"' in tag, tag


def test_openapi_lists_the_json_api(client):
    spec = client.get("/api/openapi.json").json()
    paths = set(spec["paths"])
    assert {
        "/index.json",
        "/indicators/{indicator_id}.json",
        "/areas/{code}.json",
        "/indicators/{indicator_id}/data.{fmt}",
    } <= paths
    assert "swagger-ui" in client.get("/api/docs").text


def test_download_columns_follow_the_results_table(client):
    rows = list(csv.DictReader(io.StringIO(client.get("/indicators/drd_deaths/data.csv").text)))
    assert set(RESULT_COLUMNS) - {"area_type"} <= set(rows[0]) | {"area_type"}
    assert json.loads(client.get("/indicators/drd_deaths/data.json").text)["licence"]


def test_snapshot_reloads_when_the_store_changes(store_copy):
    import os

    from missionmonitor.services.site_data import SiteDataSource

    source = SiteDataSource(scotland(), store_copy)
    first = source.get()
    assert source.get() is first
    os.utime(store_copy, (first.version + 10, first.version + 10))
    assert source.get() is not first


def test_every_indicator_for_every_area_it_covers(client, store):
    pairs = store.query("SELECT DISTINCT indicator_id, area_code FROM indicator_results")
    assert {i for i, _ in pairs} == set(shipped_indicators())
    for indicator, area in pairs:
        response = client.get(f"/indicators/{indicator}.json?area={area}")
        assert response.status_code == 200, (indicator, area)
        assert response.json()["area"]["code"] == area


@pytest.mark.parametrize(
    "path", ["/standards", "/standards/S11000051/1", "/login", "/indicators", "/areas/S11000051"]
)
def test_home_is_a_link_in_every_breadcrumb_trail(client, path):
    """Public, MAT standards and signed-in pages build their trails the same way."""
    html = client.get(path).text
    trail = html.split('class="ds_breadcrumbs"', 1)[1].split("</ol>", 1)[0]
    assert '<a class="ds_breadcrumbs__link" href="/">Home</a>' in trail
