"""The outcome instrument file: validated on load, errors naming the file and field, and a
configuration without one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from missionmonitor import config
from missionmonitor.errors import DefinitionError, NotFoundError
from missionmonitor.wellbeing.instrument import current_instrument, load_instruments
from tests.helpers import scotland

SMALL = Path(__file__).parents[1] / "configurations" / "small"


def test_the_shipped_instrument_declares_its_shape_and_missing_reliability():
    qol = current_instrument(scotland(), "quality_of_life")
    assert [i.kind for i in qol.items].count("rating") == 3
    assert {p.id for p in qol.review_points} == {"start", "review_3m", "review_6m", "exit"}
    assert [p.id for p in qol.scheduled] == ["review_3m", "review_6m"]
    # No published coefficient was found: none is declared, and the reason is.
    for s in qol.scales:
        assert s.reliability.coefficient is None and s.reliability.not_published
    assert "licence" in qol.licence_note


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "conf"
    shutil.copytree(config.path(scotland(), ""), folder)
    return folder


def test_a_broken_instrument_is_refused_naming_file_and_field(tmp_path):
    folder = _copy(tmp_path)
    file = folder / "outcome_instruments" / "quality_of_life_v1.yaml"
    file.write_text(file.read_text().replace("kind: yes_no}", "kind: maybe}", 1))
    with pytest.raises(DefinitionError) as err:
        load_instruments(config.load(folder))
    assert "outcome_instruments/quality_of_life_v1.yaml" in str(err.value)
    assert "items[5].kind" in str(err.value)


def test_a_coefficient_needs_a_source(tmp_path):
    folder = _copy(tmp_path)
    file = folder / "outcome_instruments" / "quality_of_life_v1.yaml"
    text = file.read_text().replace("reliability:\n", "reliability:\n      coefficient: 0.8\n", 1)
    file.write_text(text)
    with pytest.raises(DefinitionError) as err:
        load_instruments(config.load(folder))
    assert "scales[0].reliability" in str(err.value) and "source" in str(err.value)


def test_a_configuration_may_have_no_instrument():
    small = config.load(SMALL)
    assert load_instruments(small) == {}
    with pytest.raises(NotFoundError):
        current_instrument(small, "quality_of_life")
