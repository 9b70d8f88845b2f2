"""``missionmonitor report``: generate the annual, ADP and MAT reports as HTML or PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from missionmonitor.cli.common import configured, err, reported, store_path
from missionmonitor.reports import ReportFormat

app = typer.Typer(help="Generate reports (HTML or PDF) from the store.", no_args_is_help=True)

Fmt = Annotated[ReportFormat, typer.Option("--format", help="html or pdf.")]
Out = Annotated[
    Path | None, typer.Option("--out", help="File to write (default: a name saying what it is).")
]


def _write(ctx: typer.Context, make: Any, fmt: ReportFormat, out: Path | None, name: str) -> None:
    from missionmonitor.reports.render import render
    from missionmonitor.services.results import write_export
    from missionmonitor.services.site_data import SiteData

    with reported():
        report = make(SiteData.read(configured(ctx), store_path(ctx)))
        target = out or Path(f"{name}.{fmt}")
        err.print(f"Rendering {report['title']} as {fmt.upper()}…")
        write_export(render(configured(ctx), report, fmt), target)
    err.print(f"Wrote {target}")


@app.command("annual")
def annual(
    ctx: typer.Context,
    period: Annotated[str, typer.Option(help="Financial year, e.g. 2023/24.")],
    fmt: Fmt = "html",
    out: Out = None,
) -> None:
    """The annual monitoring report.

    Example: [bold]missionmonitor report annual --period 2023/24 --format pdf --out annual.pdf[/]
    """
    from missionmonitor.reports import annual as annual_report

    _write(
        ctx,
        lambda d: annual_report.annual(d, period),
        fmt,
        out,
        f"annual-monitoring-report-{period.replace('/', '-')}",
    )


@app.command("adp")
def adp(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="ADP code (see areas list --type adp).")],
    period: Annotated[
        str | None, typer.Option(help="Latest period to include, e.g. 2023/24.")
    ] = None,
    fmt: Fmt = "html",
    out: Out = None,
) -> None:
    """An ADP profile.

    Example: [bold]missionmonitor report adp S11000051 --format pdf[/]
    """
    from missionmonitor.reports import adp_profile

    _write(ctx, lambda d: adp_profile.adp(d, code, period), fmt, out, f"adp-profile-{code}")


@app.command("mat")
def mat(
    ctx: typer.Context,
    year: Annotated[int, typer.Argument(help="Assessment year, e.g. 2024.")],
    fmt: Fmt = "html",
    out: Out = None,
) -> None:
    """The MAT standards benchmarking report for the assessment of April YEAR.

    Example: [bold]missionmonitor report mat 2024 --format pdf[/]
    """
    from missionmonitor.reports import mat as mat_report

    _write(ctx, lambda d: mat_report.mat(d, year), fmt, out, f"mat-benchmarking-report-{year}")
