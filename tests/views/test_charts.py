"""Every kind of chart the site draws is a valid Vega-Lite specification."""

from __future__ import annotations

import altair as alt
import pytest

from missionmonitor.services.site_data import SiteData
from missionmonitor.views import areas as area_views
from missionmonitor.views import evaluation as evaluation_views
from missionmonitor.views import home as home_views
from missionmonitor.views import indicators as indicator_views
from tests.helpers import scotland


@pytest.fixture(scope="module")
def data(built_store_path):
    return SiteData.read(scotland(), built_store_path)


def _charts(page: dict) -> list[dict]:
    found = []
    for value in page.values():
        if isinstance(value, dict):
            if value.get("spec"):
                found.append(value["spec"])
            found += _charts(value)
    return found


def test_every_chart_kind_validates_against_the_schema(data):
    specs = (
        _charts(home_views.home(data))
        + _charts(indicator_views.indicator(data, "drd_rate_per_1000_5yr", area_type="council"))
        + _charts(indicator_views.indicator(data, "ost_people"))
        + _charts(area_views.area(data, "S12000049"))
    )
    assert len(specs) == 6  # home trend; trend, comparison, funnel; OST trend; spine
    for spec in specs:
        alt.Chart.from_dict(spec, validate=True)  # raises on an invalid spec
        assert spec["description"]


def test_series_break_is_marked_on_the_trend(data):
    spec = indicator_views.indicator(data, "ost_people")["trend"]["spec"]
    marks = [layer["mark"] for layer in spec["layer"]]
    rules = [m for m in marks if isinstance(m, dict) and m.get("type") == "rule"]
    assert rules, "expected a rule layer at the series break"


def test_the_evaluation_charts_validate_against_the_schema(data):
    its = evaluation_views.evaluation(data)["its"]
    specs = [its["deaths"]["spec"], *(c["spec"] for c in its["comparators"])]
    assert len(specs) == 3  # the deaths with their projection; two comparators
    for spec in specs:
        alt.Chart.from_dict(spec, validate=True)
        assert "description" in spec
    rows = [r for values in specs[0]["datasets"].values() for r in values if "line" in r]
    projected = [r["period"] for r in rows if r["line"].startswith("Pre-launch trend projected")]
    assert projected and min(projected) == "2021"  # drawn over the years from the launch only
    assert {r["line"] for r in rows} == {"Model fit", "Pre-launch trend projected (not a figure)"}
