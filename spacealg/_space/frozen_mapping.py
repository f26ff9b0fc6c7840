"""``FrozenMapping``: the immutable, hashable mapping that frozen values hold.

A frozen value (a trial record, a proposal, a trial space) never holds a plain
``dict``: its attrs converters turn the mapping given into a ``FrozenMapping``,
so callers keep passing dicts, and the value stays immutable and hashable.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class FrozenMapping(Mapping[K, V]):
    """An immutable, hashable copy of a mapping.

    It compares equal to any mapping (a ``dict`` too) with the same keys whose
    values are the same under :func:`~spacealg._space.scalars.same`: ``==``, except
    that a bool is never equal to a number (``{"x": True}`` and ``{"x": 1}``
    differ, as a ``Boolean`` and an ``Int`` value do). It hashes from its items
    (so it is hashable when its values are), equal mappings alike; keeps the
    order it was given in, and pickles. Item assignment and deletion raise
    ``TypeError``.

    Args:
        items: a mapping, or (key, value) pairs; copied, so later changes to it
            do not show.

    Examples:
        >>> meta = FrozenMapping({"tuner/epochs": 3})
        >>> meta == {"tuner/epochs": 3}, hash(meta) == hash(FrozenMapping(meta))
        (True, True)
        >>> FrozenMapping({"x": True}) == {"x": 1}, FrozenMapping({"x": 1}) == {"x": 1.0}
        (False, True)
        >>> meta["tuner/epochs"] = 4
        Traceback (most recent call last):
        ...
        TypeError: 'FrozenMapping' object does not support item assignment
    """

    __slots__ = ("_hash", "_items")
    _items: dict[K, V]
    _hash: int | None

    def __init__(self, items: Mapping[K, V] | Iterable[tuple[K, V]] = ()) -> None:
        self._items = dict(items)
        self._hash = None

    def __getitem__(self, key: K) -> V:
        return self._items[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FrozenMapping):
            items = other._items
        elif isinstance(other, Mapping):
            items = dict(other.items())
        else:
            return NotImplemented
        # ``same`` implies ``==``: dict equality first, then bools kept apart from numbers.
        return self._items == items and all(
            isinstance(value, bool) is isinstance(items[key], bool)
            for key, value in self._items.items()
        )

    def __hash__(self) -> int:
        if self._hash is None:
            items = self._items.items()
            self._hash = hash(frozenset((k, v, isinstance(v, bool)) for k, v in items))
        return self._hash

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._items!r})"

    def __reduce__(self) -> tuple[type[FrozenMapping[Any, Any]], tuple[dict[K, V]]]:
        return (type(self), (self._items,))


def frozen_mapping(items: Mapping[K, V] | Iterable[tuple[K, V]] = ()) -> FrozenMapping[K, V]:
    """``items`` as a :class:`FrozenMapping`: the input itself when it already is one.

    An attrs converter: a frozen value's mapping fields go through it.

    Examples:
        >>> meta = frozen_mapping({"tuner/epochs": 3})
        >>> frozen_mapping(meta) is meta
        True
    """
    if isinstance(items, FrozenMapping):
        return items
    return FrozenMapping(items)
