"""Area profiles: every indicator held for the area with its latest period and the national
value of that period; every other indicator named with the source that would provide it;
figures computed here say so; the download carries the same."""

from __future__ import annotations

import pandas as pd
import pytest

from missionmonitor.data import load_sources
from missionmonitor.refdata.geography import national_code, reporting_type
from missionmonitor.services.site_data import SiteData
from missionmonitor.views.areas import area
from missionmonitor.views.profiles import DOWNLOAD_COLUMNS, download_rows, profile_rows
from tests.helpers import scotland


@pytest.fixture(scope="module")
def data(built_store_path):
    return SiteData.read(scotland(), built_store_path)


@pytest.fixture(scope="module")
def profiles(data):
    """The profile of Scotland and of every ADP, and of each area a publisher splits."""
    split = {u.within for d in data.datasets.values() for u in d.unmatched_areas}
    codes = {
        national_code(scotland()),
        *split,
        *(a.code for a in data.geo.of_type(reporting_type(scotland()))),
    }
    return {code: area(data, code)["profile"] for code in codes}


def _held_in_store(data: SiteData, code: str) -> dict[str, str]:
    """Each indicator with a result for ``code``, and the period of its latest result."""
    mine = data.results[data.results["area_code"] == code].sort_values("period_start")
    return mine.groupby("indicator_id")["period"].last().to_dict()


def test_every_adp_profile_lists_its_indicators_with_their_latest_period(data, profiles):
    adps = data.geo.of_type(reporting_type(scotland()))
    assert len(adps) == 30
    for adp in adps:
        profile = profiles[adp.code]
        held = {h["id"]: h["latest"]["period"] for h in profile["held"]}
        assert held == _held_in_store(data, adp.code), adp.name
        missing = {m["id"] for m in profile["not_published"]}
        assert not held.keys() & missing
        assert held.keys() | missing == set(data.catalogue)


def test_every_indicator_not_published_names_the_source_that_would_provide_it(data, profiles):
    for adp in data.geo.of_type(reporting_type(scotland())):
        for m in profiles[adp.code]["not_published"]:
            ind = data.catalogue[m["id"]]
            assert [s["dataset"] for s in m["sources"]] == list(ind.sources)
            assert all(s["publisher"] and s["title"] for s in m["sources"])
            assert m["note"]  # the configuration's sentence, filled in
            if reporting_type(scotland()) not in ind.geography:
                assert m["reason"] == "other_area_types"


def test_the_national_value_beside_each_is_of_the_same_period(data, profiles):
    glasgow = next(
        a for a in data.geo.of_type(reporting_type(scotland())) if a.name == "Glasgow City"
    )
    profile = profiles[glasgow.code]
    assert profile["compare"]
    compared = [h for h in profile["held"] if h["national"]]
    assert compared
    for h in compared:
        assert h["national"]["area_code"] == national_code(scotland())
        assert h["national"]["period"] == h["latest"]["period"]
    national = profiles[national_code(scotland())]
    assert not national["compare"]
    assert all(h["national"] is None for h in national["held"])


def test_parts_the_publisher_names_separately_are_said_to_be_missing(data, profiles):
    unmatched = {
        u.within: u for d in data.datasets.values() for u in d.unmatched_areas
    }  # e.g. two ADPs the geography holds as one
    assert unmatched
    for code in unmatched:
        profile = profiles[code]
        said = [m for m in profile["not_published"] if m["reason"] == "unmatched"]
        assert said
        for m in said:
            assert all(name in m["note"] for name in m["unmatched"])
            assert m["id"] not in {h["id"] for h in profile["held"]}


def test_figures_computed_here_say_so_where_they_are_computed(data, profiles):
    codes = [
        national_code(scotland()),
        *[a.code for a in data.geo.of_type(reporting_type(scotland()))],
    ]
    noted = 0
    for code in codes:
        kind = data.geo.area(code).type
        for h in profiles[code]["held"]:
            derived = data.catalogue[h["id"]].derived
            expected = derived.note if derived and derived.applies_to(kind) else None
            assert h["derived"] == expected
            noted += expected is not None
    assert noted


def test_secondary_figures_are_marked(data, profiles):
    sources = load_sources(scotland())
    for code in (
        national_code(scotland()),
        *[a.code for a in data.geo.of_type(reporting_type(scotland()))[:3]],
    ):
        for h in profiles[code]["held"]:
            keys = h["latest"]["vintage"].split(";")
            secondary = any(sources[k].status.startswith("secondary") for k in keys if k in sources)
            assert h["secondary"] is secondary


def test_suppressed_values_stay_suppressed_on_the_profile(data):
    res = data.results.sort_values("period_start")
    latest = res.groupby(["indicator_id", "area_code"]).tail(1)
    hidden = latest[latest["suppressed"]].head(10)
    assert not hidden.empty
    for _, r in hidden.iterrows():
        held = {h["id"]: h for h in area(data, r["area_code"])["profile"]["held"]}
        shown = held[r["indicator_id"]]["latest"]
        assert shown["suppressed"] and shown["value"] is None and shown["display"] == "c"


def test_a_profile_without_wording_still_lists_reasons_and_sources(data):
    adp = data.geo.of_type(reporting_type(scotland()))[0]
    held, missing = profile_rows(data, adp, None, data.datasets, load_sources(scotland()))
    assert missing and all(m["note"] is None and m["reason"] for m in missing)
    table = download_rows(held, missing)
    assert list(table.columns) == list(DOWNLOAD_COLUMNS)
    assert table["held"].tolist() == [True] * len(held) + [False] * len(missing)
    assert (table.loc[~table["held"], "not_published"] != "").all()


def test_the_download_holds_what_the_page_shows(data, profiles):
    adp = data.geo.of_type(reporting_type(scotland()))[0]
    profile = profiles[adp.code]
    table = download_rows(profile["held"], profile["not_published"])
    shown = table[table["held"]]
    assert shown["indicator_id"].tolist() == [h["id"] for h in profile["held"]]
    assert shown["display"].tolist() == [h["latest"]["display"] for h in profile["held"]]
    assert pd.isna(shown["value"]).tolist() == [
        h["latest"]["value"] is None for h in profile["held"]
    ]


def test_the_sentences_come_from_the_configuration(data, profiles):
    wording = scotland().profiles
    assert wording is not None
    lead = wording.other_types.split("{")[0]
    adp = data.geo.of_type(reporting_type(scotland()))[0]
    for m in profiles[adp.code]["not_published"]:
        assert "{" not in m["note"]
        if m["reason"] == "other_area_types":
            assert m["note"].startswith(lead)
            ind = data.catalogue[m["id"]]
            assert all(data.geo.types[t].plural in m["note"] for t in ind.geography)


def test_the_download_names_each_figures_edition_and_resource_as_the_indicator_download(
    client, data
):
    import io

    adp = data.geo.of_type(reporting_type(scotland()))[0]
    profile = pd.read_csv(
        io.BytesIO(client.get(f"/areas/{adp.code}/profile.csv").content), dtype=str
    )
    held = profile[profile["held"] == "True"]
    assert held["edition"].notna().all() and held["edition_title"].notna().all()
    checked = 0
    for ind_id in ("drd_deaths_areas", "waits_ongoing_3w_pct", "drd_rate_per_100k_areas"):
        mine = held[held["indicator_id"] == ind_id]
        if mine.empty:
            continue
        row = mine.iloc[0]
        figures = pd.read_csv(
            io.BytesIO(client.get(f"/indicators/{ind_id}/data.csv?area={adp.code}").content),
            dtype=str,
        )
        same = figures[(figures["view"] == "trend") & (figures["period"] == row["period"])]
        assert len(same) == 1, ind_id
        for column in ("edition_title", "publisher", "edition_address", "platform", "resource"):
            assert str(row[column]) == str(same.iloc[0][column]), (ind_id, column)
        assert row["edition"] == same.iloc[0]["vintage"]
        checked += 1
    assert checked == 3
    resources = {d.source.resource for d in data.datasets.values() if d.source}
    assert any(r in str(v) for r in resources if r for v in held["resource"])
