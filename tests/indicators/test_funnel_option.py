"""An indicator may ask for a funnel plot only where it is a share with a Wilson interval."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from missionmonitor.indicators.catalogue import Method, load_catalogue
from tests.helpers import scotland


def test_a_funnel_is_for_a_ratio_with_a_wilson_interval():
    shares = {"kind": "ratio", "dataset": "d", "measure": "m", "numerator_measure": "m"}
    share = {**shares, "denominator_measure": "n", "interval": "wilson", "funnel": True}
    assert Method.model_validate(share, context={"area_types": ["adp"]}).funnel
    with pytest.raises(ValidationError, match="funnel"):
        Method.model_validate({**share, "interval": "none"}, context={"area_types": ["adp"]})
    with pytest.raises(ValidationError, match="funnel"):
        Method.model_validate({"kind": "observed", "dataset": "d", "measure": "m", "funnel": True})
    assert load_catalogue(scotland())["qol_housing_resolved_pct"].method.funnel
