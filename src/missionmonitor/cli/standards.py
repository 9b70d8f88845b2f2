"""``missionmonitor standards``: MAT standards rule sets, grading, demo data, summary."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from missionmonitor.cli.common import configured, out, reported, settings

app = typer.Typer(help="MAT standards: grading rules, demo data, summaries.", no_args_is_help=True)


@app.command("grade")
def grade_command(
    ctx: typer.Context,
    process: Annotated[str, typer.Option(help="none, partial or full")],
    numerical: Annotated[str, typer.Option(help="none, partial or full")],
    experiential: Annotated[str, typer.Option(help="none, partial or full")],
    sustained: Annotated[bool, typer.Option("--sustained", help="Sustained, monitored.")] = False,
) -> None:
    """The grade evidence earns under every rule set (the two disagree on provisional green).

    Example:
    [bold]missionmonitor standards grade --process full --numerical partial --experiential none[/]
    """
    from missionmonitor.standards.grading import grade, load_rule_sets

    configuration = configured(ctx)
    with reported():
        levels = {"process": process, "numerical": numerical, "experiential": experiential}
        for rs in load_rule_sets(configuration).rule_sets:
            g = grade(configuration, levels, rs.id, sustained)
            out.print(f"{rs.name}: {g.label} — {g.meaning}")


@app.command("demo")
def demo(
    ctx: typer.Context,
    year: Annotated[int, typer.Option(help="Assessment year.")] = 2024,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 1,
) -> None:
    """Make a SYNTHETIC, moderated demonstration year of grades for every ADP and standard.

    Example: [bold]missionmonitor standards demo --year 2024[/]
    """
    from missionmonitor.portal.db import connect, session_scope
    from missionmonitor.refdata.geography import Geography
    from missionmonitor.standards.workflow import demo_year
    from missionmonitor.store.connection import Store

    configuration = configured(ctx)
    with reported():
        with Store.open(settings(ctx).store_path, configuration, read_only=True) as store:
            store.refuse_generated("a demonstration year of MAT grades")
        with session_scope(connect(settings(ctx).app_database_url)) as db:
            made = demo_year(db, year, seed, geo=Geography.of(configuration))
    out.print(f"Made {made} SYNTHETIC grades for {year}.")


@app.command("summary")
def summary(
    ctx: typer.Context, year: Annotated[int, typer.Option(help="Assessment year.")]
) -> None:
    """The national summary of moderated grades for a year.

    Example: [bold]missionmonitor standards summary --year 2024[/]
    """
    from missionmonitor.portal.db import connect, session_scope
    from missionmonitor.refdata.geography import Geography
    from missionmonitor.standards.grading import national_summary
    from missionmonitor.standards.workflow import assessments, visible

    configuration = configured(ctx)
    with reported(), session_scope(connect(settings(ctx).app_database_url)) as db:
        rows = visible(db, None, year, Geography.of(configuration))
        items = assessments(rows)
    table = Table(title=f"MAT standards {year}: moderated assessments")
    for col in ("Standards", "Assessments", "Fully", "Provisional green", "Partial", "Not"):
        table.add_column(col)
    for s in national_summary(configuration, items):
        table.add_row(
            str(s["standards"]),
            str(s["assessments"]),
            f"{s['fully_implemented']} ({s['fully_implemented_pct']:.0f}%)",
            f"{s['provisional']} ({s['provisional_pct']:.0f}%)",
            f"{s['partial']} ({s['partial_pct']:.0f}%)",
            f"{s['not_implemented']} ({s['not_implemented_pct']:.0f}%)",
        )
    out.print(table)
