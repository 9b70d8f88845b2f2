"""Directly standardised rates: PHEIM testdata_DSR_ISR vectors (methods.md §2)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from missionmonitor.errors import MethodInputError
from missionmonitor.methods.dsr import ESP2013_19, directly_standardised_rate

BIG_COUNTS = [127, 25, 18, 21, 12, 27, 48, 27, 29, 32, 32, 34, 45, 65, 38, 68, 74, 82, 91]
BIG_POPS = [636, 558, 609, 543, 384, 594, 669, 843, 660, 576, 606, 522, 426, 273, 300, 288, 153,
            123, 207]  # fmt: skip


def test_esp2013_sums_to_100000():
    assert sum(ESP2013_19) == 100_000
    assert len(ESP2013_19) == 19


def test_big_area_95_and_998():
    r95 = directly_standardised_rate(BIG_COUNTS, BIG_POPS, ESP2013_19)
    r998 = directly_standardised_rate(BIG_COUNTS, BIG_POPS, ESP2013_19, confidence=0.998)
    assert r95.total_count == 895
    assert r95.value == pytest.approx(10430.247991, abs=1e-6)
    assert r95.lower == pytest.approx(9717.709068, abs=1e-6)
    assert r95.upper == pytest.approx(11178.940915, abs=1e-6)
    assert r998.lower == pytest.approx(9323.287880, abs=1e-6)
    assert r998.upper == pytest.approx(11620.596000, abs=1e-6)


def test_scotpho_convention_on_big_area():
    r = directly_standardised_rate(BIG_COUNTS, BIG_POPS, ESP2013_19, convention="scotpho")
    assert r.value == pytest.approx(10430.247991, abs=1e-6)
    assert r.lower == pytest.approx(9717.696337, abs=1e-6)
    assert r.upper == pytest.approx(11178.954817, abs=1e-6)


def test_pheim_suppresses_fewer_than_ten_events():
    counts = [1] * 9 + [0] * 10
    r = directly_standardised_rate(counts, [100] * 19, ESP2013_19)
    assert np.isnan(r.value) and np.isnan(r.lower) and np.isnan(r.upper)
    assert r.note == "dsr NA for total count < 10"


def test_scotpho_does_not_suppress_and_tolerates_zero_population():
    counts = [1] * 9 + [0] * 10
    pops = [100] * 18 + [0]
    r = directly_standardised_rate(counts, pops, ESP2013_19, convention="scotpho")
    assert r.value > 0 and r.lower >= 0


def test_age_sex_standardisation_uses_200000():
    weights = list(ESP2013_19) * 2
    counts = BIG_COUNTS * 2
    pops = BIG_POPS * 2
    both = directly_standardised_rate(
        counts, pops, weights, convention="scotpho", standard_total=200_000
    )
    single = directly_standardised_rate(BIG_COUNTS, BIG_POPS, ESP2013_19, convention="scotpho")
    assert both.value == pytest.approx(single.value)


def test_pheim_rejects_zero_population():
    with pytest.raises(MethodInputError):
        directly_standardised_rate([10] * 19, [0] + [10] * 18, ESP2013_19)


@given(st.lists(st.integers(0, 500), min_size=19, max_size=19), st.integers(1000, 100_000))
def test_interval_contains_estimate(counts, pop):
    r = directly_standardised_rate(counts, [pop] * 19, ESP2013_19)
    if sum(counts) >= 10:
        assert r.lower <= r.value <= r.upper


def test_esp2013_constant_matches_the_shipped_standard_population():
    import csv

    from missionmonitor.data import shipped_file

    rows = list(csv.DictReader(shipped_file("esp2013.csv").open()))
    shipped = [int(r["weight"]) for r in rows if r["grouping"] == "scotpho_19_bands"]
    assert tuple(shipped) == ESP2013_19
    eurostat = [int(r["weight"]) for r in rows if r["grouping"] == "eurostat_21_bands"]
    assert sum(eurostat) == 100_000
    assert eurostat[0] + eurostat[1] == ESP2013_19[0]  # 0 and 1-4 make 0-4
    assert eurostat[-2] + eurostat[-1] == ESP2013_19[-1]  # 90-94 and 95+ make 90+
