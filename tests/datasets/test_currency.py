"""How current each dataset is: the latest period held against the latest released."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from missionmonitor.datasets import currency
from missionmonitor.datasets.declaration import LatestRelease, get_declaration
from tests.helpers import scotland


def test_the_latest_period_is_the_one_ending_last_and_unknown_labels_are_passed_over():
    assert currency.latest_period(["2019-2023", "2022", "2023", "baseline"]) == "2023"
    assert currency.latest_period(["2023-Q4", "2023", "2024-Q1"]) == "2024-Q1"
    assert currency.latest_period(["2022/23", "2023"]) == "2023"
    assert currency.latest_period(["baseline"]) is None


def test_a_release_records_a_period_the_platform_reads():
    assert LatestRelease(period="2025-Q2", as_of="2025-09-30").period == "2025-Q2"
    with pytest.raises(ValidationError):
        LatestRelease(period="summer 2026")
    with pytest.raises(ValidationError):
        LatestRelease(period="2025", as_of="30 Sep 2025")


@pytest.mark.parametrize(
    ("held", "status"),
    [(["2023"], "behind"), (["2019-2023", "2024"], "current"), ([], "nothing held")],
)
def test_a_dataset_is_behind_when_its_publisher_released_a_later_period(held, status):
    decl = get_declaration(scotland(), "nrs_drug_deaths")
    latest = decl.releases[0].latest_released
    assert latest is not None and latest.period == "2024"
    (row,) = currency.currency_of(decl, held)
    assert row.status == status and row.released == "2024" and row.url == decl.releases[0].url


def test_a_dataset_recording_no_release_says_so():
    decl = get_declaration(scotland(), "treatment_target")
    assert all(r.latest_released is None for r in decl.releases)
    (row,) = currency.currency_of(decl, ["2023/24"])
    assert (row.held, row.released, row.status) == ("2023/24", None, "not recorded")


def test_every_dataset_whose_rows_become_figures_is_listed_once_unless_it_records_several():
    rows = currency.currency(scotland(), {"nrs_drug_deaths": ["2023"]})
    names = [r.dataset for r in rows]
    assert "nrs_drug_deaths" in names and "esp2013" not in names  # reference data: no figures
    assert names == sorted(names)


def test_the_markdown_table_escapes_its_cells_and_marks_what_is_missing():
    row = currency.Currency(
        "d", "D", None, "2024", None, "A | B", "https://x.org", "", "nothing held"
    )
    table = currency.markdown([row])
    header, _rule, line = table.splitlines()
    assert header.count("|") == line.count("|") - line.count("\\|") == len(currency.HEADER) + 1
    assert "[A \\| B](https://x.org)" in line and "| — |" in line


def test_the_shipped_store_holds_the_periods_of_each_dataset(built_store_path):
    from missionmonitor.store.connection import Store

    with Store.open(built_store_path, scotland(), read_only=True) as store:
        held = currency.held_periods(store)
    assert "2023" in held["nrs_drug_deaths"] and "2025-Q2" in held["phs_waiting_times_areas"]
