"""`missionmonitor update DATASET`: download a dataset's new release and load it."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

from missionmonitor.cli.common import configured, err, out, reported, store_path

#: Revised figures listed in full before the rest are counted.
SHOWN = 20


def update(
    ctx: typer.Context,
    dataset: Annotated[str, typer.Argument(help="Dataset name (see `datasets list`).")],
    url: Annotated[
        str | None,
        typer.Option(help="Download from here instead of the declaration's release address."),
    ] = None,
    vintage: Annotated[
        str | None,
        typer.Option(help="Edition label for every figure (default: the file's source column)."),
    ] = None,
) -> None:
    """Download a dataset's release, check it, load it as a new edition all-or-nothing,
    recompute, and say what changed: new periods, revised figures (old → new) and series
    breaks. An unchanged file, a broken file or no network changes nothing.

    Example: [bold]missionmonitor update other --url https://example.org/other.csv[/]
    """
    from missionmonitor.formatting import display_value
    from missionmonitor.services.update import update_dataset

    with (
        reported(),
        Progress(
            TextColumn("Downloading"), BarColumn(), DownloadColumn(), console=err, transient=True
        ) as bar,
    ):
        task = bar.add_task("download", total=None)
        report = update_dataset(
            configured(ctx),
            store_path(ctx),
            dataset,
            url,
            vintage,
            lambda got, total: bar.update(task, completed=got, total=total),
        )
    load = report.load
    if load.already_loaded:
        out.print(f"{report.url}: the same file as load {load.load_id}; nothing changed.")
        return
    out.print(
        f"Loaded {load.rows:,} rows ({load.observations:,} figures) from {report.url} as "
        f"load {load.load_id}; editions: {', '.join(load.vintages)}."
    )
    out.print(f"New periods: {', '.join(report.new_periods) or 'none'}.")
    out.print(f"Revised figures: {len(report.revised):,}.")
    for measure, area, period, old, new in report.revised[:SHOWN]:
        out.print(f"  {measure} {area} {period}: {display_value(old, 2)} → {display_value(new, 2)}")
    if len(report.revised) > SHOWN:
        out.print(f"  … and {len(report.revised) - SHOWN:,} more.")
    for note in report.breaks:
        out.print(f"Series break: {note}")
