"""Update datasets from where their publishers release them: fetch, read, check, validate,
load as a new edition, recompute, and say what changed.

A dataset whose declaration has a ``source:`` block is fetched and read through its
platform's connector (``connectors.registry``): its rows, in the dataset's own layout, go
through the same validated all-or-nothing load as ``missionmonitor load``, as a new edition
labelled from the publisher's edition. ``update_sources`` does this for every such dataset
(or those named) and recomputes once at the end; each dataset is reported unchanged, with
its new periods and revised figures (old → new), or refused (a changed layout, a truncated
download, a file that breaks a rule: nothing of it loaded). A dry run fetches and compares
and loads nothing.

A CSV release (``release: {url: …}``, or an address given) is downloaded as it is
(``update_dataset`` with ``url``). Without network nothing changes and the error says so.

For example::

    reports = update_sources(configuration, Path("var/missionmonitor.duckdb"), dry_run=True)
    [(r.dataset, r.outcome) for r in reports]
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from missionmonitor import config
from missionmonitor.connectors import registry
from missionmonitor.connectors.http import Http
from missionmonitor.data import load_sources
from missionmonitor.datasets.declaration import Declaration, get_declaration, load_declarations
from missionmonitor.datasets.loader import LoadResult, build_observations
from missionmonitor.datasets.reader import ParsedFile, read_and_validate
from missionmonitor.errors import (
    DownloadError,
    LayoutError,
    MissionMonitorError,
    NotFoundError,
    ValidationError,
    VintageConflictError,
)
from missionmonitor.indicators.catalogue import load_catalogue
from missionmonitor.periods import parse_period
from missionmonitor.refdata.geography import Geography
from missionmonitor.services.ingest import load_checked, recompute_all
from missionmonitor.store.connection import Store
from missionmonitor.store.vintages import select_figures

_TEXT_TYPES = ("text/csv", "text/plain", "application/csv", "application/octet-stream")
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")
_KEY = ["measure", "area_code", "period", "sex", "age_group", "breakdown"]
#: What refuses one dataset's update (nothing of it loaded) without stopping the others.
REFUSALS = (DownloadError, LayoutError, ValidationError, VintageConflictError, NotFoundError)

#: (bytes or rows so far, the total if known).
Progress = Callable[[int, int | None], None]
#: (dataset, so far, total if known).
DatasetProgress = Callable[[str, int, int | None], None]


@dataclass
class UpdateReport:
    dataset: str
    url: str
    #: The load; None in a dry run, or when the update was refused.
    load: LoadResult | None = None
    edition: str = ""
    vintage: str = ""
    new_periods: list[str] = field(default_factory=list)
    #: (measure, area, period, old value, new value) for every figure whose value changed.
    revised: list[tuple[str, str, str, float, float]] = field(default_factory=list)
    #: Indicators whose new periods cross a series break, with the break.
    breaks: list[str] = field(default_factory=list)
    #: The same rows as a load already held.
    unchanged: bool = False
    #: The publisher's areas with no code of their own: their rows are held, not figures.
    uncoded: list[str] = field(default_factory=list)
    #: Why nothing was loaded (a changed layout, a truncated download…).
    refused: MissionMonitorError | None = None
    dry_run: bool = False

    @property
    def outcome(self) -> str:
        """``refused``, ``unchanged``, ``changed`` (new periods or revised figures) or
        ``loaded`` (a new edition with the same figures)."""
        if self.refused is not None:
            return "refused"
        if self.unchanged:
            return "unchanged"
        return "changed" if self.new_periods or self.revised else "loaded"


def update_dataset(
    configuration: config.Configuration,
    store_path: Path,
    dataset: str,
    url: str | None = None,
    vintage: str | None = None,
    progress: Progress | None = None,
    *,
    http: Http | None = None,
    dry_run: bool = False,
) -> UpdateReport:
    """Update ``dataset``: from ``url`` (a CSV in the dataset's layout), from its ``source:``
    through its connector, or from its declared CSV ``release``. Errors are raised."""
    decl = get_declaration(configuration, dataset)
    http = http or Http()
    if url is None and decl.source is not None:
        each = (lambda _name, got, total: progress(got, total)) if progress else None
        (report,) = update_sources(
            configuration,
            store_path,
            [dataset],
            http=http,
            progress=each,
            dry_run=dry_run,
            vintage=vintage,
        )
        if report.refused is not None:
            raise report.refused
        return report
    address = url or (decl.release.url if decl.release else None)
    if not address:
        where = "; ".join(f"{r.title}: {r.url}" for r in decl.releases)
        raise NotFoundError(
            f"{dataset} names no file release in its own schema: give one with --url"
            + (f" (the publishers release new editions at {where})" if where else "")
        )
    answer = http.get(address, progress=progress)
    if answer.content_type not in _TEXT_TYPES:
        raise DownloadError(
            f"{address} answered with {answer.content_type}, not a CSV file: nothing changed"
        )
    pinned = decl.release.sha256 if decl.release and not url else None
    geo = Geography.of(configuration)
    with tempfile.TemporaryDirectory(prefix="mm-update-") as folder:
        file = Path(folder) / (Path(address.split("?")[0]).name or "download.csv")
        file.write_bytes(answer.content)
        parsed = read_and_validate(decl, file, geo.codes())
        if pinned and pinned != parsed.sha256:
            raise DownloadError(
                f"{address} has SHA-256 {parsed.sha256}, not the {pinned} its declaration "
                "pins: nothing changed"
            )
        report = UpdateReport(dataset, address, vintage=vintage or "", dry_run=dry_run)
        _apply(report, store_path, parsed, geo, vintage, recompute=True)
    return report


def update_sources(
    configuration: config.Configuration,
    store_path: Path,
    datasets: list[str] | None = None,
    *,
    http: Http | None = None,
    progress: DatasetProgress | None = None,
    dry_run: bool = False,
    vintage: str | None = None,
) -> list[UpdateReport]:
    """Update every dataset with a ``source:`` block (or those named), each all or nothing;
    recompute once at the end if anything was loaded. A dataset refused is reported with
    why, and the others still go ahead."""
    http = http or Http()
    decls = _sourced(configuration, datasets)
    geo = Geography.of(configuration)
    reports: list[UpdateReport] = []
    with tempfile.TemporaryDirectory(prefix="mm-update-") as folder:
        for decl in decls:
            assert decl.source is not None
            report = UpdateReport(decl.name, "", dry_run=dry_run)
            reports.append(report)
            each = (lambda got, total, n=decl.name: progress(n, got, total)) if progress else None
            try:
                release = registry.fetch(decl.source, http, each)
                report.url, report.edition = release.address, release.edition
                frame = registry.read(decl.source, release.content, geo, release.address)
                chosen = vintage or _vintage(decl, release.edition)
                report.vintage = chosen
                labelled = _label_editions(decl, frame, chosen)
                file = Path(folder) / f"{decl.name}_{_slug(release.edition).lower()}.csv"
                frame.to_csv(file, index=False)
                parsed = read_and_validate(decl, file, geo.codes())
                if not labelled and vintage is None:
                    # Rows read from the publisher's file alone: the file identifies the
                    # load, as when the same file is shipped (``dataset_file``).
                    parsed = replace(parsed, sha256=release.sha256)
                _apply(report, store_path, parsed, geo, chosen, recompute=False)
            except REFUSALS as exc:
                report.refused = exc
    if any(r.load is not None and not r.load.already_loaded for r in reports):
        recompute_all(store_path, geo)
    return reports


def _sourced(configuration: config.Configuration, datasets: list[str] | None) -> list[Declaration]:
    if datasets is None:
        return [d for d in load_declarations(configuration).values() if d.source is not None]
    decls = [get_declaration(configuration, name) for name in datasets]
    for decl in decls:
        if decl.source is None:
            raise NotFoundError(f"{decl.name} declares no source: block to update from")
    return decls


def _slug(edition: str) -> str:
    """The edition as a key: a timestamp to the second, any other label whole."""
    text = edition[:19] if _TIMESTAMP.match(edition) else edition
    return re.sub(r"[^0-9A-Za-z]+", "_", text).strip("_").upper() or "UNDATED"


def _vintage(decl: Declaration, edition: str) -> str:
    """The edition's source key: the one the source's ``vintages`` give it, or the
    dataset and the publisher's edition."""
    options = decl.source.options if decl.source else {}
    keys = options.get("vintages")
    if isinstance(keys, dict) and keys.get(edition):
        return str(keys[edition])
    prefix = options.get("vintage_prefix")
    return f"{prefix or decl.name.upper()}_{_slug(edition)}"


def _label_editions(decl: Declaration, frame: pd.DataFrame, chosen: str) -> bool:
    """Write the edition's key into the rows: every row's ``edition_column``, or the rows
    the connector left without a vintage (an edition the source gives no key). Whether
    any row was labelled here, not by the publisher's file."""
    options = decl.source.options if decl.source else {}
    if column := options.get("edition_column"):
        frame[str(column)] = chosen
        return True
    columns = {o.vintage for o in decl.observations if o.vintage and o.vintage in frame}
    labelled = False
    for column in sorted(columns):
        blank = frame[column].isna() | (frame[column].astype(str).str.strip() == "")
        if blank.any():
            frame.loc[blank, column] = chosen
            labelled = True
    return labelled


def _apply(
    report: UpdateReport,
    store_path: Path,
    parsed: ParsedFile,
    geo: Geography,
    vintage: str | None,
    *,
    recompute: bool,
) -> None:
    """Compare the validated rows with the store's figures, then load them (not in a dry
    run). The same rows as a load already held are unchanged."""
    configuration = geo.configuration
    report.unchanged = _held(configuration, store_path, parsed)
    report.uncoded = _uncoded(parsed)
    if not report.unchanged:
        # Each figure as the file itself has it latest (by the rows' own editions).
        incoming = pd.DataFrame(build_observations(load_sources(configuration), parsed, 0))
        incoming = incoming.sort_values(["vintage_rank", "source_row"], kind="stable")
        incoming = incoming.drop_duplicates(_KEY, keep="last")
        before = _figures(configuration, store_path, report.dataset)
        _compare(configuration, report, before, incoming)
    if report.dry_run:
        return
    report.load = load_checked(store_path, parsed, geo, vintage, recompute=recompute)
    report.unchanged = report.load.already_loaded


def _uncoded(parsed: ParsedFile) -> list[str]:
    """Names of the areas whose rows have no area code, where the dataset names its areas."""
    refs = {o.area_code for o in parsed.declaration.observations if not o.area_code.startswith("=")}
    found = {
        str(row.get("area_name") or "")
        for row in parsed.rows
        if any(row.get(ref) is None for ref in refs)
    }
    return sorted(found - {""})


def _held(configuration: config.Configuration, store_path: Path, parsed: ParsedFile) -> bool:
    if not store_path.exists():
        return False
    with Store.open(store_path, configuration, read_only=True) as store:
        if not store.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'loads'"):
            return False
        found = store.query(
            "SELECT 1 FROM loads WHERE dataset = ? AND sha256 = ?",
            [parsed.declaration.name, parsed.sha256],
        )
    return bool(found)


def _figures(configuration: config.Configuration, store_path: Path, dataset: str) -> pd.DataFrame:
    if not store_path.exists():
        return pd.DataFrame(columns=[*_KEY, "value"])
    with Store.open(store_path, configuration, read_only=True) as store:
        return select_figures(store, "dataset = ?", [dataset], columns=", ".join([*_KEY, "value"]))


def _when(period: str) -> tuple[dt.date, str]:
    try:
        return parse_period(period).start, period
    except MissionMonitorError:
        return dt.date.max, period


def _compare(
    configuration: config.Configuration,
    report: UpdateReport,
    before: pd.DataFrame,
    incoming: pd.DataFrame,
) -> None:
    if incoming.empty:
        return
    incoming = incoming[[*_KEY, "value"]].astype({"value": "float64"})
    before = before.astype({"value": "float64"})
    joined = incoming.merge(before, on=_KEY, how="left", suffixes=("", "_before"), indicator=True)
    known = set(before["period"])
    fresh = {p for p in joined.loc[joined["_merge"] == "left_only", "period"] if p not in known}
    report.new_periods = sorted(fresh, key=_when)
    held = joined[joined["_merge"] == "both"]
    changed = held[
        held["value"].notna()
        & held["value_before"].notna()
        & (held["value"] != held["value_before"])
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
