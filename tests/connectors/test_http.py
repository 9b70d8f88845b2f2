"""Fetching over HTTP: retried when the server is busy, refused when cut short, too large
or unreachable, with progress as the bytes arrive."""

from __future__ import annotations

from pathlib import Path

import pytest

from missionmonitor.connectors.http import Http
from missionmonitor.errors import DownloadError
from tests.connectors.publisher_server import XLSX, PublisherSite

WORKBOOK = (
    Path(__file__).parents[1] / "fixtures/publisher/SuspectedDRDs_OctDec2023.xlsx"
).read_bytes()
PATH = "/media/suspected-drug-deaths-oct-dec-2023.xlsx"


def test_a_file_arrives_whole_with_progress(publisher_site: PublisherSite):
    publisher_site.files[PATH] = (WORKBOOK, XLSX)
    seen: list[tuple[int, int | None]] = []
    answer = Http().get(
        publisher_site.base + PATH, progress=lambda got, total: seen.append((got, total))
    )
    assert answer.content == WORKBOOK and answer.content_type == XLSX
    assert seen[-1] == (len(WORKBOOK), len(WORKBOOK))
    assert [got for got, _ in seen] == sorted(got for got, _ in seen)


def test_a_busy_server_is_asked_again_with_growing_waits_up_to_a_bound(
    publisher_site: PublisherSite,
):
    publisher_site.files[PATH] = (WORKBOOK, XLSX)
    publisher_site.busy[PATH] = 2
    waits: list[float] = []
    http = Http(retries=3, backoff=0.5, sleep=waits.append)
    assert http.get(publisher_site.base + PATH).content == WORKBOOK
    assert waits == [0.5, 1.0]
    publisher_site.busy[PATH] = 5
    waits.clear()
    with pytest.raises(DownloadError, match="503"):
        Http(retries=3, backoff=4, max_wait=6, sleep=waits.append).get(publisher_site.base + PATH)
    assert waits == [4, 6, 6]


def test_a_download_cut_short_is_refused(publisher_site: PublisherSite):
    publisher_site.files[PATH] = (WORKBOOK, XLSX)
    publisher_site.short.add(PATH)
    waits: list[float] = []
    with pytest.raises(DownloadError, match="cut short") as refused:
        Http(retries=1, sleep=waits.append).get(publisher_site.base + PATH)
    assert f"{len(WORKBOOK):,} of {len(WORKBOOK) + 100:,} bytes" in str(refused.value)
    assert len(waits) == 1  # tried again once before refusing


def test_a_file_over_the_limit_is_refused(publisher_site: PublisherSite):
    publisher_site.files[PATH] = (WORKBOOK, XLSX)
    with pytest.raises(DownloadError, match="over the 1,000-byte limit"):
        Http(max_bytes=1000).get(publisher_site.base + PATH)


def test_a_missing_file_is_not_asked_again(publisher_site: PublisherSite):
    waits: list[float] = []
    with pytest.raises(DownloadError, match="404"):
        Http(sleep=waits.append).get(publisher_site.base + "/media/gone.xlsx")
    assert waits == []


def test_no_network_says_nothing_changed():
    waits: list[float] = []
    with pytest.raises(DownloadError, match="no network\\? Nothing changed"):
        Http(retries=2, sleep=waits.append).get("http://127.0.0.1:9/x.csv")
    assert len(waits) == 2
