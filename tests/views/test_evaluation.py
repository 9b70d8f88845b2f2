"""The evaluation page's view model, from the built store."""

from __future__ import annotations

from itertools import pairwise

import pytest

from missionmonitor import config
from missionmonitor.errors import NotFoundError
from missionmonitor.services.site_data import SiteData
from missionmonitor.surveillance.deaths import trend_around_launch
from missionmonitor.views.evaluation import evaluation
from missionmonitor.views.scorecard import scorecard
from tests.helpers import scotland


@pytest.fixture(scope="module")
def data(built_store_path):
    return SiteData.read(scotland(), built_store_path)


@pytest.fixture(scope="module")
def page(data):
    return evaluation(data)


def test_the_page_states_contribution_not_attribution_with_its_source(page):
    assert "Short of attribution" in page["contribution"]["quote"]
    assert page["contribution"]["source"]["url"].startswith("https://gov.scot/")
    assert page["launch"]["date"] == "2021-01-20"


def test_no_question_is_made_up(page):
    assert page["questions"] == []
    assert "have not been found" in page["questions_note"]


def test_findings_carry_the_scorecards_verdicts(data, page):
    findings = {f["outcome"]["id"]: f for f in page["findings"]}
    four = findings["4"]
    assert (
        four["source"]["title"] == "National Mission on Drugs: Annual Monitoring Report 2023-2024"
    )
    assert any(q.startswith("29,817 people prescribed") for q in four["quotes"])
    expected = scorecard(
        data, [data.catalogue[i] for i in ("treatment_starts", "ost_people", "rr_placements")]
    )
    assert [{k: r[k] for k in expected[0]} for r in four["scorecard"]] == expected
    assert four["scorecard"][1]["href"] == "/indicators/ost_people"
    assert findings[None]["outcome"]["title"] == "The programme as a whole"
    assert [o["id"] for o in page["without_findings"]] == ["5"]


def test_the_deaths_are_shown_beside_the_earlier_trend_projected(data, page):
    deaths = page["its"]["deaths"]
    years, fit = trend_around_launch(scotland(), data.results)
    assert deaths["launch"] == "2021"
    rows = deaths["projection"]
    assert [r["period"] for r in rows] == years[fit.periods_before :]
    # NRS: 1,330 drug misuse deaths registered in 2021 (NRS_NEWS_2022), 1,017 in 2024.
    assert rows[0]["observed"] == 1330 and rows[-1]["observed"] == 1017
    # The projection grows by the pre-launch yearly ratio, year on year.
    for before, after in pairwise(rows):
        assert after["projected"] / before["projected"] == pytest.approx(
            deaths["fit"]["pre_trend"]["estimate"]
        )
    assert all(r["difference"] == pytest.approx(r["observed"] - r["projected"]) for r in rows)
    assert "does not establish" in deaths["caveat"]


def test_the_comparator_is_shown_and_says_why_it_is_not_fitted(page):
    misuse, poisoning = page["its"]["comparators"]
    assert (
        misuse["measure"] == "ew_drug_misuse_asmr"
        and poisoning["measure"] == "ew_drug_poisoning_asmr"
    )
    assert len(misuse["rows"]) == 27 and misuse["rows"][-1]["display"][:2] == ["2019", "50.4"]
    # Held to 2019 only: no fit at the 2021 break, and the page says so.
    assert misuse["fit"] is None and "ends in 2019" in misuse["reason"]
    # Its trend before the launch, over the years it shares with the deaths (from 1996).
    assert (misuse["before"]["from"], misuse["before"]["to"]) == ("1996", "2019")
    assert misuse["before"]["lower"] < misuse["before"]["estimate"] < misuse["before"]["upper"]
    assert misuse["spec"] is not None and misuse["summary"] == misuse["reason"]
    assert any(d.startswith("Definition") for d in misuse["differences"])
    assert any("year of registration" in d for d in misuse["differences"])
    assert "newspapers" in page["its"]["comparators_note"]


def test_a_configuration_without_an_evaluation_has_no_page(tmp_path):
    from pathlib import Path

    from missionmonitor.services.build import build_store

    small = config.load(Path(__file__).parents[1] / "configurations" / "small")
    build_store(small, tmp_path / "small.duckdb", demonstration=True)
    with pytest.raises(NotFoundError, match="no evaluation"):
        evaluation(SiteData.read(small, tmp_path / "small.duckdb"))
