"""How current each dataset is: the latest period held in the store against the latest the
publisher is known to have released (a publication's ``latest_released`` in the dataset's
declaration). ``missionmonitor datasets currency`` prints it; the user guide's table of data
currency is its Markdown, checked against the shipped store by a test."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from missionmonitor import config
from missionmonitor.datasets.declaration import Declaration, load_declarations
from missionmonitor.errors import NotFoundError
from missionmonitor.periods import Period, parse_period
from missionmonitor.store.connection import Store

Status = Literal["behind", "current", "not recorded", "nothing held"]

#: What each status says, for the table's key.
STATUS_MEANING: dict[Status, str] = {
    "behind": "the publisher has released a later period than the latest held",
    "current": "the latest period held is the latest the publisher is known to have released",
    "not recorded": "the declaration records no latest release to compare with",
    "nothing held": "no figure of the dataset is in the store",
}

#: The Markdown table's columns.
HEADER = ("Dataset", "Latest period held", "Latest released", "Known as of", "Status", "Source")


@dataclass(frozen=True)
class Currency:
    """One dataset (and one of its publications, where several record a latest release)."""

    dataset: str
    title: str
    held: str | None
    released: str | None
    as_of: str | None
    publication: str | None
    url: str | None
    note: str
    status: Status


def _parsed(label: str) -> Period | None:
    try:
        return parse_period(label)
    except NotFoundError:
        return None


def latest_period(labels: Iterable[str]) -> str | None:
    """The period that ends last (of two ending together, the shorter: ``2023`` before
    ``2019-2023``); labels of no known form are passed over."""
    parsed = [p for p in (_parsed(label) for label in labels) if p is not None]
    if not parsed:
        return None
    return max(parsed, key=lambda p: (p.end, p.start)).label


def held_periods(store: Store) -> dict[str, list[str]]:
    """Every period label each dataset holds a figure for, in the store."""
    rows = store.query("SELECT DISTINCT dataset, period FROM observations ORDER BY 1, 2")
    held: dict[str, list[str]] = {}
    for dataset, period in rows:
        held.setdefault(str(dataset), []).append(str(period))
    return held


def _status(held: str | None, released: str | None) -> Status:
    if held is None:
        return "nothing held"
    if released is None:
        return "not recorded"
    held_p, released_p = parse_period(held), parse_period(released)
    return "behind" if released_p.end > held_p.end else "current"


def currency_of(decl: Declaration, periods: Iterable[str]) -> list[Currency]:
    """A dataset's currency: one row for each publication that records its latest release,
    or one row saying none is recorded."""
    held = latest_period(periods)
    recorded = [r for r in decl.releases if r.latest_released is not None]
    if not recorded:
        return [
            Currency(decl.name, decl.title, held, None, None, None, None, "", _status(held, None))
        ]
    out = []
    for pub in recorded:
        latest = pub.latest_released
        assert latest is not None
        out.append(
            Currency(
                decl.name,
                decl.title,
                held,
                latest.period,
                latest.as_of,
                pub.title,
                pub.url,
                latest.note,
                _status(held, latest.period),
            )
        )
    return out


def currency(
    configuration: config.Configuration, held: Mapping[str, Iterable[str]]
) -> list[Currency]:
    """Every dataset whose rows become figures, by name, with ``held`` the periods held of
    each (``held_periods``)."""
    decls = load_declarations(configuration)
    return [
        row
        for name in sorted(decls)
        if decls[name].observations
        for row in currency_of(decls[name], held.get(name, ()))
    ]


def _cell(text: str | None) -> str:
    return (text or "—").replace("|", "\\|").replace("\n", " ")


def markdown(rows: Iterable[Currency]) -> str:
    """The rows as a Markdown table (with ``—`` where nothing is held or recorded)."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for r in rows:
        source = f"[{r.publication}]({r.url})" if r.publication and r.url else r.publication
        if r.note:
            source = f"{source}: {r.note}" if source else r.note
        cells = (f"`{r.dataset}`", r.held, r.released, r.as_of, r.status, source)
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"
