"""Update a dataset from where its publisher releases it: download, check, validate, load
as a new edition, recompute, and say what changed.

The address comes from the dataset's declaration (``release: {url: …}``) or is given. The
download is streamed with progress, must be text (CSV) and no larger than ``MAX_BYTES``,
and, where the declaration pins a SHA-256, must match it. Then the file goes through the
same all-or-nothing load as ``missionmonitor load``: a broken file changes nothing, and an
unchanged one (the same SHA-256 as a file already loaded) is recognised. Without network
nothing changes and the error says so.

For example::

    report = update_dataset(Path("var/missionmonitor.duckdb"), "other")
    print(report.new_periods, report.revised)
"""

from __future__ import annotations

import hashlib
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from missionmonitor import config
from missionmonitor.datasets.declaration import get_declaration
from missionmonitor.datasets.loader import LoadResult
from missionmonitor.errors import DownloadError, NotFoundError
from missionmonitor.indicators.catalogue import load_catalogue
from missionmonitor.periods import parse_period
from missionmonitor.services.ingest import ingest
from missionmonitor.store.connection import Store
from missionmonitor.store.vintages import select_figures

#: The largest file downloaded (a dataset release is a CSV of at most some megabytes).
MAX_BYTES = 200 * 1024 * 1024
_TEXT_TYPES = ("text/csv", "text/plain", "application/csv", "application/octet-stream")
_KEY = ["measure", "area_code", "period", "sex", "age_group", "breakdown"]

Progress = Callable[[int, int | None], None]  # (bytes so far, total if known)


@dataclass
class UpdateReport:
    dataset: str
    url: str
    load: LoadResult
    new_periods: list[str] = field(default_factory=list)
    #: (measure, area, period, old value, new value) for every figure whose value changed.
    revised: list[tuple[str, str, str, float, float]] = field(default_factory=list)
    #: Indicators whose new periods cross a series break, with the break.
    breaks: list[str] = field(default_factory=list)


def download(
    url: str, into: Path, progress: Progress | None = None, timeout: float = 30
) -> tuple[Path, str]:
    """Stream ``url`` into the folder ``into``; returns (file, SHA-256). DownloadError on
    no network, an HTTP error, a type that is not text, or a file over the limit."""
    name = Path(urllib.parse.urlparse(url).path).name or "download.csv"
    target = into / name
    digest = hashlib.sha256()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            kind = answer.headers.get_content_type()
            if kind not in _TEXT_TYPES:
                raise DownloadError(f"{url} answered with {kind}, not a CSV file: nothing changed")
            total = int(answer.headers.get("Content-Length") or 0) or None
            if total and total > MAX_BYTES:
                raise DownloadError(f"{url} is {total:,} bytes, over the {MAX_BYTES:,} limit")
            got = 0
            with open(target, "wb") as out:
                while chunk := answer.read(64 * 1024):
                    got += len(chunk)
                    if got > MAX_BYTES:
                        raise DownloadError(f"{url} is over the {MAX_BYTES:,}-byte limit")
                    digest.update(chunk)
                    out.write(chunk)
                    if progress:
                        progress(got, total)
    except urllib.error.HTTPError as exc:
        raise DownloadError(f"{url} answered {exc.code} {exc.reason}: nothing changed") from exc
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DownloadError(f"cannot reach {url} ({reason}): no network? Nothing changed") from exc
    return target, digest.hexdigest()


def update_dataset(
    configuration: config.Configuration,
    store_path: Path,
    dataset: str,
    url: str | None = None,
    vintage: str | None = None,
    progress: Progress | None = None,
) -> UpdateReport:
    """Download ``dataset``'s release (or ``url``) and load it as a new edition."""
    decl = get_declaration(configuration, dataset)
    address = url or (decl.release.url if decl.release else None)
    if not address:
        where = "; ".join(f"{r.title}: {r.url}" for r in decl.releases)
        raise NotFoundError(
            f"{dataset} names no file release in its own schema: give one with --url"
            + (f" (the publishers release new editions at {where})" if where else "")
        )
    with tempfile.TemporaryDirectory(prefix="mm-update-") as folder:
        file, sha = download(address, Path(folder), progress)
        pinned = decl.release.sha256 if decl.release and not url else None
        if pinned and pinned != sha:
            raise DownloadError(
                f"{address} has SHA-256 {sha}, not the {pinned} its declaration "
                "pins: nothing changed"
            )
        before = _figures(configuration, store_path, dataset)
        load = ingest(configuration, store_path, dataset, file, vintage)
    report = UpdateReport(dataset, address, load)
    if not load.already_loaded:
        _compare(configuration, report, before, _figures(configuration, store_path, dataset))
    return report


def _figures(configuration: config.Configuration, store_path: Path, dataset: str) -> pd.DataFrame:
    if not store_path.exists():
        return pd.DataFrame(columns=[*_KEY, "value"])
    with Store.open(store_path, configuration, read_only=True) as store:
        return select_figures(store, "dataset = ?", [dataset], columns=", ".join([*_KEY, "value"]))


def _compare(
    configuration: config.Configuration,
    report: UpdateReport,
    before: pd.DataFrame,
    after: pd.DataFrame,
) -> None:
    joined = after.merge(before, on=_KEY, how="left", suffixes=("", "_before"), indicator=True)
    known = set(before["period"])
    fresh = {p for p in joined.loc[joined["_merge"] == "left_only", "period"] if p not in known}
    report.new_periods = sorted(fresh, key=lambda p: parse_period(p).start)
    held = joined[joined["_merge"] == "both"]
    changed = held[
        (held["value"] != held["value_before"])
        & ~(held["value"].isna() & held["value_before"].isna())
    ]
    report.revised = [
        (
            str(r["measure"]),
            str(r["area_code"]),
            str(r["period"]),
            float(r["value_before"]),
            float(r["value"]),
        )
        for r in changed.to_dict("records")
    ]
    for ind in load_catalogue(configuration).values():
        if ind.method.dataset != report.dataset:
            continue
        for v in ind.definition_versions:
            if not v.comparable_with_previous and v.effective_from in report.new_periods:
                report.breaks.append(f"{ind.id}: from {v.effective_from}, {v.label}")
