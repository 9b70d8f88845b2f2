"""Treatment coverage from the published prevalence estimates: the count over the estimate,
with the estimate's credible interval carried through; only matching years are paired."""

from __future__ import annotations

import pandas as pd
import pytest

from missionmonitor.errors import MethodInputError
from missionmonitor.surveillance.coverage import coverage, ost_coverage
from tests.helpers import scotland


def test_the_interval_is_the_estimates_interval_carried_through():
    # 29,962 people in OST (PHS, 2022/23) over 43,400 (41,900 to 45,100) with dependence.
    c = coverage(29_962, 43_400, 41_900, 45_100)
    assert c.value == pytest.approx(100 * 29_962 / 43_400)  # 69.04%
    assert c.lower == pytest.approx(100 * 29_962 / 45_100)  # 66.43%: the larger estimate
    assert c.upper == pytest.approx(100 * 29_962 / 41_900)  # 71.51%


@pytest.mark.parametrize("args", [(10, 0, 0, 5), (10, 50, 60, 70), (-1, 50, 40, 60)])
def test_an_impossible_estimate_is_refused(args):
    with pytest.raises(MethodInputError):
        coverage(*args)


def _row(ind, period, value, lci=None, uci=None, suppressed=False, area="S92000003"):
    return {
        "indicator_id": ind,
        "area_code": area,
        "period": period,
        "value": value,
        "lci": lci,
        "uci": uci,
        "suppressed": suppressed,
        "vintage": f"V_{ind}",
    }


def test_only_years_with_both_figures_and_an_interval_are_paired():
    results = pd.DataFrame(
        [
            _row("ost_people", "2022/23", 30_000),
            _row("opioid_dependence", "2022/23", 40_000, 38_000, 42_000),
            _row("opioid_dependence", "2019/20", 47_100, 45_700, 48_600),  # no OST count that year
            _row("ost_people", "2021/22", 29_000),
            _row("opioid_dependence", "2021/22", 45_000),  # no interval
            _row("ost_people", "2020/21", 28_000, suppressed=True),
            _row("opioid_dependence", "2020/21", 45_000, 44_000, 46_000),
            _row("ost_people", "2022/23", 999, area="S08000031"),  # another area
        ]
    )
    (only,) = ost_coverage(scotland(), results, "S92000003")
    assert only["period"] == "2022/23"
    assert (only["value"], only["lower"], only["upper"]) == pytest.approx(
        (75.0, 30_000 / 420, 30_000 / 380)
    )
    assert only["vintage"] == "V_ost_people;V_opioid_dependence"


def test_the_surveillance_page_shows_the_published_estimates_and_coverage(client):
    page = client.get("/surveillance.json").json()["prevalence"]
    rows = {(e["period"], e["indicator_id"]): e for e in page["estimates"]}
    latest = rows[("2022/23", "opioid_dependence")]
    assert (latest["value"], latest["lci"], latest["uci"]) == (43_400, 41_900, 45_100)
    assert rows[("2006", "problem_drug_use")]["lci"] == 54_451
    (cov,) = page["coverage"]
    assert cov["display"][-1] == "69.0% (66.4% to 71.5%)"
    html = client.get("/surveillance").text
    assert "69.0% (66.4% to 71.5%)" in html and "41,900 to 45,100" in html
    # The worked capture–recapture example is method, not Scotland's figures.
    assert "Rome" not in html and "Rome" in client.get("/methodology").text
