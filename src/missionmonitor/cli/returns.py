"""``missionmonitor returns``: where returns stand, and approved returns into the store."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from missionmonitor.cli.common import configured, out, reported, settings

app = typer.Typer(help="ADP returns: completeness and approved data.", no_args_is_help=True)


@app.command("completeness")
def completeness_command(ctx: typer.Context, form_id: str, period: str) -> None:
    """Every ADP's return for a form and period: not started, draft, submitted, approved or
    returned, its due date, and whether it is late.

    Example: [bold]missionmonitor returns completeness rehab_quarterly 2024-Q2[/]
    """
    from missionmonitor.portal.db import connect, session_scope
    from missionmonitor.refdata.geography import Geography
    from missionmonitor.returns.coordination import completeness
    from missionmonitor.returns.forms import adp_form

    configuration = configured(ctx)
    with reported():
        form = adp_form(configuration, form_id)
        with session_scope(connect(settings(ctx).app_database_url)) as db:
            rows = completeness(db, form, period, Geography.of(configuration))
    table = Table(title=f"{form.title}, {period} (due {rows[0]['due'] if rows else '—'})")
    for col in ("ADP", "State", "Versions", "Late"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["adp_name"], r["state"], str(r["versions"]), "late" if r["late"] else "")
    out.print(table)
    done = sum(r["state"] == "approved" for r in rows)
    out.print(f"{done} of {len(rows)} approved; {sum(r['late'] for r in rows)} late.")


@app.command("remind")
def remind(ctx: typer.Context, form_id: str, period: str) -> None:
    """Remind the ADPs whose return for a form and period is late (mail through SMTP when
    MISSIONMONITOR_SMTP_HOST is set, otherwise the messages are logged).

    Example: [bold]missionmonitor returns remind rehab_quarterly 2024-Q2[/]
    """
    from missionmonitor.portal.db import connect, session_scope
    from missionmonitor.portal.notify import send
    from missionmonitor.refdata.geography import Geography
    from missionmonitor.returns.coordination import remind_late
    from missionmonitor.returns.forms import adp_form

    configuration = configured(ctx)
    chosen = settings(ctx)
    with reported():
        form = adp_form(configuration, form_id)
        with session_scope(connect(chosen.app_database_url)) as db:
            told = remind_late(
                db,
                form,
                period,
                Geography.of(configuration),
                lambda to, subject, body: send(chosen, to, subject, body),
            )
    for t in told:
        how = (
            "already reminded today"
            if t["sent"] == "already"
            else "emailed"
            if t["sent"]
            else "logged"
            if t["to"]
            else "no address held"
        )
        out.print(f"{t['adp_code']} ({t['state']}): {how} {', '.join(t['to'])}")
    out.print(f"{len(told)} late return(s).")


@app.command("export-approved")
def export_approved(
    ctx: typer.Context,
    form_id: str,
    out_file: Annotated[Path, typer.Option("--out", help="CSV to write.")],
) -> None:
    """Write the latest approved version of every return of a form as the adp_returns
    dataset, to load with `missionmonitor load adp_returns FILE` (a record-level return,
    such as outcome_reviews, as its measures per ADP and financial year).

    Example: [bold]missionmonitor returns export-approved rehab_quarterly --out adp-returns.csv[/]
    """
    from missionmonitor.portal.db import connect, session_scope
    from missionmonitor.returns.forms import adp_form
    from missionmonitor.services.outcome_reviews import approved_figures

    configuration = configured(ctx)
    with reported():
        adp_form(configuration, form_id)
        with session_scope(connect(settings(ctx).app_database_url)) as db:
            rows = approved_figures(configuration, db, form_id, dt.date.today())
    _write(out_file, rows)
    out.print(f"Wrote {len(rows)} approved figures to {out_file}")


FIELDS = [
    "area_type",
    "area_code",
    "form_id",
    "form_version",
    "measure",
    "period",
    "value",
    "source",
]


def _write(out_file: Path, rows: list[dict[str, object]]) -> None:
    with out_file.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows)


@app.command("export-feedback")
def export_feedback(
    ctx: typer.Context,
    out_file: Annotated[Path, typer.Option("--out", help="CSV to write.")],
) -> None:
    """Write the counts of accepted lived and living experience feedback (answers, and
    answers that agree, per ADP, quarter and MAT standard) as the adp_returns dataset, to
    load with `missionmonitor load adp_returns FILE`. No answer itself is written.

    Example: [bold]missionmonitor returns export-feedback --out feedback.csv[/]
    """
    from missionmonitor.accountability.feedback import export_rows
    from missionmonitor.portal.db import connect, session_scope
    from missionmonitor.returns.forms import public_form

    configuration = configured(ctx)
    with reported():
        form = public_form(configuration)
        with session_scope(connect(settings(ctx).app_database_url)) as db:
            rows = export_rows(configuration, db, form)
    _write(out_file, rows)
    out.print(f"Wrote {len(rows)} feedback counts to {out_file}")
