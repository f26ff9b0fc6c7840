"""The plain Python scalars a hyperparameter value can be, and how to compare them.

``True == 1`` in Python, but a boolean hyperparameter is not an integer one:
:func:`same` compares bools only with bools. Numpy scalars are turned into the
equal Python scalar by :func:`as_python`, so values never carry numpy types.
"""

from __future__ import annotations

import math
from typing import Any, TypeAlias

import numpy as np

Scalar: TypeAlias = bool | int | float | str
"""A hyperparameter value: a plain Python bool, int, float or str."""


def as_python(value: Any) -> Any:
    """The Python scalar equal to a numpy scalar; anything else unchanged."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def is_scalar(value: object) -> bool:
    """Whether ``value`` is a bool, int, finite float or str."""
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, bool | int | str)


def kind_of(value: Scalar) -> type:
    """The scalar type that decides comparability: ``bool``, ``int``, ``float`` or ``str``."""
    for base in (bool, int, float, str):
        if isinstance(value, base):
            return base
    return type(value)


def typed(value: object) -> object:
    """An equality key that tells ``1``, ``1.0`` and ``True`` apart (for attrs ``eq=``)."""
    if isinstance(value, tuple):
        return tuple((type(item).__name__, item) for item in value)
    return (type(value).__name__, value)


def same(a: object, b: object) -> bool:
    """Equality that keeps bools apart from numbers (``same(True, 1)`` is False)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    return a == b


def index_of(values: tuple[Scalar, ...], value: object) -> int:
    """The position of ``value`` in ``values`` under :func:`same`, or -1."""
    for position, candidate in enumerate(values):
        if same(candidate, value):
            return position
    return -1
