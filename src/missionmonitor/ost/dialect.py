"""How each engine spells the date arithmetic the OST pipeline's SQL needs, so the same
query text runs on DuckDB and on Apache Spark.

>>> DUCKDB.plus_days.format(x="start_date", n=84)
'(start_date + CAST(84 AS INTEGER))'
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Dialect:
    """How an engine spells the date arithmetic the pipeline needs (templates for format)."""

    name: str
    day_number: str  # {x}: date → days since 1970-01-01
    from_day_number: str  # {x}: days since 1970-01-01 → date
    plus_days: str  # {x} + {n} days, a date
    days_between: str  # {b} - {a} in days
    month_start: str  # {x}: the first day of the date's month, a date
    bit: str  # {n}: a BIGINT with only bit n set


DUCKDB = Dialect(
    "duckdb",
    day_number="date_diff('day', DATE '1970-01-01', {x})",
    from_day_number="DATE '1970-01-01' + CAST({x} AS INTEGER)",
    plus_days="({x} + CAST({n} AS INTEGER))",
    days_between="date_diff('day', {a}, {b})",
    month_start="CAST(date_trunc('month', {x}) AS DATE)",
    bit="(CAST(1 AS BIGINT) << CAST({n} AS INTEGER))",
)
SPARK = Dialect(
    "spark",
    day_number="datediff({x}, DATE '1970-01-01')",
    from_day_number="date_add(DATE '1970-01-01', CAST({x} AS INT))",
    plus_days="date_add({x}, {n})",
    days_between="datediff({b}, {a})",
    month_start="trunc({x}, 'MM')",
    bit="shiftleft(CAST(1 AS BIGINT), CAST({n} AS INT))",
)
