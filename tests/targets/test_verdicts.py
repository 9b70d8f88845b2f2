"""Each rule of success gives its verdict from figures worked by hand: a standard or target
on track or off track, a tested trend or change improving, worsening or no significant
change by the indicator's polarity, and not enough data wherever the rule cannot apply."""

from __future__ import annotations

import datetime as dt

import pytest

from missionmonitor.indicators.catalogue import load_catalogue
from missionmonitor.indicators.success import ChangeRule, StandardRule, TrendRule
from missionmonitor.targets.definitions import load_targets
from missionmonitor.targets.verdicts import judge, judge_area
from tests.helpers import scotland

CAT = load_catalogue(scotland())
TARGETS = {t.id: t for t in load_targets(scotland())}


def row(period, value, numerator=None, denominator=None, lci=None, uci=None, **extra):
    return {
        "period": period,
        "value": value,
        "numerator": numerator,
        "denominator": denominator,
        "lci": lci,
        "uci": uci,
        "suppressed": value is None,
        "comparable_with_previous": True,
        "vs_national": "not_applicable",
        **extra,
    }


def counts(values, first=2010):
    return [row(str(first + i), c, c) for i, c in enumerate(values)]


def with_rule(indicator, rule):
    return CAT[indicator].model_copy(update={"success": rule})


# ---- standard and target ----------------------------------------------------------------


def test_a_standard_is_met_at_its_value_and_missed_below_it():
    ind = CAT["treatment_within_3_weeks"]  # at least 90%
    assert judge(ind, [row("2024-Q1", 90.0)]).verdict == "on track"
    missed = judge(ind, [row("2024-Q1", 89.9)])
    assert missed.verdict == "off track" and missed.rule == "standard"
    assert "The latest value, 89.9% (2024-Q1), does not meet at least 90%" in missed.sentence
    assert [(u.period, u.value) for u in missed.used] == [("2024-Q1", 89.9)]


def test_an_at_most_standard_is_met_at_or_below_its_value():
    rule = StandardRule(rule="standard", direction="at_most", value=10, statement="s", source="t")
    ind = with_rule("waits_ongoing_median_days", rule)
    assert judge(ind, [row("2024-Q1", 10.0)]).verdict == "on track"
    assert judge(ind, [row("2024-Q1", 11.0)]).verdict == "off track"


def test_a_suppressed_latest_figure_is_not_enough_data_not_an_older_one():
    ind = CAT["treatment_within_3_weeks"]
    verdict = judge(ind, [row("2024-Q1", 95.0), row("2024-Q2", None)])
    assert verdict.verdict == "not enough data" and "2024-Q2, is suppressed" in verdict.sentence
    assert judge(ind, []).sentence == "No figure is held yet."


def test_a_report_judges_on_the_figures_known_by_its_year_end():
    ind = CAT["treatment_within_3_weeks"]
    rows = [row("2023-Q4", 90.5), row("2024-Q1", 80.0)]
    assert judge(ind, rows).verdict == "off track"
    assert judge(ind, rows, as_of=dt.date(2023, 12, 31)).verdict == "on track"


def test_a_target_decides_by_its_progress():
    ind = CAT["ost_people"]  # at least 32,000 by 1 April 2024
    # 2023/24 ends on 31 March 2024, the day before the target date: met or not met.
    assert judge(ind, [row("2023/24", 32000.0, 32000)], targets=TARGETS).verdict == "on track"
    missed = judge(ind, [row("2023/24", 29817.0, 29817)], targets=TARGETS)
    assert missed.verdict == "off track" and "29,817 in 2023/24: not met" in missed.sentence


# ---- trend ------------------------------------------------------------------------------

FALLING = [1400, 1300, 1200, 1110, 1030, 950]  # about -7% a year, every year
FLAT_THEN_LOW = [1100, 1180, 1090, 1160, 1120, 960]  # one low year after a flat run


def test_a_significant_fall_in_deaths_is_improving_and_a_rise_worsening():
    ind = CAT["drd_deaths"]  # lower is better
    falling = judge(ind, counts(FALLING))
    assert falling.verdict == "improving" and falling.rule == "trend"
    assert "Over the 6 years from 2010 to 2015" in falling.sentence
    assert judge(ind, counts(FALLING[::-1])).verdict == "worsening"


def test_polarity_turns_the_same_rise_into_improving():
    rising = counts(FALLING[::-1])
    assert judge(CAT["drd_deaths"], rising).verdict == "worsening"
    assert judge(CAT["naloxone_kits"], rising).verdict == "improving"  # higher is better


def test_one_low_year_after_a_flat_run_is_no_significant_change():
    assert judge(CAT["drd_deaths"], counts(FLAT_THEN_LOW)).verdict == "no significant change"


def test_a_trend_is_fitted_over_the_declared_window_only():
    ind = with_rule("drd_deaths", TrendRule(rule="trend", window=6, statement="s"))
    # Twelve years: a rise for six, then the steady fall; the window sees only the fall.
    verdict = judge(ind, counts(FALLING[::-1] + FALLING))
    assert verdict.verdict == "improving"
    assert [u.period for u in verdict.used] == [str(y) for y in range(2016, 2022)]


def test_too_few_periods_or_a_suppressed_latest_is_not_enough_data_for_a_trend():
    ind = CAT["drd_deaths"]
    assert judge(ind, counts(FALLING[:4])).verdict == "not enough data"
    rows = [*counts(FALLING), row("2016", None)]
    assert judge(ind, rows).verdict == "not enough data"


# ---- change -----------------------------------------------------------------------------


def test_a_change_in_counts_is_tested_as_two_poisson_counts():
    ind = with_rule("drd_deaths", ChangeRule(rule="change", compare_with="previous", statement="s"))
    # 1,172 against 1,051: p = 0.0109 by the exact conditional (binomial) test.
    rise = judge(ind, counts([1051, 1172], first=2022))
    assert rise.verdict == "worsening" and "p = 0.011" in rise.sentence
    assert judge(ind, counts([1051, 1060], first=2022)).verdict == "no significant change"


def test_a_change_in_a_percentage_is_a_difference_of_two_proportions():
    ind = CAT["waits_ongoing_3w_pct"]  # higher is better, against the same quarter a year before
    rows = [
        row("2023-Q2", 45.0, 45, 100),
        row("2024-Q1", 10.0, 1, 10),
        row("2024-Q2", 60.0, 60, 100),
    ]
    # 0.60 − 0.45 = 0.15 ± 1.96 √(0.6·0.4/100 + 0.45·0.55/100) = 0.15 ± 0.1368: 1.3 to 28.7.
    verdict = judge(ind, rows)
    assert verdict.verdict == "improving"
    assert "95% interval 1.3 to 28.7 points" in verdict.sentence
    assert [u.period for u in verdict.used] == ["2023-Q2", "2024-Q2"]
    rows[-1] = row("2024-Q2", 50.0, 50, 100)  # 0.05 ± 0.138: no significant change
    assert judge(ind, rows).verdict == "no significant change"


def test_a_published_estimate_is_compared_by_its_own_intervals():
    ind = CAT["opioid_dependence"]  # lower is better
    # se = √((3,200/3.92)² + (2,900/3.92)²) = 1,101.6; −3,700 ± 2,159: −5,859 to −1,541.
    verdict = judge(
        ind,
        [
            row("2019/20", 47100.0, lci=45700, uci=48600),
            row("2022/23", 43400.0, lci=41900, uci=45100),
        ],
    )
    assert verdict.verdict == "improving" and "-5,859 to -1,541" in verdict.sentence


def test_rolling_windows_are_compared_with_the_window_before_sharing_no_year():
    ind = CAT["drd_deaths_5yr_average"]
    rows = [
        row("2015-2019", 995.0, 4975),
        row("2019-2023", 1234.4, 6172),
        row("2020-2024", 1181.8, 5909),
    ]
    verdict = judge(ind, rows)
    assert [u.period for u in verdict.used] == ["2015-2019", "2020-2024"]
    assert verdict.verdict == "worsening" and "Poisson counts, p < 0.001" in verdict.sentence
    assert judge(ind, rows[1:]).verdict == "not enough data"  # no 2015-2019 held


def test_a_change_nothing_can_test_or_across_a_series_break_is_not_enough_data():
    untested = judge(CAT["hospital_stays_rate"], [row("2023/24", 212.0), row("2024/25", 192.0)])
    assert untested.verdict == "not enough data" and "cannot be tested" in untested.sentence
    ind = CAT["problem_drug_use"]
    broken = judge(
        ind,
        [
            row("2012/13", 61500.0, lci=60000, uci=63000),
            row("2015/16", 57300.0, lci=55000, uci=59000),
        ],
    )
    assert broken.verdict == "not enough data" and "series break" in broken.sentence


# ---- context and areas ------------------------------------------------------------------


def test_a_neutral_indicator_is_read_for_context_once_it_has_a_figure():
    ind = CAT["polydrug_share"]
    assert judge(ind, [row("2021", 93.0)]).verdict == "for context"
    assert judge(ind, []).verdict == "not enough data"


@pytest.mark.parametrize(
    ("found", "verdict"),
    [
        ("higher", "better than Scotland"),
        ("lower", "worse than Scotland"),
        ("no_difference", "no significant difference from Scotland"),
        ("not_applicable", "not enough data"),
    ],
)
def test_an_area_judged_by_its_comparison_with_the_nation(found, verdict):
    ind = CAT["ost_people"]  # a national target: areas by their comparison (higher is better)
    got = judge_area(ind, [row("2023/24", 500.0, 500, vs_national=found)], "Scotland")
    assert got.verdict == verdict and got.rule == "national comparison"


def test_an_area_judged_by_the_same_rule_as_the_nation():
    got = judge_area(CAT["drd_deaths_areas"], counts(FALLING), "Scotland")
    assert got.verdict == "improving" and got.rule == "trend"
