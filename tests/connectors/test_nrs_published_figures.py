"""The NRS workbooks shipped in the configuration, read through their connector, give every
figure transcribed by hand from the same workbooks in the shared published collection
(``../shared/data/published``), value by value: deaths by year and sex (HB1, C1), 5-year
age-standardised rates with their intervals and deaths (HB4, C4), age-specific rates (HB5,
C5), and mid-2022 populations by sex (Table 1)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest

from missionmonitor.connectors import nrs_workbook
from missionmonitor.data import shipped_file
from missionmonitor.datasets.declaration import get_declaration
from missionmonitor.refdata.geography import Geography
from tests.helpers import scotland

ROOT = Path(__file__).resolve().parents[2]
PUBLISHED = next(
    (
        p / "data" / "published"
        for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared")
        if (p / "data" / "published").is_dir()
    ),
    None,
)
needs_shared = pytest.mark.skipif(
    PUBLISHED is None, reason="the shared published collection is not beside the repository"
)
SEX = {"": "All", "females": "Female", "males": "Male"}


def _transcribed(file: str, workbook: str) -> list[dict[str, str]]:
    assert PUBLISHED is not None
    with (PUBLISHED / file).open(encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh) if f"({workbook})" in r["source_title"]]


def _read(dataset: str, geo: Geography) -> pd.DataFrame:
    decl = get_declaration(scotland(), dataset)
    assert decl.source is not None
    path = shipped_file(scotland(), decl.file)
    return nrs_workbook.read(path.read_bytes(), decl.source, geo, path.name)


def _number(text: str) -> float | None:
    return float(text) if text else None


def _same(got: object, want: float | None) -> bool:
    if want is None:
        return got is None or (isinstance(got, float) and pd.isna(got))
    return got is not None and float(str(got)) == want


@needs_shared
def test_the_shipped_drug_death_workbook_is_the_publishers_file():
    decl = get_declaration(scotland(), "nrs_drug_deaths")
    assert decl.source is not None
    copy = PUBLISHED.parent / "publisher-files" / "nrs" / decl.file  # type: ignore[union-attr]
    assert shipped_file(scotland(), decl.file).read_bytes() == copy.read_bytes()


@needs_shared
def test_every_transcribed_drug_death_figure_is_read(geo):
    rows = _transcribed("nrs_drug_misuse_deaths_areas.csv", "drug-related-deaths-23-data.xlsx")
    assert len(rows) > 3000
    frame = _read("nrs_drug_deaths", geo)
    tables = {t: g for t, g in frame.groupby("table")}
    wrong = []
    for r in rows:
        table = "Table_" + re.search(r"Table (\w+)", r["source_title"])[1]  # type: ignore[index]
        got = tables[table]
        ind = r["indicator"]
        if ind.startswith("Drug misuse deaths registered"):
            sex = SEX[ind.removeprefix("Drug misuse deaths registered").strip(", ")]
            hit = got[(got.area_code == r["area_code"]) & (got.period == r["period"])]
            hit = hit[hit.sex == sex]
            pairs = [("deaths", _number(r["value"]))]
        elif "age-specific" in ind:
            age = re.search(r"ages ([0-9]+-[0-9]+)", ind)[1]  # type: ignore[index]
            hit = got[(got.area_code == r["area_code"]) & (got.age_group == age)]
            hit = hit[hit.period == r["period"]]
            pairs = [("rate", _number(r["value"]))]
        else:
            hit = got[(got.area_code == r["area_code"]) & (got.period == r["period"])]
            ci = re.search(r"95% CI ([0-9]+(?:\.[0-9]+)?) to ([0-9]+(?:\.[0-9]+)?)", r["notes"])
            pairs = [
                ("rate", _number(r["value"])),
                ("deaths", _number(r["numerator"])),
                ("lci", float(ci[1]) if ci else None),
                ("uci", float(ci[2]) if ci else None),
            ]
            if not r["value"]:  # published as [u]: kept as a marker, never as zero
                assert list(hit[["marker", "status"]].iloc[0]) == ["[u]", "not_calculated"]
        assert len(hit) == 1, (table, r["area_name"], r["period"], ind)
        found = hit.iloc[0]
        where = (table, r["area_name"], r["period"])
        wrong += [(*where, c) for c, v in pairs if not _same(found[c], v)]
    assert wrong == []


@needs_shared
def test_every_transcribed_population_figure_is_read(geo):
    rows = _transcribed("nrs_population_estimates_areas.csv", "mid-year-pop-est-22-data.xlsx")
    assert len(rows) == 141
    frame = _read("nrs_population", geo)
    frame = frame[frame.age == "All ages"]
    wrong = []
    for r in rows:
        sex = SEX[r["indicator"].removeprefix("Estimated population, all ages").strip(", ")]
        hit = frame[(frame.area_code == r["area_code"]) & (frame.sex == sex)]
        assert len(hit) == 1 and hit.iloc[0]["period"] == r["period"]
        if int(hit.iloc[0]["population"]) != int(r["value"]):
            wrong.append((r["area_name"], sex))
    assert wrong == []
