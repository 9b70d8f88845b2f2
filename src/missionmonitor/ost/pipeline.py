"""The OST pipeline as SQL, written once and run on DuckDB (methods.md §9).

Each ``*_sql`` function returns a query over named relations and imports no engine, so
the same text can be run elsewhere (a Spark runner is planned). ``run`` executes them on
DuckDB and returns pandas frames.

Rules (PHS "Estimated numbers of people prescribed OST"):

* items: community setting, OST medicines only (methadone, buprenorphine, buprenorphine with
  naloxone, injectable buprenorphine); lofexidine and naltrexone are dropped;
* people: distinct patient identifiers with an item in the period, de-duplicated at every
  geography level (someone who moved counts in both councils, once in Scotland); items
  without an identifier count as items but not as people, so counts are minimum estimates;
* episodes: supply carries over (a pick-up before the last supply runs out starts the day
  after it ends); a new episode starts when more than ``max_gap`` days go uncovered;
  switching medicine continues the episode. Default ``max_gap``: 28 days.
* retention: of episodes starting in the period (observable for the full length before the
  data end), the share lasting at least 12 weeks (84 days) and 26 weeks (182 days).
* starts: an episode beginning in the period is a new start if the person has no earlier
  episode in the data, otherwise a re-presentation; episodes beginning within ``max_gap``
  days of the data's first day may continue from before it, so they are not counted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from missionmonitor.ost.synthetic import OST_DRUGS

DEFAULT_MAX_GAP = 28
RETENTION_DAYS = {"12w": 84, "26w": 182}


@dataclass(frozen=True)
class Period:
    label: str
    start: dt.date
    end: dt.date
    kind: str = "financial_year"


def financial_years(first: dt.date, last: dt.date) -> list[Period]:
    """Every financial year touching [first, last]."""
    year = first.year if first.month >= 4 else first.year - 1
    out = []
    while dt.date(year, 4, 1) <= last:
        out.append(Period(f"{year}/{(year + 1) % 100:02d}", dt.date(year, 4, 1),
                          dt.date(year + 1, 3, 31)))  # fmt: skip
        year += 1
    return out


def _quarter_end(year: int, q: int) -> dt.date:
    return dt.date(year + (q == 4), (3 * q) % 12 + 1, 1) - dt.timedelta(days=1)


def reporting_periods(first: dt.date, last: dt.date) -> list[Period]:
    """Financial years and calendar quarters touching [first, last], and the rolling
    12-month windows ending at each quarter end that lie wholly within it."""
    out = financial_years(first, last)
    year, q = first.year, (first.month - 1) // 3 + 1
    while dt.date(year, 3 * q - 2, 1) <= last:
        start, end = dt.date(year, 3 * q - 2, 1), _quarter_end(year, q)
        out.append(Period(f"{year}-Q{q}", start, end, "quarter"))
        window_start = dt.date(end.year - 1, end.month, end.day) + dt.timedelta(days=1)
        if window_start >= first and end <= last:
            out.append(Period(f"12 months to {end.isoformat()}", window_start, end,
                              "rolling_12_months"))  # fmt: skip
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)
    return out


def items_sql(source: str) -> str:
    """Community OST items (relation ``source`` holds the prescribing records)."""
    drugs = ", ".join(f"'{d}'" for d in OST_DRUGS)
    return f"""
        SELECT item_id, patient_id, council_code, drug, dispensed_date, days_supply, ddd
        FROM {source}
        WHERE setting = 'community' AND drug IN ({drugs})
    """


def people_sql(items: str, periods: str, members: str, by_drug: bool = False) -> str:
    """Distinct people per period × area at every level (``members``: council → parent),
    optionally also by medicine (someone on two medicines counts under each)."""
    drug = "i.drug, " if by_drug else ""
    keep = "drug, " if by_drug else ""
    return f"""
        WITH pa AS (
            SELECT DISTINCT p.label AS period, {drug}i.patient_id, i.council_code
            FROM {items} i JOIN {periods} p ON i.dispensed_date BETWEEN p.start AND p."end"
            WHERE i.patient_id IS NOT NULL
        ), levels AS (
            SELECT period, {keep}patient_id, 'council' AS area_type, council_code AS area_code
            FROM pa
            UNION ALL
            SELECT pa.period, {"pa.drug, " if by_drug else ""}pa.patient_id, m.parent_type,
                   m.parent
            FROM pa JOIN {members} m ON m.council = pa.council_code
        )
        SELECT period, area_type, area_code, {keep}count(DISTINCT patient_id) AS people
        FROM levels GROUP BY ALL
    """


def items_by_area_sql(items: str, periods: str, members: str) -> str:
    """Items, items with an identifier, and identifier completeness per period × area."""
    return f"""
        WITH ip AS (
            SELECT p.label AS period, i.council_code, i.patient_id IS NOT NULL AS has_id, i.ddd
            FROM {items} i JOIN {periods} p ON i.dispensed_date BETWEEN p.start AND p."end"
        ), levels AS (
            SELECT period, 'council' AS area_type, council_code AS area_code, has_id, ddd FROM ip
            UNION ALL
            SELECT ip.period, m.parent_type, m.parent, ip.has_id, ip.ddd
            FROM ip JOIN {members} m ON m.council = ip.council_code
        )
        SELECT period, area_type, area_code, count(*) AS items,
               count(*) FILTER (WHERE has_id) AS items_with_id, sum(ddd) AS ddd
        FROM levels GROUP BY ALL
    """


def episodes_sql(items: str, max_gap: int) -> str:
    """Treatment episodes with carried-over supply (see the module docstring).

    With d the day of a pick-up and S the running total of days supplied, the carried-over
    end of supply after pick-up i is ``S_i - 1 + max_{j<=i}(d_j - S_{j-1})`` (the unrolled
    ``end_i = max(end_{i-1}, d_i - 1) + supply_i``), so window functions compute it exactly.
    """
    return f"""
        WITH x AS (
            SELECT patient_id, council_code, drug, item_id,
                   date_diff('day', DATE '1970-01-01', dispensed_date) AS d, days_supply AS s
            FROM {items} WHERE patient_id IS NOT NULL
        ), cum AS (
            SELECT *, sum(s) OVER w AS total, sum(s) OVER w - s AS before
            FROM x WINDOW w AS (PARTITION BY patient_id ORDER BY d, item_id
                                ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
        ), cover AS (
            SELECT *, total - 1 + max(d - before) OVER (PARTITION BY patient_id ORDER BY d, item_id
                ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cover_end
            FROM cum
        ), flagged AS (
            SELECT *, CASE WHEN d - max(cover_end) OVER (PARTITION BY patient_id ORDER BY d, item_id
                ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) - 1 > {int(max_gap)}
                OR row_number() OVER (PARTITION BY patient_id ORDER BY d, item_id) = 1
                THEN 1 ELSE 0 END AS new_episode
            FROM cover
        ), numbered AS (
            SELECT *, sum(new_episode) OVER (PARTITION BY patient_id ORDER BY d, item_id
                ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS episode
            FROM flagged
        )
        SELECT patient_id, episode,
               DATE '1970-01-01' + CAST(min(d) AS INTEGER) AS start_date,
               DATE '1970-01-01' + CAST(max(cover_end) AS INTEGER) AS end_date,
               max(cover_end) - min(d) + 1 AS days,
               arg_min(council_code, d) AS council_code, arg_min(drug, d) AS first_drug,
               count(*) AS items
        FROM numbered GROUP BY patient_id, episode
    """


def episode_measures_sql(episodes: str, periods: str, members: str, data_start: dt.date,
                         data_end: dt.date, max_gap: int) -> str:  # fmt: skip
    """Starts, re-presentations and retention per period × area (council and above)."""
    observable = ", ".join(
        f"count(*) FILTER (WHERE e.start_date + INTERVAL {n} DAY <= DATE '{data_end}') AS "
        f"observable_{k}, count(*) FILTER (WHERE e.start_date + INTERVAL {n} DAY <= "
        f"DATE '{data_end}' AND e.days >= {n}) AS retained_{k}"
        for k, n in RETENTION_DAYS.items()
    )
    return f"""
        WITH e AS (
            SELECT *, episode > 1 AS re_presentation FROM {episodes}
            WHERE start_date > DATE '{data_start}' + INTERVAL {int(max_gap)} DAY
        ), ep AS (
            SELECT p.label AS period, e.* FROM e JOIN {periods} p
            ON e.start_date BETWEEN p.start AND p."end"
        ), levels AS (
            SELECT ep.*, 'council' AS area_type, council_code AS area_code FROM ep
            UNION ALL
            SELECT ep.*, m.parent_type, m.parent
            FROM ep JOIN {members} m ON m.council = ep.council_code
        )
        SELECT period, area_type, area_code, count(*) AS episodes_started,
               count(*) FILTER (WHERE NOT re_presentation) AS new_starts,
               count(*) FILTER (WHERE re_presentation) AS re_presentations, {observable}
        FROM levels e GROUP BY ALL
    """


@dataclass
class Outputs:
    people: pd.DataFrame
    people_by_drug: pd.DataFrame
    items: pd.DataFrame
    episodes: pd.DataFrame
    starts_and_retention: pd.DataFrame
    periods: list[Period]


def with_period_type(frame: pd.DataFrame, periods: list[Period]) -> pd.DataFrame:
    """Add each row's period type (financial_year, quarter, rolling_12_months)."""
    kinds = {p.label: p.kind for p in periods}
    out = frame.assign(period_type=frame["period"].map(kinds))
    return out[["period", "period_type", *[c for c in frame.columns if c != "period"]]]


def run(con: duckdb.DuckDBPyConnection, source: str, members: pd.DataFrame,
        max_gap: int = DEFAULT_MAX_GAP) -> Outputs:  # fmt: skip
    """Run the pipeline on DuckDB over ``source`` (a table name or ``read_parquet(...)``)."""
    con.execute("SET enable_progress_bar = false")  # it would write to standard output
    con.register("members", members[["council", "parent", "parent_type"]])
    con.execute(f"CREATE OR REPLACE TEMP TABLE ost_items AS {items_sql(source)}")
    ((first, last),) = con.execute(
        "SELECT min(dispensed_date), max(dispensed_date) FROM ost_items"
    ).fetchall()
    spans = reporting_periods(first, last)
    periods = pd.DataFrame([(p.label, p.start, p.end) for p in spans],
                           columns=["label", "start", "end"])  # fmt: skip
    con.register("periods", periods)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE ost_episodes AS {episodes_sql('ost_items', max_gap)}"
    )
    sort = ["period", "area_type", "area_code"]

    def query(sql: str, order: list[str]) -> pd.DataFrame:
        return with_period_type(con.execute(sql).df().sort_values(order), spans)

    return Outputs(
        people=query(people_sql("ost_items", "periods", "members"), sort),
        people_by_drug=query(people_sql("ost_items", "periods", "members", by_drug=True),
                             [*sort, "drug"]),
        items=query(items_by_area_sql("ost_items", "periods", "members"), sort),
        episodes=con.execute("SELECT * FROM ost_episodes ORDER BY patient_id, episode").df(),
        starts_and_retention=query(episode_measures_sql(
            "ost_episodes", "periods", "members", first, last, max_gap), sort),
        periods=spans,
    )  # fmt: skip
