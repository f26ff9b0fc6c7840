"""Running a checked constraint over numpy columns, one row per configuration.

The tree comes from ``expressions.parse``, which refused every node the language
lacks, so each node here is one the interpreter knows. Numbers and booleans are
float64 columns, strings numpy str columns; see ``expressions`` for the rules.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from spacealg._space.expressions import ARITHMETIC, COMPARISONS, UNARY, VARIADIC, Type

Column = np.ndarray[Any, Any]
"""A column of values: float64 for numbers and booleans, a numpy str array for strings."""


def _truth(value: Any) -> Any:
    if isinstance(value, np.ndarray) and value.dtype.kind == "U":
        return value != ""
    return np.not_equal(value, 0)


def _literal_value(node: ast.expr) -> Any:
    if isinstance(node, ast.UnaryOp):
        assert isinstance(node.operand, ast.Constant)
        number: Any = node.operand.value
        return -number if isinstance(node.op, ast.USub) else number
    assert isinstance(node, ast.Constant)
    return node.value


def _evaluate(node: ast.expr, columns: Mapping[str, Column]) -> Any:  # noqa: PLR0911 - per node
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return columns[node.id]
    if isinstance(node, ast.BoolOp):
        parts = [_truth(_evaluate(operand, columns)) for operand in node.values]
        combine = np.logical_and if isinstance(node.op, ast.And) else np.logical_or
        return combine.reduce(np.broadcast_arrays(*parts)) if len(parts) > 1 else parts[0]
    if isinstance(node, ast.UnaryOp):
        operand = _evaluate(node.operand, columns)
        if isinstance(node.op, ast.Not):
            return np.logical_not(_truth(operand))
        return np.negative(operand) if isinstance(node.op, ast.USub) else np.positive(operand)
    if isinstance(node, ast.BinOp):
        return ARITHMETIC[type(node.op)](
            _evaluate(node.left, columns), _evaluate(node.right, columns)
        )
    if isinstance(node, ast.Compare):
        left = _evaluate(node.left, columns)
        result: Any = True
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            if isinstance(op, ast.In | ast.NotIn):
                assert isinstance(right_node, ast.List | ast.Tuple)
                listed = [_literal_value(item) for item in right_node.elts]
                found = np.isin(left, listed) if listed else np.zeros_like(left, dtype=bool)
                result = np.logical_and(
                    result, found if isinstance(op, ast.In) else np.logical_not(found)
                )
                continue
            right = _evaluate(right_node, columns)
            result = np.logical_and(result, COMPARISONS[type(op)](left, right))
            left = right
        return result
    assert isinstance(node, ast.Call)
    assert isinstance(node.func, ast.Name)
    function = node.func.id
    if function == "name":
        argument = node.args[0]
        assert isinstance(argument, ast.Constant)
        return columns[str(argument.value)]
    arguments = [_evaluate(argument, columns) for argument in node.args]
    if function in UNARY:
        return UNARY[function](np.asarray(arguments[0], dtype=np.float64))
    pairwise = VARIADIC[function]
    value = arguments[0]
    for other in arguments[1:]:
        value = pairwise(value, other)
    return value


def evaluate(tree: ast.expr, columns: Mapping[str, Column], rows: int) -> np.ndarray[Any, Any]:
    """Whether ``tree`` is true on each of ``rows`` rows of ``columns`` (a bool array).

    Floating-point warnings (division by zero, ``log`` of a negative number) are
    silenced: their ``inf`` and ``nan`` decide the comparisons they reach.
    """
    with np.errstate(all="ignore"):
        value = _truth(_evaluate(tree, columns))
    return np.broadcast_to(np.asarray(value, dtype=bool), (rows,))


def as_column(values: Sequence[Any], kind: Type) -> Column:
    """``values`` as a column :func:`evaluate` reads."""
    if kind == "str":
        return np.array(values, dtype=np.str_) if len(values) else np.array([], dtype=np.str_)
    return np.array(values, dtype=np.float64)
