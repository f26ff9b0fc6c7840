"""Configurations as arrays of unit positions, for the model-based oracles.

Each entry of a space is one column, in :meth:`Space.dependency_order`: a
configuration becomes a row of unit positions (``to_unit``) and a row of
activity flags (inactive entries have no value; their position is NaN). Rows
of random or model-drawn positions become configurations again through
:meth:`Encoding.snap` (each position moved to the canonical position of the
value it maps to), :meth:`Encoding.activity` (which entries the drawn parents
activate) and :meth:`Encoding.decode`.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from spacealg._space.discrete import Boolean, Choice, Fixed
from spacealg._space.frozen_mapping import FrozenMapping, frozen_mapping
from spacealg._space.kinds import Hyperparameter
from spacealg._space.numeric import Float, Int
from spacealg._space.scalars import Scalar
from spacealg._space.space import Space
from spacealg._space.unit_interval import FloatArray
from spacealg._space.values import Values

BoolArray: TypeAlias = npt.NDArray[np.bool_]
IntArray: TypeAlias = npt.NDArray[np.intp]


_MOST_TABULATED = 1 << 16
"""The widest ``Int`` whose values' positions are tabulated once, not computed per snap."""


@functools.lru_cache(maxsize=256)
def _int_positions(hp: Int) -> FloatArray:
    """The unit position of each value of ``hp``, from ``min_value`` up (its own formula)."""
    values = range(int(hp.min_value), int(hp.max_value) + 1)
    return np.array([hp.to_unit(value) for value in values], dtype=np.float64)


def _snap_column(hp: Hyperparameter, u: FloatArray) -> FloatArray:
    """The canonical unit position of the value each position of ``u`` maps to."""
    u = np.clip(u, 0.0, 1.0)
    if isinstance(hp, Float) and hp.grid_values() is None:
        return u
    if isinstance(hp, Int) and hp.step is None:  # log or reverse_log: floor, not cells
        values = hp.from_unit_array(u)
        if hp.max_value - hp.min_value < _MOST_TABULATED:
            offsets = np.array(values, dtype=np.int64) - hp.min_value
            return _int_positions(hp)[offsets]
        positions = {value: hp.to_unit(value) for value in set(values)}
        return np.array([positions[value] for value in values], dtype=np.float64)
    size = hp.size or 1
    return (np.minimum(np.floor(u * size), size - 1) + 0.5) / size


def is_categorical(hp: Hyperparameter) -> bool:
    """Whether the oracles model ``hp`` as categories: a ``Boolean`` or a ``Choice``."""
    return isinstance(hp, Boolean | Choice)


def _positions(positions: Mapping[str, int]) -> FrozenMapping[str, int]:
    return frozen_mapping(positions)


@attrs.frozen
class Encoding:
    """The columns of a space's configurations, in dependency order.

    Attributes:
        space: the space.
        entries: its entries, parents before children.
        free: for each column, whether it is tuned (not a ``Fixed`` entry).
        categorical: for each column, whether it is a ``Boolean`` or ``Choice``.
        sizes: for each column, its number of values (0 when continuous).

    Examples:
        >>> space = Space([Boolean("deep"), Float("lr", min_value=0.0, max_value=1.0,
        ...                conditions=Condition("deep", True))])
        >>> encoding = Encoding.of(space)
        >>> units, active = encoding.encode([Values({"deep": True, "lr": 0.3}),
        ...                                  Values({"deep": False})])
        >>> units.tolist(), active.tolist()
        ([[0.75, 0.3], [0.25, nan]], [[True, True], [True, False]])
        >>> encoding.decode(units[0], active[0])
        Values({'deep': True, 'lr': 0.3})
    """

    space: Space
    entries: tuple[Hyperparameter, ...]
    free: BoolArray = attrs.field(eq=False)
    categorical: BoolArray = attrs.field(eq=False)
    sizes: npt.NDArray[np.int64] = attrs.field(eq=False)
    _position: Mapping[str, int] = attrs.field(eq=False, repr=False, converter=_positions)

    @classmethod
    def of(cls, space: Space) -> Encoding:
        """The encoding of ``space``."""
        entries = space.dependency_order()
        return cls(
            space,
            entries,
            np.array([not isinstance(hp, Fixed) for hp in entries], dtype=np.bool_),
            np.array([is_categorical(hp) for hp in entries], dtype=np.bool_),
            np.array([hp.size or 0 for hp in entries], dtype=np.int64),
            {hp.name: column for column, hp in enumerate(entries)},
        )

    @property
    def width(self) -> int:
        """The number of columns."""
        return len(self.entries)

    def encode(self, configurations: Sequence[Values]) -> tuple[FloatArray, BoolArray]:
        """Unit positions (NaN where inactive) and activity flags, one row per configuration."""
        units = np.full((len(configurations), self.width), np.nan)
        for row, values in enumerate(configurations):
            for name, value in values.items():
                column = self._position[name]
                units[row, column] = self.entries[column].to_unit(value)
        return units, ~np.isnan(units)

    def snap(self, units: FloatArray) -> FloatArray:
        """Each position moved to the canonical position of the value it maps to."""
        snapped = np.empty_like(units)
        for column, hp in enumerate(self.entries):
            snapped[:, column] = _snap_column(hp, units[:, column])
        return snapped

    def activity(self, units: FloatArray) -> BoolArray:
        """Which entries each row activates, its parents' values decided by ``units``."""
        rows = units.shape[0]
        active = np.ones((rows, self.width), dtype=np.bool_)
        # each parent's distinct positions, their values, and each row's position among them
        decoded: dict[int, tuple[list[Scalar], IntArray]] = {}
        for column, hp in enumerate(self.entries):
            for condition in hp.conditions:
                parent = self._position[condition.parent]
                if parent not in decoded:
                    positions, inverse = np.unique(units[:, parent], return_inverse=True)
                    values = self.entries[parent].from_unit_array(positions)
                    decoded[parent] = (values, inverse.reshape(-1))
                values, inverse = decoded[parent]
                holds = [condition.holds({condition.parent: value}) for value in values]
                mask = np.array(holds, dtype=np.bool_)[inverse]
                active[:, column] &= mask & active[:, parent]
        return active

    def decode(self, units: FloatArray, active: BoolArray) -> Values:
        """The configuration of one row: each active entry's value at its position."""
        chosen = {
            hp.name: hp.from_unit(float(units[column]))
            for column, hp in enumerate(self.entries)
            if active[column]
        }
        ordered = {name: chosen[name] for name in self.space if name in chosen}
        return Values._trusted(ordered)  # noqa: SLF001 - built here from valid scalars

    def random(self, rows: int, rng: np.random.Generator) -> tuple[FloatArray, BoolArray]:
        """``rows`` random configurations, drawn by the prior: snapped positions and activity."""
        units = self.snap(self.prior(rng.random((rows, self.width))))
        return units, self.activity(units)

    def prior(self, units: FloatArray) -> FloatArray:
        """Uniform draws moved to follow each entry's prior (a weighted ``Choice``'s weights)."""
        moved = units
        for column, hp in enumerate(self.entries):
            if isinstance(hp, Choice) and hp.weights is not None:
                if moved is units:
                    moved = units.copy()
                moved[:, column] = hp.prior_unit_array(units[:, column])
        return moved

    def probabilities(self, column: int) -> FloatArray:
        """The prior chance of each value of a categorical column, in cell order."""
        hp = self.entries[column]
        if isinstance(hp, Choice) and hp.weights is not None:
            return np.array(hp.weights, dtype=np.float64)
        size = int(self.sizes[column])
        return np.full(size, 1.0 / size)
