"""``missionmonitor datasets``: declared datasets and what has been loaded (provenance)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from missionmonitor.cli.common import configured, out, reported, store_path

app = typer.Typer(help="Declared datasets and their loads.", no_args_is_help=True)


@app.command("list")
def list_datasets(ctx: typer.Context) -> None:
    """List declared datasets. Example: [bold]missionmonitor datasets list[/]"""
    from missionmonitor.datasets.declaration import load_declarations

    configuration = configured(ctx)
    table = Table(title="Datasets")
    for col in ("Name", "Title", "Publisher", "Frequency", "Grain"):
        table.add_column(col)
    for d in load_declarations(configuration).values():
        table.add_row(d.name, d.title, d.publisher, d.frequency, ", ".join(d.grain))
    out.print(table)


@app.command("show")
def show(ctx: typer.Context, name: Annotated[str, typer.Argument(help="Dataset name.")]) -> None:
    """Show a dataset's schema and every load of it.

    Example: [bold]missionmonitor datasets show other[/]
    """
    from missionmonitor.datasets.declaration import get_declaration
    from missionmonitor.store.connection import Store

    configuration = configured(ctx)
    with reported():
        decl = get_declaration(configuration, name)
        out.print(f"[bold]{decl.title}[/] ({decl.name}) — {decl.publisher}; {decl.licence}")
        schema = Table(title="Columns")
        for col in ("Column", "Type", "Required", "Rules"):
            schema.add_column(col)
        for cname, c in decl.columns.items():
            rules = []
            if c.min is not None:
                rules.append(f">= {c.min:g}")
            if c.allowed:
                rules.append("one of: " + ", ".join(c.allowed))
            if c.pattern:
                rules.append(f"matches {c.pattern}")
            schema.add_row(cname, c.type, "yes" if c.required else "", "; ".join(rules))
        out.print(schema)
        for r in decl.releases:
            out.print(f"New editions: {r.title} ({r.publisher}): {r.url}")
        with Store.open(store_path(ctx), configuration, read_only=True) as store:
            loads = store.query(
                "SELECT load_id, file_name, sha256, row_count, observation_count, vintages, "
                "loaded_at FROM loads WHERE dataset = ? ORDER BY load_id",
                [name],
            )
        table = Table(title="Loads (provenance)")
        for col in ("Load", "File", "SHA-256", "Rows", "Figures", "Vintages", "Loaded at (UTC)"):
            table.add_column(col)
        for load_id, fname, sha, rows, obs, vint, at in loads:
            table.add_row(
                str(load_id),
                fname,
                sha[:16] + "…",
                f"{rows:,}",
                f"{obs:,}",
                vint.replace(",", ", "),
                f"{at:%Y-%m-%d %H:%M:%S}",
            )
        out.print(table)


@app.command("currency")
def currency(
    ctx: typer.Context,
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Print a Markdown table (as in the user guide).")
    ] = False,
    stale: Annotated[
        bool, typer.Option("--stale", help="Only the datasets behind the publisher's release.")
    ] = False,
) -> None:
    """Each dataset's latest period held against the latest the publisher is known to have
    released (a publication's `latest_released` in the declaration).

    Example: [bold]missionmonitor datasets currency --stale[/]
    """
    from missionmonitor.datasets import currency as currency_of
    from missionmonitor.store.connection import Store

    configuration = configured(ctx)
    with reported():
        with Store.open(store_path(ctx), configuration, read_only=True) as store:
            held = currency_of.held_periods(store)
        rows = currency_of.currency(configuration, held)
    if stale:
        rows = [r for r in rows if r.status == "behind"]
    if markdown:
        print(currency_of.markdown(rows), end="")
        return
    table = Table(title="Data currency")
    for col in (*currency_of.HEADER[:-1], "Publication"):
        table.add_column(col, no_wrap=col == "Dataset")
    for r in rows:
        table.add_row(
            r.dataset,
            r.held or "—",
            r.released or "—",
            r.as_of or "—",
            r.status,
            r.publication or "—",
        )
    out.print(table)
