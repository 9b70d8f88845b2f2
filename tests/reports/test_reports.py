"""Generated reports: every printed number matches the results table, in HTML and in PDF."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from missionmonitor import config
from missionmonitor.cli.app import app
from missionmonitor.errors import NotFoundError
from missionmonitor.formatting import display_percent, display_value
from missionmonitor.methods.poisson import count_change_p_value
from missionmonitor.methods.trend import log_linear_trend
from missionmonitor.reports import adp_profile, annual, mat
from missionmonitor.reports.render import render_html, render_pdf
from missionmonitor.services.site_data import SiteData
from missionmonitor.targets.definitions import load_targets
from tests.helpers import scotland

DOCS = Path(__file__).parents[2] / "docs/reports"
REPORTS = {
    "annual": lambda d: annual.annual(d, "2023/24"),
    "adp": lambda d: adp_profile.adp(d, "S11000051"),
    "mat": lambda d: mat.mat(d, 2022),
}


@pytest.fixture(scope="module")
def data(built_store_path):
    return SiteData.read(scotland(), built_store_path)


@pytest.fixture(scope="module")
def built(data):
    return {name: make(data) for name, make in REPORTS.items()}


@pytest.fixture(scope="module")
def pdfs(built, tmp_path_factory):
    out = {}
    folder = tmp_path_factory.mktemp("pdf")
    for name, report in built.items():
        path = folder / f"{name}.pdf"
        path.write_bytes(render_pdf(scotland(), report))
        out[name] = path
    return out


def _text(pdf: Path) -> str:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return re.sub(r"\s+", " ", text)


def test_tools_are_installed():
    assert shutil.which("pdftotext") and shutil.which("pdftoppm"), "install poppler-utils"


@pytest.mark.parametrize("name", list(REPORTS))
def test_every_number_in_the_sentences_matches_the_results_table(built, data, name):
    facts = built[name]["facts"]
    assert facts
    res = data.results.set_index(["indicator_id", "area_code", "period"])
    for f in facts:
        if f["column"] == "p_value":
            row = res.loc[(f["indicator_id"], f["area_code"], f["period"])]
            prev = data.results[
                (data.results.indicator_id == f["indicator_id"])
                & (data.results.area_code == f["area_code"])
            ]
            prev = prev.sort_values("period_start")
            before = prev[prev.period_start < row["period_start"]].iloc[-1]
            assert f["value"] == pytest.approx(
                count_change_p_value(int(row["value"]), int(before["value"]))
            )
            continue
        if f["column"].startswith("trend_"):
            first, last = f["period"].split("..")
            rows = data.results[
                (data.results.indicator_id == f["indicator_id"])
                & (data.results.area_code == f["area_code"])
            ].sort_values("period_start")
            periods = list(rows["period"])
            fitted = rows.iloc[periods.index(first) : periods.index(last) + 1]
            ind = data.catalogue[f["indicator_id"]]
            population = fitted["denominator"] if ind.has_population else None
            fit = log_linear_trend(fitted["numerator"], population).per_period
            part = f["column"].removeprefix("trend_")
            assert f["value"] == pytest.approx(getattr(fit, part)), f
            continue
        if f["column"] == "target":
            target = next(t for t in load_targets(scotland()) if t.indicator == f["indicator_id"])
            assert f["value"] == target.value and f["shown"] == f"{target.value:,.0f}"
            continue
        stored = float(res.loc[(f["indicator_id"], f["area_code"], f["period"]), f["column"]])
        assert f["value"] == pytest.approx(stored), f
        shown = (
            {display_value(stored, d) for d in range(3)}
            | {display_value(abs(stored), d) for d in range(3)}
            | {display_percent(abs(stored))}
        )
        assert f["shown"] in shown, f


def test_published_headline_sentences(built):
    annual = built["annual"]
    summary = annual["sections"][0]["paragraphs"]
    assert summary[0].startswith(
        "Drug misuse deaths in Scotland, 2023: 1,172 deaths. This is 121 (12%) more than in 2022"
    )
    assert "statistically significant" in summary[0]
    targets = next(s for s in annual["sections"] if s["id"] == "targets")["paragraphs"]
    assert any("29,817 in 2023/24, is 93% of 32,000" in p for p in targets)
    assert any("not published here" in p.lower() for p in targets)  # missing balancing, plainly
    # The balancing indicators as of the report's year end, not the latest quarter held.
    balancing = [p for p in targets if p.startswith("Balancing indicator, access: Drug and")]
    assert len(balancing) == 1 and balancing[0].endswith("in 2023-Q4.")
    beds = next(p for p in targets if p.startswith("Residential rehabilitation beds"))
    assert "No figure is held" in beds and "Approved ADP returns" in beds  # and its source


def test_the_adp_report_gives_the_adps_waiting_times_beside_the_target(built, data):
    section = next(s for s in built["adp"]["sections"] if s["id"] == "target")
    text = " ".join(section["paragraphs"])
    ind = data.catalogue["waits_ongoing_3w_pct"]
    rows = data.results[
        (data.results.indicator_id == ind.id) & (data.results.area_code == "S11000051")
    ].sort_values("period_start")
    assert f"{ind.title}, {display_value(rows.iloc[-1]['value'], ind.decimals)}" in text
    assert "record-level prescribing data" in text  # why the local target is not given


def test_mat_2022_recomputed_from_counts(built):
    text = " ".join(built["mat"]["sections"][0]["paragraphs"])
    assert "25 of 145 assessments" in text
    block = built["mat"]["sections"][0]["blocks"][0]
    assert block["sentence"].startswith(
        "MAT standards 1-5 fully implemented in Scotland, April 2022: 17 percent"
    )


@pytest.mark.parametrize("name", list(REPORTS))
def test_pdf_text_holds_every_printed_number(pdfs, built, name):
    text = _text(pdfs[name])
    for f in built[name]["facts"]:
        assert f["shown"] in text, f
    assert "What is not yet available" in text
    assert re.search(r"Page 2 of \d+", text)  # page numbers


def test_pdf_has_a_contents_page_with_page_numbers(pdfs):
    text = _text(pdfs["annual"])
    assert re.search(r"Contents .*Summary \.+ ?\d+", text)
    assert re.search(r"Sources, editions and methods \.+ ?\d+", text)


@pytest.mark.parametrize("name", list(REPORTS))
def test_first_pages_as_images_for_the_docs(pdfs, name):
    DOCS.mkdir(parents=True, exist_ok=True)
    prefix = DOCS / name
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "2", str(pdfs[name]), str(prefix)],
        check=True,
    )
    pages = sorted(DOCS.glob(f"{name}-*.png"))
    assert len(pages) >= 2 and all(p.stat().st_size > 3_000 for p in pages)


def test_html_is_accessible_in_structure(built):
    html = render_html(scotland(), built["annual"])
    assert html.count("<h1") == 1
    assert '<html lang="en-GB">' in html
    assert "<script" not in html
    assert html.count('role="img" aria-labelledby=') == html.count("<figure")
    assert all(scope in html for scope in ('scope="col"', 'scope="row"'))
    assert html.count("<caption") >= html.count("<figure")
    # Heading levels never skip (h1 → h2 → h3).
    levels = [int(h) for h in re.findall(r"<h([1-6])", html)]
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))


def test_the_annual_report_maps_area_figures_as_published(built, data, pdfs):
    maps = {
        b["id"]: b["map"] for s in built["annual"]["sections"] for b in s["blocks"] if b.get("map")
    }
    assert {k: m["area_type"] for k, m in maps.items()} == {
        "drd_rate_per_1000_5yr": "adp",
        "drd_easr_5yr": "council",
        "drd_easr": "health_board",
        "waits_ongoing_3w_pct": "adp",
        "waits_ongoing_median_days": "adp",
        "drd_deaths_areas": "adp",
        "drd_deaths_male_areas": "adp",
        "drd_deaths_female_areas": "adp",
        "drd_deaths_5yr_average_areas": "adp",
        "drd_asr_5yr_nrs": "adp",
        "drd_rate_per_100k_areas": "adp",
    }
    res = data.results
    for ind, m in maps.items():
        rows = res[
            (res["indicator_id"] == ind)
            & (res["area_type"] == m["area_type"])
            & (res["period"] == m["period"])
        ]
        published = {r.area_code: (None if r.suppressed else r.value) for r in rows.itertuples()}
        # An area with no figure at all (an ADP NRS published no rate for) is drawn blank.
        blank = {a.code: None for a in data.geo.of_type(m["area_type"])}
        assert {a["area_code"]: a["value"] for a in m["areas"]} == {**blank, **published}
        # Suppressed (or, for NRS's rate, not calculated) figures are drawn as missing.
        has_gaps = bool(data.catalogue[ind].disclosure.threshold) or ind == "drd_asr_5yr_nrs"
        assert any(v is None for v in published.values()) == has_gaps
    html = render_html(scotland(), built["annual"])
    drawings = re.findall(r'<svg [^>]*class="mm-map__svg".*?</svg>', html, flags=re.S)
    assert len(drawings) == len(maps)
    assert all('role="img"' in d and "<a " not in d for d in drawings)
    assert _text(pdfs["annual"]).count("Boundaries: Council area boundaries 2023") == len(maps)


def test_the_annual_report_states_treatment_coverage_from_the_prevalence_estimate(built):
    (section,) = [s for s in built["annual"]["sections"] if s["id"] == "surveillance"]
    assert section["paragraphs"][0] == (
        "Treatment coverage, 2022/23: 29,962 people were prescribed opioid substitution "
        "therapy, 69.0% of the estimated 43,400 people with opioid dependence (66.4% to 71.5% "
        "across the estimate's 95% credible interval)."
    )
    noted = {(f["indicator_id"], f["period"]) for f in built["annual"]["facts"]}
    assert {("ost_people", "2022/23"), ("opioid_dependence", "2022/23")} <= noted


def test_suppressed_values_are_reported_as_suppressed(data):
    report = adp_profile.adp(data, "S11000022")  # Orkney: suppressed at source in most periods
    text = " ".join(b["sentence"] for s in report["sections"] for b in s["blocks"])
    assert "suppressed to protect confidentiality" in text
    for f in report["facts"]:
        assert not (isinstance(f["value"], float) and math.isnan(f["value"]))


def test_wrong_inputs_are_refused(data):
    with pytest.raises(NotFoundError, match="financial year"):
        annual.annual(data, "2023")
    with pytest.raises(NotFoundError, match="not an ADP"):
        adp_profile.adp(data, "S12000049")
    with pytest.raises(NotFoundError, match="held"):
        mat.mat(data, 2019)


def test_one_command_each_from_the_cli(built_store_path, tmp_path):
    runner = CliRunner()
    for args, name in (
        (["annual", "--period", "2023/24"], "annual.html"),
        (["adp", "S11000051"], "adp.html"),
        (["mat", "2024"], "mat.html"),
    ):
        out = tmp_path / name
        result = runner.invoke(
            app,
            [
                "--store",
                str(built_store_path),
                "report",
                *args,
                "--format",
                "html",
                "--out",
                str(out),
            ],
        )
        assert result.exit_code == 0, result.output
        assert out.read_text().startswith("<!doctype html>")


def test_reports_are_downloadable_from_the_website(client):
    page = client.get("/reports.json").json()
    assert page["annual"][0]["period"] == "2024/25"
    html = client.get(page["annual"][1]["html"])
    assert html.status_code == 200 and "annual monitoring report 2023/24" in html.text
    assert "attachment" in html.headers["content-disposition"]
    pdf = client.get(page["mat"][-1]["pdf"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get("/reports/adp/S12000049.pdf").status_code == 404
    assert client.get("/reports").status_code == 200


def test_what_is_not_yet_available_follows_what_the_store_holds(store_copy):
    """Each optional dataset loaded in turn changes what the report says it cannot give."""
    from missionmonitor.reports.sections import NOT_YET
    from missionmonitor.services.site_data import SiteData
    from missionmonitor.store.connection import Store
    from missionmonitor.surveillance.early_warning import get_series, scan, store_scan

    before = annual.annual(SiteData.read(scotland(), store_copy), "2023/24")["not_yet"]
    # The waits are held; the measures from prescribing records are not.
    some = NOT_YET["balancing"].split("{missing}")[0].format(title="Substance Use Treatment Target")
    assert NOT_YET["surveillance"] in before and any(s.startswith(some) for s in before)
    counts = pd.DataFrame(
        {
            "area_code": ["S08000015"] * 60,
            "period": [str(d.date()) for d in pd.date_range("2023-01-02", periods=60, freq="7D")],
            "count": [20.0] * 60,
        }
    )
    series = get_series(scotland(), "nonfatal_overdoses")
    with Store.open(store_copy, scotland()) as store:
        store_scan(store, series, counts, scan(counts, series))
    after = annual.annual(SiteData.read(scotland(), store_copy), "2023/24")["not_yet"]
    assert NOT_YET["surveillance"] not in after
    assert any(s.startswith(some) for s in after)  # still no prescribing records
    assert not any("prevalence" in s or "trend" in s for s in after)  # both always shown


def test_the_annual_report_sets_spend_beside_outcomes_as_context(demo_store_copy, tmp_path):
    """On a demonstration with approved SYNTHETIC returns: the funding and rehabilitation
    section says spend is context, not attribution, marks SYNTHETIC figures, and every
    printed number is a results-table value."""
    from missionmonitor.portal.db import connect, session_scope
    from missionmonitor.refdata.geography import Geography
    from missionmonitor.services.demo_returns import demo_accountability
    from missionmonitor.services.ingest import ingest

    engine = connect(f"sqlite:///{tmp_path}/portal.sqlite3")
    with session_scope(engine) as db:
        rows = demo_accountability(db, Geography.of(config.load(None)), dt.date(2025, 6, 1))
    engine.dispose()
    pd.DataFrame(rows).to_csv(tmp_path / "returns.csv", index=False)
    ingest(scotland(), demo_store_copy, "adp_returns", tmp_path / "returns.csv")
    data = SiteData.read(scotland(), demo_store_copy)
    report = annual.annual(data, "2024/25")
    section = next(s for s in report["sections"] if s["id"] == "accountability")
    text = " ".join(section["paragraphs"])
    assert "not as their cause" in text and "(SYNTHETIC)" in text
    assert "against the commitment of 650" in text
    assert section["table"]["rows"] and len(section["table"]["headers"]) >= 3
    res = data.results.set_index(["indicator_id", "area_code", "period"])
    shown = [
        f
        for f in report["facts"]
        if f["indicator_id"].startswith(("funding_", "rr_")) and f["column"] in res.columns
    ]
    assert {f["indicator_id"] for f in shown} >= {"funding_allocation_spent_pct", "rr_beds"}
    # Spend per head needs the population of the year the financial year starts in: with no
    # mid-2024 estimate held there is no 2024/25 figure, and none is made from another year.
    from missionmonitor.indicators.populations import populations

    assert 2024 not in populations(data.geo)
    assert "funding_spend_per_head" not in {f["indicator_id"] for f in shown}
    for f in shown:
        stored = res.loc[(f["indicator_id"], f["area_code"], f["period"]), f["column"]]
        assert f["value"] == pytest.approx(float(stored))
