"""``missionmonitor forms``: the return forms, their versions and their data burden."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from missionmonitor.cli.common import out, reported
from missionmonitor.returns.burden import burden
from missionmonitor.returns.forms import get_form, load_forms

app = typer.Typer(help="Return forms and their data burden.", no_args_is_help=True)


@app.command("list")
def list_forms() -> None:
    """Every return form and version.

    Example: [bold]missionmonitor forms list[/]
    """
    with reported():
        forms = load_forms()
    table = Table(title="Return forms")
    for col in ("Form", "Version", "Title", "Period", "From", "Questions"):
        table.add_column(col)
    for (fid, version), f in sorted(forms.items()):
        table.add_row(
            fid, str(version), f.title, f.period_type, f.effective_from, str(len(f.questions))
        )
    out.print(table)


@app.command("show")
def show(
    form_id: str, version: Annotated[int | None, typer.Option(help="Default: latest.")] = None
) -> None:
    """A form's sections, questions, rules and what changed from the version before.

    Example: [bold]missionmonitor forms show rehab_quarterly --version 2[/]
    """
    with reported():
        f = get_form(form_id, version)
    out.print(f"[bold]{f.title}[/] ({f.id} v{f.version}, {f.period_type}, from {f.effective_from})")
    for s in f.sections:
        out.print(f"\n[bold]{s.title}[/]")
        for q in s.questions:
            uses = ", ".join(q.used_by) or "[red]nothing uses this[/]"
            out.print(
                f"  {q.id} ({q.type}{', optional' if not q.required else ''}): "
                f"{q.label} — used by {uses}"
            )
    for r in f.rules:
        out.print(f"Rule {r.id} ({r.importance}): {r.check}")
    if f.mapping:
        m = f.mapping
        out.print(
            f"Compared with v{m.previous}: comparable {', '.join(m.comparable)}; renamed "
            + (", ".join(f"{a} → {b}" for a, b in m.renamed.items()) or "none")
            + (f". {m.note}" if m.note else "")
        )


@app.command("burden")
def burden_command() -> None:
    """Items asked of each ADP a year by each form, and items nothing uses.

    Example: [bold]missionmonitor forms burden[/]
    """
    with reported():
        rows = burden()
    table = Table(title="Data burden per ADP per year (latest versions)")
    for col in ("Form", "Returns a year", "Questions", "Items a year", "Used by nothing"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            f"{r['form']} v{r['version']}",
            str(r["returns_per_year"]),
            str(r["questions"]),
            str(r["items_per_adp_per_year"]),
            ", ".join(r["unused"]) or "—",
        )
    out.print(table)
    total = sum(r["items_per_adp_per_year"] for r in rows)
    out.print(f"In all: {total} items a year from each ADP.")
