"""The configuration a deployment runs on: one folder of definitions and published data.

Everything specific to a programme lives in its configuration folder: areas
(``geography.yaml`` and the geography dataset), datasets (``datasets/``, with their files in
``data/`` and the source register ``sources.yaml``), indicators (``indicators/``), outcomes
(``outcomes.yaml``), MAT-style standards (``standards/``), targets (``targets.yaml``), return
forms and due dates (``returns/``) and surveillance series (``surveillance/``). Scotland's
National Mission on Drugs ships as the default (``configurations/scotland``).

The CLI and the app factory choose the folder from the ``config_dir`` setting with
``activate``; every definition loader reads through ``path`` and caches with ``cached``, so
activating another folder clears what was read from the last one.

>>> path("indicators").name
'indicators'
>>> describe().name
'scotland'
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from missionmonitor.errors import DefinitionError
from missionmonitor.sections import Accountability, AnnualReport, MatReport, Surveillance

#: libyaml's parser where it is installed: the same safe subset, several times faster.
SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """Parse YAML safely (``yaml.safe_load``, with libyaml's parser where installed)."""
    return yaml.load(text, Loader=SAFE_LOADER)


#: The configuration Mission Monitor ships with.
SCOTLAND = Path(__file__).parent / "configurations" / "scotland"

_active: list[Path] = [SCOTLAND]
_caches: list[Callable[[], None]] = []
F = TypeVar("F", bound=Callable[..., Any])


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HomeCard(_Strict):
    """A headline figure on the home page: an indicator's latest value."""

    indicator: str
    title: str
    #: Show the indicator's national target, and the note on its balancing indicators.
    target: bool = False
    balancing: bool = False
    suffix: str = ""
    #: The sentence under the figure, with fields from the latest result and its target
    #: (``{display}``, ``{period}``, ``{previous}``, ``{change}``, ``{change_pct}``,
    #: ``{direction}``, ``{target}``, ``{target_share}``, ``{target_status}``,
    #: ``{target_statement}``, ``{target_source}``); left out when a field has no value.
    text: str | None = None


class HomeTrend(_Strict):
    """The home page's chart of one indicator's national trend, with its table."""

    indicator: str
    heading: str
    title: str
    caption: str
    table_caption: str
    value_label: str


class Home(_Strict):
    title: str
    leader: str
    trend: HomeTrend
    cards: tuple[HomeCard, ...] = ()


class Configuration(_Strict):
    name: str
    title: str
    description: str
    attribution: str
    home: Home
    folder: Path
    #: What the other pages and reports show (missionmonitor.sections); absent: not shown.
    accountability: Accountability | None = None
    surveillance: Surveillance | None = None
    annual_report: AnnualReport | None = None
    mat_report: MatReport | None = None


def folder() -> Path:
    """The active configuration folder."""
    return _active[0]


def path(*parts: str) -> Path:
    """A file or folder of the active configuration."""
    return folder().joinpath(*parts)


def cached(fn: F) -> F:
    """``functools.cache`` for a loader of definitions, cleared when another configuration
    is activated."""
    wrapped = cache(fn)
    _caches.append(wrapped.cache_clear)
    return wrapped  # type: ignore[return-value]


def activate(config_dir: Path | None) -> Configuration:
    """Make ``config_dir`` (None: Scotland) the configuration every loader reads."""
    chosen = Path(config_dir) if config_dir is not None else SCOTLAND
    if not (chosen / "configuration.yaml").is_file():
        raise DefinitionError(f"{chosen}: not a configuration folder (no configuration.yaml)")
    if chosen.resolve() != folder().resolve():
        _active[0] = chosen
        for clear in _caches:
            clear()
    return describe()


@cached
def describe() -> Configuration:
    """The active configuration's name, title, description and data attribution."""
    file = path("configuration.yaml")
    try:
        raw = load_yaml(file.read_text(encoding="utf-8"))
        return Configuration.model_validate({**raw, "folder": folder()})
    except (OSError, yaml.YAMLError, TypeError, ValidationError) as exc:
        raise DefinitionError(f"{file}: invalid configuration: {exc}") from exc


def attribution() -> str:
    """The licence statement that every public output of this configuration carries."""
    return describe().attribution


def surveillance() -> Surveillance:
    """The active configuration's surveillance section (empty when it has none)."""
    return describe().surveillance or Surveillance()
