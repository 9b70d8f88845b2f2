"""``missionmonitor areas``: the geography hierarchy."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from missionmonitor.cli.common import configured, out, reported

app = typer.Typer(help="Areas and the hierarchy they sit in.", no_args_is_help=True)


@app.command("list")
def list_areas(
    ctx: typer.Context,
    area_type: Annotated[
        str | None,
        typer.Option("--type", help="An area type of the configuration (see `areas list`)."),
    ] = None,
) -> None:
    """List current areas. Example: [bold]missionmonitor areas list --type adp[/]"""
    from missionmonitor.refdata.geography import Geography, area_types

    configuration = configured(ctx)
    with reported():
        geo = Geography.of(configuration)
        types = [area_type] if area_type else list(area_types(configuration))
        table = Table(title="Areas")
        for col in ("Code", "Name", "Type", "Councils"):
            table.add_column(col)
        for t in types:
            for a in geo.of_type(t):
                table.add_row(
                    a.code, a.name, geo.types[a.type].label, str(len(geo.councils_in(a.code)))
                )
    out.print(table)


@app.command("show")
def show(
    ctx: typer.Context, code: Annotated[str, typer.Argument(help="Area code (see areas list).")]
) -> None:
    """Show an area and its place in the hierarchy.

    Example: [bold]missionmonitor areas show S11000051[/]
    """
    from missionmonitor.refdata.geography import Geography, area_types

    configuration = configured(ctx)
    with reported():
        geo = Geography.of(configuration)
        area = geo.area(code)
        if area.successor:
            out.print(
                f"{code} is a previous code, replaced by {area.successor} "
                f"({area.valid_to or 'date not recorded'})."
            )
            area = geo.area(area.successor)
        out.print(f"[bold]{area.name}[/] ({area.code}), {geo.types[area.type].label}")
        for p in geo.parents(area.code):
            out.print(f"  within {geo.types[p.type].label}: {p.name} ({p.code})")
        for t in area_types(configuration):
            kids = geo.children(area.code, t) if t != area.type else []
            if kids:
                names = ", ".join(f"{k.name} ({k.code})" for k in kids)
                out.print(f"  contains {geo.types[t].plural}: {names}", highlight=False)
