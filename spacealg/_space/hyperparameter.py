"""What every hyperparameter kind shares: a name, conditions, a default and a domain.

The kinds themselves live in ``_numeric`` (``Int``, ``Float``) and ``_discrete``
(``Choice``, ``Boolean``, ``Fixed``). Each is a frozen attrs value validated at
construction; this base class adds the behaviour written once for all of them.
"""

from __future__ import annotations

import abc
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import numpy as np

from spacealg._space.conditions import Condition
from spacealg._space.scalars import Scalar, as_python
from spacealg._space.unit_interval import FloatArray
from spacealg._space.validation import check_name
from spacealg.errors import ArgumentTypeError


class HyperparameterBase(abc.ABC):
    """The interface every kind implements.

    Attributes:
        kind: the stable name used when saving (``"int"``, ``"float"``, ...).
    """

    __slots__ = ()
    kind: ClassVar[str]
    name: str
    conditions: tuple[Condition, ...]

    @property
    @abc.abstractmethod
    def default(self) -> Scalar:
        """The value used when the hyperparameter is not tuned."""

    @abc.abstractmethod
    def contains(self, value: object) -> bool:
        """Whether ``value`` lies in the domain."""

    @abc.abstractmethod
    def describe(self) -> str:
        """The domain in words, as error messages and docs show it."""

    @abc.abstractmethod
    def grid_values(self) -> Sequence[Scalar] | None:
        """Every value of a finite domain in grid order, or None when continuous."""

    @abc.abstractmethod
    def from_unit(self, u: float) -> Scalar:
        """The value at unit position ``u`` in [0, 1]."""

    @abc.abstractmethod
    def from_unit_array(self, u: FloatArray) -> list[Scalar]:
        """:meth:`from_unit` over an array, as a list of Python scalars."""

    @abc.abstractmethod
    def to_unit(self, value: Scalar) -> float:
        """The unit position of a value in the domain (inverse of :meth:`from_unit`)."""

    @abc.abstractmethod
    def config(self) -> dict[str, Any]:
        """KerasTuner's config dict without the name, keys in KerasTuner's order."""

    def canonical(self, value: object) -> Any:
        """``value`` as the domain holds it; any value outside the domain unchanged.

        Every entry point that accepts a value for an entry (``fix``, conditions,
        ``validate``, the handle) keeps this form of it: for a ``Float`` step
        grid the grid point a value lies within tolerance of (``0.1 * 3`` is
        ``0.3``), for a ``Float`` a float, and a numpy scalar as a Python one.
        """
        return as_python(value)

    def prior_unit_array(self, u: FloatArray) -> FloatArray:
        """Uniform unit draws ``u`` moved so that :meth:`from_unit_array` follows the prior.

        The identity, except for a ``Choice`` with weights: samplers call it on
        their uniform draws, so each value comes with its weight's chance.
        """
        return u

    @property
    def size(self) -> int | None:
        """The number of values in the domain, or None when it is continuous."""
        values = self.grid_values()
        return None if values is None else len(values)

    def is_active(self, values: Mapping[str, object]) -> bool:
        """Whether every condition holds under ``values``."""
        return all(condition.holds(values) for condition in self.conditions)

    def _conditions_config(self) -> list[dict[str, Any]]:
        return [condition.config() for condition in self.conditions]

    def _check_common(self, operation: str) -> None:
        """Validate the name and the conditions, the fields every kind has."""
        check_name(operation, "name", self.name)
        for condition in self.conditions:
            if not isinstance(condition, Condition):
                raise ArgumentTypeError(
                    operation,
                    self.name,
                    "conditions",
                    condition,
                    "a Condition or a tuple of them, such as Condition('parent', [1, 2])",
                )


def pick(values: Sequence[Scalar], u: FloatArray) -> list[Scalar]:
    """The values at the cells of the unit positions ``u``, as Python scalars."""
    index = np.minimum((u * len(values)).astype(np.int64), len(values) - 1)
    return [values[i] for i in index.tolist()]
