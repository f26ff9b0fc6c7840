"""The discrete kinds: ``Choice``, ``Boolean`` and ``Fixed``.

Their domains are short tuples of values; a unit position picks a value by
cutting [0, 1) into equal cells, one per value, so every value is equally likely.
"""

from __future__ import annotations

import abc
import math
from collections.abc import Iterable, Mapping, Sequence, Set
from typing import Any, ClassVar

import attrs
import numpy as np

from spacealg._space.conditions import Condition, as_conditions
from spacealg._space.hyperparameter import HyperparameterBase, pick
from spacealg._space.scalars import (
    Scalar,
    as_python,
    index_of,
    is_scalar,
    kind_of,
    typed,
)
from spacealg._space.unit_interval import FloatArray, cell, cell_center
from spacealg._space.validation import is_real, iterates
from spacealg.errors import ArgumentTypeError, InvalidArgumentError

_SCALAR_WORDS = "bool, int, finite float or str"


def _listing(values: Sequence[Scalar]) -> str:
    items = [repr(value) for value in values]
    if len(items) == 1:
        return f"exactly {items[0]}"
    return "one of " + ", ".join(items[:-1]) + " or " + items[-1]


class _Listed(HyperparameterBase):
    """A kind whose domain is an explicit tuple of values."""

    __slots__ = ()

    @property
    @abc.abstractmethod
    def _values(self) -> tuple[Scalar, ...]:
        """The domain, in order."""

    def contains(self, value: object) -> bool:
        return index_of(self._values, as_python(value)) >= 0

    def describe(self) -> str:
        return _listing(self._values)

    def grid_values(self) -> Sequence[Scalar]:
        return self._values

    def from_unit(self, u: float) -> Scalar:
        values = self._values
        return values[cell(u, len(values))]

    def from_unit_array(self, u: FloatArray) -> list[Scalar]:
        return pick(self._values, u)

    def to_unit(self, value: Scalar) -> float:
        values = self._values
        return cell_center(index_of(values, value), len(values))


def _as_tuple(name: object, values: Any) -> tuple[Scalar, ...]:
    if iterates(values) and not isinstance(values, Mapping | Set | str):
        return tuple(as_python(value) for value in values)
    raise ArgumentTypeError(
        "Choice()",
        name if isinstance(name, str) else "",
        "values",
        values,
        "a list or tuple of values",
    )


@attrs.frozen(init=False)
class Choice(_Listed):
    """One of a list of values of a single type.

    Args:
        name: the hyperparameter's name.
        values: the values, all int, all float, all str or all bool, without repeats.
            Booleans stay booleans (KerasTuner turns ``[True, False]`` into ``[1, 0]``).
        ordered: whether the values have an order; defaults to whether they are numbers
            (bools are not numbers here). Must be False for str and bool values.
        default: the value used when not tuned; ``None`` means the first value.
        conditions: one :class:`Condition` or several.
        weights: the prior chance of each value, one non-negative number per
            value, not all zero; normalised to sum to 1 (equal weights are no
            weights: ``None``, each value equally likely). Samplers draw by them
            and TPE and Bayesian optimization take them as their prior; a value
            of weight 0 stays in the domain (grid search and ``fix`` reach it) but
            is never drawn at random.

    Raises:
        InvalidArgumentError: no values, a repeated value, ``ordered=True`` for
            non-numeric values, a default that is not among the values, or
            weights that are not one non-negative number per value, not all zero.
        ArgumentTypeError: values of mixed types or values that are not scalars.

    Examples:
        >>> lr = Choice("learning_rate", values=[1e-2, 1e-3, 1e-4])
        >>> lr.default, lr.ordered
        (0.01, True)
        >>> Choice("dense_use_bn", values=[True, False]).values
        (True, False)
    """

    kind: ClassVar[str] = "choice"
    name: str
    values: tuple[Scalar, ...] = attrs.field(eq=typed)
    ordered: bool
    default: Scalar = attrs.field(eq=typed)
    conditions: tuple[Condition, ...]
    weights: tuple[float, ...] | None = attrs.field(default=None, repr=False)

    def __init__(
        self,
        name: str,
        *,
        values: Iterable[Scalar],
        ordered: bool | None = None,
        default: Scalar | None = None,
        conditions: Condition | Sequence[Condition] = (),
        weights: Iterable[float] | None = None,
    ) -> None:
        as_tuple = _as_tuple(name, values)
        if ordered is None:
            ordered = bool(as_tuple) and all(is_real(value) for value in as_tuple)
        if default is None and as_tuple:
            default = as_tuple[0]
        self.__attrs_init__(
            name,
            as_tuple,
            ordered,
            as_python(default),
            as_conditions(conditions),
            _normalised(name, weights, len(as_tuple)),
        )

    def __attrs_post_init__(self) -> None:
        self._check_common("Choice()")
        values = self.values
        if not values:
            raise InvalidArgumentError(
                "Choice()", self.name, "values", [], "a non-empty list of values"
            )
        if not all(is_scalar(value) for value in values):
            raise ArgumentTypeError(
                "Choice()", self.name, "values", list(values), f"{_SCALAR_WORDS} values"
            )
        if len({kind_of(value) for value in values}) > 1:
            raise ArgumentTypeError(
                "Choice()",
                self.name,
                "values",
                list(values),
                "values of one type: all int, all float, all str or all bool",
            )
        for position, value in enumerate(values):
            if index_of(values[:position], value) >= 0:
                raise InvalidArgumentError(
                    "Choice()",
                    self.name,
                    "values",
                    list(values),
                    f"distinct values ({value!r} repeats)",
                )
        if not isinstance(self.ordered, bool):
            raise ArgumentTypeError(
                "Choice()", self.name, "ordered", self.ordered, "True, False or None"
            )
        if self.ordered and not is_real(values[0]):
            raise InvalidArgumentError(
                "Choice()", self.name, "ordered", self.ordered, "False for str or bool values"
            )
        position = index_of(values, self.default) if is_scalar(self.default) else -1
        if position < 0:
            raise InvalidArgumentError(
                "Choice()", self.name, "default", self.default, self.describe()
            )
        # The listed value itself, so Choice(values=[1.0, 2.0], default=1) keeps floats.
        object.__setattr__(self, "default", values[position])

    @property
    def _values(self) -> tuple[Scalar, ...]:
        return self.values

    def __repr__(self) -> str:
        shown = (
            f"Choice(name={self.name!r}, values={self.values!r}, ordered={self.ordered!r}, "
            f"default={self.default!r}, conditions={self.conditions!r}"
        )
        return shown + (")" if self.weights is None else f", weights={self.weights!r})")

    def describe(self) -> str:
        if self.weights is None:
            return super().describe()
        items = [f"{v!r} (weight {w:.3g})" for v, w in zip(self.values, self.weights, strict=True)]
        return "one of " + ", ".join(items[:-1]) + " or " + items[-1]

    def prior_unit_array(self, u: FloatArray) -> FloatArray:
        if self.weights is None:
            return u
        bounds = np.cumsum(self.weights)
        index = np.minimum(np.searchsorted(bounds, u, side="right"), len(self.values) - 1)
        while True:  # a draw on a boundary that rounding left with a zero weight
            zero = np.asarray(self.weights)[index] == 0
            if not zero.any():
                break
            index = np.where(zero, index - 1, index)
        return (index + 0.5) / len(self.values)

    def config(self) -> dict[str, Any]:
        config: dict[str, Any] = {
            "default": self.default,
            "conditions": self._conditions_config(),
            "values": list(self.values),
            "ordered": self.ordered,
        }
        if self.weights is not None:
            config["weights"] = list(self.weights)
        return config


_WEIGHTS_WORDS = "one non-negative finite number per value, not all zero"


def _normalised(name: object, weights: object, count: int) -> tuple[float, ...] | None:
    """The weights scaled to sum to 1, or None when absent or all equal."""
    if weights is None:
        return None
    label = name if isinstance(name, str) else ""
    if isinstance(weights, str | Mapping | Set) or not iterates(weights):
        raise ArgumentTypeError("Choice()", label, "weights", weights, _WEIGHTS_WORDS)
    given = [as_python(w) for w in weights]
    if not all(is_real(w) for w in given):
        raise ArgumentTypeError("Choice()", label, "weights", given, _WEIGHTS_WORDS)
    total = math.fsum(float(w) for w in given) if all(math.isfinite(w) for w in given) else 0.0
    if len(given) != count or any(w < 0 for w in given) or not 0 < total < math.inf:
        raise InvalidArgumentError(
            "Choice()", label, "weights", given, f"{_WEIGHTS_WORDS} ({count} values)"
        )
    # weights that already sum to 1 (within rounding) are kept, so normalising is idempotent
    scale = 1.0 if abs(total - 1.0) <= 1e-12 else total
    scaled = tuple(float(w) / scale for w in given)
    if len(set(scaled)) == 1:
        return None
    return scaled


_BOOLEANS: tuple[Scalar, ...] = (False, True)


@attrs.frozen(init=False)
class Boolean(_Listed):
    """True or False.

    Args:
        name: the hyperparameter's name.
        default: the value used when not tuned (a bool; False unless given).
        conditions: one :class:`Condition` or several.

    Raises:
        ArgumentTypeError: a default that is not a bool.

    Examples:
        >>> Boolean("dropout").config()
        {'default': False, 'conditions': []}
    """

    kind: ClassVar[str] = "boolean"
    name: str
    default: bool
    conditions: tuple[Condition, ...]

    def __init__(
        self,
        name: str,
        *,
        default: bool = False,
        conditions: Condition | Sequence[Condition] = (),
    ) -> None:
        self.__attrs_init__(name, as_python(default), as_conditions(conditions))

    def __attrs_post_init__(self) -> None:
        self._check_common("Boolean()")
        if not isinstance(self.default, bool):
            raise ArgumentTypeError(
                "Boolean()", self.name, "default", self.default, "True or False"
            )

    @property
    def _values(self) -> tuple[Scalar, ...]:
        return _BOOLEANS

    def describe(self) -> str:
        return "True or False"

    def config(self) -> dict[str, Any]:
        return {"default": self.default, "conditions": self._conditions_config()}


@attrs.frozen(init=False)
class Fixed(_Listed):
    """A single value: a hyperparameter pinned, still visible in the space.

    Args:
        name: the hyperparameter's name.
        value: the value (bool, int, finite float or str).
        conditions: one :class:`Condition` or several.

    Raises:
        ArgumentTypeError: a value that is not a scalar.

    Examples:
        >>> Fixed("learning_rate", value=1e-4).config()
        {'conditions': [], 'value': 0.0001}
    """

    kind: ClassVar[str] = "fixed"
    name: str
    value: Scalar = attrs.field(eq=typed)
    conditions: tuple[Condition, ...]

    def __init__(
        self, name: str, *, value: Scalar, conditions: Condition | Sequence[Condition] = ()
    ) -> None:
        self.__attrs_init__(name, as_python(value), as_conditions(conditions))

    def __attrs_post_init__(self) -> None:
        self._check_common("Fixed()")
        if not is_scalar(self.value):
            raise ArgumentTypeError("Fixed()", self.name, "value", self.value, f"a {_SCALAR_WORDS}")

    @property
    def default(self) -> Scalar:
        """The fixed value."""
        return self.value

    @property
    def _values(self) -> tuple[Scalar, ...]:
        return (self.value,)

    def config(self) -> dict[str, Any]:
        return {"conditions": self._conditions_config(), "value": self.value}
