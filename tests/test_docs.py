"""Documentation keeps up with the code: every command and indicator is documented."""

from pathlib import Path

import pytest

from missionmonitor.indicators.catalogue import load_catalogue
from tests.helpers import scotland

DOCS = Path(__file__).parents[1] / "docs"


def _commands() -> list[str]:
    """Every command of the CLI, read from the Typer app itself."""
    from typer.main import get_command

    from missionmonitor.cli.app import app

    root = get_command(app)
    out = []
    for name, cmd in root.commands.items():  # type: ignore[attr-defined]
        subs = getattr(cmd, "commands", None)
        out += [f"{name} {s}" for s in subs] if subs else [name]
    return sorted(out)


COMMANDS = _commands()


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_in_the_user_guide(command):
    assert f"missionmonitor {command}" in (DOCS / "user-guide.md").read_text()


@pytest.mark.parametrize("indicator", list(load_catalogue(scotland())))
def test_every_indicator_is_in_the_methodology(indicator):
    assert f"`{indicator}`" in (DOCS / "methodology.md").read_text()


def test_readme_starts_with_the_two_commands():
    head = (Path(__file__).parents[1] / "README.md").read_text().splitlines()[:6]
    assert any("make run" in line for line in head)
    assert any("make test" in line for line in head)
