"""The surveillance page: deaths across sources and editions, the trend around the
Mission's launch, early-warning alerts, and the published prevalence estimates with the
treatment coverage computed from them."""

from __future__ import annotations

from typing import Any

import pandas as pd

from missionmonitor.config import surveillance as section
from missionmonitor.errors import MethodInputError
from missionmonitor.formatting import display_value
from missionmonitor.methods.disclosure import SUPPRESSION_MARKER, Disclosure, primary_mask
from missionmonitor.methods.segmented import Ratio
from missionmonitor.refdata.geography import national_code, national_name
from missionmonitor.services.site_data import SiteData
from missionmonitor.surveillance import coverage, deaths, ndrdd, prevalence
from missionmonitor.surveillance.early_warning import load_series
from missionmonitor.views import charts
from missionmonitor.views.common import page_model, result_row, results_of

LATEST_ALERTS = 50


def _n(v: float | None) -> str:
    return "—" if v is None else display_value(v, 0)


def _ratio(r: Ratio) -> dict[str, Any]:
    return {
        "estimate": r.estimate,
        "lower": r.lower,
        "upper": r.upper,
        "display": f"×{r.estimate:.3f} (95% CI {r.lower:.3f} to {r.upper:.3f})",
    }


def _deaths(data: SiteData) -> list[dict[str, Any]]:
    rows = deaths.reconciliation(data.configuration, data.results, data.revisions)
    for r in rows:
        r["display_revisions"] = (
            "; ".join(
                f"{s['first']:,.0f} ({s['from']}) → {s['revised']:,.0f} ({s['to']}): "
                f"{s['size']:+,.0f}"
                for s in r["revisions"]
            )
            or "—"
        )
        diff = r["suspected_minus_confirmed"]
        r["display"] = {
            "confirmed": _n(r["confirmed"]),
            "first": _n(r["first_published"]),
            "suspected": _n(r["suspected"]),
            "difference": "—" if diff is None else f"{diff:+,.0f}",
        }
    return rows


def _trend(data: SiteData) -> dict[str, Any] | None:
    spec = section(data.configuration)
    if spec.deaths is None or spec.deaths not in data.catalogue:
        return None
    try:
        years, values, fit = deaths.observed_around_launch(data.configuration, data.results)
    except MethodInputError:  # too few years either side of the launch to fit a trend
        return None
    frame = pd.DataFrame(
        {
            "period": years,
            "observed": values,
            "fitted": fit.fitted,
            "without_change": fit.counterfactual,
        }
    )
    series = zip(years, values, fit.fitted, fit.counterfactual, strict=True)
    rows = [
        {
            "period": y,
            "observed": o,
            "fitted": f,
            "without_change": c,
            "display": [y, _n(o), display_value(f, 0), display_value(c, 0)],
        }
        for y, o, f, c in series
    ]
    launch = years[fit.periods_before]
    return {
        "id": "its",
        "title": "Drug deaths around the Mission's launch",
        "caption": f"Drug deaths in {national_name(data.configuration)} by year, with the "
        f"segmented model's fit and the pre-{launch} trend carried on",
        "summary": (
            f"Before {launch} deaths rose by a factor of {fit.pre_trend.estimate:.3f} a "
            f"year; the yearly trend changed by a factor of "
            f"{fit.slope_change.estimate:.3f} from {launch}."
        ),
        "spec": charts.segmented_chart(frame, launch),
        "rows": rows,
        "family": fit.family,
        "launch": launch,
        "pre_trend": _ratio(fit.pre_trend),
        "level_change": _ratio(fit.level_change),
        "slope_change": _ratio(fit.slope_change),
        "dispersion": fit.dispersion,
        "caveat": fit.caveat,
    }


def _alerts(data: SiteData) -> list[dict[str, Any]]:
    """The latest scan of each series, its alerts disclosure-controlled for the public."""
    out = []
    series = load_series(data.configuration)
    for scan in data.scans.to_dict("records"):
        mine = data.alerts[data.alerts["scan_id"] == scan["scan_id"]].head(LATEST_ALERTS)
        rows = []
        rule = series[scan["series_id"]].disclosure if scan["series_id"] in series else Disclosure()
        hidden = primary_mask(mine["observed"].to_numpy(), rule.threshold)
        for a, small in zip(mine.to_dict("records"), hidden, strict=True):
            area = data.geo.areas.get(a["area_code"])
            rows.append(
                {
                    "area_code": a["area_code"],
                    "area_name": area.name if area else a["area_code"],
                    "period": a["period"],
                    "method": a["method"],
                    # An alert means observed > threshold, and the score ties observed to the
                    # expected count: with a hidden count, all three would narrow it down.
                    "observed": None if small else a["observed"],
                    "expected": None if small else round(float(a["expected"]), 1),
                    "threshold": None if small else round(float(a["threshold"]), 1),
                    "score": None if small else round(float(a["score"]), 2),
                    "display": [
                        a["period"],
                        area.name if area else a["area_code"],
                        a["method"],
                        *(
                            [SUPPRESSION_MARKER] * 4
                            if small
                            else [
                                _n(a["observed"]),
                                f"{a['expected']:.1f}",
                                f"{a['threshold']:.1f}",
                                f"{a['score']:.2f}",
                            ]
                        ),
                    ],
                }
            )
        s = series.get(scan["series_id"])
        out.append(
            {
                "series_id": scan["series_id"],
                "title": s.title if s else scan["series_id"],
                "scan_id": int(scan["scan_id"]),
                "scanned_at": str(scan["scanned_at"]),
                "alerts": int(scan["alerts"]),
                "shown": len(rows),
                "synthetic": bool(scan["synthetic"]),
                "rows": rows,
            }
        )
    return out


def _prevalence(data: SiteData) -> dict[str, Any]:
    """The published prevalence estimates with their intervals, and OST coverage computed
    from them beside the publisher's own OAT coverage."""
    nation = national_code(data.configuration)
    estimates = []
    spec = section(data.configuration)
    for ind_id in spec.prevalence:
        if ind_id not in data.catalogue:
            continue
        ind = data.catalogue[ind_id]
        rows = results_of(data, ind_id)
        for _, r in rows[rows["area_code"] == nation].iloc[::-1].iterrows():
            row = result_row(ind, r, data)
            label = ind.version_for(row["period"]).label
            interval = (
                f"{row['display_lci']} to {row['display_uci']}"
                if row["display_lci"]
                else "not published"
            )
            estimates.append(
                {
                    **row,
                    "series": ind.title,
                    "method": label,
                    "display_row": [row["period"], ind.title, label, row["display"], interval],
                }
            )
    cover = coverage.ost_coverage(data.configuration, data.results, nation)
    for c in cover:
        c["display"] = [
            c["period"],
            _n(c["people_in_ost"]),
            f"{_n(c['estimate'])} ({_n(c['estimate_lower'])} to {_n(c['estimate_upper'])})",
            f"{display_value(c['value'], 1)}% ({display_value(c['lower'], 1)}% to "
            f"{display_value(c['upper'], 1)}%)",
        ]
    published = []
    if spec.published_coverage in data.catalogue:
        oat = results_of(data, spec.published_coverage)
        published = [
            {"period": r["period"], "value": float(r["value"])}
            for _, r in oat[oat["area_code"] == nation].iterrows()
        ]
    return {"estimates": estimates, "coverage": cover, "published_oat_coverage": published}


def _case_review(data: SiteData) -> dict[str, Any]:
    """The latest national figure of each case-review indicator, with its interval."""
    rows = []
    for ind_id in (i for i in section(data.configuration).case_review if i in data.catalogue):
        ind = data.catalogue[ind_id]
        held = results_of(data, ind_id)
        held = held[held["area_code"] == national_code(data.configuration)]
        if held.empty:
            continue
        r = result_row(ind, held.iloc[-1], data)
        interval = f"{r['display_lci']} to {r['display_uci']}" if r["display_lci"] else "—"
        rows.append(
            {
                **r,
                "title": ind.title,
                "href": f"/indicators/{ind_id}",
                "display_row": [
                    ind.title,
                    r["period"],
                    f"{r['display']}%" if r["value"] is not None else "c",
                    interval,
                    r["status"],
                ],
            }
        )
    return {
        "rows": rows,
        "synthetic": any(r["status"] == "SYNTHETIC" for r in rows),
        "pairs": _pairs(data),
    }


#: Pairs of substances listed for the latest year of the case review.
TOP_PAIRS = 10


def _pairs(data: SiteData) -> dict[str, Any] | None:
    """The substances most often implicated together in the latest year reviewed; small
    counts (by the rule their dataset declares) shown as c (no total or share is published
    beside them)."""
    pairs = data.substance_pairs
    if pairs.empty:
        return None
    latest = max(pairs["period"], key=lambda p: int(p))
    top = (
        pairs[pairs["period"] == latest]
        .sort_values(["value", "breakdown"], ascending=[False, True])
        .head(TOP_PAIRS)
    )
    hidden = primary_mask(
        top["value"].to_numpy(), ndrdd.pair_disclosure(data.configuration).threshold
    )
    rows = [
        {
            "pair": b.replace("_", " "),
            "cases": None if small else float(v),
            "display": [b.replace("_", " "), SUPPRESSION_MARKER if small else _n(v)],
        }
        for b, v, small in zip(top["breakdown"], top["value"], hidden, strict=True)
    ]
    return {"period": latest, "rows": rows}


def capture_recapture_example() -> dict[str, Any]:
    """The worked capture–recapture example (published data from Rome), for the methodology
    page: an analyst runs the method on their own linked sources."""
    table = prevalence.example()
    fits = prevalence.estimate(table, intervals=3)[:5]
    return {
        "title": table.title,
        "captured": table.captured,
        "models": [
            {
                "name": f.name,
                "abundance": f.abundance,
                "std_err": f.std_err,
                "lower": f.lower,
                "upper": f.upper,
                "deviance": f.deviance,
                "df": f.df,
                "aic": f.aic,
                "bic": f.bic,
                "display": [
                    f.name,
                    _n(f.abundance),
                    _n(f.std_err),
                    f"{f.lower:,.0f} to {f.upper:,.0f}" if f.lower else "—",
                    f"{f.deviance:.3f}",
                    str(f.df),
                    f"{f.aic:.3f}",
                    f"{f.bic:.3f}",
                ],
            }
            for f in fits
        ],
    }


def _drugs(data: SiteData) -> dict[str, Any]:
    rows = deaths.drugs_implicated(data.drugs)
    for r in rows:
        r["display"] = [
            r["year"],
            r["drug"],
            _n(r["deaths"]),
            "—" if r["percent"] is None else f"{r['percent']:.0f}%",
            ", ".join(sorted(set(r["sources"]))),
        ]
    ratio = data.results[
        (data.results["indicator_id"] == section(data.configuration).deprivation_ratio)
        & ~data.results["suppressed"].astype(bool)
    ]
    latest = None
    if not ratio.empty:
        last = ratio.sort_values("period_start").iloc[-1]
        latest = {"period": last["period"], "value": float(last["value"])}
    return {"rows": rows, "deprivation": latest}


def surveillance(data: SiteData) -> dict[str, Any]:
    return page_model(
        data.configuration,
        "Surveillance",
        deaths=_deaths(data),
        drugs=_drugs(data),
        trend=_trend(data),
        alerts=_alerts(data),
        prevalence=_prevalence(data),
        case_review=_case_review(data),
    )
