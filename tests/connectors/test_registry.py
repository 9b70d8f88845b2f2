"""Each platform's connector, imported when asked for; releases fetched by an edition's
address or a SPARQL query when the platform has no API of its own."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import pytest

from missionmonitor.connectors import phs_ckan, registry
from missionmonitor.connectors.http import Http
from missionmonitor.datasets.declaration import Edition, Source
from missionmonitor.errors import DownloadError, NotFoundError
from tests.connectors.publisher_server import XLSX, PublisherSite

FIXTURES = Path(__file__).parents[1] / "fixtures" / "publisher"
WORKBOOK = (FIXTURES / "SuspectedDRDs_OctDec2023.xlsx").read_bytes()
QUICK = Http(retries=0)


def test_a_platform_is_read_by_its_own_module():
    assert registry.connector("phs_ckan") is phs_ckan
    with pytest.raises(NotFoundError, match="unknown platform"):
        registry.connector("spreadsheet")


def test_a_platform_without_its_module_says_so(monkeypatch):
    monkeypatch.setitem(sys.modules, "missionmonitor.connectors.sg_cube", None)
    with pytest.raises(NotFoundError, match="no connector reads the sg_cube platform"):
        registry.connector("sg_cube")


def workbook_source(base: str, sha256: str | None = None) -> Source:
    return Source(
        platform="sg_workbook",
        cadence="quarterly",
        editions=(
            Edition(edition="July to September 2023", url=f"{base}/media/jul-sep-2023.xlsx"),
            Edition(
                edition="October to December 2023",
                url=f"{base}/media/oct-dec-2023.xlsx",
                sha256=sha256,
            ),
        ),
    )


def test_a_workbook_is_fetched_by_its_newest_editions_address(publisher_site: PublisherSite):
    publisher_site.files["/media/oct-dec-2023.xlsx"] = (WORKBOOK, XLSX)
    release = registry.fetch_edition(workbook_source(publisher_site.base), QUICK)
    assert release.content == WORKBOOK and release.edition == "October to December 2023"
    assert publisher_site.requests == ["/media/oct-dec-2023.xlsx"]
    pinned = hashlib.sha256(WORKBOOK).hexdigest()
    assert registry.fetch_edition(workbook_source(publisher_site.base, pinned), QUICK)
    with pytest.raises(DownloadError, match="pins"):
        registry.fetch_edition(workbook_source(publisher_site.base, "0" * 64), QUICK)


def test_a_cube_is_asked_its_query_for_csv(publisher_site: PublisherSite):
    answer = (FIXTURES / "NRSdata_trend.csv").read_bytes()
    query = "SELECT ?year ?deaths WHERE { ?o ?p ?deaths }"
    publisher_site.sparql[query] = answer
    source = Source(
        platform="sg_cube",
        cadence="annual",
        resource="http://statistics.gov.scot/data/example",
        options={"endpoint": f"{publisher_site.base}/sparql", "query": query},
    )
    release = registry.fetch_query(source, QUICK)
    assert release.content == answer and release.edition.startswith("sha256:")
    again = registry.fetch_query(source, QUICK)
    assert again.edition == release.edition
