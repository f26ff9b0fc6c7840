"""``Values``: one configuration, an immutable mapping of names to plain scalars."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from spacealg._space.frozen_mapping import FrozenMapping
from spacealg._space.scalars import Scalar, as_python, is_scalar
from spacealg.errors import ArgumentTypeError


class Values(FrozenMapping[str, Scalar]):
    """An immutable, hashable mapping from hyperparameter names to values.

    Values are plain Python scalars (bool, int, float, str); numpy scalars given
    to the constructor become the equal Python scalar. A ``Values`` compares equal
    to a ``dict`` with the same items, and its order is the order it was given in.
    A bool is never equal to a number: ``Values({"x": True}) != Values({"x": 1})``
    and the two hash apart, so a tried set tells a ``Boolean`` value from an ``Int``
    or ``Choice`` one (``1`` and ``1.0`` are the same value, as in Python).

    Args:
        items: a mapping (or pairs) of names to values.

    Raises:
        ArgumentTypeError: a name that is not a str or a value that is not a scalar.

    Examples:
        >>> values = Values({"units": 64, "dropout": False})
        >>> values == {"dropout": False, "units": 64}
        True
        >>> values["units"], len(values), hash(values) == hash(Values(values))
        (64, 2, True)
        >>> Values({"x": True}) == Values({"x": 1})
        False
    """

    __slots__ = ()

    def __init__(self, items: Mapping[str, object] | Any = ()) -> None:
        converted: dict[str, Scalar] = {}
        try:
            pairs = dict(items)
        except (TypeError, ValueError):
            raise ArgumentTypeError(
                "Values()",
                "",
                "items",
                items,
                "a mapping of names to values, or (name, value) pairs",
            ) from None
        for name, raw in pairs.items():
            value = as_python(raw)
            if not isinstance(name, str):
                raise ArgumentTypeError("Values()", "", "name", name, "a str")
            if not is_scalar(value):
                raise ArgumentTypeError(
                    "Values()", name, "value", value, "a bool, int, finite float or str"
                )
            converted[name] = value
        self._items = converted
        self._hash = None

    @classmethod
    def from_plain(cls, items: dict[str, Any]) -> Values:
        """The values of a dict of plain Python scalars, as JSON decodes them, checked quickly.

        Equal to ``Values(items)`` and just as strict: a dict holding anything
        else (a numpy scalar, a NaN, a list, a name that is not a str) goes
        through the constructor, which converts it or raises its error. Made for
        reading many stored rows, where every item is plain. ``items`` is kept,
        not copied: the caller must not change it afterwards.

        Examples:
            >>> Values.from_plain({"units": 64, "act": "relu"}) == {"units": 64, "act": "relu"}
            True
        """
        if type(items) is not dict:
            return cls(items)
        for name, value in items.items():
            kind = type(value)
            plain = kind is str or kind is int or kind is bool
            if not (plain or (kind is float and math.isfinite(value))) or type(name) is not str:
                return cls(items)
        return cls._trusted(items)

    @classmethod
    def _trusted(cls, items: dict[str, Scalar]) -> Values:
        """Wrap a dict the caller built from valid scalars and will not touch again."""
        values = cls.__new__(cls)
        values._items = items  # noqa: SLF001 - a new instance of this very class
        values._hash = None  # noqa: SLF001 - same
        return values

    def to_dict(self) -> dict[str, Scalar]:
        """A plain ``dict`` copy, for JSON or for code that expects a dict."""
        return dict(self._items)
