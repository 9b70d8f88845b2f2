"""NRS's annual drug misuse deaths since 1996 as the Scottish Government's analysis
repository keeps them (``NRSdata_trend.csv``, a byte copy in ``files/``), read through the
``nrs_csv`` connector, give the figures transcribed from NRS elsewhere, value by value:
deaths by year and the consistent series in the shipped ``drd_scotland_annual.csv``, deaths
by year and the 5-year totals of NRS's 2023 data tables in the shared published collection.
A renamed column or a file cut short is refused, naming where."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from missionmonitor.connectors import registry
from missionmonitor.data import shipped_file
from missionmonitor.datasets.declaration import Edition, Source
from missionmonitor.errors import LayoutError
from missionmonitor.refdata.geography import Geography
from tests.connectors.test_nrs_published_figures import PUBLISHED, needs_shared
from tests.helpers import scotland

TREND = Path(__file__).parent / "files" / "sg-suspected-drug-deaths" / "NRSdata_trend.csv"
CONTENT = TREND.read_bytes()
SOURCE = Source(
    platform="nrs_csv",
    cadence="annual",
    editions=(
        Edition(
            edition="2021",
            url="https://raw.githubusercontent.com/ScotGovAnalysis/suspected_drug_deaths/"
            "d393dbc18c53e4450d85043578ee708f9ad01707/Data/NRSdata_trend.csv",
            file="NRSdata_trend.csv",
        ),
    ),
    columns={
        "year": "period",
        "Drug-related deaths": "deaths",
        "5-year average": "average_5y",
        "likely lower": "likely_lower",
        "likely upper": "likely_upper",
        "Drug-related deaths: consistent series": "consistent_series",
    },
    qualifiers={"status": {"[x]": "suppressed"}},
    options={"national": "area_code", "required": ["1996", "2021"]},
)


def read(content: bytes = CONTENT) -> pd.DataFrame:
    return registry.read(SOURCE, content, Geography.of(scotland()), TREND.name)


def by_year(frame: pd.DataFrame, column: str) -> dict[str, int]:
    return {r["period"]: int(r[column]) for r in frame.to_dict("records") if r[column] != ""}


def test_every_year_is_read_in_the_datasets_columns_as_published():
    frame = read()
    assert list(frame.columns) == [
        "status",
        "period",
        "deaths",
        "average_5y",
        "likely_lower",
        "likely_upper",
        "consistent_series",
        "area_code",
    ]
    assert list(frame["period"]) == [str(y) for y in range(1996, 2022)]
    assert set(frame["area_code"]) == {"S92000003"} and set(frame["status"]) == {""}
    first = frame.iloc[0].to_dict()
    assert first["deaths"] == "244" and first["average_5y"] == first["likely_lower"] == ""
    # Cells as published: the centred 5-year average of 2000-2004, and its likely range.
    mid = frame[frame["period"] == "2002"].iloc[0]
    assert (mid["average_5y"], mid["likely_lower"], mid["likely_upper"]) == (
        "335.8",
        "299.8833008",
        "371.7166992",
    )


def test_deaths_and_the_consistent_series_are_the_shipped_figures_of_the_same_table():
    frame = read()
    with shipped_file(scotland(), "drd_scotland_annual.csv").open(encoding="utf-8") as fh:
        shipped = [r for r in csv.DictReader(fh) if r["deaths_source"] == "NRS_T1_2021"]
    assert [r["year"] for r in shipped] == list(frame["period"])
    assert by_year(frame, "deaths") == {r["year"]: int(r["deaths"]) for r in shipped}
    assert by_year(frame, "consistent_series") == {
        r["year"]: int(r["nrs_consistent_series"]) for r in shipped if r["nrs_consistent_series"]
    }


@needs_shared
def test_deaths_and_five_year_totals_agree_with_nrs_2023_data_tables():
    assert PUBLISHED is not None
    with (PUBLISHED / "nrs_drug_misuse_deaths_areas.csv").open(encoding="utf-8") as fh:
        rows = [
            r
            for r in csv.DictReader(fh)
            if r["area_code"] == "S92000003"
            and "(drug-related-deaths-23-data.xlsx)" in r["source_title"]
        ]
    frame = read()
    deaths = by_year(frame, "deaths")
    published = {
        r["period"]: int(r["value"])
        for r in rows
        if r["indicator"] == "Drug misuse deaths registered" and r["period"] in deaths
    }
    assert sorted(published) == [str(y) for y in range(2010, 2022)]
    assert {y: deaths[y] for y in published} == published

    # The centred 5-year average × 5 against the deaths of NRS's 5-year period (HB4).
    averages = {r["period"]: r["average_5y"] for r in frame.to_dict("records")}
    totals = {}
    for r in rows:
        if r["indicator"] == "Drug misuse death rate, age-standardised, 5-year period":
            start, _end = r["period"].split("-")
            centre = averages.get(str(int(start) + 2), "")
            if centre:
                totals[r["period"]] = (round(float(centre) * 5), int(r["numerator"]))
    assert len(totals) == 18  # 2000-2004 … 2017-2021
    differ = {p: got - want for p, (got, want) in totals.items() if got != want}
    # Where they disagree: for the periods before 2007-2011, the 5-year deaths of the 2023
    # tables differ by 1 to 3 from five times the average the repository's copy gives.
    assert differ == {
        "2000-2004": -3,
        "2001-2005": -3,
        "2002-2006": -1,
        "2003-2007": -1,
        "2004-2008": 1,
        "2005-2009": 1,
        "2006-2010": 1,
    }


def test_a_renamed_column_or_a_file_cut_short_is_refused_naming_where():
    renamed = CONTENT.replace(b"likely lower", b"lower bound")
    with pytest.raises(LayoutError, match=r"row 1.*'likely lower' not found"):
        read(renamed)
    cut = CONTENT[: CONTENT.index(b"2019,1280") + 12]
    with pytest.raises(LayoutError, match=r"row 25.*cells where the header has 11"):
        read(cut)
    whole_rows = CONTENT[: CONTENT.index(b"2021,")]
    with pytest.raises(LayoutError, match="no row for '2021'"):
        read(whole_rows)
    marked = CONTENT.replace(b"1996,244,", b"1996,[x],")
    first = read(marked).iloc[0]
    assert first["deaths"] == "" and first["status"] == "suppressed"
