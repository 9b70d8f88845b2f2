"""The published data of the active configuration (its ``data/`` folder) and its source
register (``sources.yaml``). Scotland's ``data/SOURCES.md`` gives every figure's source."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from missionmonitor import config
from missionmonitor.errors import DefinitionError


def shipped_dir() -> Path:
    """Folder of the configuration's published data files."""
    return config.path("data")


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


@config.cached
def load_sources() -> dict[str, Source]:
    """The source register, each source ranked so later publications rank higher."""
    path = config.path("sources.yaml")
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
