"""The declared evaluation (evaluation.yaml): Scotland's as shipped, a configuration without
one, and files refused naming the file and the field."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from missionmonitor import config
from missionmonitor.errors import DefinitionError
from missionmonitor.evaluation.definitions import has_evaluation, load_evaluation
from tests.helpers import scotland

SMALL = Path(__file__).parents[1] / "configurations" / "small"
SOURCE = {
    "publisher": "Example Office",
    "title": "An invented evaluation plan",
    "url": "https://example.org/plan",
    "edition": "first",
}
VALID: dict[str, Any] = {
    "programme": "Example programme",
    "launch": {"date": "2021-03-01", "quote": "It began.", "source": SOURCE},
    "contribution": {"quote": "Trends cannot be attributed.", "source": SOURCE},
    "questions": [
        {
            "id": "deaths_fell",
            "text": "Did deaths fall?",
            "source": SOURCE,
            "indicators": ["deaths"],
            "outcomes": ["1"],
            "evidence": ["Invented for testing."],
        }
    ],
}


def _small_with(tmp_path: Path, evaluation: dict[str, Any], launch_year: int | None = 2021) -> Path:
    """A copy of the small configuration with ``evaluation`` as its evaluation.yaml."""
    folder = tmp_path / "small"
    shutil.copytree(SMALL, folder)
    file = folder / "configuration.yaml"
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    data["surveillance"] = {**data["surveillance"], "launch_year": launch_year}
    file.write_text(yaml.safe_dump(data), encoding="utf-8")
    (folder / "evaluation.yaml").write_text(yaml.safe_dump(evaluation), encoding="utf-8")
    return folder


def test_scotlands_evaluation_cites_every_quoted_text():
    evaluation = load_evaluation(scotland())
    assert evaluation is not None and has_evaluation(scotland())
    assert evaluation.launch.date.isoformat() == "2021-01-20"
    assert evaluation.launch.date.year == scotland().surveillance.launch_year
    # The evaluation's own questions were not found: none is made up, and the page says why.
    assert evaluation.questions == () and "not been found" in evaluation.questions_note
    assert "Short of attribution" in evaluation.contribution.quote
    sources = [evaluation.launch.source, evaluation.contribution.source]
    sources += [f.source for f in evaluation.findings]
    assert all(s.url.startswith("https://") and s.edition for s in sources)
    assert {f.outcome for f in evaluation.findings} == {None, "1", "2", "3", "4", "6"}
    assert [(c.dataset, c.measure) for c in evaluation.comparators] == [
        ("ons_drug_deaths_england_wales", "ew_drug_misuse_asmr"),
        ("ons_drug_deaths_england_wales", "ew_drug_poisoning_asmr"),
    ]
    assert all(c.differences for c in evaluation.comparators)


def test_a_configuration_without_the_file_has_no_evaluation():
    small = config.load(SMALL)
    assert not has_evaluation(small)
    assert load_evaluation(small) is None


def test_a_valid_file_of_another_configuration_loads(tmp_path):
    evaluation = load_evaluation(config.read(_small_with(tmp_path, VALID)))
    assert evaluation is not None
    assert [q.indicators for q in evaluation.questions] == [("deaths",)]


@pytest.mark.parametrize(
    ("change", "launch_year", "message"),
    [
        (
            {"questions": [{**VALID["questions"][0], "indicators": ["nope"]}]},
            2021,
            "questions[0].indicators: no such indicator in this configuration: nope",
        ),
        (
            {"questions": [{**VALID["questions"][0], "outcomes": ["9"]}]},
            2021,
            "questions[0].outcomes: no such outcome in this configuration: 9",
        ),
        (
            {"questions": [{**VALID["questions"][0], "source": {**SOURCE, "url": "example"}}]},
            2021,
            "questions[0].source.url: String should match pattern",
        ),
        ({}, 2020, "launch.date: the launch is in 2021 but surveillance.launch_year"),
        ({"questions": []}, 2021, "questions_note does not say why"),
        (
            {"findings": [{"outcome": "1", "quotes": [], "source": SOURCE}]},
            2021,
            "findings[0].quotes: Tuple should have at least 1 item",
        ),
        (
            {
                "comparators": [
                    {
                        "id": "x",
                        "label": "X",
                        "dataset": "nope",
                        "measure": "m",
                        "differences": ["d"],
                    }
                ]
            },
            2021,
            "comparators[0]: no dataset 'nope' in this configuration",
        ),
        (
            {
                "comparators": [
                    {
                        "id": "x",
                        "label": "X",
                        "dataset": "figures",
                        "measure": "deaths",
                        "differences": ["d"],
                    }
                ]
            },
            2021,
            "comparators[0]: dataset figures declares no disclosure rule for 'deaths'",
        ),
        ({"verdict": "good"}, 2021, "verdict: Extra inputs are not permitted"),
    ],
)
def test_a_bad_file_is_refused_naming_the_file_and_the_field(
    tmp_path, change, launch_year, message
):
    folder = _small_with(tmp_path, {**VALID, **change}, launch_year)
    with pytest.raises(DefinitionError) as refused:
        load_evaluation(config.read(folder))
    assert str(refused.value).startswith("evaluation.yaml: invalid evaluation: ")
    assert message in str(refused.value)


def test_two_questions_with_one_id_are_refused(tmp_path):
    twice = {**VALID, "questions": VALID["questions"] * 2}
    with pytest.raises(DefinitionError, match="question id 'deaths_fell' is used twice"):
        load_evaluation(config.read(_small_with(tmp_path, twice)))
