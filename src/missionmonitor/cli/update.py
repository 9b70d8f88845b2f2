"""`missionmonitor update`: fetch datasets' new releases from their publishers and load them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

from missionmonitor.cli.common import configured, err, out, reported, store_path

if TYPE_CHECKING:
    from missionmonitor.services.update import UpdateReport

#: Revised figures listed in full before the rest are counted.
SHOWN = 20


def update(
    ctx: typer.Context,
    dataset: Annotated[
        str | None, typer.Argument(help="Dataset name (see `datasets list`); or give --all.")
    ] = None,
    every: Annotated[
        bool,
        typer.Option("--all", help="Every dataset whose declaration names its source."),
    ] = False,
    url: Annotated[
        str | None,
        typer.Option(help="Download a CSV in the dataset's layout from here instead."),
    ] = None,
    vintage: Annotated[
        str | None,
        typer.Option(help="Edition label for every figure (default: from the publisher)."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Fetch and compare; load nothing.")
    ] = False,
    retries: Annotated[int, typer.Option(min=0, max=10, help="Tries again per request.")] = 3,
    timeout: Annotated[float, typer.Option(min=1, help="Seconds to wait for an answer.")] = 30,
) -> None:
    """Fetch each dataset's newest release from its publisher (PHS Open Data, NRS and
    Scottish Government workbooks, statistics.gov.scot), read it into the dataset's layout,
    check it, and load it as a new edition all-or-nothing; recompute once; say for each
    dataset whether it is unchanged, its new periods and revised figures (old → new), or why
    it was refused (a changed layout, a truncated download: nothing of it loaded). Without
    network nothing changes.

    Examples: [bold]missionmonitor update --all[/],
    [bold]missionmonitor update --all --dry-run[/],
    [bold]missionmonitor update other --url https://example.org/other.csv[/]
    """
    from missionmonitor.connectors.http import Http
    from missionmonitor.services.update import update_dataset, update_sources

    if every == (dataset is not None):
        err.print("Give one dataset, or --all (not both).")
        raise typer.Exit(2)
    if every and url:
        err.print("--url names one dataset's file: give the dataset, not --all.")
        raise typer.Exit(2)
    http = Http(timeout=timeout, retries=retries)
    with (
        reported(),
        Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=err,
            transient=True,
        ) as bar,
    ):
        tasks: dict[str, TaskID] = {}

        def progress(name: str, got: int, total: int | None) -> None:
            if name not in tasks:
                tasks[name] = bar.add_task(f"Fetching {name}", total=None)
            bar.update(tasks[name], completed=got, total=total)

        if every:
            reports = update_sources(
                configured(ctx), store_path(ctx), http=http, progress=progress, dry_run=dry_run
            )
        else:
            assert dataset is not None
            reports = [
                update_dataset(
                    configured(ctx),
                    store_path(ctx),
                    dataset,
                    url,
                    vintage,
                    lambda got, total: progress(dataset, got, total),
                    http=http,
                    dry_run=dry_run,
                )
            ]
    if every and not reports:
        out.print("No dataset declares a source: block; nothing to update.")
    for report in reports:
        _say(report)
    refused = [r.refused for r in reports if r.refused is not None]
    if refused:
        raise typer.Exit(refused[0].exit_code)


def _say(report: UpdateReport) -> None:
    from missionmonitor.formatting import display_value

    name = f"[bold]{report.dataset}[/]"
    edition = f" (edition {escape(report.edition)})" if report.edition else ""
    if report.refused is not None:
        kind = type(report.refused).__name__
        why = {"LayoutError": "layout changed", "DownloadError": "download failed"}.get(
            kind, "refused"
        )
        out.print(f"{name}: {why}, nothing loaded{edition}: {escape(str(report.refused))}")
        return
    if report.unchanged:
        held = f" as load {report.load.load_id}" if report.load else ""
        out.print(f"{name}: unchanged{edition}: the same figures are already held{held}.")
        return
    if report.load is None:
        out.print(f"{name}: would load a new edition{edition} from {escape(report.url)} (dry run).")
    else:
        load = report.load
        out.print(
            f"{name}: loaded {load.rows:,} rows ({load.observations:,} figures) from "
            f"{escape(report.url)}{edition} as load {load.load_id}; editions: "
            f"{', '.join(load.vintages)}."
        )
    out.print(f"  New periods: {', '.join(report.new_periods) or 'none'}.")
    if report.uncoded:
        held = ", ".join(report.uncoded)
        out.print(f"  Held as rows, not figures (no area code of their own): {escape(held)}.")
    out.print(f"  Revised figures: {len(report.revised):,}.")
    for measure, area, period, old, new in report.revised[:SHOWN]:
        out.print(
            f"    {measure} {area} {period}: {display_value(old, 2)} → {display_value(new, 2)}"
        )
    if len(report.revised) > SHOWN:
        out.print(f"    … and {len(report.revised) - SHOWN:,} more.")
    for note in report.breaks:
        out.print(f"  Series break: {note}")
