"""Versioned geography and populations aggregated to every level."""

from __future__ import annotations

import datetime as dt

import pytest

from missionmonitor.errors import NotFoundError
from missionmonitor.refdata.geography import national_code
from tests.helpers import scotland


def test_area_counts(geo):
    counts = {
        t: len(geo.of_type(t))
        for t in ("council", "hscp", "adp", "health_board", "police_division", "scotland")
    }
    assert counts == {
        "council": 32,
        "hscp": 31,
        "adp": 30,
        "health_board": 14,
        "police_division": 13,
        "scotland": 1,
    }


def test_adps_spanning_councils(geo):
    assert geo.councils_in("S11000051") == ["S12000010", "S12000019"]  # Mid & East Lothian
    assert geo.councils_in("S11000052") == ["S12000029", "S12000050"]  # Lanarkshire
    assert geo.councils_in("S37000005") == ["S12000005", "S12000030"]  # Clacks & Stirling HSCP


def test_both_adp_lists_are_held_the_30_codes_and_phss_31_names(geo):
    names = geo.other_names["adp"]
    assert len(names) == 31 and len(geo.of_type("adp")) == 30
    # Every council is in exactly one named ADP, as in exactly one coded ADP.
    councils = [c for cs in names.values() for c in cs]
    assert sorted(councils) == sorted(a.code for a in geo.of_type("council"))
    assert names["North Lanarkshire ADP"] == {"S12000050"}
    assert geo.national().code == national_code(scotland())


def test_lookups_up_and_down(geo):
    up = {a.type: a.code for a in geo.parents("S12000019")}
    assert up == {
        "hscp": "S37000018",
        "adp": "S11000051",
        "health_board": "S08000024",
        "police_division": "S32000012",
        "scotland": national_code(geo.configuration),
    }
    assert [a.code for a in geo.children("S08000024", "adp")] == [
        "S11000012",
        "S11000051",
        "S11000031",
    ]
    assert len(geo.children(national_code(geo.configuration), "council")) == 32
    # A two-council HSCP is not wholly inside either of its councils' ADPs.
    assert "adp" not in {a.type for a in geo.parents("S37000005")}


def test_previous_codes_resolve_to_their_successor(geo):
    old = geo.area("S12000046")
    assert old.successor == "S12000049" and not old.current
    assert old.valid_to == dt.date(2019, 4, 1)
    assert geo.resolve("S08000021") == "S08000031"
    assert geo.parent("S12000046", "health_board").code == "S08000031"


def test_memberships_carry_validity(geo):
    m = geo.memberships[0]
    assert m.valid_from == dt.date(2019, 4, 1) and m.valid_to is None
    assert not geo.councils_in("S11000051", on=dt.date(2010, 1, 1))


def test_unknown_code(geo):
    with pytest.raises(NotFoundError):
        geo.area("S12999999")


def test_council_populations_add_up_to_scotland(store):
    rows = store.query("""
        SELECT year, sex, age_band,
               sum(population) FILTER (WHERE area_type = 'council'),
               sum(population) FILTER (WHERE area_type = 'scotland'),
               sum(population) FILTER (WHERE area_type = 'health_board'),
               sum(population) FILTER (WHERE area_type = 'adp')
        FROM population GROUP BY ALL""")
    # 2006-2019 from the population file: years × sexes × (20 age bands + all ages); mid-2022
    # from the publisher's workbook: everyone, all ages.
    assert len(rows) == 14 * 3 * 21 + 1
    assert [r[:3] for r in rows if r[0] == 2022] == [(2022, "All", "All ages")]
    for _year, _sex, _band, councils, national, boards, adps in rows:
        assert councils == national == boards == adps


def test_age_bands_sum_to_all_ages(store):
    bad = store.query("""
        SELECT year, area_code, sex FROM population GROUP BY ALL
        HAVING sum(population) FILTER (WHERE age_band <> 'All ages')
            <> sum(population) FILTER (WHERE age_band = 'All ages')""")
    assert bad == []


def test_scotpho_denominators_are_means_of_shipped_populations(store):
    # SOURCES.md: ScotPHO's 2015-2019 Scotland denominator equals the mean of the estimates.
    (mean,) = store.query("""
        SELECT avg(population) FROM population WHERE area_code = 'S92000003'
        AND sex = 'All' AND age_band = 'All ages' AND year BETWEEN 2015 AND 2019""")[0]
    assert mean == 5_420_780
    (published,) = store.query("""
        SELECT value FROM observations WHERE measure = 'population_5yr_average'
        AND area_code = 'S92000003' AND period = '2015-2019'""")[0]
    assert published == mean
