from __future__ import annotations

from pathlib import Path

import pytest

from missionmonitor.ost.synthetic import SyntheticSpec, write_prescribing


@pytest.fixture(scope="session")
def synthetic_small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_prescribing(
        tmp_path_factory.mktemp("synth"), SyntheticSpec(people=5000, years=2, seed=7)
    )
