"""The OST pipeline as SQL, written once and run on DuckDB (methods.md §9).

Each ``*_sql`` function returns a query over named relations and imports no engine; the
few functions whose spelling differs between engines come from a :class:`Dialect`, so the
same text runs on DuckDB (``run``) and on Apache Spark (``ost.spark_runner``).

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
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

import duckdb
import numpy as np
import pandas as pd

from missionmonitor.ost import DEFAULT_MAX_GAP
from missionmonitor.ost.counts import items_by_area_sql, people_sql
from missionmonitor.ost.dialect import DUCKDB, Dialect
from missionmonitor.ost.periods import (
    mask_words,
    period_frame,
    reporting_periods,
    with_period_type,
)
from missionmonitor.ost.synthetic import OST_DRUGS
from missionmonitor.periods import Period

T = TypeVar("T")
RETENTION_DAYS = {"12w": 84, "26w": 182}


def items_sql(source: str) -> str:
    """Community OST items (relation ``source`` holds the prescribing records)."""
    drugs = ", ".join(f"'{d}'" for d in OST_DRUGS)
    return f"""
        SELECT item_id, patient_id, council_code, service_id, drug, dispensed_date,
               days_supply, ddd
        FROM {source}
        WHERE setting = 'community' AND drug IN ({drugs})
    """


def months_sql(items: str, dialect: Dialect = DUCKDB) -> str:
    """Items summed by month × council × person × medicine × service: every reporting period
    is a run of whole months, so counting over this is the same as over the items, and
    several times less work (people pick up weekly)."""
    month = dialect.month_start.format(x="dispensed_date")
    return f"""
        SELECT {month} AS month, council_code, patient_id, drug, service_id,
               count(*) AS items, sum(ddd) AS ddd
        FROM {items} GROUP BY ALL
    """


def episodes_sql(items: str, max_gap: int, dialect: Dialect = DUCKDB) -> str:
    """Treatment episodes with carried-over supply (see the module docstring).

    With d the day of a pick-up and S the running total of days supplied (B = S − supply,
    the total before it), the carried-over end of supply after pick-up i is
    ``S_i − 1 + M_i`` with ``M_i = max_{j<=i}(d_j − B_j)`` (the unrolled
    ``end_i = max(end_{i−1}, d_i − 1) + supply_i``). So pick-up i starts an episode when
    ``(d_i − B_i) − M_{i−1} > max_gap``, and ends one when the next pick-up starts one:
    ``d_{i+1} − S_i − M_i > max_gap``. Two passes over the pick-ups mark the first and last
    of every episode; only those marked rows are paired up, and numbered by counting the
    starts. Ties on a day are broken by ``item_id``, which is unique.
    """
    day = dialect.day_number.format(x="dispensed_date")
    order = "PARTITION BY patient_id ORDER BY d, item_id"
    gap = int(max_gap)
    end = "CASE WHEN e.is_last THEN e.cover_end ELSE e.next_end END"
    # The windows sort narrow rows (person, item, day, supply); the first item's council and
    # medicine are joined back for the episodes only.
    return f"""
        WITH x AS (
            SELECT patient_id, item_id, {day} AS d, days_supply AS s
            FROM {items} WHERE patient_id IS NOT NULL
        ), running AS (
            SELECT *, CAST(sum(s) OVER upto AS BIGINT) AS total, lead(d) OVER o AS next_d
            FROM x WINDOW upto AS ({order} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW),
                          o AS ({order})
        ), anchored AS (
            SELECT *, max(d - total + s) OVER upto AS m_now,
                   max(d - total + s) OVER earlier AS m_before, row_number() OVER upto AS rn
            FROM running
            WINDOW upto AS ({order} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW),
                   earlier AS ({order} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
        ), marked AS (
            SELECT patient_id, item_id, rn, d, total - 1 + m_now AS cover_end,
                   m_before IS NULL OR d - total + s - m_before > {gap} AS is_start,
                   next_d IS NULL OR next_d - total - m_now > {gap} AS is_last
            FROM anchored
        ), ends AS (
            SELECT *, lead(cover_end) OVER pair AS next_end, lead(rn) OVER pair AS next_rn,
                   sum(CASE WHEN is_start THEN 1 ELSE 0 END) OVER (
                       PARTITION BY patient_id ORDER BY rn ROWS BETWEEN UNBOUNDED PRECEDING
                       AND CURRENT ROW) AS episode
            FROM marked WHERE is_start OR is_last
            WINDOW pair AS (PARTITION BY patient_id ORDER BY rn)
        )
        SELECT e.patient_id, CAST(e.episode AS BIGINT) AS episode,
               {dialect.from_day_number.format(x="e.d")} AS start_date,
               {dialect.from_day_number.format(x=end)} AS end_date,
               {end} - e.d + 1 AS days, i.council_code, i.drug AS first_drug,
               CASE WHEN e.is_last THEN e.rn ELSE e.next_rn END - e.rn + 1 AS items
        FROM ends e JOIN {items} i ON i.patient_id = e.patient_id AND i.item_id = e.item_id
        WHERE e.is_start
    """


def _counted_episodes(
    episodes: str, periods: str, members: str, data_start: dt.date, max_gap: int, dialect: Dialect
) -> str:
    """Episodes that can be counted as starts (those beginning within ``max_gap`` days of
    the data's first day may continue from before it), by period of start and area."""
    since = dialect.plus_days.format(x=f"DATE '{data_start}'", n=int(max_gap))
    return f"""
        e AS (
            SELECT *, episode > 1 AS re_presentation FROM {episodes} WHERE start_date > {since}
        ), ep AS (
            SELECT p.label AS period, e.* FROM e JOIN {periods} p
            ON e.start_date BETWEEN p.first_day AND p.last_day
        )"""


def episode_measures_sql(
    episodes: str,
    periods: str,
    members: str,
    data_start: dt.date,
    data_end: dt.date,
    max_gap: int,
    dialect: Dialect = DUCKDB,
) -> str:
    """Starts, re-presentations and retention per period × area (council and above)."""
    parts = []
    for k, n in RETENTION_DAYS.items():
        seen = f"{dialect.plus_days.format(x='e.start_date', n=n)} <= DATE '{data_end}'"
        parts.append(
            f"count(*) FILTER (WHERE {seen}) AS observable_{k}, "
            f"count(*) FILTER (WHERE {seen} AND e.days >= {n}) "
            f"AS retained_{k}"
        )
    return f"""
        WITH {_counted_episodes(episodes, periods, members, data_start, max_gap, dialect)},
        levels AS (
            SELECT ep.*, 'council' AS area_type, council_code AS area_code FROM ep
            UNION ALL
            SELECT ep.*, m.parent_type, m.parent
            FROM ep JOIN {members} m ON m.council = ep.council_code
        )
        SELECT period, area_type, area_code, count(*) AS episodes_started,
               count(*) FILTER (WHERE NOT re_presentation) AS new_starts,
               count(*) FILTER (WHERE re_presentation) AS re_presentations, {", ".join(parts)}
        FROM levels e GROUP BY ALL
    """


def time_on_treatment_sql(
    episodes: str,
    periods: str,
    members: str,
    data_start: dt.date,
    data_end: dt.date,
    max_gap: int,
    dialect: Dialect = DUCKDB,
) -> str:
    """Episodes counted as starts, by period × area × days on treatment × whether the end
    was seen: an episode has ended once more than ``max_gap`` uncovered days pass before the
    data end; otherwise it is censored at the end of its supply. Input to Kaplan–Meier."""
    end = f"DATE '{data_end}'"
    ended = f"{dialect.days_between.format(a='e.end_date', b=end)} > {int(max_gap)}"
    # Each episode lies in one council, so council counts add up exactly to every level above.
    return f"""
        WITH {_counted_episodes(episodes, periods, members, data_start, max_gap, dialect)},
        by_council AS (
            SELECT period, council_code, e.days, {ended} AS ended, count(*) AS episodes
            FROM ep e GROUP BY ALL
        )
        SELECT period, 'council' AS area_type, council_code AS area_code, days, ended, episodes
        FROM by_council
        UNION ALL
        SELECT b.period, m.parent_type, m.parent, b.days, b.ended,
               CAST(sum(b.episodes) AS BIGINT) AS episodes
        FROM by_council b JOIN {members} m ON m.council = b.council_code GROUP BY ALL
    """


@dataclass
class Outputs:
    people: pd.DataFrame
    people_by_drug: pd.DataFrame
    items: pd.DataFrame
    episodes: pd.DataFrame
    starts_and_retention: pd.DataFrame
    time_on_treatment: pd.DataFrame
    periods: list[Period]
    first: dt.date  # the first and last days with a community OST item
    last: dt.date
    max_gap: int
    #: Seconds each stage took (items, episodes, months, then each output), for benchmarks.
    timings: dict[str, float] = field(default_factory=dict)


class Engine(Protocol):
    """What the pipeline needs of an engine (DuckDB here; Spark in ``ost.spark_runner``)."""

    dialect: Dialect

    def register(self, name: str, frame: pd.DataFrame) -> None: ...
    def materialise(self, name: str, sql: str) -> None: ...
    def query(self, sql: str) -> pd.DataFrame: ...


class DuckDBEngine:
    def __init__(self, con: duckdb.DuckDBPyConnection, memory_limit: str | None = None) -> None:
        self.con = con
        self.dialect = DUCKDB
        con.execute("SET enable_progress_bar = false")  # it would write to standard output
        con.execute("SET preserve_insertion_order = false")  # every output is sorted anyway
        if memory_limit:
            con.execute(f"SET memory_limit = '{memory_limit}'")

    def register(self, name: str, frame: pd.DataFrame) -> None:
        self.con.register(name, frame)

    def materialise(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")

    def query(self, sql: str) -> pd.DataFrame:
        return self.con.execute(sql).df()


def run_on(
    engine: Engine,
    source: str,
    members: pd.DataFrame,
    max_gap: int = DEFAULT_MAX_GAP,
    keep_episodes: bool = True,
) -> Outputs:
    """Run the pipeline on ``engine`` over the relation ``source``; registers ``members``
    and ``periods`` on it (later queries, such as access, may use them). With
    ``keep_episodes=False`` the per-person episodes stay in the engine (an empty frame is
    returned): at scale they are millions of rows that only the measures need."""
    timings: dict[str, float] = {}

    def timed(stage: str, step: Callable[[], T]) -> T:
        started = time.perf_counter()
        done = step()
        timings[stage] = time.perf_counter() - started
        return done

    engine.register("members", members[["council", "parent", "parent_type"]])
    timed("items", lambda: engine.materialise("ost_items", items_sql(source)))
    span = engine.query("SELECT min(dispensed_date) AS a, max(dispensed_date) AS b FROM ost_items")
    first, last = (pd.Timestamp(span.iloc[0][c]).date() for c in ("a", "b"))
    spans = reporting_periods(first, last)
    engine.register("periods", period_frame(spans, first, last))
    words = mask_words(first, last)
    dialect = engine.dialect
    timed(
        "episodes",
        lambda: engine.materialise("ost_episodes", episodes_sql("ost_items", max_gap, dialect)),
    )
    timed("months", lambda: engine.materialise("ost_months", months_sql("ost_items", dialect)))
    sort = ["period", "area_type", "area_code"]

    def query(stage: str, sql: str, order: list[str]) -> pd.DataFrame:
        # Sorted by the engine (every key is unique and plain ASCII, so the order is
        # pandas'): far cheaper than sorting half a million rows of text in pandas.
        ordered = f"SELECT * FROM ({sql}) AS q ORDER BY {', '.join(order)}"
        return timed(stage, lambda: with_period_type(engine.query(ordered), spans))

    args = ("ost_episodes", "periods", "members", first, last, max_gap, dialect)
    at = ("ost_months", "periods", "members", first, words)
    return Outputs(
        people=query("people", people_sql(*at, dialect=dialect), sort),
        people_by_drug=query(
            "people_by_drug", people_sql(*at, by_drug=True, dialect=dialect), [*sort, "drug"]
        ),
        items=query("items_by_area", items_by_area_sql(*at, dialect=dialect), sort),
        episodes=engine.query(f"SELECT * FROM ost_episodes {'' if keep_episodes else 'LIMIT 0'}")
        .sort_values(["patient_id", "episode"])
        .reset_index(drop=True),
        starts_and_retention=query("starts_and_retention", episode_measures_sql(*args), sort),
        time_on_treatment=timed(
            "time_on_treatment",
            lambda: grouped(engine, time_on_treatment_sql(*args), sort, ["days", "ended"], spans),
        ),
        periods=spans,
        first=first,
        last=last,
        max_gap=max_gap,
        timings=timings,
    )


def grouped(
    engine: Engine, sql: str, keys: list[str], order: list[str], spans: list[Period]
) -> pd.DataFrame:
    """The rows of ``sql`` sorted by ``keys`` (period first) then ``order``, with each
    period's type, fetched as numbers: each row's ``keys`` come back as the number of its
    group, and the few distinct groups' labels separately. The key columns are categorical
    (the same values; half a million rows of text cost far more to fetch and copy)."""
    engine.materialise("ost_grouped", sql)
    listed = ", ".join(keys)
    labels = with_period_type(
        engine.query(f"SELECT DISTINCT {listed} FROM ost_grouped ORDER BY {listed}"), spans
    )
    engine.register("ost_groups", labels[keys].assign(grp=range(len(labels))))
    rest = [c for c in engine.query("SELECT * FROM ost_grouped LIMIT 0").columns if c not in keys]
    rows = engine.query(
        f"SELECT g.grp, {', '.join(f't.{c}' for c in rest)} FROM ost_grouped t "
        f"JOIN ost_groups g ON {' AND '.join(f'g.{k} = t.{k}' for k in keys)}"
    )
    group = rows["grp"].to_numpy(dtype=np.int64)
    at = np.lexsort([rows[c].to_numpy() for c in reversed(order)] + [group])
    group = group[at]
    labelled = {}
    for k in ["period", "period_type", *keys[1:]]:
        codes, values = pd.factorize(labels[k])
        labelled[k] = pd.Categorical.from_codes(codes[group], categories=values)
    return pd.DataFrame({**labelled, **{c: rows[c].to_numpy()[at] for c in rest}})


def run(
    con: duckdb.DuckDBPyConnection,
    source: str,
    members: pd.DataFrame,
    max_gap: int = DEFAULT_MAX_GAP,
    keep_episodes: bool = True,
    memory_limit: str | None = None,
) -> Outputs:
    """Run the pipeline on DuckDB over ``source`` (a table name or ``read_parquet(...)``).
    ``memory_limit`` (e.g. ``"6GB"``) caps DuckDB's memory; beyond it work spills to disk."""
    return run_on(DuckDBEngine(con, memory_limit), source, members, max_gap, keep_episodes)
