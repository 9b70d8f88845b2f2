"""``missionmonitor synth`` and ``missionmonitor ost``: synthetic records and the OST pipeline."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import Progress
from rich.table import Table

from missionmonitor.cli.common import configured, err, load_written, out, reported
from missionmonitor.ost import DEFAULT_MAX_GAP

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

synth = typer.Typer(help="Generate SYNTHETIC record-level data.", no_args_is_help=True)
ost = typer.Typer(
    help="Opioid substitution therapy from prescribing records.", no_args_is_help=True
)


@synth.command("prescribing")
def prescribing(
    ctx: typer.Context,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write.")],
    people: Annotated[int, typer.Option(help="People ever treated in the window.")] = 65_000,
    years: Annotated[int, typer.Option(help="Years of records, from 1 April 2021.")] = 3,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same records).")] = 1,
    missing_id_share: Annotated[
        float, typer.Option(help="Share of items without a patient id.")
    ] = 0.04,
) -> None:
    """Write SYNTHETIC prescribing records (Parquet) and a README saying so.

    Example:
    [bold]missionmonitor synth prescribing --people 65000 --years 3 --seed 1 --out synthetic/[/]
    """
    from missionmonitor.ost.synthetic import SyntheticSpec, write_prescribing

    configuration = configured(ctx)
    with reported(), Progress(console=err, transient=True) as bar:
        spec = SyntheticSpec(
            people=people, years=years, seed=seed, missing_id_share=missing_id_share
        )
        task = bar.add_task("Generating SYNTHETIC records", total=people)
        path = write_prescribing(
            configuration, out_dir, spec, lambda done, _total: bar.update(task, completed=done)
        )
    out.print(f"Wrote SYNTHETIC records to {path}")


@synth.command("referrals")
def referrals(
    ctx: typer.Context,
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder to write (beside the prescribing records).")
    ],
    count: Annotated[int, typer.Option("--referrals", help="Referrals in the window.")] = 30_000,
    years: Annotated[int, typer.Option(help="Years of records, from 1 April 2021.")] = 3,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same records).")] = 1,
) -> None:
    """Write SYNTHETIC referral records (for the access balancing indicator).

    Example: [bold]missionmonitor synth referrals --out synthetic/[/]
    """
    from missionmonitor.ost.referrals import ReferralSpec, write_referrals

    configuration = configured(ctx)
    with reported():
        path = write_referrals(
            configuration, out_dir, ReferralSpec(referrals=count, years=years, seed=seed)
        )
    out.print(f"Wrote SYNTHETIC referral records to {path}")


@ost.command("compute")
def compute(
    ctx: typer.Context,
    input_path: Annotated[Path, typer.Option("--input", help="Parquet file or folder of them.")],
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Folder for the CSV outputs.")
    ] = None,
    max_gap: Annotated[
        int, typer.Option(help="Uncovered days that end an episode.")
    ] = DEFAULT_MAX_GAP,
    engine: Annotated[
        str, typer.Option(help="duckdb (default) or spark (the optional extra; Java 17+).")
    ] = "duckdb",
    load: Annotated[
        bool,
        typer.Option(
            "--load", help="Load the measures into the store as ost_records and recompute."
        ),
    ] = False,
    memory_limit: Annotated[
        str | None,
        typer.Option(help="Cap DuckDB's memory, such as 6GB; beyond it work spills to disk."),
    ] = None,
    spark_master: Annotated[
        str | None,
        typer.Option(help="With --engine spark: a cluster's master, such as spark://host:7077."),
    ] = None,
) -> None:
    """People in community OST, items, identifier completeness, prescribing services,
    episodes, retention and time on treatment.

    Example: [bold]missionmonitor ost compute --input synthetic/ --out ost-results/ --load[/]
    """
    from missionmonitor.ost.service import compute_folder
    from missionmonitor.refdata.geography import national_name, national_type

    configuration = configured(ctx)
    if load and out_dir is None:
        err.print("--load needs --out: the measures file is kept as the record of what was loaded")
        raise typer.Exit(2)
    with reported(), err.status(f"Running the OST pipeline on {engine}"), ExitStack() as stack:
        spark: SparkSession | None = None
        if engine == "spark":
            from missionmonitor.ost.spark_runner import spark_session

            spark = stack.enter_context(spark_session(spark_master or "local[*]"))
        result = compute_folder(
            configuration,
            input_path,
            out_dir,
            max_gap,
            engine,
            memory_limit=memory_limit,
            spark=spark,
        )
    title = f"People in community OST, {national_name(configuration)}" + (
        " (SYNTHETIC data)" if result.synthetic else ""
    )
    table = Table(title=title)
    for col in (
        "Period",
        "People",
        "Items",
        "Identifier completeness",
        "New starts",
        "Retained 12 weeks",
        "Started within 3 weeks",
    ):
        table.add_column(col, justify="left" if col == "Period" else "right")
    o = result.outputs
    national = national_type(configuration)
    scot = {
        t: f[f["area_type"] == national].set_index("period")
        for t, f in (
            ("people", o.people),
            ("items", o.items),
            ("starts", o.starts_and_retention),
            ("ret", result.retention),
        )
    }
    access = None
    if result.access is not None:
        access = result.access[result.access["area_type"] == national].set_index("period")
    years = scot["people"][scot["people"]["period_type"] == "financial_year"].index
    for period in years:
        items = scot["items"].loc[period]
        starts = scot["starts"].loc[period] if period in scot["starts"].index else None
        ret = scot["ret"].loc[period] if period in scot["ret"].index else None
        table.add_row(
            period,
            f"{scot['people'].loc[period, 'people']:,}",
            f"{items['items']:,}",
            f"{items['items_with_id'] / items['items'] * 100:.1f}%",
            f"{starts['new_starts']:,}" if starts is not None else "—",
            f"{ret['retained_12w_pct']:.1f}% ({ret['retained_12w_lci']:.1f}–"
            f"{ret['retained_12w_uci']:.1f})"
            if ret is not None and ret["observable_12w"]
            else "—",
            f"{access.loc[period, 'within_3_weeks_pct']:.1f}%"
            if access is not None and period in access.index
            else "—",
        )
    out.print(table)
    for path in result.files:
        err.print(f"Wrote {path}")
    if load:
        load_written(ctx, "ost_records", result.files, "ost-measures.csv", result.synthetic)
