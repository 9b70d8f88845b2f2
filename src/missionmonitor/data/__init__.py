"""The published data of a configuration (its ``data/`` folder) and its source
register (``sources.yaml``). Scotland's ``data/SOURCES.md`` gives every figure's source."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from missionmonitor import config


def shipped_dir(configuration: config.Configuration) -> Path:
    """Folder of the configuration's published data files."""
    return config.path(configuration, "data")


def shipped_file(configuration: config.Configuration, name: str) -> Path:
    return shipped_dir(configuration) / name


@dataclass(frozen=True)
class Source:
    key: str
    status: str
    source: str
    taken: str
    published: str | None
    order: int  # rank among all sources by publication date, then register position
    synthetic: bool = False  # generated records, never real: labelled wherever shown
    #: The publication series this edition belongs to (copies elsewhere name the series
    #: they copy); by default the key without its year or edition.
    series: str = ""


class Entry(BaseModel):
    """One edition in ``sources.yaml``, as written there."""

    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)
    key: str = Field(min_length=1)
    status: str
    source: str
    taken: str
    published: str | None = None
    synthetic: bool = False
    series: str | None = None


@config.cached
def load_sources(configuration: config.Configuration) -> dict[str, Source]:
    """The source register, each source ranked so later publications rank higher."""
    path = config.path(configuration, "sources.yaml")
    entries = config.read_definition(path, tuple[Entry, ...], "source register", key="sources")
    config.unique(entries, lambda e: e.key, path, "source")
    # Sorting is stable: a source listed later counts as later among those of one date.
    ranked = sorted(entries, key=lambda e: e.published or "")
    return {
        e.key: Source(
            e.key,
            e.status,
            e.source,
            e.taken,
            e.published,
            rank,
            e.synthetic,
            e.series or series_of(e.key),
        )
        for rank, e in enumerate(ranked)
    }


def series_of(key: str) -> str:
    """The series a source key names when the register gives none: the key without its
    year, quarter or month (NRS_2024_REPORT and NRS_2019_REPORT are one series).

    >>> series_of("NRS_2024_REPORT"), series_of("PHS_OST_SEP2024"), series_of("PHS_NALOX_Q1_2122")
    ('NRS_REPORT', 'PHS_OST', 'PHS_NALOX')
    """
    parts = [p for p in key.split("_") if not re.search(r"\d", p)]
    months = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
    return "_".join(p for p in parts if p not in months) or key
