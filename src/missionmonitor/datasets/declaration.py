"""Dataset declarations: one YAML file per dataset, validated on load.

A declaration is a table schema (``table_schema.TableSchema``) that also names the source,
its schema (columns, types, allowed values), its grain (the
columns that identify a row) and how its rows become *observations*: the long table of
``measure × area × period (× sex × age × breakdown) × vintage`` that indicators read.

In an observation mapping, a string starting with ``=`` is a constant (``"=S92000003"``);
anything else names a column.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from missionmonitor import config
from missionmonitor.datasets.table_schema import Strict, TableSchema
from missionmonitor.errors import DefinitionError, NotFoundError
from missionmonitor.methods.disclosure import Disclosure
from missionmonitor.periods import parse_period

BlankRule = Literal["skip", "suppressed"]


class ObservationMap(Strict):
    """How each row (optionally filtered) becomes one observation."""

    measure: str
    value: str
    period: str
    area_code: str
    vintage: str | None = None
    lci: str | None = None
    uci: str | None = None
    numerator: str | None = None
    sex: str | None = None
    age_group: str | None = None
    breakdown: str | None = None
    unit: str | None = None
    where: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    period_map: dict[str, str] = Field(default_factory=dict)
    breakdown_map: dict[str, str] = Field(default_factory=dict)
    blank: BlankRule = "skip"


class Release(Strict):
    """Where the publisher releases the dataset's file (for `missionmonitor update`)."""

    url: str = Field(pattern=r"^https?://")
    #: Pin one file: an update whose download has another SHA-256 is refused.
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    note: str = ""


Platform = Literal["phs_ckan", "nrs_workbook", "nrs_csv", "sg_workbook", "sg_cube"]


class Edition(Strict):
    """One edition of a publisher's file: its label, its address and, where the file is
    shipped, the file's name in the configuration's ``data`` folder."""

    edition: str
    url: str = Field(pattern=r"^https?://")
    file: str | None = None
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")


class Source(Strict):
    """Where and how a publisher releases this dataset, read by the connector named by
    ``platform`` (``missionmonitor.connectors``). The connector maps the publisher's own
    layout to the dataset's columns; shipped files and updates go through the same mapping.

    ``resource`` is a platform's stable id (a PHS Open Data resource id, a statistics.gov.scot
    cube); ``editions`` lists editions by address (newest last). ``columns`` maps the
    publisher's column (or header) to the dataset's; ``qualifiers`` maps a qualifier column's
    codes (``:``, ``[c]``…) to a status (``suppressed``, ``provisional``, ``not_applicable``…).
    ``options`` holds what only one platform needs (a sheet name, the text that finds a
    header); each connector validates its own.
    """

    platform: Platform
    cadence: Literal["weekly", "monthly", "quarterly", "annual", "ad hoc"]
    resource: str | None = None
    editions: tuple[Edition, ...] = ()
    columns: dict[str, str] = Field(default_factory=dict)
    qualifiers: dict[str, dict[str, str]] = Field(default_factory=dict)
    options: dict[str, object] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _somewhere(self) -> Source:
        if not self.resource and not self.editions:
            raise ValueError("a source names its resource (an id) or its editions (addresses)")
        return self


class LatestRelease(Strict):
    """The latest period a publisher is known to have released in a publication, as a
    period label of the dataset (``2024``, ``2025-Q2``), so it compares with the periods
    held; ``as_of`` is the date of the evidence (the release's date, or when its file was
    seen), None where no date is recorded; ``note`` says where this is recorded."""

    period: str
    as_of: str | None = Field(default=None, pattern=r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$")
    note: str = ""

    @model_validator(mode="after")
    def _a_period(self) -> LatestRelease:
        try:
            parse_period(self.period)
        except NotFoundError as exc:
            raise ValueError(str(exc)) from None
        return self


class Publication(Strict):
    """Where a publisher releases new editions of (part of) a dataset, for people to read:
    the publication series page, or its latest edition where no series page is known."""

    publisher: str
    title: str
    url: str = Field(pattern=r"^https?://")
    #: The latest period the publisher is known to have released (``missionmonitor
    #: datasets currency`` sets it against the latest period held).
    latest_released: LatestRelease | None = None


class UnmatchedArea(Strict):
    """An area the publisher names that the geography does not hold as one area (e.g. one
    of two ADPs the geography holds as one): its rows are kept, never added together, and
    the area it lies ``within`` lists the figures it therefore lacks."""

    name: str
    within: str


class Declaration(TableSchema):
    """A dataset: its table schema, where it comes from, and how its rows become figures."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    description: str
    publisher: str
    licence: str
    frequency: str
    file: str
    #: False for datasets produced here from confidential records (not in the shipped data).
    shipped: bool = True
    status: Literal["final", "provisional", "published_aggregate"] = "final"
    default_vintage: str | None = None
    release: Release | None = None
    #: The publisher's own release, read by a connector (see ``Source``).
    source: Source | None = None
    #: Where the publishers release new editions (read by people; ``release`` is the file).
    releases: tuple[Publication, ...] = ()
    observations: tuple[ObservationMap, ...] = ()
    #: Areas the publisher names that the geography does not hold (see ``UnmatchedArea``).
    unmatched_areas: tuple[UnmatchedArea, ...] = ()
    #: The disclosure rule of each measure published straight from the dataset's rows (not
    #: through an indicator, which declares its own), by measure.
    disclosure: dict[str, Disclosure] = Field(default_factory=dict)

    def disclosure_of(self, measure: str) -> Disclosure:
        """The declared rule of a measure published straight from this dataset."""
        try:
            return self.disclosure[measure]
        except KeyError:
            raise DefinitionError(
                f"dataset {self.name}: measure {measure} is published without a declared "
                "disclosure rule (add it under disclosure:)"
            ) from None

    @model_validator(mode="after")
    def _references_exist(self) -> Declaration:
        cols = set(self.columns)
        for i, obs in enumerate(self.observations):
            refs = [
                obs.measure,
                obs.value,
                obs.period,
                obs.area_code,
                obs.vintage,
                obs.lci,
                obs.uci,
                obs.numerator,
                obs.sex,
                obs.age_group,
                obs.breakdown,
                obs.unit,
            ]
            for ref in [r for r in refs if r] + list(obs.where):
                if not ref.startswith("=") and ref not in cols:
                    raise ValueError(f"observations[{i}] refers to undeclared column {ref!r}")
            if obs.vintage is None and self.default_vintage is None:
                raise ValueError(f"observations[{i}] has no vintage and there is no default")
        return self

    @property
    def table(self) -> str:
        """Name of the typed table that holds this dataset's rows in the store."""
        return f"ds_{self.name}"


def _declarations_dir(configuration: config.Configuration) -> Path:
    return config.path(configuration, "datasets")


def _named(path: Path, decl: Declaration) -> str:
    if decl.name != path.stem:
        raise DefinitionError(f"{path.name}: declares dataset {decl.name!r}; names must match")
    return decl.name


@config.cached
def load_declarations(configuration: config.Configuration) -> dict[str, Declaration]:
    """Every shipped declaration by name (each file must be named after its dataset)."""
    return config.read_definitions(
        _declarations_dir(configuration), Declaration, "dataset declaration", _named
    )


def get_declaration(configuration: config.Configuration, name: str) -> Declaration:
    decls = load_declarations(configuration)
    if name not in decls:
        raise NotFoundError(f"unknown dataset {name!r}; known: {', '.join(sorted(decls))}")
    return decls[name]
