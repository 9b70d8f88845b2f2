"""Typed errors raised by library code: every error class the product raises is here.

Only the CLI and web layers turn these into messages and exit codes; library code
never prints or exits. Each class has its own exit code (the user guide lists them);
2 is left to the command line's own usage errors.

>>> NotFoundError("no such area").exit_code
6
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class MissionMonitorError(Exception):
    """Base class for every error the library raises on purpose."""

    exit_code = 1


class MethodInputError(MissionMonitorError, ValueError):
    """A method or an action was given a value outside its domain (e.g. n <= 0, an unknown
    status, an empty required field)."""

    exit_code = 9


class DefinitionError(MissionMonitorError):
    """A data-defined domain object (dataset, indicator, area) failed validation on load."""

    exit_code = 3


class ValidationError(MissionMonitorError):
    """An input file broke a rule. Carries every problem found, each located precisely."""

    exit_code = 4

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems
        shown = "\n".join(f"  - {p}" for p in problems[:50])
        more = f"\n  … and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{file}: {len(problems)} problem(s); nothing was loaded\n{shown}{more}")


class Problem:
    """One rule broken at one place in a file: row is 1-based counting the header as row 1."""

    __slots__ = ("column", "message", "row", "rule")

    def __init__(self, rule: str, message: str, row: int | None = None, column: str | None = None):
        self.rule = rule
        self.message = message
        self.row = row
        self.column = column

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        at = (", ".join(where) + ": ") if where else ""
        return f"{at}{self.message} [rule: {self.rule}]"

    def __repr__(self) -> str:
        return f"Problem({self.rule!r}, row={self.row}, column={self.column!r})"


class VintageConflictError(MissionMonitorError):
    """A different file was offered under a vintage that is already loaded (never overwritten)."""

    exit_code = 5


class NotFoundError(MissionMonitorError, LookupError):
    """A named thing (dataset, indicator, area, vintage) does not exist."""

    exit_code = 6


class SeriesBreakError(MissionMonitorError):
    """Two values were compared across a definition change that makes them incomparable."""

    exit_code = 7


class StoreNotReadyError(MissionMonitorError):
    """The analytical store has not been built yet (run `missionmonitor init`)."""

    exit_code = 8


class StoreVersionError(MissionMonitorError):
    """The store was built by another version of the schema (rebuild it with `init
    --rebuild`), or holds another configuration's data."""

    exit_code = 10


class SparkUnavailableError(MissionMonitorError):
    """Spark (the optional extra) or Java is not installed."""

    exit_code = 11


class CriteriaVersionError(MissionMonitorError):
    """Grades from years assessed against different criteria do not compare."""

    exit_code = 12


class _HasMessage(Protocol):
    @property
    def message(self) -> str: ...


class NotReadyToSubmit(MissionMonitorError):
    """The return has errors, or warnings without a comment."""

    exit_code = 13

    def __init__(self, findings: Sequence[_HasMessage]) -> None:
        self.findings = list(findings)
        super().__init__("; ".join(f.message for f in findings))


class SignInRefused(MissionMonitorError):
    """Wrong username or password, a disabled account, or too many recent failures
    (``throttled``: refused without the password being checked)."""

    exit_code = 14

    def __init__(self, message: str, throttled: bool = False) -> None:
        super().__init__(message)
        self.throttled = throttled


class StaleEditError(MissionMonitorError):
    """Someone else changed this record since it was opened; nothing was saved."""

    exit_code = 15


class PermissionDenied(MissionMonitorError):
    """The signed-in user may not do this here."""

    exit_code = 16


class DemonstrationDataError(MissionMonitorError):
    """Generated data was offered to a store of published figures (use `missionmonitor demo`)."""

    exit_code = 17


class DisclosureFindings(MissionMonitorError):
    """The disclosure audit found a small count, or a hidden count given back by others."""

    exit_code = 18


class NumberFormatError(MissionMonitorError, ValueError):
    """A value written in a file or a form is not a number by the one number rule
    (``datasets.numbers``); ``rule`` names the part of the rule it breaks."""

    exit_code = 20

    def __init__(self, rule: str, message: str) -> None:
        self.rule = rule
        super().__init__(f"{message} [number rule: {rule}]")


class DownloadError(MissionMonitorError):
    """A dataset release could not be downloaded or is not what it should be; nothing changed."""

    exit_code = 19


class LayoutError(MissionMonitorError):
    """A publisher's file is not in the layout its dataset's ``source:`` block declares (a
    sheet, header or column missing or renamed, a truncated file); nothing is loaded.
    ``where`` names the file and, where known, its sheet, row and column."""

    exit_code = 21

    def __init__(self, where: str, rule: str) -> None:
        self.where = where
        self.rule = rule
        super().__init__(f"{where}: {rule}; nothing loaded")
