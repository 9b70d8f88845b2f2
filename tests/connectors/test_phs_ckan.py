"""PHS Open Data through the CKAN API: real rows in the publisher's layouts, read into a
dataset's columns, fetched page by page from a site on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from missionmonitor.connectors import phs_ckan, registry
from missionmonitor.connectors.http import Http
from missionmonitor.datasets.declaration import Source
from missionmonitor.errors import DownloadError, LayoutError
from tests.connectors.publisher_server import PublisherSite

FIXTURES = Path(__file__).parents[1] / "fixtures" / "publisher"
WAITS = "abf54d64-88de-47d8-9c31-49a959abc164"
JUNE = (FIXTURES / "phs_ongoing_waits_2025-06-24.csv").read_bytes()
QUICK = Http(retries=1, sleep=lambda _s: None)


def waits_source(site: str = "http://127.0.0.1:9", **options: Any) -> Source:
    raw = yaml.safe_load((FIXTURES / "phs_ongoing_waits.yaml").read_text())["source"]
    raw["options"] = {**raw["options"], "site": site, **options}
    return Source.model_validate(raw)


def row(frame: pd.DataFrame, quarter: str, name: str, measure: str = "Number") -> dict[str, Any]:
    found = frame[
        (frame["published_quarter"] == quarter)
        & (frame["area_name"] == name)
        & (frame["measure"] == measure)
    ]
    assert len(found) == 1, (quarter, name, found)
    return dict(found.iloc[0])


def assert_same(left: pd.DataFrame, right: pd.DataFrame) -> None:
    """Equal frames, a number written 0 or 0.0 alike (the API gives numbers, a file text)."""

    def number(cell: str) -> object:
        try:
            return float(cell)
        except ValueError:
            return cell

    pd.testing.assert_frame_equal(left.map(number), right.map(number))


def test_ongoing_waits_are_read_into_the_datasets_columns(geo):
    frame = phs_ckan.read(JUNE, waits_source(), geo, "ongoing.csv")
    glasgow = row(frame, "Q4 2024/2025", "City of Glasgow ADP")  # the name as published
    # Financial-year Q4 2024/2025 is January to March 2025.
    assert glasgow["period"] == "2025-Q1"
    assert (glasgow["area_code"], glasgow["area_type"]) == ("S11000015", "adp")
    assert (glasgow["within_3_weeks"], glasgow["over_3_weeks"], glasgow["median_days"]) == (
        "292",
        "55",
        "7",
    )
    # "All" substances carries d (derived): a status, not a missing figure.
    assert glasgow["substance_type"] == "All" and glasgow["substance_status"] == "derived"
    # PHS's Mid and East Lothian ADP is exactly the ADP with one code for both councils.
    lothian = frame[frame["area_name"] == "Mid and East Lothian ADP"]
    assert len(lothian) == 4
    assert set(lothian["area_code"]) == {"S11000051"}
    # Board totals (ADPName marked d) are the board of treatment; Scotland has no HB code.
    board = row(frame, "Q4 2024/2025", "NHS Greater Glasgow and Clyde")
    assert (board["area_code"], board["area_type"], board["within_3_weeks"]) == (
        "S08000031",
        "health_board",
        "467",
    )
    scotland = row(frame, "Q3 2024/2025", "Scotland")
    assert (scotland["area_code"], scotland["within_3_weeks"]) == ("S92000003", "1508")


def test_north_and_south_lanarkshire_are_held_apart_never_added_into_one_code(geo):
    frame = phs_ckan.read(JUNE, waits_source(), geo, "ongoing.csv")
    for name in ("North Lanarkshire ADP", "South Lanarkshire ADP"):
        held = row(frame, "Q4 2024/2025", name)
        assert held["area_code"] == "" and held["area_type"] == "adp"
        assert "S11000052" in held["area_note"] and "never added" in held["area_note"]
    assert "S11000052" not in set(frame["area_code"])
    assert row(frame, "Q4 2024/2025", "North Lanarkshire ADP")["within_3_weeks"] == "328"


def test_a_previous_area_code_is_read_as_the_code_that_replaced_it(geo):
    # NHS Greater Glasgow and Clyde's code before 2019 in place of its current one.
    old = JUNE.replace(
        b"S08000031,,NHS Greater Glasgow & Clyde,,All NHS",
        b"S08000021,,NHS Greater Glasgow & Clyde,,All NHS",
    )
    frame = phs_ckan.read(old, waits_source(), geo, "ongoing.csv")
    board = row(frame, "Q4 2024/2025", "NHS Greater Glasgow and Clyde")
    assert board["area_code"] == "S08000031" and "S08000021" in board["area_note"]


def test_a_suppressed_cell_is_blank_with_its_status_and_adp_names_in_a_council_column(geo):
    source = Source(
        platform="phs_ckan",
        cadence="annual",
        resource="d5ffbfe1-12d1-4d58-8a49-a32b8c3356a5",
        columns={
            "FinancialYear": "year",
            "NumberAssessed": "assessed",
            "NumberQF": "assessed_status",
            "PercentAssessed": "percent",
            "PercentQF": "percent_status",
        },
        qualifiers={
            "NumberQF": {":": "not_available", "c": "suppressed"},
            "PercentQF": {":": "not_available", "c": "suppressed"},
        },
        options={
            "areas": {"CA": "adp"},
            "qualifies": {"NumberQF": "NumberAssessed", "PercentQF": "PercentAssessed"},
        },
    )
    content = (FIXTURES / "phs_sdmd_by_adp_treatment_group.csv").read_bytes()
    frame = phs_ckan.read(content, source, geo, "sdmd.csv")
    assert list(frame["area_code"]) == ["S92000003", "S92000003", "S11000001"]
    missing = dict(frame.iloc[1])
    assert missing["year"] == "2013/14"
    assert (missing["assessed"], missing["assessed_status"]) == ("", "not_available")
    assert dict(frame.iloc[0])["assessed"] == "12185"


def test_a_zero_published_beside_not_available_is_not_a_zero(geo):
    source = Source(
        platform="phs_ckan",
        cadence="annual",
        resource="2d158224-1adf-4ffc-8e65-a05fe5712ea0",
        columns={
            "FinancialYear": "year",
            "SIMDDecile": "decile",
            "ICD10QF": "icd10_status",
            "NumberOfStays": "stays",
            "NumberOfNewPatients": "new_patients",
            "NumberOfNewPatientsQF": "new_patients_status",
        },
        qualifiers={
            "ICD10QF": {"d": "derived", "z": "not_applicable"},
            "NumberOfNewPatientsQF": {":": "not_available"},
        },
    )
    content = (FIXTURES / "phs_arhs_by_deprivation.csv").read_bytes()
    frame = phs_ckan.read(content, source, geo, "arhs.csv")
    assert list(frame["new_patients"]) == ["", ""]  # published as 0 beside ':'
    assert set(frame["new_patients_status"]) == {"not_available"}
    assert list(frame["stays"]) == ["942", "8088"]
    # Several codes in one cell: every status kept.
    assert set(frame["icd10_status"]) == {"derived; not_applicable"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            (b"LDP_standard_waited_3_weeks_or_less", b"Waited_3_weeks_or_less"),
            "LDP_standard_waited_3_weeks_or_less",
        ),
        ((b"Number,,,,,,,,,,51,14,12", b"Number,,,,,,,,,,51,14"), "truncated"),
        ((b"Community-based service,,All,d", b"Community-based service,,All,p"), "'p'"),
        ((b"City of Glasgow ADP", b"Glasgow ADP"), "Glasgow ADP"),
    ],
    ids=["renamed column", "truncated row", "undeclared qualifier", "unknown ADP name"],
)
def test_a_file_out_of_its_layout_is_refused(geo, change, message):
    broken = JUNE.replace(*change)
    assert broken != JUNE
    with pytest.raises(LayoutError, match="nothing loaded") as refused:
        phs_ckan.read(broken, waits_source(), geo, "ongoing.csv")
    assert message in str(refused.value) and "ongoing.csv" in str(refused.value)


def test_the_rows_are_fetched_page_by_page_until_the_total(publisher_site: PublisherSite, geo):
    publisher_site.publish(WAITS, JUNE, "2025-06-24T00:00:00", "ongoingwaits.csv")
    source = waits_source(publisher_site.base)
    release = registry.fetch(source, QUICK)
    assert release.edition == "2025-06-24T00:00:00"
    offsets = [r for r in publisher_site.requests if "datastore_search" in r]
    assert len(offsets) >= 3 and all("limit=5" in r for r in offsets)
    paged = phs_ckan.read(release.content, source, geo, release.address)
    whole = phs_ckan.read(JUNE, source, geo, "ongoing.csv")
    assert_same(paged, whole)
    # The resource's own CSV file reads the same.
    downloaded = registry.fetch(waits_source(publisher_site.base, via="download"), QUICK)
    assert_same(phs_ckan.read(downloaded.content, source, geo, "x"), whole)


def test_a_truncated_download_is_refused(publisher_site: PublisherSite):
    publisher_site.publish(WAITS, JUNE, "2025-06-24T00:00:00", "ongoingwaits.csv")
    publisher_site.claimed_total = 40  # the API says more rows exist than it gives
    with pytest.raises(DownloadError, match="truncated: 36 of 40"):
        registry.fetch(waits_source(publisher_site.base), QUICK)
    publisher_site.claimed_total = None
    file = f"/dataset/{publisher_site.resources[WAITS].meta['package_id']}/resource/{WAITS}"
    publisher_site.short.add(f"{file}/download/ongoingwaits.csv")
    with pytest.raises(DownloadError, match="cut short"):
        registry.fetch(waits_source(publisher_site.base, via="download"), QUICK)


def test_no_network_says_so():
    with pytest.raises(DownloadError, match="no network"):
        registry.fetch(waits_source("http://127.0.0.1:9"), QUICK)


def test_number_and_percentage_rows_fold_into_one_row_of_the_shipped_layout(geo):
    raw = yaml.safe_load((FIXTURES / "phs_waiting_times_areas.source.yaml").read_text())
    source = Source.model_validate(raw["source"])
    frame = phs_ckan.read(JUNE, source, geo, "ongoing.csv")
    assert set(frame.columns) == {
        "area_type",
        "area_code",
        "area_match",
        "area_name",
        "ADPName",
        "period",
        "Quarter",
        "ServiceType",
        "SubstanceType",
        "LDP_standard_waited_3_weeks_or_less",
        "LDP_standard_waited_more_than_3_weeks",
        "Median_length_of_wait_days",
        "Percent_waited_more_than_3_weeks",
        "notes",
    }
    assert len(frame) == 18  # one row for each Number row and its Percentage row
    by = frame.set_index(["Quarter", "ADPName"])
    glasgow = by.loc[("Q4 2024/2025", "City of Glasgow ADP")]
    assert (glasgow["area_code"], glasgow["area_match"]) == ("S11000015", "code")
    assert glasgow["LDP_standard_waited_more_than_3_weeks"] == "55"
    assert glasgow["Percent_waited_more_than_3_weeks"] == "15.85"
    scotland = by.loc[("Q4 2024/2025", "All NHS NHSScotland ADPs")]
    assert scotland["Percent_waited_more_than_3_weeks"] == "14.631"
    north = by.loc[("Q4 2024/2025", "North Lanarkshire ADP")]
    assert (north["area_code"], north["area_match"]) == ("", "name not held")
    assert "S11000052" in north["notes"]
    prison = Source.model_validate(
        {
            **raw["source"],
            "options": {
                **raw["source"]["options"],
                "rows": {"ServiceType": ["Prison-based service"]},
            },
        }
    )
    assert phs_ckan.read(JUNE, prison, geo, "ongoing.csv").empty


def test_a_percentage_row_without_its_number_row_is_refused(geo):
    raw = yaml.safe_load((FIXTURES / "phs_waiting_times_areas.source.yaml").read_text())
    source = Source.model_validate(raw["source"])
    lines = JUNE.decode().splitlines(keepends=True)
    alone = "".join(
        line
        for line in lines
        if "North Ayrshire ADP,,Community-based service,,All,d,Number" not in line
    )
    with pytest.raises(LayoutError, match="to fold it into"):
        phs_ckan.read(alone.encode(), source, geo, "ongoing.csv")
