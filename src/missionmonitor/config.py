"""The configuration a deployment runs on: one folder of definitions and published data.

Everything specific to a programme lives in its configuration folder: areas
(``geography.yaml`` and the geography dataset), datasets (``datasets/``, with their files in
``data/`` and the source register ``sources.yaml``), indicators (``indicators/``), outcomes
(``outcomes.yaml``), MAT-style standards (``standards/``), targets (``targets.yaml``), return
forms and due dates (``returns/``) and surveillance series (``surveillance/``). Scotland's
National Mission on Drugs ships as the default (``configurations/scotland``).

The app factory and the CLI build a ``Configuration`` once from the ``config_dir`` setting
with ``load`` and pass it down: every definition loader takes it as its first argument,
reads through ``path``, validates with ``read_definition`` (or ``read_definitions`` for a
folder) and caches with ``cached``, once per configuration (kept with the configuration),
so two configurations can be served side by side in one process. Nothing is ambient: code
that needs the configuration is handed it.

>>> path(load(None), "indicators").name
'indicators'
>>> load(None).name
'scotland'
>>> load(SCOTLAND / "missing")  # doctest: +ELLIPSIS
Traceback (most recent call last):
missionmonitor.errors.DefinitionError: .../missing: not a configuration folder (no ...)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Iterable, Mapping
from functools import cache, wraps
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, PrivateAttr, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from missionmonitor.errors import DefinitionError, MissionMonitorError
from missionmonitor.sections import (
    Accountability,
    AnnualReport,
    MatReport,
    Profiles,
    Surveillance,
    Wording,
)

#: libyaml's parser where it is installed: the same safe subset, several times faster.
SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """Parse YAML safely (``yaml.safe_load``, with libyaml's parser where installed)."""
    return yaml.load(text, Loader=SAFE_LOADER)


M = TypeVar("M")
K = TypeVar("K", bound=Hashable)


def read_definition(
    file: Path,
    model: type[M],
    what: str,
    *,
    key: str | None = None,
    add: Mapping[str, Any] | None = None,
    parse: Callable[[str], Any] = load_yaml,
    context: Mapping[str, Any] | None = None,
) -> M:
    """Read ``file`` (YAML unless ``parse`` says otherwise), take its ``key`` section if
    given, add ``add`` to its mapping, and validate the whole as ``model`` (its validators
    see ``context``, e.g. what the rest of the configuration defines). Whatever goes
    wrong (unreadable, malformed, wrong shape, a field breaking a rule) is one
    DefinitionError naming the file, the ``what`` and, where one is to blame, the field.

    >>> file = path(load(None), "targets.yaml")
    >>> [t["id"] for t in read_definition(file, list[dict[str, Any]], "targets", key="targets")]
    ['ost_32000', 'rehab_1000', 'rehab_beds_650', 'treatment_all_drugs_alcohol']
    >>> try:
    ...     read_definition(file, list[int], "targets", key="targets")
    ... except DefinitionError as exc:
    ...     print(exc)  # doctest: +ELLIPSIS
    targets.yaml: invalid targets: targets[0]: Input should be a valid integer; targets[1]: ...
    """
    shown = _shown(file)
    try:
        raw = parse(file.read_text(encoding="utf-8"))
    except OSError as exc:
        problem = f"cannot read it ({exc.strerror or exc})"
        raise DefinitionError(f"{shown}: invalid {what}: {problem}") from exc
    except (yaml.YAMLError, ValueError) as exc:
        raise DefinitionError(f"{shown}: invalid {what}: {_malformed(exc)}") from exc
    loc: tuple[str | int, ...] = ()
    if key is not None or add:
        if not isinstance(raw, dict) or (key is not None and key not in raw):
            wanted = f"a mapping with a {key!r} section" if key else "a mapping"
            raise DefinitionError(f"{shown}: invalid {what}: expected {wanted}")
        raw = raw[key] if key is not None else raw
        loc = (key,) if key is not None else ()
    try:
        return TypeAdapter(model).validate_python({**raw, **add} if add else raw, context=context)
    except ValidationError as exc:
        errors = "; ".join(_error(loc, e) for e in exc.errors())
        raise DefinitionError(f"{shown}: invalid {what}: {errors}") from exc
    except DefinitionError:
        raise
    except MissionMonitorError as exc:  # a check the model calls, e.g. reading a period label
        raise DefinitionError(f"{shown}: invalid {what}: {exc}") from exc


def read_definitions(
    folder: Path,
    model: type[M],
    what: str,
    ident: Callable[[Path, M], K],
    context: Mapping[str, Any] | None = None,
) -> dict[K, M]:
    """Every ``*.yaml`` in ``folder``, in name order, read by ``read_definition`` and keyed
    by ``ident(file, definition)`` (which may refuse a definition, e.g. one not named after
    its file). A missing folder, or two files with one id, is a DefinitionError.

    >>> folder = path(load(None), "returns", "forms")
    >>> forms = read_definitions(folder, dict[str, Any], "return form",
    ...                          lambda file, form: (form["id"], form["version"]))
    >>> ("rehab_quarterly", 2) in forms
    True
    """
    if not folder.is_dir():
        raise DefinitionError(f"{_shown(folder)}: no such folder of {what}s")
    out: dict[K, M] = {}
    files: dict[K, Path] = {}
    for file in sorted(folder.glob("*.yaml")):
        item = read_definition(file, model, what, context=context)
        found = ident(file, item)
        if found in files:
            raise DefinitionError(
                f"{_shown(file)}: {what} {found!r} is already defined in {files[found].name}"
            )
        out[found], files[found] = item, file
    return out


def unique(items: Iterable[M], ident: Callable[[M], K], file: Path, what: str) -> dict[K, M]:
    """``items`` by id; two with one id are a DefinitionError naming ``file``."""
    out: dict[K, M] = {}
    for item in items:
        if (found := ident(item)) in out:
            raise DefinitionError(f"{_shown(file)}: the {what} id {found!r} is used twice")
        out[found] = item
    return out


def _shown(file: Path) -> str:
    """A file as messages name it: its path in its configuration folder (the nearest
    folder above it with a ``configuration.yaml``), or its name."""
    for folder in file.parents:
        if (folder / "configuration.yaml").is_file():
            return file.relative_to(folder).as_posix()
    return file.name


def _malformed(exc: Exception) -> str:
    mark = getattr(exc, "problem_mark", None)
    if isinstance(exc, yaml.MarkedYAMLError) and mark is not None:
        return f"not valid YAML at line {mark.line + 1}, column {mark.column + 1}: {exc.problem}"
    if isinstance(exc, json.JSONDecodeError):
        return f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
    if isinstance(exc, UnicodeDecodeError):
        return f"not UTF-8 text (byte {exc.start + 1})"
    return " ".join(str(exc).split())


def _error(prefix: tuple[str | int, ...], error: ErrorDetails) -> str:
    """One pydantic error as ``field.path[2].name: message``."""
    loc = (*prefix, *error["loc"])
    field = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
    msg = error["msg"].removeprefix("Value error, ")
    if error["type"] in ("model_type", "dict_type"):  # pydantic would name a class here
        msg = "expected a mapping" + (", found nothing" if error["input"] is None else "")
    return f"{field}: {msg}" if field else msg


#: The configuration Mission Monitor ships with.
SCOTLAND = Path(__file__).parent / "configurations" / "scotland"

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
    #: Sentences about the configuration's publishers and people (missionmonitor.sections).
    wording: Wording = Wording()
    #: What area profiles say of the indicators not published for an area.
    profiles: Profiles | None = None
    #: What the loaders read from this configuration (``cached``), kept with it.
    _memo: dict[Hashable, Any] = PrivateAttr(default_factory=dict)


def read(config_dir: Path | None) -> Configuration:
    """The configuration in ``config_dir`` (None: Scotland's), read afresh: its loaders
    will read its definitions again."""
    chosen = Path(config_dir) if config_dir is not None else SCOTLAND
    file = chosen / "configuration.yaml"
    if not file.is_file():
        raise DefinitionError(f"{chosen}: not a configuration folder (no configuration.yaml)")
    return read_definition(file, Configuration, "configuration", add={"folder": chosen})


@cache
def _loaded(chosen: Path) -> Configuration:
    return read(chosen)


def load(config_dir: Path | None) -> Configuration:
    """The configuration in ``config_dir`` (None: Scotland's), read once per folder, so
    what its loaders read is read once per process.

    >>> load(None).name
    'scotland'
    >>> load(None) is load(SCOTLAND)
    True
    """
    return _loaded(Path(config_dir) if config_dir is not None else SCOTLAND)


def path(configuration: Configuration, *parts: str) -> Path:
    """A file or folder of ``configuration``."""
    return configuration.folder.joinpath(*parts)


def cached(fn: F) -> F:
    """Cache a loader of definitions once per configuration (its first argument) and per
    its other arguments: what it read is kept with the configuration (``_memo``)."""

    @wraps(fn)
    def once(configuration: Configuration, *args: Hashable) -> Any:
        memo = configuration._memo
        key = (fn.__module__, fn.__qualname__, *args)
        if key not in memo:
            memo[key] = fn(configuration, *args)
        return memo[key]

    return once  # type: ignore[return-value]


def surveillance(configuration: Configuration) -> Surveillance:
    """``configuration``'s surveillance section (empty when it has none)."""
    return configuration.surveillance or Surveillance()
