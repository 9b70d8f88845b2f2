"""The ``missionmonitor`` command. Each command parses options and calls one service."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress
from rich.table import Table

from missionmonitor import __version__
from missionmonitor.cli import (
    areas,
    catalogue,
    datasets,
    demo,
    disclosure,
    forms,
    ost,
    report,
    returns,
    standards,
    surveillance,
    update,
    users,
)
from missionmonitor.cli.common import configured, err, out, reported, serve_site, store_path
from missionmonitor.services import ExportFormat

app = typer.Typer(
    help="Mission Monitor: monitoring and evaluation for Scotland's National Mission on Drugs.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(catalogue.app, name="indicators")
app.add_typer(areas.app, name="areas")
app.add_typer(datasets.app, name="datasets")
app.add_typer(report.app, name="report")
app.add_typer(ost.synth, name="synth")
app.add_typer(ost.ost, name="ost")
app.add_typer(surveillance.app, name="surveillance")
app.add_typer(users.app, name="users")
app.add_typer(forms.app, name="forms")
app.add_typer(returns.app, name="returns")
app.add_typer(standards.app, name="standards")
app.command("demo")(demo.demo)
app.add_typer(disclosure.app, name="disclosure")
app.command("update")(update.update)


def _version(value: bool) -> None:
    if value:
        out.print(f"missionmonitor {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    store: Annotated[
        Path | None,
        typer.Option(help="Analytical store file [env: MISSIONMONITOR_STORE_PATH]."),
    ] = None,
    app_db: Annotated[
        str | None,
        typer.Option(help="Portal database URL [env: MISSIONMONITOR_APP_DATABASE_URL]."),
    ] = None,
    config_dir: Annotated[
        Path | None,
        typer.Option(
            help="Configuration folder; Scotland's by default [env: MISSIONMONITOR_CONFIG_DIR]."
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show version.")
    ] = False,
) -> None:
    from missionmonitor import config
    from missionmonitor.settings import Settings

    settings = Settings()
    if store is not None:
        settings = settings.model_copy(update={"store_path": store})
    if app_db is not None:
        settings = settings.model_copy(update={"app_database_url": app_db})
    if config_dir is not None:
        settings = settings.model_copy(update={"config_dir": config_dir})
    with reported():
        configuration = config.load(settings.config_dir)
    # Every command of this invocation runs on this configuration (``configured``).
    ctx.meta["configuration"] = configuration
    ctx.obj = settings


@app.command()
def init(
    ctx: typer.Context,
    rebuild: Annotated[
        bool,
        typer.Option(
            help="Move the existing store aside (kept as <name>.<time>.old) and "
            "build a new one, e.g. after an upgrade changed the store's schema."
        ),
    ] = False,
) -> None:
    """Create the store, load all shipped data and compute every indicator.

    Safe to run again: files already loaded are skipped. Example: [bold]missionmonitor init[/]
    """
    from missionmonitor.services.build import build_store, step_count

    configuration = configured(ctx)
    path = store_path(ctx)
    with reported(), Progress(console=err, transient=True) as bar:
        task = bar.add_task("Building the store", total=step_count(configuration))

        def step(name: str) -> None:
            bar.update(task, advance=1, description=name)

        report = build_store(configuration, path, progress=step, rebuild=rebuild)
    if report.kept_aside is not None:
        out.print(
            f"The previous store (another schema version, or --rebuild) is kept at "
            f"{report.kept_aside}."
        )
    loaded = [r for r in report.loads if not r.already_loaded]
    out.print(
        f"Store ready at {path}: {len(loaded)} file(s) loaded "
        f"({len(report.loads) - len(loaded)} already held), "
        f"{report.result_rows:,} indicator results."
    )


@app.command()
def load(
    ctx: typer.Context,
    dataset: Annotated[str, typer.Argument(help="Dataset name (see `datasets list`).")],
    file: Annotated[Path, typer.Argument(help="CSV file to load.", exists=False)],
    vintage: Annotated[
        str | None,
        typer.Option(
            help="Edition label for every figure in the file (default: its source column)."
        ),
    ] = None,
) -> None:
    """Validate a file and load it all-or-nothing, then recompute the indicators.

    Example: [bold]missionmonitor load drd_scotland_annual nrs_2025.csv --vintage NRS_2025_REPORT[/]
    """
    from missionmonitor.services.ingest import ingest

    configuration = configured(ctx)
    with reported():
        result = ingest(configuration, store_path(ctx), dataset, file, vintage)
    if result.already_loaded:
        out.print(f"{file.name} is already loaded (load {result.load_id}); nothing changed.")
        return
    out.print(
        f"Loaded {result.rows:,} rows ({result.observations:,} figures) from {file.name} "
        f"into {dataset} as load {result.load_id}; vintages: {', '.join(result.vintages)}."
    )


@app.command()
def compute(
    ctx: typer.Context,
    indicator: Annotated[
        list[str] | None, typer.Option(help="Only these indicators (repeatable).")
    ] = None,
) -> None:
    """Recompute indicators into the results table. Example: [bold]missionmonitor compute[/]"""
    from missionmonitor.indicators.catalogue import get_indicator, load_catalogue
    from missionmonitor.indicators.engine import compute_all
    from missionmonitor.refdata.geography import Geography
    from missionmonitor.store.connection import Store

    configuration = configured(ctx)
    with reported():
        chosen = [get_indicator(configuration, i) for i in indicator] if indicator else None
        total = len(chosen) if chosen else len(load_catalogue(configuration))
        geo = Geography.of(configuration)
        with (
            Store.open(store_path(ctx), configuration) as store,
            Progress(console=err, transient=True) as bar,
        ):
            store.require_table("observations")
            task = bar.add_task("Computing", total=total)
            results = compute_all(
                store, geo, chosen, progress=lambda i: bar.update(task, advance=1, description=i.id)
            )
        out.print(f"Computed {total} indicator(s): {len(results):,} results.")


@app.command()
def export(
    ctx: typer.Context,
    indicator: Annotated[str, typer.Option(help="Indicator id (see indicators list).")],
    area: Annotated[str | None, typer.Option(help="Only this area code (see areas list).")] = None,
    fmt: Annotated[ExportFormat, typer.Option("--format", help="csv, json or parquet.")] = "csv",
    vintage: Annotated[
        str, typer.Option(help="latest, first_published or as_at:KEY (e.g. as_at:NRS_2019_PDF).")
    ] = "latest",
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Write here instead of standard output.")
    ] = None,
) -> None:
    """Export an indicator's results; suppressed values are never present.

    Example: [bold]missionmonitor export --indicator drd_rate_per_1000_5yr --area S08000031[/]
    """
    from missionmonitor.services import results as results_service
    from missionmonitor.store.connection import Store

    configuration = configured(ctx)
    with reported():
        if fmt == "parquet" and out_file is None:
            out_file = Path(results_service.default_export_name(indicator, area, fmt, vintage))
        with Store.open(store_path(ctx), configuration, read_only=True) as store:
            df = results_service.indicator_results(store, indicator, area, vintage)
        results_service.write_export(results_service.export(configuration, df, fmt), out_file)
        if out_file is not None:
            err.print(f"Wrote {len(df)} rows to {out_file}")


@app.command()
def summary(ctx: typer.Context) -> None:
    """Print the latest national figure of every indicator.

    Example: [bold]missionmonitor summary[/]
    """
    from missionmonitor.formatting import display_change, display_value
    from missionmonitor.refdata.geography import national_name
    from missionmonitor.services.summary import national_summary
    from missionmonitor.store.connection import Store

    configuration = configured(ctx)
    with reported(), Store.open(store_path(ctx), configuration, read_only=True) as store:
        rows = national_summary(store)
    table = Table(
        title=f"{national_name(configuration)}: latest figures", caption=configuration.attribution
    )
    for col in ("Indicator", "Period", "Value", "Change on previous", "Status"):
        table.add_column(col, justify="right" if col in ("Value", "Change on previous") else "left")
    for item in rows:
        ind, r = item["indicator"], item["row"]
        digits = ind.decimals
        value = display_value(r["value"], digits)
        change = "—"
        if r["comparable_with_previous"] is True:
            pct = r["change_pct_vs_previous"]
            pct = None if pct is None or pct != pct else pct  # NaN for a percentage
            change = display_change(r["change_vs_previous"], pct, digits)
        elif r["comparable_with_previous"] is False:
            change = "series break"
        table.add_row(ind.title, r["period"], f"{value} {ind.unit}", change, r["status"])
    out.print(table)


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[
        str | None, typer.Option(help="Address to listen on [default: 127.0.0.1].")
    ] = None,
    port: Annotated[int | None, typer.Option(help="Port [default: 8000].")] = None,
) -> None:
    """Serve the website and JSON API from the store.

    Example: [bold]missionmonitor serve --port 8000[/] then open http://127.0.0.1:8000
    """
    serve_site(configured(ctx), ctx.find_root().obj, host, port)


def main() -> None:
    app(prog_name="missionmonitor")
