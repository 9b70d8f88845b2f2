"""Every kind of definition file in a configuration is read by one loader: a file that is
missing, unreadable, not UTF-8, malformed, empty, of the wrong shape or breaking its schema is
refused with a DefinitionError that names it (and the field to blame)."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from missionmonitor import config
from missionmonitor.accountability.groups import load_groups
from missionmonitor.data import load_sources
from missionmonitor.datasets.declaration import load_declarations
from missionmonitor.errors import DefinitionError
from missionmonitor.indicators.catalogue import load_catalogue, load_outcomes
from missionmonitor.refdata.boundaries import area_outlines
from missionmonitor.refdata.geography import Geography, area_types
from missionmonitor.returns.deadlines import load_deadlines
from missionmonitor.returns.forms import load_forms
from missionmonitor.standards.grading import load_rule_sets, load_standards
from missionmonitor.surveillance.early_warning import load_series
from missionmonitor.targets.definitions import load_targets


@dataclass(frozen=True)
class Kind:
    """A kind of definition file: one file of it in Scotland's configuration, and what reads it."""

    file: str
    load: Callable[[config.Configuration], object]
    #: The list the file keeps its definitions under, if any.
    section: str | None = None
    #: For a folder of definitions (one file per definition): the folder.
    folder: str | None = None
    #: Whether a configuration may leave the file out.
    optional: bool = False


TARGETS = Kind("targets.yaml", load_targets, section="targets")
DEADLINES = Kind("returns/deadlines.yaml", load_deadlines)
KINDS = [
    Kind("configuration.yaml", lambda configuration: configuration),
    Kind("geography.yaml", area_types),
    Kind("sources.yaml", load_sources, section="sources"),
    Kind("outcomes.yaml", load_outcomes, section="outcomes"),
    TARGETS,
    Kind(
        "governance/groups.yaml",
        lambda configuration: load_groups(Geography.of(configuration)),
        optional=True,
    ),
    DEADLINES,
    Kind("standards/standards.yaml", load_standards),
    Kind("standards/rule_sets.yaml", load_rule_sets),
    Kind("surveillance/series.yaml", load_series, section="series"),
    Kind("datasets/drd_by_area.yaml", load_declarations, folder="datasets"),
    Kind("indicators/drd_deaths.yaml", load_catalogue, folder="indicators"),
    Kind("returns/forms/rehab_quarterly_v1.yaml", load_forms, folder="returns/forms"),
    Kind(
        "data/council_areas_2023.geojson",
        lambda configuration: area_outlines(configuration, "council"),
    ),
]


def _missing(kind: Kind, file: Path) -> str:
    if kind.folder:  # one definition fewer is allowed; a folder of none is not
        shutil.rmtree(file.parent)
        return kind.folder
    file.unlink()
    return kind.file


def _unreadable(kind: Kind, file: Path) -> str:
    # A folder where the file should be: unreadable whoever runs the test (even root).
    file.unlink()
    file.mkdir()
    return kind.file


def _not_utf8(kind: Kind, file: Path) -> str:
    file.write_bytes(b"name: caf\xe9\n")
    return f"{kind.file}: invalid"


def _malformed(kind: Kind, file: Path) -> str:
    file.write_text("name: [unclosed\n", encoding="utf-8")
    return f"{kind.file}: invalid"


def _empty(kind: Kind, file: Path) -> str:
    file.write_text("", encoding="utf-8")
    return f"{kind.file}: invalid"


def _wrong_shape(kind: Kind, file: Path) -> str:
    file.write_text("[1, 2]\n", encoding="utf-8")
    return f"{kind.file}: invalid"


def _schema_violation(kind: Kind, file: Path) -> str:
    if file.suffix == ".geojson":
        data: Any = json.loads(file.read_text(encoding="utf-8"))
        del data["features"][0]["geometry"]
        file.write_text(json.dumps(data), encoding="utf-8")
        return f"{kind.file}: invalid boundary file: features[0].geometry: Field required"
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    where = data[kind.section][0] if kind.section else data
    where["surprise"] = 1
    file.write_text(yaml.safe_dump(data), encoding="utf-8")
    field = f"{kind.section}[0].surprise" if kind.section else "surprise"
    return f"{field}: Extra inputs are not permitted"


FAULTS = [_missing, _unreadable, _not_utf8, _malformed, _empty, _wrong_shape, _schema_violation]


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """A copy of Scotland's configuration to break."""
    folder = tmp_path / "scotland"
    shutil.copytree(config.SCOTLAND, folder)
    return folder


def test_the_copy_loads_whole(copy, serve):
    """Each fault below is what breaks the copy: unbroken, every kind loads."""
    configuration = serve(copy)
    for kind in KINDS:
        assert kind.load(configuration), kind.file


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.__name__.strip("_"))
@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.file)
def test_a_broken_definition_file_is_refused_naming_it(copy, kind, fault, serve):
    if kind.optional and fault is _missing:
        (copy / kind.file).unlink()
        configuration = serve(copy)
        assert kind.load(configuration) == {}
        return
    expected = fault(kind, copy / kind.file)
    with pytest.raises(DefinitionError) as info:
        configuration = serve(copy)
        kind.load(configuration)
    assert expected in str(info.value)


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        (_missing, "targets.yaml: invalid target: cannot read it (No such file or directory)"),
        (_unreadable, "targets.yaml: invalid target: cannot read it (Is a directory)"),
        (_not_utf8, "targets.yaml: invalid target: not UTF-8 text (byte 10)"),
        (_malformed, "targets.yaml: invalid target: not valid YAML at line 2, column 1: "),
        (_empty, "targets.yaml: invalid target: expected a mapping with a 'targets' section"),
        (_wrong_shape, "targets.yaml: invalid target: expected a mapping with a 'targets' section"),
        (_schema_violation, "targets.yaml: invalid target: targets[0].surprise: Extra inputs are "),
    ],
)
def test_the_message_says_what_is_wrong(copy, fault, message, serve):
    fault(TARGETS, copy / TARGETS.file)
    configuration = serve(copy)
    with pytest.raises(DefinitionError) as info:
        load_targets(configuration)
    assert str(info.value).startswith(message)


@pytest.mark.parametrize(
    ("fault", "message"),
    [(_empty, "expected a mapping, found nothing"), (_wrong_shape, "expected a mapping")],
)
def test_a_file_that_is_not_a_mapping_is_told_so(copy, fault, message, serve):
    fault(DEADLINES, copy / DEADLINES.file)
    configuration = serve(copy)
    with pytest.raises(DefinitionError) as info:
        load_deadlines(configuration)
    assert str(info.value) == f"returns/deadlines.yaml: invalid deadlines: {message}"


def test_a_field_is_named_down_to_its_place(copy, serve):
    file = copy / "returns" / "forms" / "rehab_quarterly_v1.yaml"
    form = yaml.safe_load(file.read_text(encoding="utf-8"))
    form["sections"][0]["questions"][1]["type"] = "colour"
    file.write_text(yaml.safe_dump(form), encoding="utf-8")
    configuration = serve(copy)
    with pytest.raises(DefinitionError) as info:
        load_forms(configuration)
    assert str(info.value).startswith(
        "returns/forms/rehab_quarterly_v1.yaml: invalid return form: sections[0].questions[1]"
        ".type: Input should be 'integer', "
    )


def test_a_period_label_no_grammar_reads_is_a_definition_error(copy, serve):
    file = copy / "indicators" / "drd_deaths.yaml"
    indicator = yaml.safe_load(file.read_text(encoding="utf-8"))
    indicator["definition_versions"][0]["effective_from"] = "sometime"
    file.write_text(yaml.safe_dump(indicator), encoding="utf-8")
    configuration = serve(copy)
    with pytest.raises(DefinitionError, match=r"^indicators/drd_deaths\.yaml: .*'sometime'"):
        load_catalogue(configuration)


def test_two_files_of_one_folder_cannot_define_one_form(copy, serve):
    forms = copy / "returns" / "forms"
    shutil.copy(forms / "rehab_quarterly_v1.yaml", forms / "rehab_quarterly_v1_again.yaml")
    configuration = serve(copy)
    with pytest.raises(
        DefinitionError,
        match=r"rehab_quarterly_v1_again\.yaml: return form \('rehab_quarterly', 1\) is already "
        r"defined in rehab_quarterly_v1\.yaml",
    ):
        load_forms(configuration)


@pytest.mark.parametrize(
    ("file", "section", "load"),
    [
        ("targets.yaml", "targets", load_targets),
        ("surveillance/series.yaml", "series", load_series),
        ("sources.yaml", "sources", load_sources),
        ("outcomes.yaml", "outcomes", load_outcomes),
        ("standards/rule_sets.yaml", "rule_sets", load_rule_sets),
        ("returns/deadlines.yaml", "deadlines", load_deadlines),
    ],
)
def test_a_definition_listed_twice_is_refused(copy, file, section, load, serve):
    data = yaml.safe_load((copy / file).read_text(encoding="utf-8"))
    data[section].append(data[section][0])
    (copy / file).write_text(yaml.safe_dump(data), encoding="utf-8")
    configuration = serve(copy)
    with pytest.raises(DefinitionError, match=rf"^{re.escape(file)}: the .* is used twice"):
        load(configuration)


def test_a_file_outside_the_configuration_is_named_by_its_name(tmp_path):
    file = tmp_path / "elsewhere.yaml"
    file.write_text("- 1\n", encoding="utf-8")
    with pytest.raises(DefinitionError) as info:
        config.read_definition(file, dict[str, int], "example", key="values")
    assert (
        str(info.value)
        == "elsewhere.yaml: invalid example: expected a mapping with a 'values' section"
    )
    assert config.read_definition(file, list[int], "example") == [1]
