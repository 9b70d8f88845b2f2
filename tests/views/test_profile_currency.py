"""Every ADP profile is current: it shows at least five indicators with real (not SYNTHETIC)
published or declared-derived figures whose latest period is 2023, 2023/24 or later."""

from __future__ import annotations

import datetime as dt

import pytest

from missionmonitor.periods import parse_period
from missionmonitor.refdata.geography import reporting_type
from missionmonitor.services.site_data import SiteData
from missionmonitor.views.areas import area
from tests.helpers import scotland

#: The bar: this many current indicators on every ADP's profile.
AT_LEAST = 5
#: A period is current if it is 2023 or later: it starts in 2023 or later (2023-Q1, 2023/24)
#: or runs to the end of 2023 or later (a 5-year window 2019-2023). 2022/23 is not.
CURRENT_FROM = dt.date(2023, 1, 1)
CURRENT_TO = dt.date(2023, 12, 31)


def _current(label: str) -> bool:
    period = parse_period(label)
    return period.start >= CURRENT_FROM or period.end >= CURRENT_TO


@pytest.fixture(scope="module")
def data(built_store_path):
    return SiteData.read(scotland(), built_store_path)


def _current_indicators(data: SiteData, code: str) -> list[str]:
    """The profile's held indicators whose latest figure is real, shown and current."""
    held = area(data, code)["profile"]["held"]
    return [
        h["id"]
        for h in held
        if _current(h["latest"]["period"])
        and h["latest"]["status"] != "SYNTHETIC"
        and h["latest"]["value"] is not None
    ]


def test_the_currency_rule_reads_the_products_periods():
    assert _current("2023") and _current("2023/24") and _current("2025-Q2")
    assert _current("2019-2023") and _current("2023-Q1")
    assert not _current("2022/23") and not _current("2022") and not _current("2018-2022")


def test_every_adp_profile_shows_five_current_indicators(data):
    adps = data.geo.of_type(reporting_type(scotland()))
    assert adps
    short = {
        adp.name: ids for adp in adps if len(ids := _current_indicators(data, adp.code)) < AT_LEAST
    }
    assert not short, f"ADPs with fewer than {AT_LEAST} current indicators: {short}"
