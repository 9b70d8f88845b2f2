"""Compute indicators into one results table.

For each indicator the method kind produces values; the engine then, for every indicator
alike: keeps the declared geographies, stamps the definition version in force for each
period, applies disclosure control (primary, then secondary across every area total the
results publish), compares each area with the national value, and works out change on the
previous period — refusing it across a series break, with the reason (``comparisons``).

For example::

    with Store.open(path, configuration) as store:
        results = compute_all(store, Geography.of(configuration))
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import numpy as np
import pandas as pd

from missionmonitor import config
from missionmonitor.data import load_sources
from missionmonitor.indicators.catalogue import Indicator, load_catalogue
from missionmonitor.indicators.comparisons import changes, vs_national
from missionmonitor.indicators.kinds import KINDS
from missionmonitor.indicators.per_population import PER_POPULATION
from missionmonitor.methods.disclosure import Group, suppress_groups
from missionmonitor.periods import parse_period
from missionmonitor.refdata.geography import Geography, area_types
from missionmonitor.store.connection import Store
from missionmonitor.store.vintages import select_observations

#: The published columns, in order.
RESULT_COLUMNS = (
    "indicator_id",
    "area_code",
    "area_type",
    "period",
    "value",
    "lci",
    "uci",
    "numerator",
    "denominator",
    "suppressed",
    "status",
    "vintage",
    "definition_version",
    "comparable_with_previous",
    "vs_national",
    "change_vs_previous",
    "change_pct_vs_previous",
    "change_unit",
    "change_significant",
)
#: Kept beside them in the store: for ordering, and to say why a change is missing.
EXTRA_COLUMNS = ("period_start", "note")


def compute_indicator(
    store: Store,
    ind: Indicator,
    geo: Geography,
    vintage: str = "latest",
    hidden: frozenset[tuple[str, str]] = frozenset(),
) -> pd.DataFrame:
    """Every area × period of one indicator, under a vintage selection (see observations).
    ``hidden``: (area, period) figures suppressed from the start, because another indicator
    with the same numerator hides them (see ``compute_all``)."""

    def read(dataset: str, measures: list[str]) -> pd.DataFrame:
        return select_observations(store, dataset, measures, vintage)

    base = {**KINDS, **PER_POPULATION}[ind.method.kind](ind, read, geo)
    # Figures from SYNTHETIC records say so in their status, wherever they are shown.
    fake = {k for k, s in load_sources(geo.configuration).items() if s.synthetic}
    # A figure made from several sources (an amount per head of population) is SYNTHETIC if
    # any of them is.
    made_up = base["vintage"].map(lambda v: any(k in fake for k in str(v).split(";")))
    base.loc[made_up.astype(bool), "status"] = "SYNTHETIC"
    types = geo.codes()
    df = base.assign(area_type=base["area_code"].map(types))
    df = df[df["area_type"].isin(ind.geography)].reset_index(drop=True)
    df.insert(0, "indicator_id", ind.id)
    df["period_start"] = df["period"].map(lambda p: parse_period(p).start)
    df["definition_version"] = df["period"].map(lambda p: ind.version_for(p).version)
    df["note"] = ""
    if hidden:
        keys = zip(df["area_code"], df["period"], strict=True)
        df["suppressed"] = df["suppressed"].astype(bool).to_numpy() | np.array(
            [k in hidden for k in keys], dtype=bool
        )
    df = _apply_disclosure(df, ind, geo)
    df["vs_national"] = vs_national(geo.configuration, df)
    df = changes(df, ind)
    df["_type_order"] = df["area_type"].map(area_types(geo.configuration).index)
    df = df.sort_values(["_type_order", "area_code", "period_start"]).drop(columns="_type_order")
    return df[list(RESULT_COLUMNS + EXTRA_COLUMNS)].reset_index(drop=True)


def compute_all(
    store: Store,
    geo: Geography,
    indicators: Iterable[Indicator] | None = None,
    progress: Callable[[Indicator], None] | None = None,
) -> pd.DataFrame:
    """Compute indicators into the store's ``indicator_results`` table.

    With no ``indicators`` every catalogue indicator is computed and the table replaced;
    with some, only their rows are replaced. Returns the rows computed.
    """
    chosen = (
        list(indicators)
        if indicators is not None
        else list(load_catalogue(geo.configuration).values())
    )
    frames = {}
    for ind in chosen:
        frames[ind.id] = compute_indicator(store, ind, geo)
        if progress:
            progress(ind)
    _hide_shared_numerators(store, chosen, geo, frames)
    results = pd.concat(frames.values(), ignore_index=True)
    with store.transaction():
        if indicators is None:
            store.replace_rows("indicator_results", results)
        else:
            marks = ", ".join("?" for _ in chosen)
            store.replace_rows(
                "indicator_results", results, f"indicator_id IN ({marks})", [i.id for i in chosen]
            )
    return results


def series_mixes(configuration: config.Configuration, results: pd.DataFrame) -> list[str]:
    """Indicators whose figures under one definition version come from more than one
    publication series (the source register's ``series``): a change of source or method
    needs a definition version, so that the series break is declared and comparisons across
    it are refused. Empty when every series is consistent. A figure made from several
    sources (a count over a population) is of the series of all of them together.
    """
    sources = load_sources(configuration)
    found: dict[tuple[str, int], set[str]] = {}
    for ind_id, version, vintage in zip(
        results["indicator_id"], results["definition_version"], results["vintage"], strict=True
    ):
        keys = [k.strip() for k in str(vintage or "").split(";") if k.strip()]
        series = {sources[k].series if k in sources else k for k in keys}
        if series:
            found.setdefault((ind_id, int(version)), set()).add(" + ".join(sorted(series)))
    return [
        f"{ind} version {v} mixes {', '.join(sorted(s))}: declare a definition version"
        for (ind, v), s in sorted(found.items())
        if len(s) > 1
    ]


# ---- disclosure ----------------------------------------------------------------------


def shared_numerators(indicators: Iterable[Indicator]) -> list[list[Indicator]]:
    """Indicators publishing the same numerator (dataset and measure) under disclosure
    control: what one hides, the others must not publish."""
    groups: dict[tuple[str, str], list[Indicator]] = {}
    for ind in indicators:
        if ind.disclosure.threshold > 0 and ind.method.kind != "rolling_average":
            m = ind.method
            groups.setdefault((m.dataset, m.numerator_measure or m.measure), []).append(ind)
    return [g for g in groups.values() if len(g) > 1]


def _hide_shared_numerators(
    store: Store, chosen: list[Indicator], geo: Geography, frames: dict[str, pd.DataFrame]
) -> None:
    """Recompute each indicator of a shared-numerator group with every figure any of them
    suppresses hidden from the start, until their suppressions agree."""
    for group in shared_numerators(chosen):
        while True:
            hidden = frozenset(
                (a, p)
                for ind in group
                for a, p, s in zip(
                    frames[ind.id]["area_code"],
                    frames[ind.id]["period"],
                    frames[ind.id]["suppressed"],
                    strict=True,
                )
                if s
            )
            behind = [ind for ind in group if _shown(frames[ind.id]) & hidden]
            if not behind:
                break
            for ind in behind:
                frames[ind.id] = compute_indicator(store, ind, geo, hidden=hidden)


def _shown(df: pd.DataFrame) -> set[tuple[str, str]]:
    shown = df[~df["suppressed"].astype(bool)]
    return set(zip(shown["area_code"], shown["period"], strict=True))


def area_nodes(codes: list[str], geo: Geography) -> tuple[list[int], list[Group]]:
    """Merge areas that are the same place and relate the rest by containment.

    Returns ``node_of`` (each code's node index) and the groups ``(total, parts)`` among
    nodes: an area and the areas of one other type that exactly make it up (a board and its
    councils; Scotland and its police divisions). Areas covering the same councils (Glasgow
    City council, ADP and HSCP) are one node, so they are always suppressed together.
    """
    types = geo.codes()
    node_sets: list[frozenset[str]] = []
    node_of: list[int] = []
    node_types: list[set[str]] = []
    for code in codes:
        councils = frozenset(geo.councils_in(code))
        if councils in node_sets:
            n = node_sets.index(councils)
        else:
            node_sets.append(councils)
            node_types.append(set())
            n = len(node_sets) - 1
        node_of.append(n)
        node_types[n].add(types[code])
    groups: list[Group] = []
    all_types = set().union(*node_types) if node_types else set()
    for parent, councils in enumerate(node_sets):
        for t in all_types:
            parts = [
                n
                for n, cs in enumerate(node_sets)
                if n != parent and t in node_types[n] and cs < councils
            ]
            if parts and frozenset().union(*(node_sets[n] for n in parts)) == councils:
                groups.append((parent, tuple(parts)))
    return node_of, sorted(set(groups))


def _apply_disclosure(df: pd.DataFrame, ind: Indicator, geo: Geography) -> pd.DataFrame:
    """Primary and secondary suppression per period. The numerator is protected, and so is
    the denominator where it counts people (or items) rather than population: a share's
    denominator of 1 to 9 is suppressed like a numerator, and neither can be worked out by
    differencing. A suppressed row publishes no count at all."""
    rule = ind.disclosure
    suppressed = df["suppressed"].astype(bool).to_numpy().copy()
    counts = [df["numerator"].to_numpy(dtype=float)]
    if ind.denominator_counts:
        counts.append(df["denominator"].to_numpy(dtype=float))
    if rule.threshold > 0 or rule.additive:
        for _, idx in df.groupby("period").indices.items():
            codes = list(df["area_code"].iloc[idx])
            if rule.additive:
                node_of, groups = area_nodes(codes, geo)
            else:
                node_of, groups = list(range(len(codes))), []
            suppressed[idx] = _protect_counts(
                list(idx), node_of, groups, counts, suppressed, rule.threshold
            )
    df = df.copy()
    df["suppressed"] = suppressed
    for col in ("value", "lci", "uci", "numerator", "denominator"):
        df.loc[suppressed, col] = np.nan
    return df


def _protect_counts(
    idx: Sequence[int],
    node_of: list[int],
    groups: list[Group],
    counts: list[np.ndarray],
    suppressed: np.ndarray,
    threshold: int,
) -> np.ndarray:
    """The suppression of one period's rows: every count column protected, each against
    the others' suppressions too, until no further cell needs hiding."""
    n_nodes = max(node_of) + 1
    hidden = np.zeros(n_nodes, dtype=bool)
    for row, node in zip(idx, node_of, strict=True):
        hidden[node] |= suppressed[row]
    columns = []
    for values_of_rows in counts:
        values = np.full(n_nodes, np.nan)
        known = np.zeros(n_nodes, dtype=bool)
        for row, node in zip(idx, node_of, strict=True):
            if not np.isnan(values_of_rows[row]):
                known[node] = True
                values[node] = np.nanmax([values[node], values_of_rows[row]])
        columns.append((values, known))
    mask = hidden.copy()
    while True:
        before = mask.copy()
        for values, known in columns:
            # A value with no count at all stays published unless a twin is suppressed.
            found = suppress_groups(
                np.where(mask, np.nan, values), groups, threshold=threshold, protect=mask
            )
            mask |= found & (known | hidden)
        if (mask == before).all():
            return np.asarray(mask[node_of], dtype=bool)
