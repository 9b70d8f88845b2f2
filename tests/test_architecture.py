"""The shape of the code: module size, private names, route modules, error table, layout.

The layers themselves are checked by import-linter (``lint-imports`` in ``make test``).
"""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

from missionmonitor import config, errors

ROOT = Path(__file__).parents[1]
PACKAGE = ROOT / "src" / "missionmonitor"
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)
TEST_MODULES = sorted((ROOT / "tests").rglob("*.py"))


def _module_name(path: Path, base: Path = PACKAGE.parent) -> str:
    if not path.is_relative_to(base):
        return path.stem
    return ".".join(path.relative_to(base).with_suffix("").parts)


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_is_over_400_lines(path):
    assert len(path.read_text().splitlines()) <= 400


def _private_uses(path: Path, package: str = "missionmonitor") -> list[str]:
    """Private names this module takes from another of ``package``'s modules."""
    tree = ast.parse(path.read_text())
    me = _module_name(path, PACKAGE.parent if package == "missionmonitor" else ROOT)
    found, modules = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == package:
            for alias in node.names:
                if _private(alias.name) and node.module != me:
                    found.append(f"{node.module}.{alias.name}")
                modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            modules |= {a.asname or a.name for a in node.names if a.name.split(".")[0] == package}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
            and _private(node.attr)
        ):
            found.append(f"{node.value.id}.{node.attr}")
    return found


def test_no_private_name_is_used_across_modules():
    uses = {str(p.relative_to(PACKAGE)): _private_uses(p) for p in MODULES}
    assert {k: v for k, v in uses.items() if v} == {}


def test_the_private_name_check_finds_a_private_import(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("from missionmonitor.web import sessions\nsessions._engine_lock\n")
    assert _private_uses(probe) == ["sessions._engine_lock"]


def test_no_test_module_uses_another_test_modules_private_names():
    """What tests share lives in tests/helpers.py (or another module's public names)."""
    uses = {str(p.relative_to(ROOT)): _private_uses(p, "tests") for p in TEST_MODULES}
    assert {k: v for k, v in uses.items() if v} == {}


def test_the_test_check_finds_a_private_test_import(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from tests.store.test_writing import _state\nfrom tests import helpers\nhelpers._x\n"
    )
    assert _private_uses(probe, "tests") == ["tests.store.test_writing._state", "helpers._x"]


def test_route_modules_import_no_other_route_module():
    routes = sorted((PACKAGE / "web").glob("*_routes.py"))
    assert len(routes) >= 4
    for path in routes:
        imported = re.findall(r"missionmonitor\.web\.(\w+_routes)", path.read_text())
        assert imported == [], f"{path.name} imports {imported}"


def _error_classes() -> list[type[errors.MissionMonitorError]]:
    return [
        c
        for _, c in inspect.getmembers(errors, inspect.isclass)
        if issubclass(c, errors.MissionMonitorError)
    ]


def test_every_error_class_lives_in_errors_and_has_its_own_exit_code():
    classes = _error_classes()
    codes = [c.exit_code for c in classes]
    assert len(codes) == len(set(codes)), sorted((c.exit_code, c.__name__) for c in classes)
    assert 2 not in codes  # the command line's own usage errors
    elsewhere = []
    for path in MODULES:
        if path.name == "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and any(
                getattr(b, "id", "").endswith(("Error", "MissionMonitorError")) for b in node.bases
            ):
                elsewhere.append(f"{path.name}:{node.name}")
    assert elsewhere == []


def test_the_user_guide_lists_every_error_and_its_exit_code():
    guide = (ROOT / "docs" / "user-guide.md").read_text()
    for cls in _error_classes():
        assert re.search(rf"\|\s*{cls.exit_code}\s*\|\s*`{cls.__name__}`", guide), cls.__name__


def test_readme_layout_names_every_folder():
    readme = (ROOT / "README.md").read_text()
    layout = readme.split("## Layout", 1)[1].split("```")[1]
    listed = set(re.findall(r"^  (\w+)/", layout, flags=re.M))
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert listed == folders


#: Ways the code once reached a configuration chosen for the whole process, or for the
#: context it ran in.
PROCESS_WIDE = re.compile(
    r"Geography\.shipped\b|\bconfig\.(activate|_active|using|current|_serving)\b|ContextVar"
)


def test_no_module_reaches_a_process_wide_configuration():
    """The configuration and its geography are built by the app factory or the CLI and
    passed down as arguments, never chosen for the whole process or read from a context."""
    benchmarks = sorted((PACKAGE.parents[1] / "benchmarks").glob("*.py"))
    found = [
        f"{path.name}:{number}"
        for path in [*MODULES, *benchmarks]
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if PROCESS_WIDE.search(line)
    ]
    assert found == []
    gone = ("activate", "_active", "using", "current", "_serving")
    assert not any(hasattr(config, name) for name in gone)
    assert PROCESS_WIDE.search("geo = Geography.shipped()")


def test_the_configuration_module_keeps_no_mutable_state():
    mutable = [
        name
        for name, value in vars(config).items()
        if not name.startswith("__") and isinstance(value, (list, dict, set, bytearray))
    ]
    assert mutable == []
