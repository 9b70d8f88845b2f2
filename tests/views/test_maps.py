"""Choropleth maps: bands of about equal size named by the values they hold, suppressed
areas hatched and named as such, every area a named link on pages and an image in reports."""

from __future__ import annotations

import re

import pytest

from missionmonitor import config
from missionmonitor.refdata.geography import Geography
from missionmonitor.services.site_data import SiteData
from missionmonitor.views.indicators import indicator
from missionmonitor.views.maps import PALETTE, choropleth, map_svg
from tests.helpers import scotland


@pytest.fixture(scope="module")
def boards() -> dict[str, str]:
    return {a.code: a.name for a in Geography.of(config.load(None)).of_type("health_board")}


def _rows(values: dict[str, float | None], names: dict[str, str]) -> list[dict]:
    return [
        {
            "area_code": c,
            "area_name": names[c],
            "value": v,
            "display": "c" if v is None else f"{v:.1f}",
        }
        for c, v in values.items()
    ]


def _map(values: dict[str, float | None], names: dict[str, str]) -> dict:
    return choropleth(
        scotland(),
        "m",
        "Test rate",
        "per 100,000",
        1,
        _rows(values, names),
        "health_board",
        "NHS health boards",
        "2023",
        "2023-12-31",
        names,
    )


def test_ten_values_make_five_bands_of_two(boards):
    codes = sorted(boards)
    values = {c: float(i + 1) for i, c in enumerate(codes[:10])}
    m = _map(values, boards)
    assert [(b["label"], b["count"]) for b in m["bands"]] == [
        ("1.0 to 2.0", 2),
        ("3.0 to 4.0", 2),
        ("5.0 to 6.0", 2),
        ("7.0 to 8.0", 2),
        ("9.0 to 10.0", 2),
    ]
    assert [b["colour"] for b in m["bands"]] == list(PALETTE)
    by_code = {a["area_code"]: a for a in m["areas"]}
    assert [by_code[c]["band"] for c in codes[:10]] == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    # The four boards without a row are drawn as holding no figure, named from the geography.
    missing = [a for a in m["areas"] if a["state"] == "none"]
    assert {a["area_code"] for a in missing} == set(codes[10:])
    assert all(a["area_name"] == boards[a["area_code"]] for a in missing)
    assert m["areas"][0]["area_code"] == codes[9]  # highest first, as in the table


def test_few_distinct_values_make_fewer_bands_spread_over_the_palette(boards):
    codes = sorted(boards)
    m = _map({codes[0]: 2.0, codes[1]: 2.0, codes[2]: 7.5}, boards)
    assert [(b["label"], b["colour"]) for b in m["bands"]] == [
        ("2.0 to 2.0", PALETTE[0]),
        ("7.5 to 7.5", PALETTE[-1]),
    ]


def test_suppressed_areas_are_hatched_and_never_given_a_value(boards):
    codes = sorted(boards)
    m = _map({codes[0]: 10.0, codes[1]: None, codes[2]: 20.0}, boards)
    hidden = next(a for a in m["areas"] if a["area_code"] == codes[1])
    assert (hidden["state"], hidden["value"], hidden["band"]) == ("suppressed", None, None)
    assert "1 suppressed to protect confidentiality (hatched)" in m["summary"]
    assert "11 with no figure held (dotted)" in m["summary"]
    svg = str(map_svg(scotland(), m))
    name = re.escape(boards[codes[1]])
    assert re.search(rf"<title>{name}: suppressed to protect confidentiality</title>", svg)
    assert svg.count('fill="url(#m-hatch)"') == 2  # the area and its key in the legend


def test_on_a_page_each_area_is_a_named_link_and_in_a_report_an_image(boards):
    codes = sorted(boards)
    m = choropleth(
        scotland(),
        "m",
        "Test",
        "per 100,000",
        1,
        _rows({codes[0]: 5.0}, boards),
        "health_board",
        "boards",
        "2023",
        "2023-12-31",
        boards,
        link={"area_type": "health_board", "period": "2023"},
    )
    page = str(map_svg(scotland(), m))
    assert page.count("<a ") == len(boards) and 'role="group"' in page
    label = f"{boards[codes[0]]}: 5.0 per 100,000 (band 1 of 1)"
    assert (
        f'href="?area={codes[0]}&amp;area_type=health_board&amp;period=2023" '
        f'aria-label="{label}"' in page
    )
    static = str(map_svg(scotland(), m, interactive=False))
    assert "<a " not in static and 'role="img" aria-labelledby="m-caption m-summary"' in static
    assert static.count("<title>") == len(boards)


def test_the_indicator_page_maps_exactly_its_comparison_rows(built_store_path):
    data = SiteData.read(scotland(), built_store_path)
    for area_type in ("council", "hscp", "adp", "health_board"):
        page = indicator(data, "drd_rate_per_1000_5yr", area_type=area_type)
        shown = {r["area_code"]: r["value"] for r in page["comparison"]["rows"]}
        mapped = {a["area_code"]: a["value"] for a in page["map"]["areas"]}
        assert mapped == shown, area_type
        hidden = [c for c, v in shown.items() if v is None]
        assert hidden and all(
            a["state"] == "suppressed" for a in page["map"]["areas"] if a["area_code"] in hidden
        )
    national = indicator(data, "drd_deaths")
    assert national["map"] is None
