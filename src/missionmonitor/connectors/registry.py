"""The connector of each platform, and fetching a dataset's release through it.

A platform's module is ``missionmonitor.connectors.<platform>``, imported when first asked
for. It must offer ``read(content, source, geography, name) -> pandas.DataFrame`` (no
network; the rows in the dataset's columns) and may offer
``fetch(source, http, progress) -> Release`` where its platform has an API (PHS Open Data).
A module without ``fetch`` is fetched by address: the newest of the source's ``editions``
(the last listed), checked against its SHA-256 where one is pinned; a source whose
``options`` name a SPARQL ``endpoint`` and ``query`` is asked that query for CSV.

For example::

    release = fetch(decl.source, Http(), progress=None)
    rows = read(decl.source, release.content, geography, release.address)
"""

from __future__ import annotations

import hashlib
import importlib
from dataclasses import dataclass
from types import ModuleType
from typing import get_args

import pandas as pd

from missionmonitor.connectors.http import Http, Progress
from missionmonitor.datasets.declaration import Platform, Source
from missionmonitor.errors import DefinitionError, DownloadError, NotFoundError
from missionmonitor.refdata.geography import Geography

#: Every platform a source may name (the ``Platform`` of a declaration).
PLATFORMS: tuple[str, ...] = get_args(Platform)


@dataclass(frozen=True)
class Release:
    """A publisher's release as fetched: its bytes, its edition label and its address."""

    content: bytes
    edition: str
    address: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def connector(platform: str) -> ModuleType:
    """The module that reads ``platform``'s releases; NotFoundError if there is none."""
    if platform not in PLATFORMS:
        raise NotFoundError(f"unknown platform {platform!r}; known: {', '.join(PLATFORMS)}")
    name = f"missionmonitor.connectors.{platform}"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        raise NotFoundError(
            f"no connector reads the {platform} platform in this installation "
            f"(module {name} is missing)"
        ) from exc
    if not callable(getattr(module, "read", None)):
        raise NotFoundError(f"the {platform} connector ({name}) offers no read()")
    return module


def fetch(source: Source, http: Http, progress: Progress | None = None) -> Release:
    """Fetch ``source``'s newest release through its platform's connector."""
    own = getattr(connector(source.platform), "fetch", None)
    if callable(own):
        release = own(source, http, progress)
        if not isinstance(release, Release):
            raise TypeError(f"the {source.platform} connector's fetch() returned {release!r}")
        return release
    if "endpoint" in source.options:
        return fetch_query(source, http, progress)
    return fetch_edition(source, http, progress)


def fetch_edition(source: Source, http: Http, progress: Progress | None = None) -> Release:
    """The newest listed edition (the last in ``editions``), by its address."""
    if not source.editions:
        raise DefinitionError(
            f"a {source.platform} source lists no editions: give the newest edition's "
            "address under editions:"
        )
    newest = source.editions[-1]
    answer = http.get(newest.url, progress=progress)
    release = Release(answer.content, newest.edition, newest.url)
    if newest.sha256 and newest.sha256 != release.sha256:
        raise DownloadError(
            f"{newest.url} has SHA-256 {release.sha256}, not the {newest.sha256} its "
            f"declaration pins for edition {newest.edition!r}: nothing changed"
        )
    return release


def fetch_query(source: Source, http: Http, progress: Progress | None = None) -> Release:
    """Ask a SPARQL ``endpoint`` the source's ``query`` for CSV. The answer has no edition
    label of its own: it is labelled by its SHA-256 (an unchanged answer is recognised)."""
    endpoint, query = source.options.get("endpoint"), source.options.get("query")
    if not isinstance(endpoint, str) or not isinstance(query, str):
        raise DefinitionError("a source with an endpoint: gives its query: as text")
    answer = http.post(endpoint, {"query": query}, accept="text/csv", progress=progress)
    digest = hashlib.sha256(answer.content).hexdigest()
    return Release(answer.content, f"sha256:{digest[:12]}", endpoint)


def read(source: Source, content: bytes, geography: Geography, name: str) -> pd.DataFrame:
    """``content`` read by ``source``'s platform connector into the dataset's columns."""
    frame = connector(source.platform).read(content, source, geography, name)
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"the {source.platform} connector's read() returned {type(frame)}")
    return frame
