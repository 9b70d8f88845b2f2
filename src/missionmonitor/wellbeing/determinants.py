"""The wider determinants shown beside an outcome (``wider_determinants.yaml``, optional):
published figures only, each with its publisher, title, address and edition, and for each
topic a statement of what was not found (such as any figure by council area). Nothing here
is estimated or computed.

For example::

    for topic in determinants_of(configuration, "5"):
        topic.figures, topic.not_found
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from missionmonitor import config


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Figure(_Strict):
    label: str
    area: str
    period: str
    value: float
    unit: str
    publisher: str
    title: str
    url: str = Field(pattern=r"^https?://")
    edition: str
    note: str = ""


class Topic(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    outcome: str
    figures: tuple[Figure, ...] = ()
    #: What was looked for and not found (e.g. by council area): said on the page.
    not_found: str


class Determinants(_Strict):
    intro: str
    topics: tuple[Topic, ...]


@config.cached
def load_determinants(configuration: config.Configuration) -> Determinants | None:
    """The configuration's wider determinants, or None when it declares none."""
    file = config.path(configuration, "wider_determinants.yaml")
    if not file.is_file():
        return None
    return config.read_definition(file, Determinants, "wider determinants")


def determinants_of(configuration: config.Configuration, outcome_id: str) -> list[Topic]:
    """The topics shown beside an outcome."""
    found = load_determinants(configuration)
    return [t for t in found.topics if t.outcome == outcome_id] if found else []
