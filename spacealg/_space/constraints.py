"""Constraints: which combinations of values a space allows.

A constraint is an expression of the language in ``expressions`` over the
space's entries; a configuration is allowed when every constraint is true. A
constraint that mentions an entry the configuration leaves inactive does not
apply to it. A :class:`~spacealg.Space` holds its constraints as canonical text
(``ast.unparse``'s: ``units*layers<=4096`` is ``units * layers <= 4096``), with
the value of every unconditional ``Fixed`` entry substituted, so a constraint
always speaks of what is tuned: ``fix`` and ``constrain`` commute, and a
constraint left without names is decided once, when the space is built.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np

from spacealg._space.discrete import Choice, Fixed
from spacealg._space.evaluation import as_column, evaluate
from spacealg._space.expressions import Type, canonical, parse, substitute
from spacealg._space.kinds import Hyperparameter
from spacealg.errors import ConstraintError

BoolArray = np.ndarray[Any, np.dtype[np.bool_]]


def type_of(hp: Hyperparameter) -> Type:
    """Whether an entry's values are numbers (booleans included) or strings."""
    if isinstance(hp, Choice):
        return "str" if isinstance(hp.values[0], str) else "number"
    if isinstance(hp, Fixed):
        return "str" if isinstance(hp.value, str) else "number"
    return "number"


@attrs.frozen(eq=False)
class Compiled:
    """A checked constraint: its canonical text, its tree and the names it mentions."""

    text: str
    tree: ast.expr = attrs.field(repr=False)
    names: tuple[str, ...]


def compile_constraints(
    texts: Iterable[str], index: Mapping[str, Hyperparameter], operation: str
) -> tuple[Compiled, ...]:
    """The constraints of a space of entries ``index``, checked, substituted and deduplicated.

    Raises:
        ArgumentTypeError: a constraint is not a non-empty str.
        ExpressionError: a constraint outside the language, or naming no entry of ``index``.
        ConstraintError: a constraint that the fixed values make false.
    """
    types = {name: type_of(hp) for name, hp in index.items()}
    pinned = {
        name: hp.value for name, hp in index.items() if isinstance(hp, Fixed) and not hp.conditions
    }
    compiled: dict[str, Compiled] = {}
    for text in texts:
        tree, names = parse(text, types=types, operation=operation)
        if any(name in pinned for name in names):
            tree = substitute(tree, pinned)
            names = tuple(name for name in names if name not in pinned)
            if not names:
                if not bool(evaluate(tree, {}, 1)[0]):
                    raise ConstraintError(
                        operation,
                        canonical(parse(text, types=None, operation=operation)[0]),
                        f"the fixed values make the constraint false: {canonical(tree)}",
                    )
                continue
        if not names:
            if not bool(evaluate(tree, {}, 1)[0]):
                raise ConstraintError(
                    operation, canonical(tree), "the constraint is false whatever the values"
                )
            continue
        written = canonical(tree)
        compiled.setdefault(written, Compiled(written, tree, names))
    return tuple(compiled.values())


def allowed_rows(
    constraints: Sequence[Compiled],
    index: Mapping[str, Hyperparameter],
    columns: Mapping[str, Sequence[Any]],
    active: Mapping[str, Sequence[bool] | BoolArray],
    rows: int,
) -> tuple[BoolArray, list[int]]:
    """Which rows every constraint allows, and how many rows each constraint rejected.

    Args:
        constraints: the space's compiled constraints.
        index: the space's entries by name.
        columns: each mentioned name's value in every row (any value where inactive).
        active: for conditional entries, which rows activate them (absent: always).
        rows: the number of rows.
    """
    allowed = np.ones(rows, dtype=bool)
    rejected = []
    for constraint in constraints:
        data = {name: as_column(columns[name], type_of(index[name])) for name in constraint.names}
        holds = evaluate(constraint.tree, data, rows)
        for name in constraint.names:
            if name in active:
                holds = holds | ~np.asarray(active[name], dtype=bool)
        rejected.append(int(rows - np.count_nonzero(holds)))
        allowed &= holds
    return allowed, rejected


def allowed_configurations(
    constraints: Sequence[Compiled],
    index: Mapping[str, Hyperparameter],
    configurations: Sequence[Mapping[str, Any]],
) -> BoolArray:
    """Which configurations (mappings of the active entries' values) every constraint allows."""
    rows = len(configurations)
    if not constraints:
        return np.ones(rows, dtype=bool)
    mentioned = {name for constraint in constraints for name in constraint.names}
    columns = {}
    active = {}
    for name in mentioned:
        fill = index[name].default
        columns[name] = [values.get(name, fill) for values in configurations]
        active[name] = [name in values for values in configurations]
    return allowed_rows(constraints, index, columns, active, rows)[0]


def first_violated(
    constraints: Sequence[Compiled],
    index: Mapping[str, Hyperparameter],
    values: Mapping[str, Any],
) -> Compiled | None:
    """The first constraint that the configuration ``values`` breaks, or None."""
    for constraint in constraints:
        if not allowed_configurations((constraint,), index, [values])[0]:
            return constraint
    return None
