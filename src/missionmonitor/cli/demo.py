"""`missionmonitor demo`: build the demonstration and serve it, marked on every page."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from missionmonitor.cli.common import configured, err, out, reported, serve_site, settings


def demo(
    ctx: typer.Context,
    store: Annotated[
        Path, typer.Option(help="The demonstration store (never the store of real figures).")
    ] = Path("var/demo.duckdb"),
    app_db: Annotated[
        str, typer.Option(help="The demonstration's portal database.")
    ] = "sqlite:///var/demo-portal.sqlite3",
    people: Annotated[int, typer.Option(help="People in the generated prescribing records.")] = (
        30_000
    ),
    seed: Annotated[int, typer.Option(help="Random seed.")] = 1,
    serve: Annotated[bool, typer.Option(help="Serve the demonstration when built.")] = True,
    port: Annotated[int | None, typer.Option(help="Port [default: 8000].")] = None,
) -> None:
    """Build a demonstration store with generated (SYNTHETIC) records and serve it: every
    page, download, JSON document and report page says "Demonstration — generated data".

    Example: [bold]missionmonitor demo --port 8001[/]
    """
    from missionmonitor.services.demonstration import STEPS, build_demonstration

    configuration = configured(ctx)
    chosen = settings(ctx).model_copy(update={"store_path": store, "app_database_url": app_db})
    with reported(), Progress(console=err, transient=True) as bar:
        task = bar.add_task("Building the demonstration", total=len(STEPS))

        def step(name: str) -> None:
            bar.update(task, advance=1, description=f"Generating {name}")

        report = build_demonstration(
            configuration,
            store,
            store.parent / "demo-records",
            app_db,
            people=people,
            seed=seed,
            progress=step,
        )
    out.print(
        f"Demonstration store ready at {report.store}: SYNTHETIC records of "
        f"{report.people:,} people, {report.alerts} early-warning alert(s) and "
        f"{report.grades} MAT grades, all generated."
    )
    if serve:
        serve_site(configuration, chosen, None, port)
