"""The disclosure audit catches each route by which a hidden count comes back, on crafted
results, and finds nothing in what the product publishes."""

from __future__ import annotations

import pandas as pd
from typer.testing import CliRunner

from missionmonitor import config
from missionmonitor.cli.app import app
from missionmonitor.indicators.catalogue import load_catalogue
from missionmonitor.refdata.geography import Geography
from missionmonitor.services.disclosure_audit import audit_results
from tests.helpers import scotland

CATALOGUE = load_catalogue(scotland())
GEO = Geography.of(config.load(None))


def rows(indicator: str, *cells: tuple[str, str, float | None]) -> list[dict]:
    """(area, period, numerator or None for suppressed) → results rows."""
    return [
        {
            "indicator_id": indicator,
            "area_code": a,
            "period": p,
            "numerator": n,
            "denominator": None,
            "suppressed": n is None,
        }
        for a, p, n in cells
    ]


def routes(*groups: list[dict]) -> set[tuple[str, str, str]]:
    table = pd.DataFrame([r for g in groups for r in g])
    return {(f.route, f.area_code, f.period) for f in audit_results(table, CATALOGUE, GEO)}


def test_a_small_published_count_is_found():
    found = routes(rows("drd_easr", ("S12000013", "2019", 5.0), ("S12000033", "2019", 40.0)))
    assert found == {("small-count", "S12000013", "2019")}


def test_a_hidden_area_given_back_by_its_parent_total_is_found():
    # NHS Lanarkshire is North and South Lanarkshire: hiding one part alone hides nothing.
    lanarkshire = rows(
        "drd_easr",
        ("S08000032", "2019", 100.0),
        ("S12000050", "2019", None),
        ("S12000029", "2019", 60.0),
    )
    assert ("parent-total", "S12000050", "2019") in routes(lanarkshire)
    both_hidden = rows(
        "drd_easr",
        ("S08000032", "2019", 100.0),
        ("S12000050", "2019", None),
        ("S12000029", "2019", None),
    )
    assert not {r for r in routes(both_hidden) if r[0] == "parent-total"}


def test_a_count_hidden_in_one_indicator_but_shown_in_another_is_found():
    found = routes(
        rows("drd_easr_5yr", ("S12000014", "2006-2010", None)),
        rows("drd_rate_per_1000_5yr", ("S12000014", "2006-2010", 12.0)),
    )
    assert found == {("shared-numerator", "S12000014", "2006-2010")}


def test_a_year_given_back_by_overlapping_windows_is_found():
    years = rows("drd_deaths", ("S92000003", "2015", 600.0), ("S92000003", "2020", None))
    windows = rows(
        "drd_deaths_5yr_average",
        ("S92000003", "2015-2019", 800.0),
        ("S92000003", "2016-2020", 900.0),
    )
    found = routes(years, windows)
    assert ("overlapping-windows", "S92000003", "2020") in found
    years[1]["suppressed"], years[1]["numerator"] = False, 1100.0
    assert not routes(years, windows)


def test_nothing_published_is_disclosive(built_store_path):
    """Every shipped dataset (tests/ost adds the SYNTHETIC OST records)."""
    result = CliRunner().invoke(app, ["--store", str(built_store_path), "disclosure", "audit"])
    assert result.exit_code == 0, result.output
    assert "No disclosive figure found" in result.output
