"""Where each figure on an indicator page comes from: the edition it was read from (an entry
of the source register, ``sources.yaml``: its series, publisher, publication date and
address) and, where the figure's dataset declares its publisher's platform (``source:``),
the resource read there: a platform's id (a PHS Open Data resource) or the edition's
address (a publisher's workbook).

A figure names an edition by its ``vintage`` (source keys, ``;``-separated). A declaration
ties editions to vintages through its ``source.options``: ``vintages`` maps an edition's
label to its source key (the workbooks), ``vintage_prefix`` starts every source key of a
resource's editions (PHS Open Data)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from missionmonitor.config import Configuration
from missionmonitor.data import Source, load_sources
from missionmonitor.datasets.declaration import Declaration

#: A web address inside a register entry's free text.
ADDRESS = re.compile(r"https?://[^\s;,'\"()]+")
#: Said of an edition the source register does not hold.
NOT_REGISTERED = "not in the source register"
#: The columns each figure of a download gains, in order, joined by "; " across editions.
DOWNLOAD_COLUMNS = ("edition_title", "publisher", "edition_address", "platform", "resource")


def edition_keys(vintage: Any) -> list[str]:
    """The source keys a figure's vintage names, in order."""
    return [k.strip() for k in str(vintage or "").split(";") if k.strip()]


def address_of(entry: Source) -> str | None:
    """The first web address a register entry gives (None: it names none, e.g. a copy in a
    repository written as ``owner/name:path@commit``)."""
    found = ADDRESS.search(entry.source)
    return found.group(0).rstrip(".") if found else None


def platform_resource(decl: Declaration, key: str) -> tuple[str, str | None] | None:
    """What the declaration's platform reads for the edition ``key``: its resource id, and
    the edition's address where the declaration lists it; None when the declaration ties no
    edition of its ``source:`` to this key (an older copy, another publication)."""
    source = decl.source
    if source is None:
        return None
    vintages = source.options.get("vintages")
    if isinstance(vintages, Mapping):
        labels = [str(label) for label, k in vintages.items() if str(k) == key]
        urls = [e.url for e in source.editions if e.edition in labels]
        if urls:
            return (source.resource or urls[-1], urls[-1])
    prefix = source.options.get("vintage_prefix")
    if isinstance(prefix, str) and key.startswith(prefix) and source.resource:
        return (source.resource, None)
    return None


def figure_sources(
    configuration: Configuration, declarations: Iterable[Declaration], vintage: Any
) -> list[dict[str, Any]]:
    """The editions one figure comes from, each with its series, publisher, publication
    date and address, and the platform resource read (``declarations``: the indicator's
    datasets, the one its method reads first)."""
    registry = load_sources(configuration)
    decls = list(declarations)
    out = []
    for key in edition_keys(vintage):
        entry = registry.get(key)
        read = [(d, found) for d in decls if (found := platform_resource(d, key))]
        decl, (resource, edition_url) = read[0] if read else (None, (None, None))
        publisher = decl or (decls[0] if decls else None)
        out.append(
            {
                "edition": key,
                "title": entry.series if entry else NOT_REGISTERED,
                "publisher": publisher.publisher if publisher else None,
                "published": entry.published if entry else None,
                "address": edition_url or (address_of(entry) if entry else None),
                "platform": decl.source.platform if decl and decl.source else None,
                "resource": resource,
            }
        )
    return out


def indicator_declarations(
    datasets: Mapping[str, Declaration], sources: Iterable[str], method_dataset: str
) -> list[Declaration]:
    """An indicator's datasets, the one its method reads first."""
    names = [method_dataset, *(s for s in sources if s != method_dataset)]
    return [datasets[n] for n in names if n in datasets]


def editions(configuration: Configuration, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each edition behind the figures shown: its source, publication date and status (or
    that it is generated), and the periods it gives."""
    registry = load_sources(configuration)
    periods: dict[str, list[str]] = {}
    for r in rows:
        for key in edition_keys(r["vintage"]):
            periods.setdefault(key, []).append(r["period"])
    out = []
    for key, shown in periods.items():
        src = registry.get(key)
        out.append(
            {
                "key": key,
                "source": src.source if src else NOT_REGISTERED,
                "published": src.published if src else None,
                "status": "generated (SYNTHETIC)"
                if src and src.synthetic
                else (src.status if src else "unknown"),
                "periods": shown[0]
                if len(shown) == 1
                else f"{shown[0]} to {shown[-1]} ({len(shown)} periods)",
            }
        )
    return out


def secondary_periods(configuration: Configuration, rows: list[dict[str, Any]]) -> list[str]:
    """The periods of ``rows`` whose figure was read from a secondary source (an edition
    the register says was read from a copy of the publisher's figures)."""
    registry = load_sources(configuration)
    return [
        r["period"]
        for r in rows
        if any(
            k in registry and registry[k].status.startswith("secondary")
            for k in edition_keys(r["vintage"])
        )
    ]


def with_sources(
    configuration: Configuration, page: dict[str, Any], declarations: list[Declaration]
) -> dict[str, Any]:
    """The indicator page with each figure (trend and comparison rows) naming its editions
    and the platform resource read (``sources``: ``edition`` and ``resource``), and the
    page's ``figure_sources``: each edition once, in full (``figure_sources``), for the
    "Sources of these figures" table."""
    seen: dict[str, dict[str, Any]] = {}
    tables = [page["trend"]["rows"]]
    if page.get("comparison"):
        tables.append(page["comparison"]["rows"])
    found: dict[str, list[dict[str, Any]]] = {}
    for rows in tables:
        for row in rows:
            key = str(row["vintage"] or "")
            if key not in found:
                found[key] = figure_sources(configuration, declarations, key)
                for s in found[key]:
                    seen.setdefault(s["edition"], s)
            row["sources"] = [
                {"edition": s["edition"], "resource": s["resource"]} for s in found[key]
            ]
    page["figure_sources"] = list(seen.values())
    return page


def download_columns(sources: pd.Series, editions: list[dict[str, Any]]) -> pd.DataFrame:
    """The download's columns of each figure's editions (a row's ``sources``, described in
    full by the page's ``figure_sources``), each field joined by "; " across the editions."""
    full = {e["edition"]: e for e in editions}
    fields = {
        "edition_title": "title",
        "publisher": "publisher",
        "edition_address": "address",
        "platform": "platform",
        "resource": "resource",
    }

    def joined(found: Any, field: str) -> str:
        described = [full.get(s["edition"], s) for s in (found or [])]
        return "; ".join(str(d.get(field) or "") for d in described)

    return pd.DataFrame(
        {column: [joined(f, field) for f in sources] for column, field in fields.items()},
        index=sources.index,
    )
