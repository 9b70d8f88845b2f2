"""``missionmonitor forms``: the return forms, their versions and their data burden."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from missionmonitor.cli.common import configured, out, reported

app = typer.Typer(help="Return forms and their data burden.", no_args_is_help=True)


@app.command("list")
def list_forms(ctx: typer.Context) -> None:
    """Every return form and version.

    Example: [bold]missionmonitor forms list[/]
    """
    from missionmonitor.returns.forms import load_forms

    configuration = configured(ctx)
    with reported():
        forms = load_forms(configuration)
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
    ctx: typer.Context,
    form_id: str,
    version: Annotated[int | None, typer.Option(help="Default: latest.")] = None,
) -> None:
    """A form's sections, questions, rules and what changed from the version before.

    Example: [bold]missionmonitor forms show rehab_quarterly --version 2[/]
    """
    from missionmonitor.returns.forms import get_form

    configuration = configured(ctx)
    with reported():
        f = get_form(configuration, form_id, version)
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
def burden_command(ctx: typer.Context) -> None:
    """Items asked of each ADP a year by each form, and items nothing uses.

    Example: [bold]missionmonitor forms burden[/]
    """
    from missionmonitor.returns.burden import burden

    configuration = configured(ctx)
    with reported():
        rows = burden(configuration)
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


@app.command("template")
def template(
    ctx: typer.Context,
    form_id: str,
    out_file: Annotated[Path, typer.Option("--out", help="File to write (.csv or .xlsx).")],
) -> None:
    """Write the upload template of a form's current version (CSV, or XLSX with a sheet
    explaining every column).

    Example: [bold]missionmonitor forms template rehab_quarterly --out rehab.xlsx[/]
    """
    from missionmonitor.returns.forms import get_form
    from missionmonitor.returns.upload import template_csv, template_xlsx

    configuration = configured(ctx)
    with reported():
        form = get_form(configuration, form_id)
        if form.instrument is not None:  # a record-level return: one row per person and review
            from missionmonitor.wellbeing import records
            from missionmonitor.wellbeing.instrument import current_instrument

            instrument = current_instrument(configuration, form.instrument)
            out_file.write_text(records.template_csv(form, instrument), encoding="utf-8")
        elif out_file.suffix.lower() == ".xlsx":
            out_file.write_bytes(template_xlsx(form))
        else:
            out_file.write_text(template_csv(form), encoding="utf-8")
    out.print(f"Wrote the {form.id} v{form.version} template to {out_file}")


@app.command("check")
def check(
    ctx: typer.Context,
    form_id: str,
    file: Annotated[Path, typer.Argument(help="The filled-in template (.csv or .xlsx).")],
) -> None:
    """Check a filled-in template as an upload would be checked, without keeping anything:
    every problem with its row, column and rule; warnings that will need a comment.

    Example: [bold]missionmonitor forms check rehab_quarterly rehab-2024-Q2.csv[/]
    """
    from missionmonitor.refdata.geography import Geography
    from missionmonitor.returns.forms import get_form
    from missionmonitor.returns.upload import read_upload

    configuration = configured(ctx)
    with reported():
        form = get_form(configuration, form_id)
        if form.instrument is not None:
            from missionmonitor.wellbeing import records
            from missionmonitor.wellbeing.instrument import current_instrument

            instrument = current_instrument(configuration, form.instrument)
            geo, data = Geography.of(configuration), file.read_bytes()
            groups = records.read_records(geo, form, instrument, file.name, data)
            count = sum(len(g) for g in groups.values())
            out.print(f"{file.name}: {count} record(s) pass every check for {form.id}.")
            return
        rows = read_upload(Geography.of(configuration), form, file.name, file.read_bytes())
    out.print(f"{file.name}: {len(rows)} row(s) pass every check for {form.id} v{form.version}.")
    for r in rows:
        for w in r.warnings:
            out.print(f"  row {r.row} ({r.adp_code} {r.period}) warning: {w.message}")
