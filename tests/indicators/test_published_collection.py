"""Figures of the second published collection, end to end: the shipped file, the store,
the indicator page and its download, with revised editions kept side by side; and every
outcome's page says what it holds."""

from __future__ import annotations

import csv
import io

import pytest

from missionmonitor.data import load_sources, shipped_file
from missionmonitor.datasets.declaration import get_declaration
from missionmonitor.indicators.catalogue import get_indicator
from tests.helpers import scotland

# (indicator, period, value, the edition it comes from, [earlier editions' values])
PINNED = [
    ("hospital_stays_rate", "2022/23", 186.0, "PHS_DRHS_2023_24_EDITION_PUBLISHED_2025", [182.0]),
    (
        "hospital_stays_rate",
        "2019/20",
        283.0,
        "PHS_DRHS_2021_22_EDITION_NATIONAL_STATISTICS",
        [282.0],
    ),
    ("overdose_stays_rate", "2020/21", 43.0, "PHS_DRHS_2023_24_EDITION_PUBLISHED_2025", [42.0]),
    (
        "treatment_within_3_weeks",
        "2025-Q1",
        92.9,
        "PHS_DATWT_QUARTER_ENDING_31_MARCH_2025_RELEASE",
        [],
    ),
    ("school_drug_use_15", "2018", 12.0, "SG_SURVEY_SALSUS_2018_WAVE_FIELDWORK_SEP_2018_APR", []),
    ("alcohol_specific_deaths", "2023", 1277.0, "NRS_ASD_2023_EDITION_PUBLISHED_10_SEP_2024", []),
    ("whole_family_approach", "2023/24", 77.0, "SG_NMD_MON_2023_2024_REPORT_PUBLISHED_2025_7", []),
    ("cocaine_deaths", "2023", 479.0, "SG_NMD_MON_2023_2024_REPORT_PUBLISHED_2025_2", []),
    ("adp_support_team_wte", "2023/24", 3.5, "SG_ADP_SURVEY_2023_24", []),
    ("adp_lived_experience_feedback", "2022/23", 27.0, "SG_ADP_SURVEY_2022_23", []),
    (
        "opioid_dependence",
        "2022/23",
        43400.0,
        "PHS_PREV_2025_RELEASE_2014_15_TO_2022_23_2022_23",
        [],
    ),
]


def _shipped_rows() -> list[dict[str, str]]:
    path = shipped_file(scotland(), get_declaration(scotland(), "published").file)
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


@pytest.mark.parametrize(
    ("ind", "period", "value", "edition", "earlier"), PINNED, ids=[f"{p[0]}-{p[1]}" for p in PINNED]
)
def test_a_published_value_reaches_the_page_and_the_download(
    client, ind, period, value, edition, earlier
):
    # The shipped file holds it, from that edition, with its publisher and address.
    (row,) = [
        r
        for r in _shipped_rows()
        if r["source_key"] == edition
        and r["period"] == period
        and float(r["value"]) == value
        and r["area_type"] == "Country"
    ]
    assert row["source_publisher"] and row["source_url"].startswith("http")
    page = client.get(f"/indicators/{ind}.json").json()
    (shown,) = [r for r in page["trend"]["rows"] if r["period"] == period]
    assert (shown["value"], shown["vintage"]) == (value, edition)
    download = client.get(f"/indicators/{ind}/data.csv?area=S92000003").text
    (line,) = [
        r
        for r in csv.DictReader(io.StringIO(download))
        if r["period"] == period and r["view"] == "trend"
    ]
    assert float(line["value"]) == value and line["vintage"] == edition
    register = load_sources(scotland())[edition]
    html = client.get(f"/indicators/{ind}").text
    assert "New editions" in html and 'href="https://' in html.split("New editions")[1]
    assert (line["source"], line["source_status"]) == (register.source, register.status)
    revised = [r for r in page["revisions"] if r["period"] == period]
    if earlier:  # every edition is kept, the latest shown
        held = [v["value"] for v in revised[0]["vintages"]]
        assert held[-1] == value and set(earlier) <= set(held[:-1])
    else:
        assert revised == []


@pytest.mark.parametrize(
    ("ind", "expected"),
    [
        (
            "drugs_implicated_opioids_pct",
            [("2021", 84.0, "NRS_NEWS_2022"), ("2024", 80.0, "NRS_2024_REPORT")],
        ),
        (
            "drugs_implicated_benzodiazepines_pct",
            [("2021", 69.0, "NRS_NEWS_2022"), ("2024", 56.0, "NRS_2024_REPORT")],
        ),
        ("drugs_implicated_cocaine_pct", [("2024", 47.0, "NRS_2024_REPORT")]),
        ("polydrug_share", [("2021", 93.0, "NRS_NEWS_2022")]),
        # Reach "at the end of" a quarter is read as the quarter's last month.
        (
            "naloxone_reach",
            [
                ("March 2021", 57.53, "PHS_NALOX_Q1_2122"),
                ("June 2021", 59.17, "PHS_NALOX_Q1_2122"),
                ("September 2021", 61.2, "PHS_NALOX_Q2_2122"),
            ],
        ),
    ],
)
def test_drugs_implicated_polydrug_and_naloxone_reach_as_published(client, ind, expected):
    rows = client.get(f"/indicators/{ind}.json").json()["trend"]["rows"]
    assert [(r["period"], r["value"], r["vintage"]) for r in rows] == expected


def test_the_credible_interval_of_the_prevalence_estimate_is_shown(client):
    rows = client.get("/indicators/opioid_dependence.json").json()["trend"]["rows"]
    assert [(r["period"], r["value"], r["lci"], r["uci"]) for r in rows] == [
        ("2019/20", 47100.0, 45700.0, 48600.0),
        ("2022/23", 43400.0, 41900.0, 45100.0),
    ]


def test_secondary_values_say_so_where_they_are_shown(client):
    page = client.get("/indicators/hospital_stays_rate.json").json()
    sources = load_sources(scotland())
    for edition in page["editions"]:
        secondary = edition["key"].endswith("_SEC")
        assert secondary == edition["status"].startswith("secondary")
        assert edition["source"] == sources[edition["key"]].source
    assert any(e["key"].endswith("_SEC") for e in page["editions"])


def test_every_outcome_says_what_it_holds(client):
    outcomes = {o["id"]: o for o in client.get("/outcomes.json").json()["outcomes"]}
    for oid in ("1", "2", "3", "4", "6"):
        with_figures = [i for i in outcomes[oid]["indicators"] if i["latest"]]
        assert len(with_figures) >= 2, oid
    # Outcome 5 has only indicators from ADP returns: none has a published figure.
    assert all(i["latest"] is None for i in outcomes["5"]["indicators"])
    assert all(
        get_indicator(scotland(), i["id"]).sources == ("adp_returns",)
        for i in outcomes["5"]["indicators"]
    )
    assert "quality of life" in outcomes["5"]["gap"]
    page = client.get("/outcomes/5").text
    assert "No published national statistic" in page
    assert "Tools used to measure quality of life" in page  # the return question
    priorities = (
        "lived_experience",
        "equalities",
        "stigma",
        "surveillance",
        "workforce",
        "psychologically_informed",
    )
    held = [p for p in priorities if any(i["latest"] for i in outcomes[p]["indicators"])]
    assert held == ["lived_experience", "equalities", "stigma", "surveillance", "workforce"]
