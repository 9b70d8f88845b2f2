"""The ds_* macros produce accessible markup."""

from __future__ import annotations

import re

import pytest

from missionmonitor.web.app import templates
from tests.helpers import scotland


@pytest.fixture(scope="module")
def macros():
    return templates(scotland()).env.get_template("macros.html").module


def test_table_has_caption_scopes_and_labelled_region(macros):
    html = str(
        macros.ds_table(
            "t1", "Deaths by year", ["Year", "Deaths"], [["2023", "1,172"]], numeric=(1,)
        )
    )
    assert '<caption id="t1-caption">Deaths by year</caption>' in html
    assert 'aria-labelledby="t1-caption"' in html and 'role="region"' in html
    assert html.count('scope="col"') == 2
    assert '<th scope="row">2023</th>' in html
    assert '<td class="mm-num">1,172</td>' in html


def test_table_escapes_text(macros):
    html = str(macros.ds_table("t", "c", ["h"], [["<b>x</b>"]]))
    assert "<b>x</b>" not in html and "&lt;b&gt;" in html


def test_select_label_hint_and_selection(macros):
    opts = [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]
    html = str(macros.ds_select("pick", "pick", "Choose", opts, "b", hint="One of two"))
    assert '<label class="ds_label" for="pick">Choose</label>' in html
    assert 'id="pick-hint"' in html and 'aria-describedby="pick-hint"' in html
    assert '<option value="b" selected>B</option>' in html
    assert 'aria-hidden="true"' in html  # the decorative arrow


def test_select_without_hint_has_no_dangling_reference(macros):
    html = str(macros.ds_select("s", "s", "S", [], ""))
    assert "aria-describedby" not in html


def test_input(macros):
    html = str(macros.ds_input("q", "q", "Search", "death", hint="Words"))
    assert 'for="q"' in html and 'value="death"' in html and 'aria-describedby="q-hint"' in html


def test_breadcrumbs_mark_the_current_page(macros):
    html = str(macros.ds_breadcrumbs([{"url": "/", "label": "Home"}, {"label": "Areas"}]))
    assert 'aria-label="Breadcrumb"' in html
    assert '<a class="ds_breadcrumbs__link" href="/">Home</a>' in html
    assert '<span aria-current="page">Areas</span>' in html


def test_chart_figure_is_labelled_and_carries_its_spec_as_data(macros):
    fig = {"id": "trend", "caption": "Deaths", "summary": "Fell in 2024.", "spec": {"mark": "bar"}}
    html = str(macros.chart(fig))
    assert 'aria-labelledby="trend-caption"' in html and 'aria-describedby="trend-summary"' in html
    assert '<figcaption id="trend-caption">Deaths</figcaption>' in html
    assert re.search(
        r'<script type="application/json" id="trend-spec">\{"mark": "bar"\}</script>', html
    )
    assert 'data-chart-spec="trend-spec"' in html
    assert "mm-chart__fallback" in html


def test_significance_tag_has_text_not_just_colour(macros):
    html = str(macros.significance_tag("Higher than Scotland"))
    assert "ds_tag--red" in html and "Higher than Scotland" in html
