"""Pre-filling return answers from national data held in the analytical store."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from missionmonitor import config
from missionmonitor.returns.forms import Form
from missionmonitor.store.connection import Store
from missionmonitor.store.vintages import select_figures


def prefill_answers(
    configuration: config.Configuration, store_path: Path, form: Form, adp: str, period: str
) -> tuple[dict[str, Any], list[str]]:
    """(answers, ids of the questions filled): the latest vintage of each question's
    ``prefill`` measure for this ADP and period, all ages and both sexes."""
    wanted = {q.prefill: q.id for q in form.questions if q.prefill}
    if not wanted or not store_path.exists():
        return {}, []
    marks = ", ".join("?" for _ in wanted)
    with Store.open(store_path, configuration, read_only=True) as store:
        rows = select_figures(
            store,
            f"area_code = ? AND period = ? AND measure IN ({marks}) AND sex = 'All' "
            "AND age_group = 'All ages' AND breakdown = ''",
            [adp, period, *wanted],
            columns="measure, value",
        )
    answers = {
        wanted[m]: (f"{v:g}" if isinstance(v, float) else v)
        for m, v in rows.itertuples(index=False)
        if not pd.isna(v)
    }
    return answers, sorted(answers)
