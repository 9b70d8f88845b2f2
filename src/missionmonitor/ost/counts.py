"""Distinct counts over overlapping reporting periods, from month bitmasks.

Every reporting period is a run of whole months, so whether someone had an item in a
period is whether any of their months falls in it. Each person's months (per council, and
per medicine) are folded once into bitmask words of 63 months (``m0``, ``m1``, …; bit k of
word w is month 63w + k from the data's first month), and each period's months likewise
(``p0``, ``p1``, … in the ``periods`` relation, from ``periods.period_frame``). A person
counts in a period when ``m & p`` is non-zero in any word: one row per person and area
instead of one per person, month and period. The same is done for prescribing services.

Nearly everyone has items in one council only: they are counted once per council and
those counts summed up the hierarchy. Only people seen in more than one council (who
moved, or were prescribed while away) have their masks merged and counted again at each
level above, so no per-person row is copied to every parent area.
"""

from __future__ import annotations

import datetime as dt

from missionmonitor.ost.dialect import DUCKDB, Dialect
from missionmonitor.ost.periods import MONTHS_PER_WORD


def masks_sql(
    months: str,
    keys: list[str],
    first: dt.date,
    words: int,
    dialect: Dialect = DUCKDB,
    where: str = "TRUE",
) -> str:
    """One row per ``keys`` with the months it was seen in as words ``m0``, ``m1``, …"""
    index = f"((year(month) - {first.year}) * 12 + month(month) - {first.month})"
    cols = []
    for w in range(words):
        lo, hi = w * MONTHS_PER_WORD, (w + 1) * MONTHS_PER_WORD
        bit = dialect.bit.format(n=f"{index} - {lo}")
        cols.append(
            f"bit_or(CASE WHEN {index} >= {lo} AND {index} < {hi} THEN {bit} "
            f"ELSE CAST(0 AS BIGINT) END) AS m{w}"
        )
    return f"SELECT {', '.join(keys)}, {', '.join(cols)} FROM {months} WHERE {where} GROUP BY ALL"


def _hit(words: int, m: str = "f", p: str = "p") -> str:
    return " OR ".join(f"({m}.m{w} & {p}.p{w}) <> 0" for w in range(words))


def _merged(words: int) -> str:
    return ", ".join(f"bit_or(f.m{w}) AS m{w}" for w in range(words))


def people_sql(
    months: str,
    periods: str,
    members: str,
    first: dt.date,
    words: int,
    by_drug: bool = False,
    dialect: Dialect = DUCKDB,
) -> str:
    """Distinct people per period × area at every level (``members``: council → parent),
    optionally also by medicine (someone on two medicines counts under each)."""
    drug = "drug, " if by_drug else ""
    keys = ["patient_id", "council_code", *(["drug"] if by_drug else [])]
    return f"""
        WITH masks AS (
            {masks_sql(months, keys, first, words, dialect, "patient_id IS NOT NULL")}
        ), movers AS (
            SELECT patient_id FROM masks
            GROUP BY patient_id HAVING min(council_code) <> max(council_code)
        ), flagged AS (
            SELECT f.*, mv.patient_id IS NOT NULL AS moved
            FROM masks f LEFT JOIN movers mv ON mv.patient_id = f.patient_id
        ), councils AS (
            SELECT p.label AS period, {"f.drug, " if by_drug else ""}f.council_code,
                   count(*) AS people, count(*) FILTER (WHERE NOT f.moved) AS stayed
            FROM flagged f CROSS JOIN {periods} p WHERE {_hit(words)} GROUP BY ALL
        ), moved_masks AS (
            SELECT m.parent_type, m.parent, f.patient_id, {"f.drug, " if by_drug else ""}
                   {_merged(words)}
            FROM flagged f JOIN {members} m ON m.council = f.council_code WHERE f.moved
            GROUP BY ALL
        ), parents AS (
            SELECT c.period, {"c.drug, " if by_drug else ""}m.parent_type, m.parent,
                   c.stayed AS people
            FROM councils c JOIN {members} m ON m.council = c.council_code
            UNION ALL
            SELECT p.label AS period, {"f.drug, " if by_drug else ""}f.parent_type, f.parent,
                   count(*) AS people
            FROM moved_masks f CROSS JOIN {periods} p WHERE {_hit(words)} GROUP BY ALL
        )
        SELECT period, 'council' AS area_type, council_code AS area_code, {drug}people
        FROM councils
        UNION ALL
        SELECT period, parent_type, parent, {drug}CAST(sum(people) AS BIGINT) AS people
        FROM parents GROUP BY ALL
    """


def items_by_area_sql(
    months: str, periods: str, members: str, first: dt.date, words: int, dialect: Dialect = DUCKDB
) -> str:
    """Items, items with an identifier, DDDs and prescribing services (distinct
    ``service_id`` with an item: the availability measure) per period × area. Counts are
    summed by month and council before they meet the periods; services are counted from
    their month bitmasks, merged per parent area."""
    return f"""
        WITH by_month AS (
            SELECT month, council_code, sum(items) AS items,
                   sum(CASE WHEN patient_id IS NOT NULL THEN items ELSE 0 END) AS items_with_id,
                   sum(ddd) AS ddd
            FROM {months} GROUP BY month, council_code
        ), counts AS (
            SELECT p.label AS period, b.council_code, sum(b.items) AS items,
                   sum(b.items_with_id) AS items_with_id, sum(b.ddd) AS ddd
            FROM by_month b JOIN {periods} p ON b.month BETWEEN p.first_day AND p.last_day
            GROUP BY ALL
        ), service_masks AS (
            {masks_sql(months, ["service_id", "council_code"], first, words, dialect)}
        ), area_masks AS (
            SELECT 'council' AS area_type, council_code AS area_code, service_id,
                   {", ".join(f"m{w}" for w in range(words))}
            FROM service_masks
            UNION ALL
            SELECT m.parent_type, m.parent, f.service_id, {_merged(words)}
            FROM service_masks f JOIN {members} m ON m.council = f.council_code GROUP BY ALL
        ), services AS (
            SELECT p.label AS period, f.area_type, f.area_code, count(*) AS services
            FROM area_masks f CROSS JOIN {periods} p WHERE {_hit(words)} GROUP BY ALL
        ), count_levels AS (
            SELECT period, 'council' AS area_type, council_code AS area_code, items,
                   items_with_id, ddd
            FROM counts
            UNION ALL
            SELECT c.period, m.parent_type, m.parent, c.items, c.items_with_id, c.ddd
            FROM counts c JOIN {members} m ON m.council = c.council_code
        )
        SELECT c.period, c.area_type, c.area_code, sum(c.items) AS items,
               sum(c.items_with_id) AS items_with_id, sum(c.ddd) AS ddd,
               max(s.services) AS services
        FROM count_levels c JOIN services s
          ON s.period = c.period AND s.area_type = c.area_type AND s.area_code = c.area_code
        GROUP BY c.period, c.area_type, c.area_code
    """
