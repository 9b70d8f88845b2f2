import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from missionmonitor import periods
from missionmonitor.errors import NotFoundError
from missionmonitor.ost.periods import reporting_periods
from missionmonitor.periods import Period, parse_period


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


# ---- one grammar: every label the product writes reads back as the same period ----------

DAYS = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2199, 12, 31))
YEARS = st.integers(min_value=1900, max_value=2199)


def _month_end(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("label", "ptype", "start", "end", "previous"),
    [
        ("2024-05", "calendar_month", dt.date(2024, 5, 1), dt.date(2024, 5, 31), "2024-04"),
        ("2024-01", "calendar_month", dt.date(2024, 1, 1), dt.date(2024, 1, 31), "2023-12"),
        ("2024-02", "calendar_month", dt.date(2024, 2, 1), dt.date(2024, 2, 29), "2024-01"),
        ("2024-05-06", "week", dt.date(2024, 5, 6), dt.date(2024, 5, 12), "2024-04-29"),
        (
            "12 months to 2024-03-31",
            "rolling_12_months",
            dt.date(2023, 4, 1),
            dt.date(2024, 3, 31),
            "12 months to 2023-03-31",
        ),
        (
            "12 months to 2023-12-31",
            "rolling_12_months",
            dt.date(2023, 1, 1),
            dt.date(2023, 12, 31),
            "12 months to 2022-12-31",
        ),
        (
            "2024 benchmarking",
            "benchmarking",
            dt.date(2024, 4, 1),
            dt.date(2024, 4, 1),
            "2023 benchmarking",
        ),
    ],
)
def test_each_label_form_the_product_writes(label, ptype, start, end, previous):
    p = parse_period(label)
    assert (p.type, p.start, p.end, p.previous()) == (ptype, start, end, previous)


@pytest.mark.parametrize(
    "label",
    ["2024-13", "2024-00", "2024-02-30", "12 months to 2024-03-30", "12 months to 2024-03", "٢٠٢٤"],
)
def test_labels_that_only_look_like_periods_are_refused(label):
    with pytest.raises(NotFoundError):
        parse_period(label)


def _writers() -> st.SearchStrategy[tuple[str, Period | None]]:
    """(label, the period it names where the writer knows it) from every label writer."""
    return st.one_of(
        YEARS.map(lambda y: (periods.calendar_year_label(y), None)),
        YEARS.map(
            lambda y: (periods.financial_year_label(y), periods.financial_year_of(dt.date(y, 4, 1)))
        ),
        DAYS.map(lambda d: (periods.quarter_of(d).label, periods.quarter_of(d))),
        DAYS.map(lambda d: (periods.financial_year_of(d).label, periods.financial_year_of(d))),
        st.tuples(YEARS, st.integers(1, 4)).map(lambda t: (periods.quarter_label(*t), None)),
        st.tuples(YEARS, st.integers(1, 30)).map(
            lambda t: (periods.rolling_years_label(t[0], t[0] + t[1]), None)
        ),
        DAYS.map(lambda d: (periods.month_label(d), None)),
        DAYS.map(lambda d: (periods.calendar_month_label(d), None)),
        DAYS.map(lambda d: (periods.week_label(d), None)),
        DAYS.map(
            lambda d: (
                periods.rolling_12_months_label(_month_end(d)),
                periods.rolling_12_months_to(_month_end(d)),
            )
        ),
        YEARS.map(lambda y: (periods.benchmarking_label(y), None)),
        st.tuples(st.sampled_from(["quarter", "financial_year"]), DAYS).flatmap(
            lambda t: st.sampled_from(periods.recent_periods(t[0], t[1], 3)).map(
                lambda p: (p, None)
            )
        ),
        st.tuples(DAYS, st.integers(0, 800)).flatmap(
            lambda t: st.sampled_from(reporting_periods(t[0], t[0] + dt.timedelta(days=t[1]))).map(
                lambda p: (p.label, p)
            )
        ),
    )


@settings(max_examples=400, deadline=None)
@given(_writers())
def test_every_label_written_parses_back_to_the_same_period(written):
    label, period = written
    parsed = parse_period(label)
    assert parsed.label == label
    if period is not None:
        assert (parsed.start, parsed.end, parsed.type) == (period.start, period.end, period.type)
    assert parsed.start <= parsed.end
    # The period before is written by the same grammar and ends before this one ends.
    before = parse_period(parsed.previous())
    assert before.type == parsed.type and before.end < parsed.end
    assert parse_period(parsed.previous()).label == parsed.previous()


def test_the_ost_periods_are_the_one_period():
    spans = reporting_periods(dt.date(2023, 4, 1), dt.date(2024, 6, 30))
    assert all(parse_period(p.label) == p for p in spans)
    assert {p.type for p in spans} == {"financial_year", "quarter", "rolling_12_months"}
