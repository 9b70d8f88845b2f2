"""The one rule for reading a number written in a file or a form: every dataset, upload,
case-review and toxicology file and every answer typed into a return goes through
``parse_number`` (or ``parse_whole_number``), so a value passes in one place if and only
if it passes in every other.

The rule, and why:

* Surrounding whitespace (spaces, tabs, non-breaking spaces) is padding and is trimmed;
  whitespace inside a number is refused (``1 000``): some locales group digits with it.
* ASCII digits only (``rule: ascii-digits``). Other scripts' digits (``١٢``, full-width
  ``１２``) are real digits to Python's ``float``, but no publisher we read writes them, and
  a figure that looks like 12 in one place and is read as 12 in another only by accident
  is one nobody can check by eye.
* An optional sign: ``-`` for a negative number and ``+``, which spreadsheets write and
  which changes nothing.
* A decimal point ``.`` (``12.5``, ``.5``, ``5.``) and an exponent (``1e3``), as
  spreadsheets export them. A comma is never a decimal point.
* No thousands separators (``rule: thousands-separator``): ``1,000`` is a thousand in one
  locale and one in another; writing ``1000`` is never ambiguous.
* No ``_`` between digits (``rule: underscore``): Python's own literal grammar, which no
  spreadsheet writes, so it can only come from a program that meant something else.
* No negative zero (``rule: negative-zero``): ``-0`` is most often a small negative
  figure rounded away, which is not the same as none; the sender is asked to write 0.
* Finite numbers only (``rule: not-finite``): ``NaN``, ``inf`` and numbers too large for
  a double (``1e309``) are refused; a missing value is an empty cell.
* A whole number has no decimal point or exponent (``rule: whole-number``): ``10.5``
  placements is not a count, and ``1e3`` is left to decimal columns.
* Anything else (``ten``, ``0x10``, ``1.2.3``) breaks ``rule: not-a-number``.

>>> parse_number(" 12.5 "), parse_number("+3"), parse_number("1e3"), parse_whole_number("42")
(12.5, 3.0, 1000.0, 42)
>>> parse_number("1_000")
Traceback (most recent call last):
...
missionmonitor.errors.NumberFormatError: '1_000' is not a number: write digits without _ \
[number rule: underscore]
"""

from __future__ import annotations

import math
import re

from missionmonitor.errors import NumberFormatError

#: The whole grammar: sign, ASCII digits with an optional point, optional exponent.
_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
_WHOLE = re.compile(r"[+-]?[0-9]+")
_THOUSANDS = re.compile(r"[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?")

#: What each rule asks of the person who wrote the value.
ADVICE = {
    "ascii-digits": "write it with the digits 0-9",
    "thousands-separator": "write it without thousands separators (1000, not 1,000)",
    "underscore": "write digits without _",
    "negative-zero": "write 0 without a sign",
    "not-finite": "write a finite number (not NaN or infinity, and not too large)",
    "whole-number": "write a whole number",
    "not-a-number": "write a number in digits",
}


def _refuse(text: str, rule: str) -> NumberFormatError:
    return NumberFormatError(rule, f"{text!r} is not a number: {ADVICE[rule]}")


def _rule_broken(text: str) -> str | None:
    """Which rule ``text`` (already trimmed) breaks, or None if it is a number."""
    if _NUMBER.fullmatch(text):
        return None
    if any(c.isdigit() and not "0" <= c <= "9" for c in text):
        return "ascii-digits"
    if _THOUSANDS.fullmatch(text):
        return "thousands-separator"
    if "_" in text and _NUMBER.fullmatch(text.replace("_", "")):
        return "underscore"
    if text.lower().lstrip("+-") in ("nan", "inf", "infinity"):
        return "not-finite"
    return "not-a-number"


def parse_number(text: str) -> float:
    """The number ``text`` writes, by the rule above; NumberFormatError names the rule
    broken (its ``rule``) and says how to write the value instead."""
    trimmed = text.strip()
    rule = _rule_broken(trimmed)
    if rule is not None:
        raise _refuse(trimmed, rule)
    number = float(trimmed)
    if not math.isfinite(number):
        raise _refuse(trimmed, "not-finite")
    if number == 0 and math.copysign(1, number) < 0:
        raise _refuse(trimmed, "negative-zero")
    return number


def parse_whole_number(text: str) -> int:
    """A whole number (a count): ``parse_number``'s rule, without a point or exponent."""
    trimmed = text.strip()
    parse_number(trimmed)  # every rule of a number first, then the whole-number one
    if not _WHOLE.fullmatch(trimmed):
        raise _refuse(trimmed, "whole-number")
    return int(trimmed)
