"""What of each target is published and what is not: a target held as announced with its
value absent (no progress, no verdict), local targets derived where the publisher's are not
held, and each commitment's figures and source."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from missionmonitor import config
from missionmonitor.errors import DefinitionError
from missionmonitor.services.site_data import SiteData
from missionmonitor.targets.definitions import (
    AbsentTarget,
    get_target,
    load_absent_targets,
    load_targets,
)
from missionmonitor.targets.status import absent_targets, local_basis
from missionmonitor.views.scorecard import scorecard
from tests.helpers import scotland

EXTENSION = "treatment_all_drugs_alcohol"


def test_the_extension_is_held_with_its_value_absent():
    (ext,) = load_absent_targets(scotland())
    assert isinstance(ext, AbsentTarget) and ext.id == EXTENSION and ext.value is None
    assert ext.extends == "ost_32000" and ext.absent and ext.searched
    assert ext.indicator is None and ext.baseline is None  # no measure or baseline published
    assert all(s.url.startswith("https://") and s.quote and s.date for s in ext.statements)
    # It is never a target progress or a verdict is computed from.
    assert EXTENSION not in {t.id for t in load_targets(scotland())}
    with pytest.raises(Exception, match="unknown target"):
        get_target(scotland(), EXTENSION)
    (summary,) = absent_targets(scotland())
    assert summary["status"] == "not published" and summary["value"] is None
    assert "progress" not in summary


def test_no_verdict_comes_from_an_absent_target(built_store_path):
    data = SiteData.read(scotland(), built_store_path)
    rows = scorecard(data, list(data.catalogue.values()))
    assert all(EXTENSION not in r["rule"] for r in rows)


def test_the_targets_page_and_report_state_it_not_published(client, built_store_path):
    from missionmonitor.reports import annual

    page = client.get("/targets.json").json()
    (ext,) = page["absent"]
    assert ext["id"] == EXTENSION and ext["status"] == "not published"
    html = client.get("/targets").text
    assert f'id="target-{EXTENSION}"' in html and ext["searched"][:60] in html
    assert ext["statements"][0]["url"].replace("&", "&amp;") in html
    report = annual.annual(SiteData.read(scotland(), built_store_path), "2023/24")
    targets = next(s for s in report["sections"] if s["id"] == "targets")["paragraphs"]
    assert any(p.startswith(ext["title"]) and "not published" in p for p in targets)
    assert any(p.startswith(ext["title"]) for p in report["not_yet"])


def test_the_local_targets_say_they_are_derived(client):
    ost = get_target(scotland(), "ost_32000")
    basis = local_basis(ost)
    assert basis is not None and basis["basis"] == "derived"
    assert "Annex A" in basis["statement"] and "derived" in basis["statement"]
    page = client.get("/targets.json").json()
    (shown,) = [t for t in page["targets"] if t["id"] == "ost_32000"]
    assert shown["local_targets"] == basis
    assert basis["statement"] in client.get("/targets").text.replace("&#34;", '"')


def test_the_beds_commitment_has_its_source_and_a_baseline_with_its_own():
    beds = get_target(scotland(), "rehab_beds_650")
    assert beds.indicator == "rr_beds" and beds.value == 650 and beds.set_on is None
    assert "annual-monitoring-report-2023-2024" in beds.source
    assert beds.baseline is not None and beds.baseline.value == 418
    assert "residential-rehab-scotland-status-report" in beds.baseline.note


def test_with_no_beds_figure_the_page_says_where_it_would_come_from(client):
    page = client.get("/targets.json").json()
    (beds,) = [t for t in page["targets"] if t["id"] == "rehab_beds_650"]
    assert beds["latest"] is None and beds["progress"] is None
    assert "Approved ADP returns" in beds["latest_note"]


def test_the_accountability_page_names_the_commitments_source(client):
    beds = get_target(scotland(), "rehab_beds_650")
    rehab = client.get("/accountability.json").json()["rehabilitation"]
    assert rehab["commitment"] == beds.value and rehab["commitment_source"] == beds.source.strip()
    assert rehab["commitment_set_on"] is None and rehab["commitment_baseline"]["value"] == 418
    page = client.get("/accountability").text
    assert "annual-monitoring-report-2023-2024" in page and "is not stated in the held" in page


@pytest.fixture
def targets_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "scotland"
    shutil.copytree(config.SCOTLAND, folder)
    return folder


def _edit(folder: Path, change) -> None:  # type: ignore[no-untyped-def]
    file = folder / "targets.yaml"
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    (entry,) = [t for t in data["targets"] if t["id"] == EXTENSION]
    change(entry)
    file.write_text(yaml.safe_dump(data), encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda e: e.update(value=5), "targets[3].value: Input should be None"),
        (lambda e: e.pop("value"), "targets[3].value: Field required"),
        (lambda e: e.update(absent=""), "targets[3].absent: String should have at least 1"),
        (lambda e: e.pop("searched"), "targets[3].searched: Field required"),
        (lambda e: e.update(indicator="nope"), "names an unknown indicator nope"),
        (lambda e: e.update(extends="nope"), "extends an unknown target nope"),
        (lambda e: e["statements"][0].update(url="wired-gov"), "statements[0].url"),
    ],
)
def test_an_absent_target_is_validated(targets_copy, serve, change, message):
    _edit(targets_copy, change)
    with pytest.raises(DefinitionError, match=r"^targets\.yaml: ") as info:
        load_targets(serve(targets_copy))
    assert message in str(info.value)
