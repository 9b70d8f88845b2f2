"""Outcome instruments as versioned data (``outcome_instruments/*.yaml``), validated on
load: the items asked (a 0-20 rating, a count of days in the past 28, or yes/no), the scales
scored from them with their reliability (or a statement that none is published, when
reliable change is not computed), the problems whose resolution is counted, and the review
points with their windows. A configuration may have no instruments (the folder absent).

For example::

    instrument = current_instrument(configuration, "quality_of_life")
    instrument.scale("overall_quality_of_life").reliability.coefficient  # None: not published
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from missionmonitor import config
from missionmonitor.errors import NotFoundError

ItemKind = Literal["rating", "days", "yes_no"]

#: The answers each kind allows: a rating 0-20, days 0-28 (in the past 28 days), yes/no.
RANGES: dict[str, tuple[int, int]] = {"rating": (0, 20), "days": (0, 28), "yes_no": (0, 1)}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Item(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    kind: ItemKind
    required: bool = True


class Reliability(_Strict):
    """A scale's reliability coefficient with its source, or a statement that none is
    published (``coefficient`` absent): then reliable change is not computed for it."""

    coefficient: float | None = Field(default=None, gt=0, lt=1)
    source: str = ""
    not_published: str = ""

    @model_validator(mode="after")
    def _stated(self) -> Reliability:
        if self.coefficient is not None and not self.source:
            raise ValueError("a reliability coefficient needs its source")
        if self.coefficient is None and not self.not_published:
            raise ValueError("without a coefficient, say why in not_published")
        if self.coefficient is not None and self.not_published:
            raise ValueError("give a coefficient or not_published, not both")
        return self


class Scale(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    items: tuple[str, ...] = Field(min_length=1)
    scoring: Literal["sum", "mean"] = "sum"
    higher_is_better: bool = True
    reliability: Reliability
    #: The standard deviation of start scores to judge change by, with its source; absent:
    #: the standard deviation of the start scores of everyone reviewed (see methodology).
    baseline_sd: float | None = Field(default=None, gt=0)
    baseline_sd_source: str = ""


class Problem(_Strict):
    """A circumstance counted as a problem at the start and as resolved at a review: a yes
    to a yes/no item, or no days of a days item."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    item: str
    when: Literal["yes", "no_days"]


class ReviewPoint(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    #: Days after the start when the review is due; absent for a point that is not
    #: scheduled (the exit review, when a person leaves).
    due_after_days: int | None = Field(default=None, ge=0)
    #: Days either side of the due date within which the review counts as on time.
    window_days: int = Field(ge=0)


class Instrument(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    version: int = Field(ge=1)
    title: str
    description: str
    effective_from: str
    #: Where the instrument's shape comes from, and what the site must check before use.
    shape_sources: tuple[str, ...] = ()
    licence_note: str = ""
    items: tuple[Item, ...] = Field(min_length=1)
    scales: tuple[Scale, ...] = ()
    problems: tuple[Problem, ...] = ()
    review_points: tuple[ReviewPoint, ...] = Field(min_length=2)
    #: The review point every change is measured from (the first record).
    start: str = "start"

    def item(self, item_id: str) -> Item:
        return {i.id: i for i in self.items}[item_id]

    def scale(self, scale_id: str) -> Scale:
        return {s.id: s for s in self.scales}[scale_id]

    def point(self, point_id: str) -> ReviewPoint:
        return {p.id: p for p in self.review_points}[point_id]

    @property
    def scheduled(self) -> list[ReviewPoint]:
        """The review points due at a set time after the start (not the start itself)."""
        return [
            p for p in self.review_points if p.id != self.start and p.due_after_days is not None
        ]

    @model_validator(mode="after")
    def _consistent(self) -> Instrument:
        kinds = {i.id: i.kind for i in self.items}
        for what, ids in (
            ("item", [i.id for i in self.items]),
            ("scale", [s.id for s in self.scales]),
            ("problem", [p.id for p in self.problems]),
            ("review point", [p.id for p in self.review_points]),
        ):
            if len(ids) != len(set(ids)):
                raise ValueError(f"{what} ids must be unique")
        for s in self.scales:
            for i in s.items:
                if kinds.get(i) != "rating":
                    raise ValueError(f"scale {s.id}: {i!r} is not a rating item")
        for p in self.problems:
            want = "yes_no" if p.when == "yes" else "days"
            if kinds.get(p.item) != want:
                raise ValueError(f"problem {p.id}: {p.item!r} is not a {want} item")
        if self.start not in {p.id for p in self.review_points}:
            raise ValueError(f"the start point {self.start!r} is not a review point")
        return self


@config.cached
def load_instruments(configuration: config.Configuration) -> dict[tuple[str, int], Instrument]:
    """Every version of every outcome instrument, keyed by (id, version); none when the
    configuration has no ``outcome_instruments`` folder."""
    folder = config.path(configuration, "outcome_instruments")
    if not folder.is_dir():
        return {}
    return config.read_definitions(
        folder, Instrument, "outcome instrument", lambda _, i: (i.id, i.version)
    )


def current_instrument(configuration: config.Configuration, instrument_id: str) -> Instrument:
    """The latest version of an instrument (NotFoundError when there is none)."""
    known = load_instruments(configuration).items()
    versions = [i for (iid, _), i in known if iid == instrument_id]
    if not versions:
        raise NotFoundError(f"no outcome instrument {instrument_id!r}")
    return max(versions, key=lambda i: i.version)
