"""Table schemas: what a tabular file must hold, column by column, checked by one reader.

Every file the product reads is described by a schema: the shipped and loaded datasets by
their declarations (``declarations/*.yaml``, which add provenance and how rows become
figures), other inputs by the files in ``tables/`` (surveillance counts, capture
histories), and return uploads by a schema made from the return form. The reader
(``datasets.reader``) checks a file against its schema and names the file, row, column and
rule of every problem, with one set of rule names (the user guide's "Files and their
checks" lists them): ``binary``, ``encoding``, ``empty-file``, ``malformed-csv``;
``missing-column``, ``unexpected-column``, ``duplicate-column``, ``column-count``;
``field-count``, ``required``, ``type``, ``negative``, ``minimum``, ``maximum``,
``allowed-values``, ``pattern``, ``unknown-area-code``, ``area-type``, ``source-key``,
``duplicate-key``; and those a caller's row rule adds (uploads: ``formula``,
``template-version``, ``scope``, ``period``).

>>> schema = get_table_schema("surveillance_counts")
>>> list(schema.columns), schema.grain
(['area_code', 'period', 'count', 'synthetic'], ('area_code', 'period'))
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from missionmonitor.config import read_definitions
from missionmonitor.errors import NotFoundError

ColumnType = Literal["integer", "decimal", "text", "area_code", "source_keys", "enum", "period"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Column(Strict):
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


class TableSchema(Strict):
    """The columns of a file, the columns that identify a row (its grain), and which
    columns a file may leave out or add."""

    columns: dict[str, Column]
    grain: tuple[str, ...] = ()
    #: Declared columns that a file may leave out.
    optional_columns: tuple[str, ...] = ()
    #: Columns not declared are refused, unless this rule describes them (e.g. the
    #: sources of a capture-history file); then the file must have between
    #: ``min_other_columns`` and ``max_other_columns`` of them.
    other_columns: Column | None = None
    min_other_columns: int = 0
    max_other_columns: int | None = None
    description: str = ""

    @model_validator(mode="after")
    def _columns_named_exist(self) -> TableSchema:
        cols = set(self.columns)
        for g in (*self.grain, *self.optional_columns):
            if g not in cols:
                raise ValueError(f"column {g!r} is not declared")
        for name, col in self.columns.items():
            if col.area_type_column and col.area_type_column not in cols:
                raise ValueError(f"column {name!r}: area_type_column is not declared")
        return self


def _tables_dir() -> Path:
    return Path(str(resources.files("missionmonitor.datasets") / "tables"))


@cache
def load_table_schemas() -> dict[str, TableSchema]:
    """The schemas of the files that are not datasets, by name (the file's stem)."""
    return read_definitions(_tables_dir(), TableSchema, "table schema", lambda path, _: path.stem)


def get_table_schema(name: str) -> TableSchema:
    schemas = load_table_schemas()
    if name not in schemas:
        raise NotFoundError(f"unknown table schema {name!r}; known: {', '.join(sorted(schemas))}")
    return schemas[name]
