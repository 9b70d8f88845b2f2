"""Ongoing treatment waits by ADP, NHS board and Scotland: every shipped row reaches the
results as published (the latest edition of each quarter), the names PHS publishes that the
geography does not hold are kept as rows, their counts added up openly into the one area
that holds them (never their medians), and the share is computed from the published counts."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from missionmonitor.data import load_sources, shipped_file
from missionmonitor.datasets.declaration import get_declaration
from missionmonitor.indicators.catalogue import get_indicator
from missionmonitor.services.site_data import SiteData
from tests.helpers import scotland

#: The figures as transcribed from the publisher's files for the whole team; the shipped
#: file must hold exactly these (where this copy is present).
TRANSCRIBED = Path("/work/shared/data/published/phs_drug_alcohol_waiting_times_areas.csv")


@pytest.fixture(scope="module")
def shipped() -> pd.DataFrame:
    rows = pd.read_csv(
        shipped_file(scotland(), "phs_waiting_times_areas.csv"), dtype=str, keep_default_na=False
    )
    return rows


@pytest.fixture(scope="module")
def latest(shipped: pd.DataFrame) -> pd.DataFrame:
    """Community-based, all-substance rows with a code, each quarter from its latest edition."""
    rank = {k: s.order for k, s in load_sources(scotland()).items()}
    rows = shipped[
        (shipped["area_match"] == "code")
        & (shipped["ServiceType"] == "Community-based service")
        & (shipped["SubstanceType"] == "All")
    ].copy()
    rows["rank"] = rows["source"].map(rank)
    return rows.sort_values("rank").groupby(["area_code", "period"]).tail(1)


@pytest.fixture(scope="module")
def results(built_store_path) -> pd.DataFrame:
    res = SiteData.read(scotland(), built_store_path).results
    return res[res["indicator_id"].isin(["waits_ongoing_3w_pct", "waits_ongoing_median_days"])]


def _result(results: pd.DataFrame, ind: str, area: str, period: str) -> pd.Series:
    found = results[
        (results["indicator_id"] == ind)
        & (results["area_code"] == area)
        & (results["period"] == period)
    ]
    assert len(found) == 1, (ind, area, period)
    return found.iloc[0]


def test_every_adp_row_reproduces_the_published_figures(latest, results):
    adps = latest[latest["area_type"] == "adp"]
    assert adps["area_code"].nunique() == 29 and len(adps) > 400
    for _, row in adps.iterrows():
        area, period = row["area_code"], row["period"]
        median = _result(results, "waits_ongoing_median_days", area, period)
        assert median["value"] == float(row["Median_length_of_wait_days"])
        assert median["vintage"] == row["source"]
        within, over = (
            int(row["LDP_standard_waited_3_weeks_or_less"]),
            int(row["LDP_standard_waited_more_than_3_weeks"]),
        )
        if within + over == 0:  # nobody waiting: no share to give
            assert results[
                (results["indicator_id"] == "waits_ongoing_3w_pct")
                & (results["area_code"] == area)
                & (results["period"] == period)
            ].empty
            continue
        share = _result(results, "waits_ongoing_3w_pct", area, period)
        assert (share["numerator"], share["denominator"]) == (within, within + over)
        assert share["value"] == pytest.approx(100 * within / (within + over))
        assert not share["suppressed"]


def test_boards_and_scotland_are_read_too(latest, results):
    for _, row in latest[latest["area_type"] != "adp"].iterrows():
        median = _result(results, "waits_ongoing_median_days", row["area_code"], row["period"])
        assert median["value"] == float(row["Median_length_of_wait_days"])
    assert latest.loc[latest["area_type"] == "health_board", "area_code"].nunique() == 14


def _parts(shipped: pd.DataFrame) -> pd.DataFrame:
    """The community-based, all-substance rows of the ADPs PHS names that the geography
    does not hold (North and South Lanarkshire ADPs), as published."""
    uncoded = shipped[shipped["area_match"] == "name not held"]
    return uncoded[
        (uncoded["ServiceType"] == "Community-based service") & (uncoded["SubstanceType"] == "All")
    ]


def test_adps_without_a_code_are_held_as_rows_and_their_medians_never_added(shipped, results):
    uncoded = shipped[shipped["area_match"] == "name not held"]
    assert set(uncoded["area_name"]) == {"North Lanarkshire ADP", "South Lanarkshire ADP"}
    assert (uncoded["area_code"] == "").all()
    unmatched = get_declaration(scotland(), "phs_waiting_times_areas").unmatched_areas
    lanarkshire = {u.within for u in unmatched}
    assert len(lanarkshire) == 1
    mine = results[results["area_code"].isin(lanarkshire)]
    assert set(mine["indicator_id"]) == {"waits_ongoing_3w_pct"}


def test_lanarkshire_adps_counts_add_up_the_two_published_adps(shipped, results):
    """Each quarter's share for Lanarkshire ADP is made from the sums of the counts PHS
    publishes for North and South Lanarkshire ADPs in the edition the result names."""
    (code,) = {
        u.within for u in get_declaration(scotland(), "phs_waiting_times_areas").unmatched_areas
    }
    parts = _parts(shipped)
    shares = results[
        (results["indicator_id"] == "waits_ongoing_3w_pct") & (results["area_code"] == code)
    ]
    assert len(shares) >= 8 and shares["period"].max() >= "2025-Q2"
    for _, share in shares.iterrows():
        published = parts[
            (parts["period"] == share["period"]) & (parts["source"] == share["vintage"])
        ]
        assert sorted(published["area_name"]) == ["North Lanarkshire ADP", "South Lanarkshire ADP"]
        within = published["LDP_standard_waited_3_weeks_or_less"].astype(int).sum()
        over = published["LDP_standard_waited_more_than_3_weeks"].astype(int).sum()
        assert (share["numerator"], share["denominator"]) == (within, within + over)
        assert share["value"] == pytest.approx(100 * within / (within + over))
    # Every quarter both ADPs published with someone waiting has its share.
    waiting = (
        parts.assign(
            n=parts["LDP_standard_waited_3_weeks_or_less"].astype(int)
            + parts["LDP_standard_waited_more_than_3_weeks"].astype(int)
        )
        .groupby("period")["n"]
        .sum()
    )
    assert set(shares["period"]) == set(waiting[waiting > 0].index)


def test_the_sum_says_so_and_the_councils_get_no_waits_figures(results, geo):
    derived = get_indicator(scotland(), "waits_ongoing_3w_pct").derived
    assert derived is not None
    assert "North Lanarkshire ADP and South Lanarkshire ADP" in derived.note
    councils = {a.code for a in geo.of_type("council")}
    assert results[results["area_code"].isin(councils)].empty


def test_every_edition_is_secondary_and_in_the_register(shipped):
    sources = load_sources(scotland())
    for key in set(shipped["source"]):
        assert key.endswith("_SEC")
        assert sources[key].status.startswith("secondary")
        assert "Public Health Scotland" in sources[key].source and "https://" in sources[key].source


@pytest.mark.skipif(not TRANSCRIBED.exists(), reason="the team's transcription is not here")
def test_the_shipped_file_holds_the_transcribed_figures_row_by_row(shipped):
    ongoing = "Ongoing waits at quarter end: waited"
    columns = {
        f"{ongoing} 3 weeks or less": "LDP_standard_waited_3_weeks_or_less",
        f"{ongoing} more than 3 weeks": "LDP_standard_waited_more_than_3_weeks",
        "Median length of ongoing wait at quarter end": "Median_length_of_wait_days",
    }
    held = {
        (r["area_name"], r["period"], r["ServiceType"], r["SubstanceType"], r["source"]): r
        for _, r in shipped.iterrows()
    }
    service = {"community": "Community-based service", "prison": "Prison-based service"}
    service["hospital"] = "Hospital-based service"
    compared = 0
    with TRANSCRIBED.open(newline="") as f:
        for row in csv.DictReader(f):
            measure, _, rest = row["indicator"].partition(" (")
            if measure not in columns:
                continue
            kind, substance = rest.rstrip(")").split("-based services, ")
            url = row["source_url"]
            key = "_2025_06_24_SEC" if url.endswith("DandA_Ongoingwaits.csv") else "_2025_09_30_SEC"
            mine = held[
                (
                    row["area_name"],
                    row["period"],
                    service[kind],
                    "All" if substance == "all substances" else "Drug",
                    "PHS_DATWT_ONGOING_FETCHED" + key,
                )
            ]
            assert float(mine[columns[measure]]) == float(row["value"])
            assert mine["area_code"] == row["area_code"]
            compared += 1
    assert compared == len(shipped) * 3 - (shipped[list(columns.values())] == "").sum().sum()
