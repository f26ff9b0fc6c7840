"""The constraint language: parsed with ``ast`` and checked (``evaluation`` runs it).

An expression is Python syntax over hyperparameter names, limited to numbers,
strings and booleans, arithmetic (``+ - * / // % **``), comparisons (chained),
``and``/``or``/``not``, ``in``/``not in`` a literal list or tuple, and the
functions ``abs``, ``min``, ``max``, ``log``, ``log2``, ``log10``, ``exp`` and
``sqrt``. A name that is not a Python identifier (``enc/units``) is written
``name('enc/units')``. Nothing is ever passed to ``eval``: :func:`parse` walks
the tree and refuses every other node with an :class:`ExpressionError` that
points at it, and ``evaluation.evaluate`` interprets the checked tree over
numpy columns, one row per configuration.

Numbers and booleans are evaluated as 64-bit floats (``True`` is 1.0), so
arithmetic follows floating point: ``x / 0`` is ``inf``, ``log`` of a negative
number is ``nan``, and any comparison with ``nan`` is false. ``and``, ``or`` and
``not`` give True or False. Strings compare only with strings.
"""

from __future__ import annotations

import ast
import difflib
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

import numpy as np

from spacealg.errors import ArgumentTypeError, ExpressionError, quoted

Type = Literal["number", "str"]
"""What an expression's value is: a number (booleans count as numbers) or a string."""
_Checked = Literal["number", "str", "any"]
"""A :data:`Type`, or ``"any"`` for a name when parsing without the space's types."""

LANGUAGE_WORDS = (
    "hyperparameter names, numbers, strings, booleans, + - * / // % **, comparisons, "
    "and/or/not, in/not in a literal list, and the functions "
    "abs, min, max, log, log2, log10, exp and sqrt"
)
"""What the language allows, in words, for error messages and docs."""

UNARY: dict[str, Callable[[Any], Any]] = {
    "abs": np.abs,
    "log": np.log,
    "log2": np.log2,
    "log10": np.log10,
    "exp": np.exp,
    "sqrt": np.sqrt,
}
VARIADIC: dict[str, Callable[..., Any]] = {"min": np.minimum, "max": np.maximum}
FUNCTIONS = (*UNARY, *VARIADIC)
"""The functions an expression may call."""

ARITHMETIC: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: np.add,
    ast.Sub: np.subtract,
    ast.Mult: np.multiply,
    ast.Div: np.true_divide,
    ast.FloorDiv: np.floor_divide,
    ast.Mod: np.mod,
    ast.Pow: np.power,
}
COMPARISONS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: np.equal,
    ast.NotEq: np.not_equal,
    ast.Lt: np.less,
    ast.LtE: np.less_equal,
    ast.Gt: np.greater,
    ast.GtE: np.greater_equal,
}
_REFUSED_WORDS: dict[type, str] = {
    ast.Attribute: "attribute access",
    ast.Subscript: "a subscript",
    ast.Lambda: "a lambda",
    ast.IfExp: "a conditional expression",
    ast.ListComp: "a comprehension",
    ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a comprehension",
    ast.Dict: "a dict",
    ast.Set: "a set",
    ast.List: "a list outside 'in'",
    ast.Tuple: "a tuple outside 'in'",
    ast.JoinedStr: "an f-string",
    ast.NamedExpr: "an assignment",
    ast.Starred: "a starred expression",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
    ast.Slice: "a slice",
}
_OPERATOR_WORDS: dict[type, str] = {
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.MatMult: "@",
    ast.Invert: "~",
    ast.Is: "is",
    ast.IsNot: "is not",
}


def _offset(lines: Sequence[str], line: int, column: int) -> int:
    """The character offset of ``ast``'s (1-based line, UTF-8 byte column) in the text."""
    before = sum(len(text) + 1 for text in lines[: line - 1])
    return before + len(lines[line - 1].encode()[:column].decode(errors="ignore"))


class _Checker:
    """Walks a parsed expression, refusing what the language lacks and typing what it has."""

    def __init__(
        self, text: str, types: Mapping[str, Type] | None, operation: str, names: Sequence[str]
    ) -> None:
        self.text = text
        self.lines = text.split("\n")
        self.types = types
        self.operation = operation
        self.known = names
        self.mentioned: dict[str, None] = {}

    def refuse(self, node: ast.AST, problem: str, allowed: str = LANGUAGE_WORDS) -> ExpressionError:
        start = _offset(self.lines, node.lineno, node.col_offset)  # type: ignore[attr-defined]
        end_line = node.end_lineno or node.lineno  # type: ignore[attr-defined]
        end_column = node.end_col_offset  # type: ignore[attr-defined]
        end = _offset(self.lines, end_line, end_column) if end_column is not None else start + 1
        return ExpressionError(self.operation, self.text, start, end, problem, allowed)

    def source(self, node: ast.AST) -> str:
        return ast.get_source_segment(self.text, node) or ast.unparse(node)

    def name(self, node: ast.AST, name: str) -> _Checked:
        if self.types is not None and name not in self.types:
            close = difflib.get_close_matches(name, list(self.types), n=1)
            allowed = (
                f"names of the space; did you mean {close[0]!r}?"
                if close
                else f"names of the space: {quoted(self.types)}"
                if self.types
                else "names of the space (it is empty)"
            )
            raise self.refuse(node, f"{name!r} is not a hyperparameter of the space", allowed)
        self.mentioned[name] = None
        return "any" if self.types is None else self.types[name]

    def check(self, node: ast.AST) -> _Checked:  # noqa: PLR0911, PLR0912 - one case per node kind
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool | int | float):
                return "number"
            if isinstance(value, str):
                return "str"
            raise self.refuse(node, f"the constant {self.source(node)} is not allowed")
        if isinstance(node, ast.Name):
            return self.name(node, node.id)
        if isinstance(node, ast.BoolOp):
            for operand in node.values:
                self.check(operand)
            return "number"
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.Invert):
                raise self.refuse(node, "the operator '~' is not allowed")
            checked = self.check(node.operand)
            if isinstance(node.op, ast.Not):
                return "number"
            if checked == "str":
                raise self.refuse(
                    node, f"{self.source(node)!r} negates a string", "numbers after + or -"
                )
            return "number"
        if isinstance(node, ast.BinOp):
            if type(node.op) not in ARITHMETIC:
                word = _OPERATOR_WORDS.get(type(node.op), type(node.op).__name__)
                raise self.refuse(node, f"the operator {word!r} is not allowed")
            for operand in (node.left, node.right):
                if self.check(operand) == "str":
                    raise self.refuse(
                        operand,
                        f"{self.source(node)!r} does arithmetic on a string",
                        "numbers and booleans in arithmetic",
                    )
            return "number"
        if isinstance(node, ast.Compare):
            self.compare(node)
            return "number"
        if isinstance(node, ast.Call):
            return self.call(node)
        word = _REFUSED_WORDS.get(type(node), type(node).__name__)
        raise self.refuse(node, f"{self.source(node)!r} ({word}) is not allowed")

    def compare(self, node: ast.Compare) -> None:
        left_node = node.left
        left = self.check(left_node)
        if len(node.ops) > 1 and any(isinstance(op, ast.In | ast.NotIn) for op in node.ops):
            raise self.refuse(
                node,
                f"{self.source(node)!r} chains 'in' with another comparison",
                "'in' on its own, joined to other tests with and/or",
            )
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            if isinstance(op, ast.In | ast.NotIn):
                self.listing(right_node, left, node)
                continue
            if type(op) not in COMPARISONS:
                word = _OPERATOR_WORDS.get(type(op), type(op).__name__)
                raise self.refuse(node, f"the operator {word!r} is not allowed")
            right = self.check(right_node)
            if "any" not in (left, right) and left != right:
                raise self.refuse(
                    node,
                    f"{self.source(node)!r} compares a string with a number",
                    "comparisons between two numbers or two strings",
                )
            left_node, left = right_node, right

    def listing(self, node: ast.AST, left: _Checked, compare: ast.Compare) -> None:
        allowed = "in or not in a literal list or tuple, such as x in [1, 2]"
        if not isinstance(node, ast.List | ast.Tuple):
            raise self.refuse(
                node, f"{self.source(node)!r} is not a literal list after 'in'", allowed
            )
        for item in node.elts:
            if not _literal(item):
                raise self.refuse(item, f"{self.source(item)!r} is not a literal", allowed)
            if left != "any" and self.check(item) != left:
                raise self.refuse(
                    compare,
                    f"{self.source(compare)!r} compares a string with a number",
                    "comparisons between two numbers or two strings",
                )

    def call(self, node: ast.Call) -> _Checked:
        function = node.func
        if not isinstance(function, ast.Name) or (
            function.id not in FUNCTIONS and function.id != "name"
        ):
            called = self.source(function)
            raise self.refuse(
                node,
                f"{self.source(node)!r} calls {called!r}",
                f"calls of {', '.join(FUNCTIONS)}, and name('...') for a name that is not "
                "an identifier",
            )
        if node.keywords or any(isinstance(arg, ast.Starred) for arg in node.args):
            raise self.refuse(
                node,
                f"{self.source(node)!r} passes keyword or starred arguments",
                "positional arguments only",
            )
        if function.id == "name":
            argument = node.args[0] if len(node.args) == 1 else None
            if not isinstance(argument, ast.Constant) or not isinstance(argument.value, str):
                raise self.refuse(
                    node,
                    f"{self.source(node)!r} does not name an entry",
                    "name('...') with one string, such as name('enc/units')",
                )
            return self.name(node, argument.value)
        count = len(node.args)
        if function.id in UNARY and count != 1:
            raise self.refuse(
                node, f"{self.source(node)!r} passes {count} arguments", "exactly one argument"
            )
        if function.id in VARIADIC and count < 2:
            raise self.refuse(
                node, f"{self.source(node)!r} passes {count} argument", "two or more arguments"
            )
        for argument in node.args:
            if self.check(argument) == "str":
                raise self.refuse(
                    argument,
                    f"{self.source(node)!r} passes a string to {function.id}",
                    "numbers and booleans as arguments",
                )
        return "number"


def _literal(node: ast.AST) -> bool:
    """A constant, or a negated number (``-1``), as ``in`` lists allow."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        node = node.operand
        return isinstance(node, ast.Constant) and isinstance(node.value, int | float)
    return isinstance(node, ast.Constant)


def parse(
    text: object,
    *,
    types: Mapping[str, Type] | None,
    operation: str,
    argument: str = "expressions",
) -> tuple[ast.expr, tuple[str, ...]]:
    """The checked tree of ``text`` and the names it mentions, in order of first mention.

    Args:
        text: the expression.
        types: each hyperparameter's type, or None to accept any name (a number).
        operation: the call to name in errors.
        argument: the argument to name when ``text`` is not a str.

    Raises:
        ArgumentTypeError: ``text`` is not a non-empty str.
        ExpressionError: the text is not an expression of the language, or
            mentions a name not in ``types``.
    """
    if not isinstance(text, str) or not text.strip():
        raise ArgumentTypeError(
            operation, "", argument, text, "a non-empty str such as 'units * layers <= 4096'"
        )
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (RecursionError, MemoryError):
        stripped = text.strip()
        raise ExpressionError(
            operation, stripped, 0, len(stripped), "nesting too deep", LANGUAGE_WORDS
        ) from None
    except SyntaxError as error:
        stripped = text.strip()
        lines = stripped.split("\n")
        line = min(max(error.lineno or 1, 1), len(lines))
        column = max((error.offset or 1) - 1, 0)
        start = min(sum(len(t) + 1 for t in lines[: line - 1]) + column, len(stripped))
        end = start + 1
        raise ExpressionError(
            operation,
            stripped,
            start,
            end,
            "invalid syntax" if error.msg == "invalid syntax" else f"invalid syntax ({error.msg})",
            LANGUAGE_WORDS,
        ) from None
    checker = _Checker(text.strip(), types, operation, list(types or ()))
    try:
        checker.check(tree.body)
    except RecursionError:
        stripped = text.strip()
        raise ExpressionError(
            operation, stripped, 0, len(stripped), "nesting too deep", LANGUAGE_WORDS
        ) from None
    return tree.body, tuple(checker.mentioned)


def canonical(tree: ast.expr) -> str:
    """The text of a checked tree as ``ast.unparse`` writes it (``a<b`` is ``a < b``)."""
    return ast.unparse(tree)


def _constant(value: Any) -> ast.expr:
    """A literal node for a scalar; a negative number as ``-(x)`` so it unparses safely."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value < 0:
        return ast.UnaryOp(op=ast.USub(), operand=ast.Constant(-value))
    return ast.Constant(value)


class _Substitute(ast.NodeTransformer):
    def __init__(self, values: Mapping[str, Any]) -> None:
        self.values = values

    def visit_Name(self, node: ast.Name) -> ast.expr:
        return _constant(self.values[node.id]) if node.id in self.values else node

    def visit_Call(self, node: ast.Call) -> ast.expr:
        function = node.func
        if isinstance(function, ast.Name) and function.id == "name":
            argument = node.args[0]
            assert isinstance(argument, ast.Constant)
            key = str(argument.value)
            return _constant(self.values[key]) if key in self.values else node
        self.generic_visit(node)
        return node


def substitute(tree: ast.expr, values: Mapping[str, Any]) -> ast.expr:
    """A copy of ``tree`` with each name of ``values`` replaced by its value."""
    copy = ast.parse(ast.unparse(tree), mode="eval").body
    result = _Substitute(values).visit(copy)
    assert isinstance(result, ast.expr)
    return ast.fix_missing_locations(result)


__all__ = ["FUNCTIONS", "LANGUAGE_WORDS", "canonical", "parse", "substitute"]
