"""`missionmonitor update`: a release downloaded from a web server on 127.0.0.1, as a new
edition, a revised edition, an unchanged file and a broken one; without network, nothing."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from missionmonitor.cli.app import app
from missionmonitor.connectors.http import Http
from missionmonitor.data import shipped_file
from missionmonitor.datasets.declaration import get_declaration
from missionmonitor.errors import DownloadError, ValidationError
from missionmonitor.services.update import update_dataset
from tests.helpers import scotland

DATASET = "drd_scotland_annual"


@pytest.fixture
def server(tmp_path):
    """A web server over a folder; yields (folder, base address)."""
    folder = tmp_path / "site"
    folder.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *a: None  # type: ignore[attr-defined]
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def _original() -> bytes:
    return shipped_file(scotland(), get_declaration(scotland(), DATASET).file).read_bytes()


def test_a_new_edition_adds_its_periods(store_copy, server):
    folder, base = server
    lines = _original().splitlines(keepends=True)
    extra = lines[-1].replace(b"2024,", b"2025,", 1)
    (folder / "drd.csv").write_bytes(b"".join(lines) + extra)
    report = update_dataset(
        scotland(), store_copy, DATASET, f"{base}/drd.csv", vintage="UPDATE_TEST_2025"
    )
    assert not report.load.already_loaded
    assert report.new_periods == ["2025"] and report.revised == []


def test_a_revised_edition_lists_old_and_new_values_and_an_unchanged_file_changes_nothing(
    store_copy, server
):
    folder, base = server
    (folder / "drd.csv").write_bytes(_original().replace(b"1996,244,", b"1996,245,"))
    report = update_dataset(
        scotland(), store_copy, DATASET, f"{base}/drd.csv", vintage="UPDATE_TEST_REV"
    )
    assert ("S92000003", "1996", 244.0, 245.0) in [r[1:] for r in report.revised]
    assert report.new_periods == []
    before = store_copy.read_bytes()
    again = update_dataset(
        scotland(), store_copy, DATASET, f"{base}/drd.csv", vintage="UPDATE_TEST_REV"
    )
    assert again.load.already_loaded and store_copy.read_bytes() == before


def test_a_broken_file_is_refused_and_nothing_changes(store_copy, server):
    folder, base = server
    (folder / "drd.csv").write_bytes(_original().replace(b"1996,244,", b"1996,-1,"))
    before = store_copy.read_bytes()
    with pytest.raises(ValidationError, match="nothing was loaded"):
        update_dataset(
            scotland(), store_copy, DATASET, f"{base}/drd.csv", vintage="UPDATE_TEST_BAD"
        )
    assert store_copy.read_bytes() == before


def test_no_network_or_not_a_csv_changes_nothing(store_copy, server):
    folder, base = server
    (folder / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 32)
    before = store_copy.read_bytes()
    with pytest.raises(DownloadError, match="not a CSV"):
        update_dataset(scotland(), store_copy, DATASET, f"{base}/picture.png")
    with pytest.raises(DownloadError, match="404"):
        update_dataset(scotland(), store_copy, DATASET, f"{base}/missing.csv")
    with pytest.raises(DownloadError, match="no network"):
        update_dataset(
            scotland(), store_copy, DATASET, "http://127.0.0.1:9/drd.csv", http=Http(retries=0)
        )
    assert store_copy.read_bytes() == before


def test_the_command_says_what_changed(store_copy, server):
    folder, base = server
    (folder / "drd.csv").write_bytes(_original().replace(b"1996,244,", b"1996,246,"))
    args = [
        "--store",
        str(store_copy),
        "update",
        DATASET,
        "--url",
        f"{base}/drd.csv",
        "--vintage",
        "UPDATE_CLI",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Revised figures:" in result.output and "244 → 246" in result.output.replace(".00", "")
    missing = CliRunner().invoke(
        app,
        [
            "--store",
            str(store_copy),
            "update",
            DATASET,
            "--url",
            "http://127.0.0.1:9/x.csv",
            "--retries",
            "0",
        ],
    )
    assert missing.exit_code == 19 and "nothing changed" in missing.output.lower()


def test_a_dataset_without_a_release_address_says_so(store_copy):
    from missionmonitor.errors import NotFoundError

    with pytest.raises(NotFoundError, match="--url") as refused:
        update_dataset(scotland(), store_copy, DATASET)
    assert Path(store_copy).exists()
    # It names where the publishers release new editions, for a person to fetch and convert.
    for page in get_declaration(scotland(), DATASET).releases:
        assert page.url in str(refused.value)


def test_every_published_dataset_names_where_new_editions_appear():
    from missionmonitor.datasets.declaration import load_declarations

    for decl in load_declarations(scotland()).values():
        made_here = not decl.shipped or decl.name == "adp_returns"
        if made_here or decl.frequency == "fixed":
            assert decl.releases == (), decl.name
        else:
            assert decl.releases and all(r.url.startswith("https://") for r in decl.releases), (
                decl.name
            )
