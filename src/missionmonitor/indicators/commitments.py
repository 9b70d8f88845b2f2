"""National commitments (targets) as data: ``commitments.yaml``, validated on load.

>>> [c.indicator for c in load_commitments()]
['ost_people', 'rr_placements']
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from missionmonitor.errors import DefinitionError


class Commitment(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    indicator: str
    label: str
    source: str
    value: float | None = None
    measure: str | None = None

    @model_validator(mode="after")
    def _one_value(self) -> Commitment:
        if (self.value is None) == (self.measure is None):
            raise ValueError("give exactly one of value or measure")
        return self


@cache
def load_commitments() -> tuple[Commitment, ...]:
    path = Path(str(resources.files("missionmonitor.indicators") / "commitments.yaml"))
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))["commitments"]
        return tuple(Commitment.model_validate(c) for c in raw)
    except (yaml.YAMLError, KeyError, TypeError, ValidationError) as exc:
        raise DefinitionError(f"commitments.yaml: invalid commitment: {exc}") from exc
