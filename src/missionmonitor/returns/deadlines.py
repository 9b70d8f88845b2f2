"""Due dates of returns, as data (``deadlines.yaml``): a date per form and period, or a
default number of days after the period ends.

>>> due(config.load(None), "rehab_quarterly", "quarter", "2024-Q2")
datetime.date(2024, 7, 31)
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from missionmonitor import config
from missionmonitor.errors import DefinitionError
from missionmonitor.periods import parse_period


class Deadline(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    form: str
    period: str
    due: dt.date


class Deadlines(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    defaults: dict[str, int] = Field(default_factory=dict)
    deadlines: tuple[Deadline, ...] = ()


@config.cached
def load_deadlines(configuration: config.Configuration) -> Deadlines:
    from missionmonitor.returns.forms import load_forms

    path = config.path(configuration, "returns", "deadlines.yaml")
    table = config.read_definition(path, Deadlines, "deadlines")
    config.unique(table.deadlines, lambda d: (d.form, d.period), path, "deadline")
    forms = {fid: f.period_type for (fid, _), f in load_forms(configuration).items()}
    for d in table.deadlines:
        if d.form not in forms:
            raise DefinitionError(f"deadlines.yaml: unknown form {d.form!r}")
        if parse_period(d.period).type != forms[d.form]:
            raise DefinitionError(f"deadlines.yaml: {d.period} is not a {forms[d.form]}")
        if d.due < parse_period(d.period).end:
            raise DefinitionError(f"deadlines.yaml: {d.form} {d.period} is due before it ends")
    return table


def due(
    configuration: config.Configuration, form_id: str, period_type: str, period: str
) -> dt.date:
    table = load_deadlines(configuration)
    for d in table.deadlines:
        if d.form == form_id and d.period == period:
            return d.due
    if period_type not in table.defaults:
        raise DefinitionError(f"deadlines.yaml gives no default for {period_type} returns")
    return parse_period(period).end + dt.timedelta(days=table.defaults[period_type])
