"""Wider determinants beside outcome 5: published figures only, each with its source and
edition, what was not found said on the page, and a configuration may have none."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from missionmonitor import config
from missionmonitor.errors import DefinitionError
from missionmonitor.wellbeing.determinants import determinants_of, load_determinants
from tests.helpers import scotland

SMALL = Path(__file__).parents[1] / "configurations" / "small"


def test_every_figure_names_its_source_and_edition():
    topics = determinants_of(scotland(), "5")
    assert {t.id for t in topics} == {"homelessness", "justice"}
    for t in topics:
        assert "council" in t.not_found
        for f in t.figures:
            assert f.publisher and f.title and f.url.startswith("http") and f.edition
    # Homelessness in Scotland 2023-24, Table 1 (as published).
    (applications,) = [
        f for t in topics for f in t.figures if f.label == "Homelessness applications"
    ]
    assert (applications.value, applications.period) == (40685, "2023-24")
    assert determinants_of(scotland(), "1") == []


def test_a_figure_without_an_address_is_refused(tmp_path):
    folder = tmp_path / "conf"
    shutil.copytree(config.path(scotland(), ""), folder)
    file = folder / "wider_determinants.yaml"
    file.write_text(file.read_text().replace("url: http://scotpho", "url: scotpho", 1))
    with pytest.raises(DefinitionError) as err:
        load_determinants(config.load(folder))
    assert "wider_determinants.yaml" in str(err.value) and "url" in str(err.value)


def test_a_configuration_may_declare_none():
    assert load_determinants(config.load(SMALL)) is None


def test_the_outcome_page_shows_them_beside_it(client):
    page = client.get("/outcomes/5").text
    assert "Wider determinants beside it" in page and "40,685" in page
    assert "Homelessness in Scotland: 2023-24" in page and "edition 2023-24" in page
    assert "No figure by council area was found" in page
    twin = client.get("/outcomes/5.json").json()["determinants"]
    assert [t["id"] for t in twin["topics"]] == ["homelessness", "justice"]
    assert client.get("/outcomes/1.json").json()["determinants"]["topics"] == []
