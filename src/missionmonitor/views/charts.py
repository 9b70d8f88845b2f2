"""Vega-Lite chart specifications, built with Altair, for the website and reports.

Each function returns a plain dict (a Vega-Lite spec with its data inline). Colour is never
the only carrier of meaning: significance is also in a text label and in the data table
printed beside every chart.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from missionmonitor import config
from missionmonitor.refdata.geography import national_name

#: Scottish Government Design System palette (accessible contrast on white).
BLUE, DARK, GREY = "#0065bd", "#002d54", "#5e5e5e"


def significance_colours(configuration: config.Configuration) -> dict[str, str]:
    """The colour of each comparison with the national value, by its words."""
    nation = national_name(configuration)
    return {
        f"Higher than {nation}": "#b3282d",
        f"Lower than {nation}": "#0065bd",
        "No significant difference": "#b3b3b3",
        "Not compared": "#ebebeb",
    }


def _spec(chart: alt.TopLevelMixin, description: str) -> dict[str, Any]:
    # Schema validation costs most of a page's build time; the test suite validates every
    # kind of chart against the Vega-Lite schema instead (tests/services/test_charts.py).
    spec: dict[str, Any] = chart.properties(description=description).to_dict(validate=False)
    spec["config"] = {
        "font": "Roboto, Helvetica, Arial, sans-serif",
        "view": {"stroke": None},
        "axis": {"labelFontSize": 12},
    }
    return spec


def trend_chart(
    rows: pd.DataFrame,
    title: str,
    unit: str,
    breaks: list[str],
    comparison: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """Line of ``value`` over ``period`` with its interval band, an optional national line
    for comparison, and a dashed rule at each series break."""
    order = list(rows["period"])
    data = rows[["period", "value", "lci", "uci"]].assign(series=title)
    x = alt.X("period:O", sort=order, title=None, axis=alt.Axis(labelAngle=-45))
    y_title = unit[:40]
    layers: list[alt.Chart] = []
    base = alt.Chart(data)
    if data["lci"].notna().any():
        layers.append(
            base.mark_area(opacity=0.25, color=BLUE).encode(
                x=x, y=alt.Y("lci:Q", title=y_title), y2="uci:Q"
            )
        )
    layers.append(
        base.mark_line(point=True, color=DARK).encode(
            x=x,
            y=alt.Y("value:Q", title=y_title),
            tooltip=["period", alt.Tooltip("value:Q", format=",.2f")],
        )
    )
    if comparison is not None and not comparison.empty:
        comp = comparison[comparison["period"].isin(order)][["period", "value"]]
        layers.append(
            alt.Chart(comp).mark_line(strokeDash=[2, 2], color=GREY).encode(x=x, y="value:Q")
        )
    visible_breaks = [b for b in breaks if b in order]
    if visible_breaks:
        marks = pd.DataFrame({"period": visible_breaks, "label": "series break"})
        rule = alt.Chart(marks).mark_rule(strokeDash=[6, 4], color="#b3282d").encode(x=x)
        text = (
            alt.Chart(marks)
            .mark_text(align="left", dx=4, dy=-60, color="#b3282d")
            .encode(x=x, text="label:N")
        )
        layers += [rule, text]
    chart = alt.layer(*layers).properties(width="container", height=280)
    return _spec(chart, f"Trend in {title} by period, with a shaded 95% interval where one exists.")


def comparison_chart(
    configuration: config.Configuration, rows: pd.DataFrame, unit: str, national: float | None
) -> dict[str, Any]:
    """Ranked horizontal bars with interval whiskers, coloured and labelled by significance."""
    data = rows[["area_name", "value", "lci", "uci", "significance"]].copy()
    order = list(data.sort_values("value", ascending=False)["area_name"])
    y = alt.Y("area_name:N", sort=order, title=None)
    colour = alt.Color(
        "significance:N",
        scale=alt.Scale(
            domain=list(significance_colours(configuration)),
            range=list(significance_colours(configuration).values()),
        ),
        legend=alt.Legend(title=f"Compared with {national_name(configuration)}", orient="bottom"),
    )
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("value:Q", title=unit[:40]),
            y=y,
            color=colour,
            tooltip=["area_name", alt.Tooltip("value:Q", format=",.2f"), "significance"],
        )
    )
    layers: list[alt.Chart] = [bars]
    if data["lci"].notna().any():
        layers.append(alt.Chart(data).mark_rule(color="#333333").encode(x="lci:Q", x2="uci:Q", y=y))
    if national is not None:
        layers.append(
            alt.Chart(pd.DataFrame({"national": [national]}))
            .mark_rule(color="#000000", strokeDash=[4, 2])
            .encode(x="national:Q")
        )
    height = max(120, 18 * len(data))
    chart = alt.layer(*layers).properties(width="container", height=height)
    return _spec(
        chart,
        "Areas ranked by value with 95% intervals; the dashed line is "
        f"{national_name(configuration)}.",
    )


def funnel_chart(
    configuration: config.Configuration,
    points: pd.DataFrame,
    limits: pd.DataFrame,
    unit: str,
    x_title: str = "Population (person-years)",
) -> dict[str, Any]:
    """Funnel plot: each area's rate against its population (or share against its
    denominator, ``x_title``), with 95% and 99.8% limits."""
    pts = (
        alt.Chart(points)
        .mark_point(filled=True, size=60)
        .encode(
            x=alt.X("denominator:Q", title=x_title[:40], scale=alt.Scale(type="log")),
            y=alt.Y("value:Q", title=unit[:40]),
            color=alt.Color(
                "significance:N",
                scale=alt.Scale(
                    domain=list(significance_colours(configuration)),
                    range=list(significance_colours(configuration).values()),
                ),
                legend=alt.Legend(
                    title=f"Compared with {national_name(configuration)}", orient="bottom"
                ),
            ),
            tooltip=["area_name", alt.Tooltip("value:Q", format=",.3f")],
        )
    )
    lines = (
        alt.Chart(limits)
        .mark_line(color=GREY)
        .encode(
            x="denominator:Q",
            y="limit:Q",
            detail="limit_name:N",
            strokeDash=alt.StrokeDash("level:N", legend=alt.Legend(title="Control limit")),
        )
    )
    chart = alt.layer(lines, pts).properties(width="container", height=320)
    return _spec(chart, "Funnel plot of area rates against population with control limits.")


def spine_chart(configuration: config.Configuration, rows: pd.DataFrame) -> dict[str, Any]:
    """Each indicator on one line: the range across areas (worst on the left), the nation in the
    middle, and this area as a dot labelled by significance."""
    chart = alt.layer(
        alt.Chart(rows)
        .mark_rule(strokeWidth=8, color="#d9d9d9")
        .encode(
            x=alt.X(
                "worst_pos:Q",
                title="Worst ← range of areas → best",
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(labels=False, ticks=False),
            ),
            x2="best_pos:Q",
            y=alt.Y("title:N", title=None, sort=list(rows["title"])),
        ),
        alt.Chart(rows)
        .mark_tick(color="#000000", thickness=2, size=18)
        .encode(x="national_pos:Q", y=alt.Y("title:N", sort=list(rows["title"]))),
        alt.Chart(rows)
        .mark_point(filled=True, size=90)
        .encode(
            x="area_pos:Q",
            y=alt.Y("title:N", sort=list(rows["title"])),
            color=alt.Color(
                "significance:N",
                scale=alt.Scale(
                    domain=list(significance_colours(configuration)),
                    range=list(significance_colours(configuration).values()),
                ),
                legend=alt.Legend(
                    title=f"Compared with {national_name(configuration)}", orient="bottom"
                ),
            ),
            tooltip=["title", "display", "significance"],
        ),
    ).properties(width="container", height=max(80, 40 * len(rows)))
    return _spec(
        chart,
        "Spine chart: this area's value for each indicator against the range of areas of its "
        f"type, worst on the left, with {national_name(configuration)} marked.",
    )


def segmented_chart(frame: pd.DataFrame, launch: str) -> dict[str, Any]:
    """Observed counts (points), the segmented model's fit (line) and the pre-interruption
    trend carried on (dashed), with a rule at the interruption."""
    order = list(frame["period"])
    x = alt.X("period:O", sort=order, title=None, axis=alt.Axis(labelAngle=-45))
    long = frame.melt("period", ["fitted", "without_change"], var_name="line", value_name="v")
    long["line"] = long["line"].map(
        {"fitted": "Model fit", "without_change": "Earlier trend carried on"}
    )
    points = (
        alt.Chart(frame)
        .mark_point(filled=True, color=DARK)
        .encode(
            x=x,
            y=alt.Y("observed:Q", title="deaths"),
            tooltip=["period", alt.Tooltip("observed:Q", format=",.0f")],
        )
    )
    lines = (
        alt.Chart(long)
        .mark_line()
        .encode(
            x=x,
            y="v:Q",
            color=alt.Color(
                "line:N",
                scale=alt.Scale(range=[BLUE, GREY]),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            strokeDash=alt.StrokeDash(
                "line:N", scale=alt.Scale(range=[[1, 0], [6, 4]]), legend=None
            ),
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({"period": [launch]}))
        .mark_rule(strokeDash=[6, 4], color="#b3282d")
        .encode(x=x)
    )
    chart = alt.layer(points, lines, rule).properties(width="container", height=280)
    return _spec(chart, f"Deaths by year with the segmented model around {launch}.")


#: The lines of an interrupted time series chart, by column, as the legend names them.
ITS_LINES = {"fitted": "Model fit", "projected": "Pre-launch trend projected (not a figure)"}


def its_chart(frame: pd.DataFrame, launch: str, y_title: str, description: str) -> dict[str, Any]:
    """Figures (points) over ``period``, with the segmented model's fit and the pre-launch
    trend projected over the years from ``launch`` (dashed) where ``frame`` holds them
    (columns ``fitted`` and ``projected``, blank where not shown), and a rule at the launch."""
    order = list(frame["period"])
    x = alt.X("period:O", sort=order, title=None, axis=alt.Axis(labelAngle=-45))
    points = (
        alt.Chart(frame)
        .mark_point(filled=True, color=DARK)
        .encode(
            x=x,
            y=alt.Y("observed:Q", title=y_title[:40]),
            tooltip=["period", alt.Tooltip("observed:Q", format=",.1f")],
        )
    )
    layers: list[alt.Chart] = [points]
    shown = [c for c in ITS_LINES if c in frame and frame[c].notna().any()]
    if shown:
        long = frame.melt("period", shown, var_name="line", value_name="v").dropna()
        long["line"] = long["line"].map(ITS_LINES)
        names = [ITS_LINES[c] for c in shown]
        styles = {ITS_LINES["fitted"]: (BLUE, [1, 0]), ITS_LINES["projected"]: (GREY, [6, 4])}
        layers.append(
            alt.Chart(long)
            .mark_line()
            .encode(
                x=x,
                y="v:Q",
                color=alt.Color(
                    "line:N",
                    scale=alt.Scale(domain=names, range=[styles[n][0] for n in names]),
                    legend=alt.Legend(title=None, orient="bottom"),
                ),
                strokeDash=alt.StrokeDash(
                    "line:N",
                    scale=alt.Scale(domain=names, range=[styles[n][1] for n in names]),
                    legend=None,
                ),
            )
        )
    if launch in order:
        layers.append(
            alt.Chart(pd.DataFrame({"period": [launch]}))
            .mark_rule(strokeDash=[6, 4], color="#b3282d")
            .encode(x=x)
        )
    chart = alt.layer(*layers).properties(width="container", height=280)
    return _spec(chart, description)
