"""Conditions: a hyperparameter is active only when a parent has one of some values."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from spacealg._space.scalars import Scalar, as_python, index_of, is_scalar, typed
from spacealg._space.validation import check_name, iterates
from spacealg.errors import ArgumentTypeError, InvalidArgumentError


def _as_values(parent: object, values: Any) -> tuple[Scalar, ...]:
    values = as_python(values)
    if isinstance(values, str | bool | int | float):
        return (values,)
    if iterates(values) and not isinstance(values, Mapping):
        return tuple(as_python(value) for value in values)
    raise ArgumentTypeError(
        "Condition()",
        parent if isinstance(parent, str) else "",
        "values",
        values,
        "a parent value or a list of them",
    )


@attrs.frozen(init=False)
class Condition:
    """Active when the hyperparameter named ``parent`` takes one of ``values``.

    Args:
        parent: the parent hyperparameter's name.
        values: the parent values that activate the child (one value or several).

    Raises:
        InvalidArgumentError: ``values`` is empty or repeats a value.
        ArgumentTypeError: ``parent`` is not a string or a value is not a scalar.

    Examples:
        >>> Condition("optimizer", ["adam", "sgd"])
        Condition(parent='optimizer', values=('adam', 'sgd'))
        >>> Condition("optimizer", "adam").holds({"optimizer": "adam"})
        True
    """

    parent: str
    values: tuple[Scalar, ...] = attrs.field(eq=typed)

    def __init__(self, parent: str, values: Iterable[Scalar] | Scalar) -> None:
        self.__attrs_init__(parent, _as_values(parent, values))

    def __attrs_post_init__(self) -> None:
        check_name("Condition()", "parent", self.parent)
        if not self.values:
            raise InvalidArgumentError(
                "Condition()", self.parent, "values", [], "at least one parent value"
            )
        for value in self.values:
            if not is_scalar(value):
                raise ArgumentTypeError(
                    "Condition()",
                    self.parent,
                    "values",
                    list(self.values),
                    "bool, int, finite float or str values",
                )
        for position, value in enumerate(self.values):
            if index_of(self.values[:position], value) >= 0:
                raise InvalidArgumentError(
                    "Condition()",
                    self.parent,
                    "values",
                    list(self.values),
                    f"distinct values ({value!r} repeats)",
                )

    def holds(self, values: Mapping[str, object]) -> bool:
        """Whether the parent is set in ``values`` to one of this condition's values."""
        if self.parent not in values:
            return False
        return index_of(self.values, values[self.parent]) >= 0

    def config(self) -> dict[str, Any]:
        """KerasTuner's config form: ``{'class_name': 'Parent', 'config': {...}}``."""
        return {
            "class_name": "Parent",
            "config": {"name": self.parent, "values": list(self.values)},
        }


def as_conditions(
    conditions: Condition | Iterable[Condition] | None,
) -> tuple[Condition, ...]:
    """One condition or several, as a tuple; None (as KerasTuner allows) means none.

    Anything else (a str, a mapping, a non-iterable) comes back as a one-item tuple,
    so that the kind's validation names it whole in its error.
    """
    if conditions is None:
        return ()
    if isinstance(conditions, Condition | str | Mapping) or not iterates(conditions):
        return (conditions,)  # type: ignore[return-value]
    return tuple(conditions)
