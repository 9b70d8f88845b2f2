"""The pre-launch trend projected over the years since, checked by hand, and a comparator
series fitted at the same break."""

from __future__ import annotations

import math

import pytest

from missionmonitor.errors import MethodInputError
from missionmonitor.evaluation.comparison import comparator_trend, consecutive, projection
from missionmonitor.methods.segmented import segmented_regression


def test_the_projection_carries_the_earlier_trend_on():
    # Doubling each year before the break (100, 200, 400): the model's pre-launch line is
    # 100·2^t exactly, so carried on it gives 800 and 1,600 for the two years after.
    years = ["2018", "2019", "2020", "2021", "2022"]
    counts = [100, 200, 400, 500, 550]
    fit = segmented_regression(counts, first_after=3)
    rows = projection(years, counts, fit)
    assert [r["period"] for r in rows] == ["2021", "2022"]
    assert [r["projected"] for r in rows] == pytest.approx([800, 1600], rel=1e-6)
    assert [r["observed"] for r in rows] == [500, 550]
    assert [r["difference"] for r in rows] == pytest.approx([500 - 800, 550 - 1600], rel=1e-6)
    assert [r["ratio"] for r in rows] == pytest.approx([500 / 800, 550 / 1600], rel=1e-6)
    # Four parameters, five points: the fit runs through every figure.
    assert [r["fitted"] for r in rows] == pytest.approx([500, 550], rel=1e-6)


def test_a_projection_needs_as_many_periods_as_figures():
    fit = segmented_regression([100, 200, 400, 500, 550], first_after=3)
    with pytest.raises(MethodInputError, match="one length"):
        projection(["2018", "2019"], [100, 200], fit)


def test_the_fit_runs_over_the_consecutive_years_ending_with_the_last():
    assert consecutive([1993, 2000, 2001, 2002]) == 1
    assert consecutive([2000, 2001, 2002]) == 0
    assert consecutive([2000]) == 0


def test_a_comparator_with_years_either_side_is_fitted_at_the_break():
    # Rising by 10% a year to 2020, then a level 20% lower from 2021 rising as before.
    years = [str(y) for y in range(2015, 2024)]
    rates = [50 * 1.1**k * (0.8 if y >= 2021 else 1) for k, y in enumerate(range(2015, 2024))]
    trend = comparator_trend(["1990", *years], [40.0, *rates], launch=2021)
    assert trend.periods == years  # 1990 stands apart from the run
    assert trend.reason is None and trend.fit is not None
    assert trend.fit.pre_trend.estimate == pytest.approx(1.1, rel=1e-6)
    assert trend.fit.level_change.estimate == pytest.approx(0.8, rel=1e-6)
    assert trend.fit.slope_change.estimate == pytest.approx(1.0, rel=1e-6)
    assert math.isclose(trend.values[0], 50)


def test_a_comparator_ending_before_the_launch_says_why_it_is_not_fitted():
    trend = comparator_trend(["2017", "2018", "2019"], [1.0, 2.0, 3.0], launch=2021)
    assert trend.fit is None
    assert trend.reason is not None and "ends in 2019" in trend.reason and "no year" in trend.reason
    one_after = comparator_trend(["2018", "2019", "2020", "2021"], [1.0, 2, 3, 4], launch=2021)
    assert one_after.fit is None and "one year from 2021" in (one_after.reason or "")
    short = comparator_trend(["2019", "2020", "2021", "2022"], [1.0, 2, 3, 4], launch=2021)
    assert short.fit is None and "Fewer than 3" in (short.reason or "")
    assert comparator_trend([], [], launch=2021).reason == "No figure of this series is held."


def test_the_yearly_trend_of_a_rate_does_not_depend_on_its_unit():
    from missionmonitor.evaluation.comparison import yearly_trend

    # Exactly 10% a year: the ratio is 1.1 whatever the noise model.
    assert yearly_trend([100, 110, 121, 133.1]).estimate == pytest.approx(1.1)
    per_million = [42.9, 45.9, 49.1, 50.0, 54.1, 56.4, 58.8]
    per_100k = [v / 10 for v in per_million]
    a, b = yearly_trend(per_million, rate=True), yearly_trend(per_100k, rate=True)
    assert (a.estimate, a.lower, a.upper) == pytest.approx((b.estimate, b.lower, b.upper))
    assert a.lower < a.estimate < a.upper
    with pytest.raises(MethodInputError, match="at least 3"):
        yearly_trend([1.0, 2.0])


def test_a_segmented_fit_of_a_rate_does_not_depend_on_its_unit():
    rates = [50.0, 54, 57, 61, 66, 60, 58, 57]
    a = segmented_regression(rates, 5, rate=True)
    b = segmented_regression([r * 10 for r in rates], 5, rate=True)
    for x, y in ((a.level_change, b.level_change), (a.slope_change, b.slope_change)):
        assert (x.estimate, x.lower, x.upper) == pytest.approx((y.estimate, y.lower, y.upper))


def test_the_comparators_trend_before_the_launch_is_over_the_years_shared():
    years = [str(y) for y in range(1993, 2020)]
    trend = comparator_trend(years, [50 * 1.05**k for k in range(27)], launch=2021, since=1996)
    assert trend.before_years == ("1996", "2019")
    assert trend.before is not None and trend.before.estimate == pytest.approx(1.05)
    assert comparator_trend(years[-2:], [1.0, 2.0], launch=2021).before is None
