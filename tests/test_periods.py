import datetime as dt

import pytest

from missionmonitor.errors import NotFoundError
from missionmonitor.periods import parse_period


@pytest.mark.parametrize(
    ("label", "ptype", "start", "previous"),
    [
        ("2022", "calendar_year", dt.date(2022, 1, 1), "2021"),
        ("2023/24", "financial_year", dt.date(2023, 4, 1), "2022/23"),
        ("1999/00", "financial_year", dt.date(1999, 4, 1), "1998/99"),
        ("2023-Q1", "quarter", dt.date(2023, 1, 1), "2022-Q4"),
        ("2023-Q4", "quarter", dt.date(2023, 10, 1), "2023-Q3"),
        ("2015-2019", "rolling_years", dt.date(2015, 1, 1), "2014-2018"),
        ("April 2024", "month", dt.date(2024, 4, 1), "April 2023"),
    ],
)
def test_parse(label, ptype, start, previous):
    p = parse_period(label)
    assert (p.type, p.start, p.previous()) == (ptype, start, previous)


def test_quarter_ends():
    assert parse_period("2023-Q4").end == dt.date(2023, 12, 31)
    assert parse_period("2024-Q1").end == dt.date(2024, 3, 31)


def test_years():
    assert parse_period("2015-2019").years == 5
    assert parse_period("2023/24").years == 1


@pytest.mark.parametrize("label", ["2023/25", "2019-2015", "Q1 2023", "2023-04 to 2023-09"])
def test_unknown_forms(label):
    with pytest.raises(NotFoundError):
        parse_period(label)
