"""A straightforward pandas implementation of the OST pipeline's outputs.

It exists to check the SQL pipeline (identical outputs, tested) and as the baseline
benchmarks/ost_pipeline.py compares it with. It reads everything into memory: use it for
small data only.

For example::

    outputs = run(pd.read_parquet("synthetic/prescribing.parquet"), members)
"""

from __future__ import annotations

import pandas as pd

from missionmonitor.ost import DEFAULT_MAX_GAP
from missionmonitor.ost.periods import reporting_periods, with_period_type
from missionmonitor.ost.pipeline import RETENTION_DAYS, Outputs
from missionmonitor.ost.synthetic import OST_DRUGS
from missionmonitor.periods import Period

EPOCH = pd.Timestamp("1970-01-01")


def _with_periods(df: pd.DataFrame, date_col: str, periods: list[Period]) -> pd.DataFrame:
    frames = []
    for p in periods:
        dates = df[date_col]
        sel = df[(dates >= pd.Timestamp(p.start)) & (dates <= pd.Timestamp(p.end))]
        frames.append(sel.assign(period=p.label))
    return pd.concat(frames, ignore_index=True)


def _levels(df: pd.DataFrame, members: pd.DataFrame) -> pd.DataFrame:
    council = df.assign(area_type="council", area_code=df["council_code"])
    up = df.merge(members, left_on="council_code", right_on="council").rename(
        columns={"parent_type": "area_type", "parent": "area_code"}
    )
    return pd.concat([council, up[council.columns]], ignore_index=True)


def run(records: pd.DataFrame, members: pd.DataFrame, max_gap: int = DEFAULT_MAX_GAP) -> Outputs:
    members = members[["council", "parent", "parent_type"]]
    items = records[(records["setting"] == "community") & records["drug"].isin(OST_DRUGS)].copy()
    items["dispensed_date"] = pd.to_datetime(items["dispensed_date"])
    first, last = items["dispensed_date"].min().date(), items["dispensed_date"].max().date()
    periods = reporting_periods(first, last)
    keys = ["period", "area_type", "area_code"]

    # Only the columns the counts need are copied for every period and level.
    needed = [
        "item_id",
        "patient_id",
        "council_code",
        "service_id",
        "drug",
        "dispensed_date",
        "ddd",
    ]
    dated = _levels(_with_periods(items[needed], "dispensed_date", periods), members)
    with_id = dated[dated["patient_id"].notna()]
    people = with_id.groupby(keys)["patient_id"].nunique().rename("people").reset_index()
    by_drug = (
        with_id.groupby([*keys, "drug"])["patient_id"].nunique().rename("people").reset_index()
    )
    counts = dated.groupby(keys).agg(
        items=("item_id", "size"), ddd=("ddd", "sum"), services=("service_id", "nunique")
    )
    counts["items_with_id"] = (
        dated.assign(has=dated["patient_id"].notna()).groupby(keys)["has"].sum()
    )
    counts = counts.reset_index()[[*keys, "items", "items_with_id", "ddd", "services"]]

    # Episodes: carried-over supply, one person at a time in date order.
    x = items[items["patient_id"].notna()].sort_values(["patient_id", "dispensed_date", "item_id"])
    x["d"] = (x["dispensed_date"] - EPOCH).dt.days
    g = x.groupby("patient_id", sort=False)
    x["total"] = g["days_supply"].cumsum()
    x["before"] = x["total"] - x["days_supply"]
    x["anchor"] = (x["d"] - x["before"]).groupby(x["patient_id"], sort=False).cummax()
    x["cover_end"] = x["total"] - 1 + x["anchor"]
    prev_end = x.groupby("patient_id", sort=False)["cover_end"].transform(
        lambda s: s.cummax().shift(1)
    )
    x["new_episode"] = ((x["d"] - prev_end - 1 > max_gap) | prev_end.isna()).astype(int)
    x["episode"] = x.groupby("patient_id", sort=False)["new_episode"].cumsum()
    eg = x.groupby(["patient_id", "episode"], sort=False)
    episodes = eg.agg(
        start=("d", "min"),
        end=("cover_end", "max"),
        items=("item_id", "size"),
        council_code=("council_code", "first"),
        first_drug=("drug", "first"),
    )
    episodes = episodes.reset_index()
    episodes["days"] = episodes["end"] - episodes["start"] + 1
    episodes["start_date"] = EPOCH + pd.to_timedelta(episodes["start"], unit="D")
    episodes["end_date"] = EPOCH + pd.to_timedelta(episodes["end"], unit="D")
    episodes = episodes[
        [
            "patient_id",
            "episode",
            "start_date",
            "end_date",
            "days",
            "council_code",
            "first_drug",
            "items",
        ]
    ]

    e = episodes[episodes["start_date"] > pd.Timestamp(first) + pd.Timedelta(days=max_gap)].copy()
    e["start_ts"] = e["start_date"]
    e["re_presentation"] = e["episode"] > 1
    levels = _levels(_with_periods(e, "start_ts", periods), members)
    for k, n in RETENTION_DAYS.items():
        seen = levels["start_ts"] + pd.Timedelta(days=n) <= pd.Timestamp(last)
        levels[f"observable_{k}"] = seen
        levels[f"retained_{k}"] = seen & (levels["days"] >= n)
    agg = {
        "episodes_started": ("patient_id", "size"),
        "new_starts": ("re_presentation", lambda s: int((~s).sum())),
        "re_presentations": ("re_presentation", "sum"),
    }
    for k in RETENTION_DAYS:
        agg[f"observable_{k}"] = (f"observable_{k}", "sum")
        agg[f"retained_{k}"] = (f"retained_{k}", "sum")
    measures = levels.groupby(keys).agg(**agg).reset_index()
    levels["ended"] = (pd.Timestamp(last) - levels["end_date"]).dt.days > max_gap
    time_on = levels.groupby([*keys, "days", "ended"]).size().rename("episodes").reset_index()

    def typed(frame: pd.DataFrame, order: list[str]) -> pd.DataFrame:
        return with_period_type(frame.sort_values(order).reset_index(drop=True), periods)

    return Outputs(
        people=typed(people, keys),
        people_by_drug=typed(by_drug, [*keys, "drug"]),
        items=typed(counts, keys),
        episodes=episodes.sort_values(["patient_id", "episode"]).reset_index(drop=True),
        starts_and_retention=typed(measures, keys),
        time_on_treatment=typed(time_on, [*keys, "days", "ended"]),
        periods=periods,
        first=first,
        last=last,
        max_gap=max_gap,
    )


def access(referrals: pd.DataFrame, members: pd.DataFrame, periods: list[Period]) -> pd.DataFrame:
    """Completed waits per period × area (the pandas twin of ``referrals.access_sql``)."""
    from missionmonitor.ost.referrals import STANDARD_DAYS

    started = referrals[referrals["treatment_start_date"].notna()].copy()
    started["treatment_start_date"] = pd.to_datetime(started["treatment_start_date"])
    started["wait"] = (
        started["treatment_start_date"] - pd.to_datetime(started["referral_date"])
    ).dt.days
    levels = _levels(
        _with_periods(started, "treatment_start_date", periods),
        members[["council", "parent", "parent_type"]],
    )
    levels["within"] = levels["wait"] <= STANDARD_DAYS
    keys = ["period", "area_type", "area_code"]
    out = levels.groupby(keys).agg(started=("wait", "size"), within_3_weeks=("within", "sum"))
    return with_period_type(out.reset_index().sort_values(keys), periods)
