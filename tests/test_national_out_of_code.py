"""Scotland lives only in its configuration folder: no Scottish area code and no Scottish
indicator id is written in the package's code, templates or scripts, and no page's wording
(templates, views and routes) names the country or its publishers: a page says that through
the configuration (its sections' notes and ``wording``) or the national area's name.

Docstrings are documentation: their examples run (as doctests) against the configuration
that ships, so they may name its areas and indicators. A name that a dataset declares as one
of its measures is that dataset's vocabulary, which the pipeline that writes the dataset
names, even where an indicator has the same id.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import missionmonitor
from missionmonitor import config
from missionmonitor.datasets.declaration import load_declarations
from missionmonitor.indicators.catalogue import load_catalogue
from missionmonitor.refdata.geography import Geography, national_code, national_name
from tests.helpers import scotland

PACKAGE = Path(missionmonitor.__file__).parent
CONFIGURATIONS = PACKAGE / "configurations"


def _scottish_names() -> set[str]:
    measures = {
        value
        for decl in load_declarations(scotland()).values()
        for name, column in decl.columns.items()
        if name == "measure"
        for value in column.allowed or ()
    }
    codes = set(Geography.of(config.load(None)).codes()) | {national_code(scotland())}
    return codes | (set(load_catalogue(scotland())) - measures)


def _docstrings(tree: ast.AST) -> set[int]:
    kinds = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, kinds)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


def _written_names(path: Path, pattern: re.Pattern[str]) -> list[str]:
    """Each Scottish name in ``path``: in a Python file's strings (not its docstrings or
    comments), anywhere in a template or script."""
    text = path.read_text(encoding="utf-8")
    if path.suffix != ".py":
        return [
            f"{path.name}:{n}: {m.group()}"
            for n, line in enumerate(text.splitlines(), 1)
            for m in pattern.finditer(line)
        ]
    tree = ast.parse(text)
    docs = _docstrings(tree)
    return [
        f"{path.name}:{node.lineno}: {m.group()}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
        for m in pattern.finditer(node.value)
    ]


def _pattern(names: set[str]) -> re.Pattern[str]:
    return re.compile(r"\b(" + "|".join(sorted(map(re.escape, names), key=len)[::-1]) + r")\b")


def _package_files() -> list[Path]:
    return sorted(
        p
        for p in PACKAGE.rglob("*")
        if p.suffix in {".py", ".html", ".js"} and CONFIGURATIONS not in p.parents
    )


def test_the_scan_covers_codes_ids_code_templates_and_scripts():
    names = _scottish_names()
    assert {"S92000003", "S08000031", "S12000049", "drd_deaths"} <= names
    suffixes = {p.suffix for p in _package_files()}
    assert suffixes == {".py", ".html", ".js"}


@pytest.mark.parametrize(
    ("name", "text", "found"),
    [
        ("a.py", 'x = "S12000049"\n', True),
        ("a.py", 'f(indicator="drd_deaths")\n', True),
        ("a.py", '"""Example: ``S12000049``."""\n# drd_deaths\nx = 1\n', False),
        ("a.html", '<a href="/indicators/drd_deaths">', True),
        ("a.js", "const nation = 'S92000003';", True),
        ("a.py", 'x = "drd_deaths_total"\n', False),
    ],
)
def test_the_scan_finds_a_written_name(tmp_path, name, text, found):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert bool(_written_names(path, _pattern(_scottish_names()))) is found


def test_no_scottish_area_code_or_indicator_id_is_written_outside_the_configuration():
    pattern = _pattern(_scottish_names())
    written = [hit for path in _package_files() for hit in _written_names(path, pattern)]
    assert written == []


#: The publishers whose names only the configuration says (with the country's own name).
PUBLISHERS = (
    "National Records of Scotland",
    "NRS",
    "Police Scotland",
    "Public Health Scotland",
    "PHS",
    "ScotPHO",
    "NHS Scotland",
    "Scottish Government",
    "Scottish",
)
#: Names that are a library's, not a publisher's: the design system the site is built with.
LIBRARIES = ("Scottish Government Design System",)


def _wording_pattern() -> re.Pattern[str]:
    names = sorted({*PUBLISHERS, national_name(scotland())}, key=len, reverse=True)
    libraries = "|".join(re.escape(n) for n in LIBRARIES)
    return re.compile(rf"\b(?!(?:{libraries}))(" + "|".join(map(re.escape, names)) + r")\b")


def _page_wording_files() -> list[Path]:
    """The templates, and the views and routes that write a page's sentences."""
    return sorted(
        [
            *(PACKAGE / "web" / "templates").glob("*.html"),
            *(PACKAGE / "views").glob("*.py"),
            *(PACKAGE / "web").glob("*.py"),
        ]
    )


@pytest.mark.parametrize(
    ("name", "text", "found"),
    [
        ("a.html", "<p>Police Scotland record suspected deaths.</p>", True),
        ("a.html", "{# Scottish Government Design System components #}", False),
        ("a.html", "<p>Results for {{ nation() }}, as published.</p>", False),
        ("a.py", 'x = "as PHS publications do"\n', True),
        ("a.py", '"""Every Scotland-level result."""\n', False),
        ("a.py", 'x = "node_modules/@scottish-government/design-system"\n', False),
    ],
)
def test_the_wording_scan_finds_a_publisher_or_country(tmp_path, name, text, found):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    assert bool(_written_names(path, _wording_pattern())) is found


def test_no_page_wording_names_the_country_or_its_publishers():
    files = _page_wording_files()
    assert {p.name for p in files} >= {"surveillance.html", "areas.py", "app.py"}
    pattern = _wording_pattern()
    written = [hit for path in files for hit in _written_names(path, pattern)]
    assert written == []
