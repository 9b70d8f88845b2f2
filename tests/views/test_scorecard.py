"""What success looks like: each indicator's verdict and the rule that decided it."""

from __future__ import annotations

import pytest

from missionmonitor.indicators.success import StandardRule
from missionmonitor.refdata.geography import national_code
from missionmonitor.services.site_data import SiteData
from missionmonitor.views.scorecard import VERDICTS, scorecard
from tests.helpers import scotland


@pytest.fixture(scope="module")
def data(built_store_path):
    return SiteData.read(scotland(), built_store_path)


def _verdict(data, ind):
    (row,) = scorecard(data, [ind])
    return row


def test_a_standard_decides_by_the_latest_value(data):
    ind = data.catalogue["treatment_within_3_weeks"]
    row = _verdict(data, ind)
    assert row["verdict"] == "on track" and "meets at least 90%" in row["rule"]
    standard = StandardRule(
        rule="standard", direction="at_least", value=95, statement="A stricter one.", source="t"
    )
    stricter = ind.model_copy(update={"success": standard})
    assert _verdict(data, stricter)["verdict"] == "off track"
    assert "does not meet at least 95%" in _verdict(data, stricter)["rule"]


def test_a_target_decides_by_its_progress(data):
    row = _verdict(data, data.catalogue["ost_people"])
    assert row["verdict"] == "off track" and "32,000" in row["rule"] and "not met" in row["rule"]


def test_an_untestable_change_and_no_figure_are_not_enough_data(data):
    # Published as a rate alone: no counts or intervals to test the change with.
    row = _verdict(data, data.catalogue["hospital_stays_rate"])
    assert row["verdict"] == "not enough data" and "cannot be tested" in row["rule"]
    assert _verdict(data, data.catalogue["ost_new_starts"])["verdict"] == "not enough data"


def test_drug_deaths_get_a_verdict_from_their_ten_year_trend(data):
    row = _verdict(data, data.catalogue["drd_deaths"])
    assert row["verdict"] in ("improving", "worsening", "no significant change")
    assert row["rule_name"] == "trend" and "Over the 10 years from" in row["rule"]
    assert len(row["used"]) == 10


def test_each_outcome_page_opens_with_its_scorecard(client):
    for oid in ("1", "2", "3", "4", "5", "6"):
        page = client.get(f"/outcomes/{oid}.json").json()
        assert {r["verdict"] for r in page["scorecard"]} <= set(VERDICTS)
        assert len(page["scorecard"]) == len(page["indicators"])
    html = client.get("/outcomes/3").text
    assert "What success looks like" in html and 'id="scorecard"' in html


def test_the_annual_report_judges_success_as_of_its_year(data):
    from missionmonitor.reports import annual

    report = annual.annual(data, "2023/24")
    (section,) = [s for s in report["sections"] if s["id"] == "success"]
    text = " ".join(section["paragraphs"])
    assert "Outcome 3: People at most risk have access to treatment and recovery:" in text
    # Waiting times as of March 2024 (2023-Q4: 90.5%), not the latest quarter held.
    assert "The latest value, 90.5% (2023-Q4), meets at least 90%" in text
    assert "People prescribed opioid substitution therapy (minimum estimate): off track" in text
    later = " ".join(
        next(s for s in annual.annual(data, "2025/26")["sections"] if s["id"] == "success")[
            "paragraphs"
        ]
    )
    assert "94.7% (2025-Q3)" in later


def test_every_indicator_with_figures_has_a_rule_and_every_outcome_a_verdict(data):
    published = data.results[~data.results["suppressed"].astype(bool)]
    nation = published["area_code"] == national_code(data.configuration)
    with_figures = set(published["indicator_id"])
    assert "drd_deaths" in with_figures
    assert all(data.catalogue[i].success is not None for i in with_figures)
    # Figures a rule can judge: national ones under a target or standard, or with a count
    # or a 95% interval to test a trend or a change with.
    national = published[nation]
    testable = national[national["numerator"].notna() | national["lci"].notna()]
    judged = {
        i
        for i in set(national["indicator_id"])
        if data.catalogue[i].success.rule in ("standard", "target")
    } | set(testable["indicator_id"])
    for o in data.outcomes:
        mine = [i for i in data.catalogue.values() if i.informs(o)]
        if not any(i.id in with_figures for i in mine):
            continue
        rows = scorecard(data, mine)
        assert {r["verdict"] for r in rows} <= set(VERDICTS) and all(r["rule"] for r in rows)
        if any(i.id in judged and i.polarity != "neutral" for i in mine):
            assert {r["verdict"] for r in rows} - {"not enough data", "for context"}, o


def test_the_indicator_page_and_its_json_say_whether_it_is_succeeding(client):
    twin = client.get("/indicators/drd_deaths.json").json()
    assert twin["success"]["rule"] == "trend" and twin["success"]["verdict"] in VERDICTS
    assert len(twin["success"]["used"]) == 10 and "Over the 10 years" in twin["success"]["sentence"]
    html = client.get("/indicators/drd_deaths").text
    assert 'id="success"' in html and "Is it succeeding?" in html
    assert f"Over the 10 years from {twin['success']['used'][0]['period']}" in html
    # An area's deaths are judged by the same rule as the nation's.
    area = client.get("/indicators/drd_deaths_areas.json?area=S12000005").json()
    assert area["success"]["rule"] == "trend" and area["area"]["code"] == "S12000005"
    empty = client.get("/indicators/ost_new_starts.json").json()
    assert empty["success"]["verdict"] == "not enough data"
