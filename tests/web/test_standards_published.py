"""The MAT standards pages as published: grade definitions with their sources, per-ADP
grades held year by year with their sources (never filled from national summaries), and the
national view of the quarterly self-assessments across ADPs (disclosure-controlled, SYNTHETIC
on the demonstration)."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from missionmonitor.methods.disclosure import DEFAULT_THRESHOLD
from missionmonitor.portal.db import connect, session_scope
from missionmonitor.refdata.geography import Geography
from missionmonitor.returns import mat_quarterly
from missionmonitor.services.demo_returns import demo_accountability
from missionmonitor.web.app import create_app
from tests.helpers import scotland, site_settings

BORDERS = "S11000025"


@pytest.fixture
def demo_site(demo_store_path, app_db_url):
    geo = Geography.of(scotland())
    engine = connect(app_db_url)
    raw: dict[tuple[int, str], dict[str, int]] = {}
    with session_scope(engine) as db:
        demo_accountability(db, geo, dt.date(2025, 6, 1))
        for adp in geo.of_type("adp"):
            for s in mat_quarterly.approved_quarters(db, adp.code).values():
                for n in range(1, 11):
                    rag = mat_quarterly.quarter_point(scotland(), s, n)["rag"]
                    cell = raw.setdefault((n, s.period), {})
                    cell[rag] = cell.get(rag, 0) + 1
    engine.dispose()
    return TestClient(create_app(site_settings(demo_store_path, app_db_url))), raw


def test_quarterly_view_counts_adps_with_small_counts_hidden(demo_site):
    site, raw = demo_site
    q = site.get("/standards.json").json()["quarters"]
    assert q["synthetic"] and q["threshold"] == DEFAULT_THRESHOLD
    assert len(q["rows"]) == len(raw) == 10 * 4  # ten standards, four quarters
    hidden_any = False
    for row in q["rows"]:
        mine = raw[(row["standard"], row["period"])]
        for rag in ("red", "amber", "green"):
            shown, count = row["counts"][rag], mine.get(rag, 0)
            if 0 < count <= q["threshold"]:
                assert shown is None  # a small count is never shown
                hidden_any = True
            assert shown is None or shown == count
        if row["adps"] is not None:
            assert row["adps"] == sum(mine.values())
    assert hidden_any  # the generated returns do hold small counts
    html = site.get("/standards").text
    assert "quarterly self-assessments across areas" in html
    assert "These returns are SYNTHETIC" in html


def test_no_returns_no_synthetic_marking_on_a_site_of_published_figures(client):
    q = client.get("/standards.json").json()["quarters"]
    assert q["rows"] == [] and not q["synthetic"]
    assert "No approved quarterly progress return is held." in client.get("/standards").text


def test_standards_page_says_which_years_per_adp_grades_are_held(client):
    page = client.get("/standards.json").json()
    pg = page["published_grades"]
    status = {c["label"]: c["status"] for c in pg["coverage"]}
    assert status == {
        "2024/25": "not held",
        "2023/24": "not held",
        "2022/23": "not held",
        "2021/22": "partly held",
    }
    assert pg["complete_years"] == [] and pg["rebuilt"] == []
    assert len(pg["grades"]) == 13 and all(g["url"].startswith("https://") for g in pg["grades"])
    assert {g["label"] for g in pg["grades"]} == {"2021/22"}
    # Each passage is quoted once, with the standards it is held for.
    quotes = {q["adp"]: q["standards"] for q in pg["quotes"]}
    assert quotes == {
        "Scottish Borders": [1, 2, 3, 4, 5],
        "Glasgow City": [1, 2, 3, 4, 5],
        "Shetland": [3],
        "Moray": [3],
        "Argyll & Bute": [3],
    }
    html = client.get("/standards").text
    assert "No assessment year's per-area grades are fully held" in html
    assert "Scottish Drugs Forum" in html and "yet to fully implement" in html
    # A per-standard national figure is shown as published, with its (secondary) source.
    published = {(p["period"], p["measure"]): p for p in page["published"]}
    red = published[("April 2022", "Standard 1 not implemented, red (% of areas)")]
    assert red["value"] == 59 and red["source"] == "SDF_MAT_2022_SEC"
    # Definitions: provisional green as published; provisional amber marked as the site's own.
    d = page["definitions"]
    assert {rs["provisional_green"] for rs in d["rule_sets"]} == {
        "Full implementation not confirmed in all streams",
        "Evidence that implementation is beginning",
    }
    assert all(rs["provisional_amber_own"] for rs in d["rule_sets"])
    assert "Provisional amber: Not defined by the publisher; this configuration" in html


def test_a_standard_page_lists_held_years_and_the_adps_published_grade(client):
    page = client.get(f"/standards/{BORDERS}/1.json").json()
    cov = {c["label"]: c for c in page["published"]["coverage"]}
    assert cov["2021/22"]["status"] == "partly held"
    assert {a["name"] for a in cov["2021/22"]["adps"]} == {"Scottish Borders", "Glasgow City"}
    assert cov["2023/24"]["status"] == "not held"
    (grade,) = page["published"]["grades"]
    assert grade["grade"] == "green" and grade["provenance"] == "secondary"
    assert "sdf.org.uk" in grade["url"]
    held = {c["stream"]: c["held"] for c in page["standard"]["criteria"]}
    assert held == {"process": True, "numerical": True, "experiential": False}
    html = client.get(f"/standards/{BORDERS}/7").text
    assert "Experiential (not held):" in html and "not assessed that year" in html
    assert "No published grade of Scottish Borders on this standard is held." in html
