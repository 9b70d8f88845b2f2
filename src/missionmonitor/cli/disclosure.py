"""`missionmonitor disclosure audit`: check that nothing published is disclosive."""

from __future__ import annotations

import typer

from missionmonitor.cli.common import configured, err, out, reported, store_path
from missionmonitor.errors import DisclosureFindings

app = typer.Typer(help="Statistical disclosure control of what is published.")


@app.command("audit")
def audit_command(ctx: typer.Context) -> None:
    """Read every published figure (the results table, and every indicator page, area
    profile, JSON twin and download made from it) and report any count of 1 to 9 and any
    hidden count that published figures give back (parent totals, shared numerators,
    overlapping windows); exits non-zero on any finding.

    Example: [bold]missionmonitor disclosure audit[/]
    """
    from missionmonitor.services.disclosure_audit import audit
    from missionmonitor.services.site_data import SiteData
    from missionmonitor.views.published_counts import small_counts_on_pages

    configuration = configured(ctx)
    with reported():
        findings = [str(f) for f in audit(configuration, store_path(ctx))]
        with err.status("Reading every public page, JSON twin and download"):
            pages = small_counts_on_pages(SiteData.read(configured(ctx), store_path(ctx)))
        findings += [f"small-count on a page: {i} {a} {p}: {what}" for i, a, p, what in pages]
        if findings:
            shown = "\n".join(f"  - {f}" for f in findings[:100])
            raise DisclosureFindings(f"{len(findings)} disclosive figure(s):\n{shown}")
    out.print(
        "No disclosive figure found: no published count of 1 to 9, and no hidden count "
        "given back by differencing."
    )
