"""Data shipped inside the package: published figures (Open Government Licence v3.0) and the
source register. See ``shipped/SOURCES.md`` for every figure's source."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import yaml

from missionmonitor.errors import DefinitionError

ATTRIBUTION = (
    "Contains public sector information licensed under the Open Government Licence v3.0 "
    "(National Records of Scotland, Public Health Scotland, Scottish Government)."
)


def shipped_dir() -> Path:
    """Folder of the shipped CSV files."""
    return Path(str(resources.files("missionmonitor.data") / "shipped"))


def shipped_file(name: str) -> Path:
    return shipped_dir() / name


@dataclass(frozen=True)
class Source:
    key: str
    status: str
    source: str
    taken: str
    published: str | None
    order: int  # rank among all sources by publication date, then register position
    synthetic: bool = False  # generated records, never real: labelled wherever shown


@cache
def load_sources() -> dict[str, Source]:
    """The source register, each source ranked so later publications rank higher."""
    path = Path(str(resources.files("missionmonitor.data") / "sources.yaml"))
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8"))["sources"]
        keyed = [
            (str(e.get("published") or ""), i, e) for i, e in enumerate(entries) if e.get("key")
        ]
    except (yaml.YAMLError, KeyError, TypeError) as exc:
        raise DefinitionError(f"sources.yaml: invalid source register: {exc}") from exc
    ranked = sorted(keyed, key=lambda t: (t[0], t[1]))
    return {
        e["key"]: Source(
            e["key"],
            e["status"],
            e["source"],
            e["taken"],
            e.get("published"),
            rank,
            bool(e.get("synthetic", False)),
        )
        for rank, (_, _, e) in enumerate(ranked)
    }
