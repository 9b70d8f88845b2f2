"""``missionmonitor surveillance``: deaths across sources, trends, early warning, prevalence."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from missionmonitor.cli.common import (
    configured,
    err,
    load_written,
    out,
    reported,
    settings,
    store_path,
)

app = typer.Typer(
    help="Surveillance: deaths, trends, early warning, prevalence.", no_args_is_help=True
)


def _n(v: float | None) -> str:
    return "—" if v is None else f"{v:,.0f}"


@app.command("deaths")
def deaths_command(ctx: typer.Context) -> None:
    """Confirmed drug deaths beside suspected drug deaths, year by year, with every
    revision between editions of the confirmed deaths and its size.

    Example: [bold]missionmonitor surveillance deaths[/]
    """
    from missionmonitor.config import surveillance
    from missionmonitor.services.site_data import SiteData
    from missionmonitor.surveillance import deaths

    configuration = configured(ctx)
    section = surveillance(configuration)
    named = {
        "confirmed": f" ({section.confirmed_by})" if section.confirmed_by else "",
        "suspected": f" ({section.suspected_by})" if section.suspected_by else "",
    }
    with reported():
        data = SiteData.read(configuration, store_path(ctx))
        rows = deaths.reconciliation(configuration, data.results, data.revisions)
    table = Table(
        title=f"Drug deaths: confirmed{named['confirmed']} and suspected{named['suspected']}"
    )
    for col in (
        "Year",
        "Confirmed",
        "First published",
        "Revisions",
        "Suspected",
        "Suspected − confirmed",
    ):
        table.add_column(col, justify="left" if col in ("Year", "Revisions") else "right")
    for r in rows:
        revs = "; ".join(f"{s['from']} → {s['to']}: {s['size']:+,.0f}" for s in r["revisions"])
        diff = r["suspected_minus_confirmed"]
        table.add_row(
            r["year"],
            _n(r["confirmed"]),
            _n(r["first_published"]),
            revs or "—",
            _n(r["suspected"]),
            "—" if diff is None else f"{diff:+,.0f}",
        )
    out.print(table)


@app.command("trend")
def trend_command(
    ctx: typer.Context,
    launch: Annotated[
        int | None,
        typer.Option(help="First year after the interruption (default: the launch year)."),
    ] = None,
    family: Annotated[str, typer.Option(help="quasipoisson or negbin.")] = "quasipoisson",
    quarterly: Annotated[
        bool, typer.Option("--quarterly", help="Quarterly suspected (provisional) deaths.")
    ] = False,
) -> None:
    """Segmented regression of annual drug deaths (or, with --quarterly, quarterly suspected
    drug deaths) around a year (default: the configuration's launch year): level and slope
    change with 95% intervals.

    Example: [bold]missionmonitor surveillance trend --launch 2021[/]
    """
    from missionmonitor.config import surveillance
    from missionmonitor.services.site_data import SiteData
    from missionmonitor.surveillance import deaths

    configuration = configured(ctx)
    with reported():
        data = SiteData.read(configured(ctx), store_path(ctx))
        years, fit = deaths.trend_around_launch(
            configuration, data.results, launch, family, quarterly
        )
    what, per = (
        ("Suspected drug deaths by quarter", "quarter")
        if quarterly
        else ("Annual drug deaths", "year")
    )
    at = launch if launch is not None else surveillance(configuration).launch_year
    out.print(f"{what} {years[0]}–{years[-1]}, interruption at {at} ({family})")
    for label, r in (
        (f"Trend before, per {per}", fit.pre_trend),
        ("Level change at the interruption", fit.level_change),
        (f"Change in the trend per {per}", fit.slope_change),
    ):
        out.print(f"  {label}: ×{r.estimate:.3f} (95% CI {r.lower:.3f} to {r.upper:.3f})")
    out.print(fit.caveat)


@app.command("synth-overdoses")
def synth_overdoses(
    ctx: typer.Context,
    out_file: Annotated[Path, typer.Option("--out", help="CSV to write.")],
    seed: Annotated[int, typer.Option(help="Random seed.")] = 1,
    years: Annotated[int, typer.Option(help="Years of weekly counts from 2018.")] = 7,
) -> None:
    """Write a SYNTHETIC weekly series of non-fatal overdoses per NHS board with injected
    outbreaks (and, beside it, the outbreaks as a second CSV).

    Example: [bold]missionmonitor surveillance synth-overdoses --out overdoses.csv[/]
    """
    from missionmonitor.surveillance import early_warning

    configuration = configured(ctx)
    with reported():
        made = early_warning.synthetic_overdoses(configuration, seed=seed, years=years)
    made.counts.to_csv(out_file, index=False)
    truth = out_file.with_suffix(".outbreaks.csv")
    made.outbreaks.to_csv(truth, index=False)
    out.print(f"Wrote SYNTHETIC counts to {out_file} and their outbreaks to {truth}")


@app.command("scan")
def scan_command(
    ctx: typer.Context,
    input_file: Annotated[Path, typer.Option("--input", help="CSV: area_code, period, count.")],
    series: Annotated[str, typer.Option(help="Series id (see series.yaml).")] = (
        "nonfatal_overdoses"
    ),
    since: Annotated[
        str | None, typer.Option(help="Keep alerts from this period on (default: all).")
    ] = None,
) -> None:
    """Scan a count series per area with its detectors (Farrington flexible, EARS) and keep
    the alerts in the store as a new scan.

    Example: [bold]missionmonitor surveillance scan --input overdoses.csv --since 2023-01-02[/]
    """
    from missionmonitor.portal import notify
    from missionmonitor.store.connection import Store
    from missionmonitor.surveillance import early_warning

    configuration = configured(ctx)
    with reported():
        chosen = early_warning.get_series(configuration, series)
        counts = early_warning.read_counts(configuration, input_file)
        with err.status(f"Scanning {counts['area_code'].nunique()} areas"):
            alerts = early_warning.scan(counts, chosen, since)
        with Store.open(store_path(ctx), configuration) as store:
            scan_id = early_warning.store_scan(store, chosen, counts, alerts)
        synthetic = "synthetic" in counts.columns and bool(counts["synthetic"].astype(bool).any())
        if len(alerts):
            rows = [{str(k): v for k, v in r.items()} for r in alerts.to_dict("records")]
            subject, body = notify.alert_digest(chosen.title, scan_id, rows, synthetic)
            sent = notify.send(settings(ctx), settings(ctx).alert_recipients, subject, body)
            if sent:
                err.print(f"Emailed {', '.join(settings(ctx).alert_recipients)}")
    label = " (SYNTHETIC)" if synthetic else ""
    out.print(f"Scan {scan_id} of {chosen.title}{label}: {len(alerts)} alert(s)")
    for method, n in alerts.groupby("method").size().items():
        out.print(f"  {method}: {n}")


@app.command("prevalence")
def prevalence_command(
    table_file: Annotated[
        Path | None, typer.Argument(help="CSV of capture histories (0/1 per source, count).")
    ] = None,
    top: Annotated[int, typer.Option(help="Models to show (best BIC first).")] = 5,
) -> None:
    """Capture–recapture: every hierarchical log-linear model over the linked sources,
    ranked by BIC, with N̂, its standard error and a profile-likelihood 95% interval.
    Without a file, runs the shipped worked example.

    Example: [bold]missionmonitor surveillance prevalence linked.csv[/]
    """
    from missionmonitor.surveillance import prevalence

    with reported():
        table = prevalence.read_histories(table_file) if table_file else prevalence.example()
        fits = prevalence.estimate(table, intervals=top)
    grid = Table(title=f"{table.title}: {table.captured:,.0f} people captured")
    for col in ("Model", "N̂", "SE", "95% interval", "Deviance", "df", "AIC", "BIC"):
        grid.add_column(col, justify="left" if col == "Model" else "right")
    for f in fits[:top]:
        interval = f"{f.lower:,.0f}–{f.upper:,.0f}" if f.lower is not None else "—"
        grid.add_row(
            f.name,
            f"{f.abundance:,.0f}",
            f"{f.std_err:,.0f}",
            interval,
            f"{f.deviance:.3f}",
            str(f.df),
            f"{f.aic:.3f}",
            f"{f.bic:.3f}",
        )
    out.print(grid)
    chap = prevalence.two_source(table)
    if chap is not None:
        out.print(f"Chapman two-source estimate: {chap:,.1f}")


@app.command("synth-ndrdd")
def synth_ndrdd(
    ctx: typer.Context,
    out_file: Annotated[Path, typer.Option("--out", help="CSV of cases to write.")],
    year: Annotated[
        list[int] | None,
        typer.Option(
            help="Year of death to generate (repeat for more) [default: 2021, 2022, 2023]."
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 1,
) -> None:
    """Write SYNTHETIC reviewed drug deaths in the NDRDD's shape, calibrated to the published
    figures the store holds (deaths per year, councils, sex, age, drugs implicated, contact
    with treatment); every row is marked synthetic.

    Example: [bold]missionmonitor surveillance synth-ndrdd --out cases.csv --year 2023[/]
    """
    from missionmonitor.services.ndrdd import write_synthetic

    configuration = configured(ctx)
    with reported():
        path = write_synthetic(
            configuration, store_path(ctx), out_file, year or [2021, 2022, 2023], seed
        )
    out.print(f"Wrote SYNTHETIC drug-death cases to {path}")


@app.command("ndrdd")
def ndrdd_command(
    ctx: typer.Context,
    input_file: Annotated[Path, typer.Option("--input", help="Cases CSV (NDRDD shape).")],
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Folder for ndrdd-measures.csv and ndrdd-combinations.csv."),
    ] = None,
    load: Annotated[
        bool,
        typer.Option(
            "--load", help="Load the measures into the store as ndrdd_measures and recompute."
        ),
    ] = False,
) -> None:
    """Validate reviewed drug-death cases and compute the case-review measures: completeness,
    contact with services in the six months before death, OST at death, release from prison,
    earlier non-fatal overdose, naloxone, and substances implicated (with combinations).

    Example: [bold]missionmonitor surveillance ndrdd --input cases.csv --out review/ --load[/]
    """
    from missionmonitor.refdata.geography import national_code, national_name
    from missionmonitor.services.ndrdd import compute

    configuration = configured(ctx)
    if load and out_dir is None:
        err.print("--load needs --out: the measures file is kept as the record of what was loaded")
        raise typer.Exit(2)
    with reported():
        review = compute(configuration, input_file, out_dir)
    m = review.measures
    totals = m[(m["area_code"] == national_code(configuration)) & (m["breakdown"] == "")]
    scot = totals.pivot(index="period", columns="measure", values="value")
    synthetic = " (SYNTHETIC)" if review.synthetic else ""
    title = f"Drug-death case review, {national_name(configuration)}{synthetic}"
    table = Table(title=title)
    shares = (
        ("Reviewed", "ndrdd_reviewed", "ndrdd_cases"),
        (
            "Drug treatment 6m",
            "ndrdd_contact_drug_treatment_6m_yes",
            "ndrdd_contact_drug_treatment_6m_known",
        ),
        ("On OST", "ndrdd_on_ost_at_death_yes", "ndrdd_on_ost_at_death_known"),
        ("Prison release 6m", "ndrdd_released_prison_6m_yes", "ndrdd_released_prison_6m_known"),
        (
            "Earlier overdose",
            "ndrdd_prior_nonfatal_overdose_yes",
            "ndrdd_prior_nonfatal_overdose_known",
        ),
        ("Polydrug", "ndrdd_polydrug", "ndrdd_toxicology"),
    )
    for col in ("Year", "Cases", *(s[0] for s in shares)):
        table.add_column(col, justify="left" if col == "Year" else "right")
    for period, r in scot.iterrows():
        table.add_row(
            str(period),
            _n(r["ndrdd_cases"]),
            *(f"{100 * r[a] / r[b]:.1f}%" if r[b] else "—" for _, a, b in shares),
        )
    out.print(table)
    for path in review.files:
        out.print(f"Wrote {path}")
    if load:
        load_written(ctx, "ndrdd_measures", review.files, "ndrdd-measures.csv", review.synthetic)


@app.command("synth-toxicology")
def synth_toxicology(
    ctx: typer.Context,
    out_file: Annotated[Path, typer.Option("--out", help="CSV of samples to write.")],
    seed: Annotated[int, typer.Option(help="Random seed.")] = 1,
    years: Annotated[int, typer.Option(help="Years of monthly samples from 2021.")] = 4,
) -> None:
    """Write SYNTHETIC toxicology samples per NHS board with emerging substances injected at
    known months (and, beside them, the emergences as a second CSV).

    Example: [bold]missionmonitor surveillance synth-toxicology --out samples.csv[/]
    """
    import pandas as pd

    from missionmonitor.refdata.geography import Geography
    from missionmonitor.surveillance import toxicology

    configuration = configured(ctx)
    with reported():
        boards = {a.code: 60.0 for a in Geography.of(configuration).of_type("health_board")}
        made = toxicology.synthetic_results(boards, seed=seed, years=years)
    made.samples.to_csv(out_file, index=False)
    truth = out_file.with_suffix(".emergences.csv")
    pd.DataFrame([vars(e) for e in made.emergences]).to_csv(truth, index=False)
    out.print(f"Wrote SYNTHETIC samples to {out_file} and their emergences to {truth}")


@app.command("toxicology")
def toxicology_command(
    ctx: typer.Context,
    input_file: Annotated[Path, typer.Option("--input", help="Toxicology results CSV.")],
    baseline: Annotated[int, typer.Option(help="Months of results a signal is judged on.")] = 12,
    alpha: Annotated[float, typer.Option(help="Probability below which a share is rising.")] = (
        0.001
    ),
) -> None:
    """Signals from toxicology results: substances seen for the first time, shares rising
    beyond their expected range, new combinations; kept in the store as a new scan, each of
    which can become a tracked action in the portal.

    Example: [bold]missionmonitor surveillance toxicology --input samples.csv[/]
    """
    from missionmonitor.refdata.geography import Geography, national_code
    from missionmonitor.store.connection import Store
    from missionmonitor.surveillance import toxicology

    configuration = configured(ctx)
    with reported():
        samples = toxicology.read_results(input_file, Geography.of(configuration).codes())
        with Store.open(store_path(ctx), configuration) as store:
            scan_id, found, synthetic = toxicology.store_signals(
                store, samples, national_code(configuration), baseline, alpha
            )
    label = " (SYNTHETIC)" if synthetic else ""
    out.print(
        f"Scan {scan_id} of toxicology signals{label}: {len(found)} signal(s) from "
        f"{len(samples):,} samples"
    )
    for kind, n in found.groupby(found["method"].str.split(":").str[0]).size().items():
        out.print(f"  {kind}: {n}")
