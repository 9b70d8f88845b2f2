"""The configuration's page sections and wording: validated on load, and what a page says
about the country and its publishers comes from them, or is said generically."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from missionmonitor import config
from missionmonitor.errors import DefinitionError
from missionmonitor.sections import Surveillance, Wording

SMALL = Path(__file__).parent / "configurations" / "small"


def _with(tmp_path: Path, **sections: object) -> Path:
    """A copy of the small configuration with ``sections`` set in its configuration.yaml."""
    folder = tmp_path / "small"
    shutil.copytree(SMALL, folder)
    file = folder / "configuration.yaml"
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    file.write_text(yaml.safe_dump({**data, **sections}), encoding="utf-8")
    return folder


def test_the_shipped_configuration_says_who_publishes_what():
    scotland = config.load(None)
    assert scotland.surveillance is not None
    assert scotland.surveillance.confirmed_by and scotland.surveillance.suspected_by
    assert scotland.surveillance.deaths_note and scotland.surveillance.prevalence_note
    assert scotland.wording.sign_in and scotland.wording.conventions
    assert scotland.accountability is not None and scotland.accountability.sources


def test_a_configuration_without_wording_has_none():
    small = config.load(SMALL)
    assert small.wording == Wording()
    assert small.surveillance == Surveillance(deaths="deaths")


def test_wording_is_read_and_validated(tmp_path):
    folder = _with(tmp_path, wording={"sign_in": "For the test team.", "conventions": ["A."]})
    loaded = config.load(folder)
    assert loaded.wording.sign_in == "For the test team."
    assert loaded.wording.conventions == ("A.",)
    with pytest.raises(DefinitionError, match=r"wording\.welcome: Extra inputs"):
        config.load(_with(tmp_path / "again", wording={"welcome": "Hello"}))
    with pytest.raises(DefinitionError, match=r"surveillance\.deaths_note"):
        config.load(_with(tmp_path / "third", surveillance={"deaths_note": ["not", "text"]}))
