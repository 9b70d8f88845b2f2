"""Editions of one publisher's file compared: which figures a later edition revised.

Publishers re-issue whole series in each edition (the Scottish Government's quarterly
workbooks, NRS tables rebased on new populations). Each edition is kept as its own vintage;
this says which figures changed between consecutive editions, read through the same
connector, so a revision is reported, never silently taken.

>>> import pandas as pd
>>> first = pd.DataFrame({"area": ["A", "B"], "period": ["2023-Q1"] * 2,
...                       "value": [18, ""], "status": ["", "suppressed"]})
>>> later = pd.DataFrame({"area": ["A", "B"], "period": ["2023-Q1"] * 2,
...                       "value": [19, ""], "status": ["", "suppressed"]})
>>> found = revisions([("Jan-Mar", first), ("Apr-Jun", later)], ["area", "period"])
>>> found[["area", "edition", "revised_in", "was", "now"]].to_dict("records")
[{'area': 'A', 'edition': 'Jan-Mar', 'revised_in': 'Apr-Jun', 'was': '18', 'now': '19'}]
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

import pandas as pd

from missionmonitor.errors import DefinitionError


def _figure(frame: pd.DataFrame, value: str, status: str | None) -> pd.Series:
    """Each row's figure as text: the number, or the status of a figure not given."""
    numbers = frame[value].map(_text)
    if status is None or status not in frame:
        return numbers
    statuses = frame[status].fillna("").astype(str)
    return numbers.where(numbers != "", "[" + statuses + "]")


def _text(v: object) -> str:
    if v is None or (isinstance(v, float) and v != v) or v == "":
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def revisions(
    editions: Sequence[tuple[str, pd.DataFrame]],
    key: Sequence[str],
    value: str = "value",
    status: str | None = "status",
) -> pd.DataFrame:
    """Figures (same ``key``) that an edition gives differently from the edition before it,
    editions oldest first: ``key…, edition, revised_in, was, now`` (a figure not given shows
    its status in brackets, ``[suppressed]``). A figure only one of the two holds is not a
    revision (a new quarter, or one dropped)."""
    columns = [*key, "edition", "revised_in", "was", "now"]
    found: list[pd.DataFrame] = []
    for (before, old), (after, new) in pairwise(editions):
        for label, frame in ((before, old), (after, new)):
            if frame.duplicated(list(key)).any():
                raise DefinitionError(f"edition {label}: {list(key)} does not identify a figure")
        left = old[list(key)].assign(was=_figure(old, value, status))
        right = new[list(key)].assign(now=_figure(new, value, status))
        both = left.merge(right, on=list(key), how="inner")
        changed = both[both["was"] != both["now"]].assign(edition=before, revised_in=after)
        found.append(changed[columns])
    if not found:
        return pd.DataFrame(columns=columns)
    return pd.concat(found, ignore_index=True)
