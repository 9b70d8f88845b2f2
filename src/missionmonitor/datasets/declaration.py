"""Dataset declarations: one YAML file per dataset, validated on load.

A declaration names the source, its schema (columns, types, allowed values), its grain (the
columns that identify a row) and how its rows become *observations*: the long table of
``measure × area × period (× sex × age × breakdown) × vintage`` that indicators read.

In an observation mapping, a string starting with ``=`` is a constant (``"=S92000003"``);
anything else names a column.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from missionmonitor.errors import DefinitionError, NotFoundError

ColumnType = Literal["integer", "decimal", "text", "area_code", "source_keys", "enum", "period"]
BlankRule = Literal["skip", "suppressed"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Column(_Strict):
    type: ColumnType
    required: bool = False
    min: float | None = None
    max: float | None = None
    allowed: tuple[str, ...] | None = None
    pattern: str | None = None
    #: For ``area_code`` columns: another column that must hold the code's area type.
    area_type_column: str | None = None
    description: str = ""

    @model_validator(mode="after")
    def _enum_needs_values(self) -> Column:
        if self.type == "enum" and not self.allowed:
            raise ValueError("an enum column needs 'allowed' values")
        return self


class ObservationMap(_Strict):
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


class Declaration(_Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    description: str
    publisher: str
    licence: str
    frequency: str
    file: str
    #: False for datasets produced here from confidential records (not in the shipped data).
    shipped: bool = True
    grain: tuple[str, ...]
    status: Literal["final", "provisional", "published_aggregate"] = "final"
    default_vintage: str | None = None
    columns: dict[str, Column]
    observations: tuple[ObservationMap, ...] = ()

    @model_validator(mode="after")
    def _references_exist(self) -> Declaration:
        cols = set(self.columns)
        for g in self.grain:
            if g not in cols:
                raise ValueError(f"grain column {g!r} is not declared")
        for name, col in self.columns.items():
            if col.area_type_column and col.area_type_column not in cols:
                raise ValueError(f"column {name!r}: area_type_column is not declared")
        for i, obs in enumerate(self.observations):
            refs = [
                obs.measure, obs.value, obs.period, obs.area_code, obs.vintage, obs.lci,
                obs.uci, obs.numerator, obs.sex, obs.age_group, obs.breakdown, obs.unit,
            ]  # fmt: skip
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


def _declarations_dir() -> Path:
    return Path(str(resources.files("missionmonitor.datasets") / "declarations"))


def parse_declaration(path: Path) -> Declaration:
    """Read and validate one declaration file; raise DefinitionError naming the file."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Declaration.model_validate(raw)
    except (yaml.YAMLError, ValidationError, OSError) as exc:
        raise DefinitionError(f"{path.name}: invalid dataset declaration: {exc}") from exc


@cache
def load_declarations() -> dict[str, Declaration]:
    """Every shipped declaration by name (each file must be named after its dataset)."""
    out: dict[str, Declaration] = {}
    for path in sorted(_declarations_dir().glob("*.yaml")):
        decl = parse_declaration(path)
        if decl.name != path.stem:
            raise DefinitionError(f"{path.name}: declares dataset {decl.name!r}; names must match")
        out[decl.name] = decl
    return out


def get_declaration(name: str) -> Declaration:
    decls = load_declarations()
    if name not in decls:
        raise NotFoundError(f"unknown dataset {name!r}; known: {', '.join(sorted(decls))}")
    return decls[name]
