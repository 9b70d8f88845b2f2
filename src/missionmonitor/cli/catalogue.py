"""``missionmonitor indicators``: browse the indicator catalogue."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from missionmonitor.cli.common import configured, out, reported

app = typer.Typer(help="Browse the indicator catalogue.", no_args_is_help=True)


@app.command("list")
def list_indicators(
    ctx: typer.Context,
    outcome: Annotated[
        str | None, typer.Option(help="Only this outcome id (1-6 or a priority).")
    ] = None,
) -> None:
    """List indicators. Example: [bold]missionmonitor indicators list --outcome 2[/]"""
    from missionmonitor.indicators.catalogue import load_catalogue, load_outcomes

    configuration = configured(ctx)
    outcomes = load_outcomes(configuration)
    table = Table(title="Indicators")
    for col in ("Id", "Title", "Outcome", "Geography", "Period", "Status"):
        table.add_column(col)
    for ind in load_catalogue(configuration).values():
        if outcome and ind.outcome != outcome:
            continue
        table.add_row(
            ind.id,
            ind.title,
            f"{ind.outcome}. {outcomes[ind.outcome].title}",
            ", ".join(ind.geography),
            ind.period_type,
            ind.status,
        )
    out.print(table)


@app.command("show")
def show(
    ctx: typer.Context, indicator_id: Annotated[str, typer.Argument(help="Indicator id.")]
) -> None:
    """Show an indicator's definition.

    Example: [bold]missionmonitor indicators show ost_people[/]
    """
    from missionmonitor.indicators.catalogue import get_indicator, load_outcomes

    configuration = configured(ctx)
    with reported():
        ind = get_indicator(configuration, indicator_id)
    outcome = load_outcomes(configuration)[ind.outcome]
    out.print(f"[bold]{ind.title}[/] ({ind.id})")
    out.print(f"Outcome: {outcome.id}. {outcome.title}")
    for label, text in (
        ("Definition", ind.definition),
        ("Rationale", ind.rationale),
        ("Numerator", ind.numerator),
        ("Denominator", ind.denominator or "—"),
        ("Method", ind.method.kind),
        ("Interval", ind.ci_method or "—"),
        ("Unit", ind.unit),
        ("Polarity", ind.polarity.replace("_", " ")),
        ("Geography", ", ".join(ind.geography)),
        ("Period", ind.period_type),
        ("Status", ind.status),
        ("Sources", ", ".join(ind.sources)),
        (
            "Disclosure",
            f"counts 1-{ind.disclosure.threshold} suppressed"
            if ind.disclosure.threshold
            else "no primary suppression",
        ),
    ):
        out.print(f"[bold]{label}:[/] {text.strip()}", highlight=False)
    out.print("[bold]Definition versions:[/]")
    for v in ind.definition_versions:
        brk = (
            ""
            if v.comparable_with_previous
            else f" — SERIES BREAK: {(v.break_reason or '').strip()}"
        )
        out.print(f"  v{v.version} from {v.effective_from}: {v.label}{brk}", highlight=False)
    for c in ind.caveats:
        out.print(f"[bold]Caveat:[/] {c.strip()}", highlight=False)
