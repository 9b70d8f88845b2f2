"""The OST pipeline: methods.md §9 vectors and edge cases, each on DuckDB, Spark and the
pandas twin (the ``ost_engine`` fixture), and DuckDB = pandas on generated data."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

from missionmonitor import config
from missionmonitor.ost import pipeline
from tests.ost import baseline
from tests.ost.conftest import MEMBERS

D = dt.date
GLASGOW, EDINBURGH, RENFREW = "S12000049", "S12000036", "S12000038"


def records(rows: list[tuple]) -> pd.DataFrame:
    """(patient, council, drug, date, days[, setting]) → prescribing records."""
    out = []
    for i, r in enumerate(rows):
        patient, council, drug, date, days = r[:5]
        setting = r[5] if len(r) > 5 else "community"
        out.append(
            {
                "item_id": i + 1,
                "patient_id": patient,
                "council_code": council,
                "service_id": f"{council}-S01",
                "drug": drug,
                "dispensed_date": date,
                "quantity": float(days),
                "days_supply": days,
                "ddd": float(days),
                "setting": setting,
                "synthetic": True,
            }
        )
    return pd.DataFrame(out)


def both(df: pd.DataFrame, max_gap: int = 28) -> tuple[pipeline.Outputs, pipeline.Outputs]:
    """DuckDB and the pandas twin on the same records."""
    con = duckdb.connect()
    con.register("recs", df)
    return pipeline.run(con, "recs", MEMBERS, max_gap), baseline.run(df, MEMBERS, max_gap)


def scot(frame: pd.DataFrame, period: str, column: str) -> float:
    row = frame[(frame.area_type == "scotland") & (frame.period == period)]
    return float(row[column].iloc[0]) if len(row) else 0.0


WORKED = [
    ("A", GLASGOW, "methadone", D(2024, 1, 1), 14),
    ("A", GLASGOW, "methadone", D(2024, 1, 15), 14),
    ("A", GLASGOW, "methadone", D(2024, 1, 31), 14),
    ("A", GLASGOW, "methadone", D(2024, 3, 11), 7),
    ("A", GLASGOW, "methadone", D(2024, 3, 17), 7),
]


@pytest.mark.parametrize(
    ("gap", "expected"),
    [
        (7, [(D(2024, 1, 1), D(2024, 2, 13), 44), (D(2024, 3, 11), D(2024, 3, 24), 14)]),
        (28, [(D(2024, 1, 1), D(2024, 3, 24), 84)]),
    ],
)
def test_worked_episode_example(gap, expected, ost_engine):
    out = ost_engine(records(WORKED), gap)
    eps = out.episodes
    got = [
        (s.date(), e.date(), int(n))
        for s, e, n in zip(
            pd.to_datetime(eps.start_date), pd.to_datetime(eps.end_date), eps.days, strict=True
        )
    ]
    assert got == expected


def test_unique_person_example(ost_engine):
    rows = [
        ("A", GLASGOW, "methadone", D(2023, 5, 1), 7),
        ("A", GLASGOW, "methadone", D(2023, 5, 8), 7),
        ("B", GLASGOW, "methadone", D(2023, 5, 1), 7),
        (None, GLASGOW, "methadone", D(2023, 5, 1), 7),
        ("C", GLASGOW, "buprenorphine", D(2023, 5, 1), 7),
        ("B", GLASGOW, "methadone", D(2023, 5, 8), 7),
    ]
    out = ost_engine(records(rows))
    assert scot(out.people, "2023/24", "people") == 3
    assert scot(out.items, "2023/24", "items") == 6  # the item without an id still counts
    assert scot(out.items, "2023/24", "items_with_id") == 5


def test_excluded_drugs_and_settings_are_dropped(ost_engine):
    rows = [
        ("A", GLASGOW, "lofexidine", D(2023, 5, 1), 7),
        ("B", GLASGOW, "naltrexone", D(2023, 5, 1), 7),
        ("C", GLASGOW, "methadone", D(2023, 5, 1), 7, "prison"),
        ("D", GLASGOW, "buprenorphine_injectable", D(2023, 5, 1), 28, "hospital"),
        ("E", GLASGOW, "buprenorphine_injectable", D(2023, 5, 1), 28),
    ]
    out = ost_engine(records(rows))
    assert scot(out.people, "2023/24", "people") == 1


def test_moves_count_in_each_council_once_in_scotland(ost_engine):
    rows = [
        ("A", GLASGOW, "methadone", D(2023, 5, 1), 7),
        ("A", EDINBURGH, "methadone", D(2023, 9, 1), 7),
        ("B", GLASGOW, "methadone", D(2023, 5, 1), 7),
        ("B", RENFREW, "methadone", D(2023, 9, 1), 7),
    ]
    out = ost_engine(records(rows))
    year = out.people[out.people.period == "2023/24"]
    p = year.set_index(["area_type", "area_code"])["people"]
    assert p[("council", GLASGOW)] == 2 and p[("council", EDINBURGH)] == 1
    assert p[("scotland", "S92000003")] == 2
    assert p[("health_board", "S08000031")] == 2  # Glasgow and Renfrewshire: both GG&C, once


def test_period_boundaries(ost_engine):
    rows = [
        ("A", GLASGOW, "methadone", D(2023, 3, 31), 7),
        ("B", GLASGOW, "methadone", D(2023, 4, 1), 7),
    ]
    out = ost_engine(records(rows))
    assert scot(out.people, "2022/23", "people") == 1
    assert scot(out.people, "2023/24", "people") == 1


def test_same_day_duplicates_overlaps_and_nested_supplies_carry_over(ost_engine):
    rows = [
        # A: two items the same day. B: overlapping supplies. C: a supply nested in another.
        ("A", GLASGOW, "methadone", D(2023, 5, 1), 7),
        ("A", GLASGOW, "methadone", D(2023, 5, 1), 7),
        ("B", GLASGOW, "methadone", D(2023, 5, 1), 14),
        ("B", GLASGOW, "methadone", D(2023, 5, 5), 7),
        ("C", GLASGOW, "methadone", D(2023, 5, 1), 56),
        ("C", GLASGOW, "methadone", D(2023, 5, 10), 7),
        ("C", GLASGOW, "methadone", D(2023, 8, 1), 7),
    ]
    out = ost_engine(records(rows), max_gap=14)
    eps = out.episodes.set_index(["patient_id", "episode"])
    assert eps.loc[("A", 1), "days"] == 14  # the duplicate's supply follows the first
    assert eps.loc[("B", 1), "days"] == 21
    assert eps.loc[("C", 1), "days"] == 63  # 56 + 7 carried over, to 2 July
    # 1 August is 29 uncovered days after 2 July: a new episode.
    assert ("C", 2) in eps.index


def test_switching_medicine_continues_the_episode(ost_engine):
    rows = [
        ("A", GLASGOW, "methadone", D(2023, 5, 1), 28),
        ("A", GLASGOW, "buprenorphine_injectable", D(2023, 5, 29), 28),
    ]
    out = ost_engine(records(rows))
    assert len(out.episodes) == 1 and int(out.episodes.days.iloc[0]) == 56


def test_duckdb_and_pandas_agree_on_generated_data(synthetic_small):
    recs = pd.read_parquet(synthetic_small)
    a, b = both(recs)
    names = (
        "people",
        "people_by_drug",
        "items",
        "episodes",
        "starts_and_retention",
        "time_on_treatment",
    )
    for name in names:
        x = getattr(a, name).reset_index(drop=True)
        y = getattr(b, name).reset_index(drop=True)[x.columns]
        pd.testing.assert_frame_equal(x, y, check_dtype=False, check_categorical=False)
    assert len(a.episodes) > 1000


def test_quarters_rolling_windows_and_medicines(ost_engine):
    rows = [
        ("A", GLASGOW, "methadone", D(2022, 4, 1), 7),
        ("A", GLASGOW, "methadone", D(2023, 5, 1), 7),
        ("B", GLASGOW, "buprenorphine", D(2023, 2, 1), 7),
        ("B", GLASGOW, "buprenorphine_injectable", D(2023, 3, 1), 28),
    ]
    out = ost_engine(records(rows))
    types = dict(zip(out.people.period, out.people.period_type, strict=True))
    assert types["2022/23"] == "financial_year" and types["2023-Q1"] == "quarter"
    assert types["12 months to 2023-03-31"] == "rolling_12_months"
    assert scot(out.people, "2023-Q1", "people") == 1
    assert scot(out.people, "12 months to 2023-03-31", "people") == 2
    drugs = out.people_by_drug[
        (out.people_by_drug.area_type == "scotland") & (out.people_by_drug.period == "2022/23")
    ]
    assert dict(zip(drugs.drug, drugs.people, strict=True)) == {
        "methadone": 1,
        "buprenorphine": 1,
        "buprenorphine_injectable": 1,
    }


def test_ddd_per_1000_population_per_day():
    from missionmonitor.indicators.populations import latest_population
    from missionmonitor.ost.service import ddd_rates
    from missionmonitor.periods import parse_period
    from missionmonitor.refdata.geography import Geography

    items = pd.DataFrame({"period": ["2023/24"], "area_code": ["X"], "ddd": [3660.0]})
    fy = [parse_period("2023/24")]  # 366 days
    assert ddd_rates(items, fy, {"X": 10_000})[0] == pytest.approx(3660 / (10_000 * 366) * 1000)
    year, population = latest_population(Geography.of(config.load(None)))
    assert year == 2022  # the latest mid-year estimates held (NRS mid-2022)
    councils = [c for c in population if c.startswith("S12")]
    assert population["S92000003"] == sum(population[c] for c in councils)
