"""A small, safe expression language for cross-field rules in return forms.

Rules compare answers: ``placements_public + placements_third_sector == placements_total``,
``cost_total <= placements_total * 50000``, ``not (answered(q3) and q3 < q2)``. Only names of
questions, numbers, arithmetic, comparisons, ``and``/``or``/``not``, and the functions
``answered``, ``sum``, ``count``, ``min``, ``max`` are allowed; anything else is refused when
the form is loaded, never executed.

>>> evaluate("a + b == c", {"a": 1, "b": 2, "c": 3})
True
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from typing import Any

from missionmonitor.errors import DefinitionError

_BIN: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_CMP: dict[type, Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
FUNCTIONS = ("answered", "sum", "count", "min", "max")


class Unanswered(Exception):
    """A rule needs an answer that is missing: the rule does not apply yet."""


def parse(text: str) -> ast.Expression:
    """Parse and check a rule; DefinitionError names what is not allowed."""
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise DefinitionError(f"rule {text!r} is not a valid expression: {exc.msg}") from exc
    for node in ast.walk(tree):
        allowed = (
            ast.Expression,
            ast.BinOp,
            ast.UnaryOp,
            ast.BoolOp,
            ast.Compare,
            ast.Name,
            ast.Constant,
            ast.Load,
            ast.Call,
            ast.And,
            ast.Or,
            ast.Not,
            ast.USub,
            *_BIN,
            *_CMP,
        )
        if not isinstance(node, allowed):
            raise DefinitionError(f"rule {text!r} uses {type(node).__name__}, not allowed")
        if isinstance(node, ast.Call) and not (
            isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS and not node.keywords
        ):
            raise DefinitionError(f"rule {text!r} calls something other than {FUNCTIONS}")
        if isinstance(node, ast.Constant) and not isinstance(node.value, int | float | str):
            raise DefinitionError(f"rule {text!r} has a constant that is not a number or text")
    return tree


def names(tree: ast.Expression) -> set[str]:
    """Question ids a rule refers to (function names excluded)."""
    calls = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and id(n) not in calls}


def evaluate(text: str | ast.Expression, answers: Mapping[str, Any]) -> Any:
    """Evaluate a rule over ``answers``; raises Unanswered if it needs a missing answer."""
    tree = parse(text) if isinstance(text, str) else text

    def ev(node: ast.AST) -> Any:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            value = answers.get(node.id)
            if value is None or value == "":
                raise Unanswered(node.id)
            return value
        if isinstance(node, ast.BinOp):
            return _BIN[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.UnaryOp):
            value = ev(node.operand)
            return (not value) if isinstance(node.op, ast.Not) else -value
        if isinstance(node, ast.BoolOp):
            values = (ev(v) for v in node.values)
            return all(values) if isinstance(node.op, ast.And) else any(values)
        if isinstance(node, ast.Compare):
            left = ev(node.left)
            for op, right_node in zip(node.ops, node.comparators, strict=True):
                right = ev(right_node)
                if not _CMP[type(op)](left, right):
                    return False
                left = right
            return True
        if isinstance(node, ast.Call):
            assert isinstance(node.func, ast.Name)
            if node.func.id == "answered":
                return all(
                    answers.get(a.id) not in (None, "", [])  # type: ignore[attr-defined]
                    for a in node.args
                )
            args = [ev(a) for a in node.args]
            flat = [x for a in args for x in (a if isinstance(a, list) else [a])]
            if node.func.id == "count":
                return len(flat)
            if node.func.id == "sum":
                return sum(flat)
            return min(flat) if node.func.id == "min" else max(flat)
        raise DefinitionError(f"cannot evaluate {type(node).__name__}")

    return ev(tree)
