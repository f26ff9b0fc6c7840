"""The numeric kinds, ``Int`` and ``Float``, and their grids.

A numeric domain is either a grid (an ``Int``; a ``Float`` with a step) or a
continuous range (a ``Float`` without a step). Linear grids are additive
(min, min + step, ...); under ``sampling="log"`` they are multiplicative
(min, min * step, ...). Bounds are inclusive: the maximum belongs to the domain
whenever it lies on the grid, also when float division would lose it
(``Float(0, 0.6, step=0.1)`` reaches 0.6).

Linear ``Float`` grid points are the decimal points the declaration reads, the
float nearest the exact decimal ``min + k * step`` (``Float(-0.3, 0.3, step=0.1)``
holds ``0.0``, not ``5.55e-17``); log-scale points are rounded to 15 significant
digits. :mod:`spacealg._space.grids` computes them and says why.

A value within a relative 1e-9 of a grid point is that point: ``contains``
accepts it, and ``canonical`` returns the grid point itself, which is what
``fix``, ``restrict``, conditions, ``validate`` and the handle keep.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from typing import Any, ClassVar

import attrs
import numpy as np

from spacealg._space.conditions import Condition, as_conditions
from spacealg._space.grids import (
    TOLERANCE,
    additive_count,
    additive_grid,
    multiplicative_points,
    tidy_within,
)
from spacealg._space.hyperparameter import HyperparameterBase
from spacealg._space.scalars import Scalar, as_python, typed
from spacealg._space.unit_interval import (
    SAMPLINGS,
    FloatArray,
    Sampling,
    cell,
    cell_array,
    cell_center,
    from_unit,
    from_unit_array,
    to_unit,
)
from spacealg._space.validation import is_real
from spacealg.errors import ArgumentTypeError, InvalidArgumentError

_SAMPLING_WORDS = "'linear', 'log' or 'reverse_log'"
_INT_LIMIT = 2**53
"""The largest Int bound in magnitude: samplers map through floats, exact up to 2**53."""


def _integral(value: Any) -> Any:
    """An integral float (``32.0``) or numpy integer as an int; anything else unchanged."""
    value = as_python(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _as_float(value: Any) -> Any:
    """A number as a float (bools and non-numbers unchanged, for validation to reject)."""
    value = as_python(value)
    if not is_real(value):
        return value
    try:
        return float(value)
    except OverflowError:  # an int beyond the float range
        return math.inf if value > 0 else -math.inf


def _finite(value: Any, number: str) -> bool:
    """Whether a number is finite: any int for an Int, an int within float range for a Float."""
    if isinstance(value, int):
        return number == "int" or abs(value) <= sys.float_info.max
    return math.isfinite(value)


MAX_GRID_POINTS = 10_000_000
"""The most points a Float step grid may have: grids are built at construction."""


def _grid_size(instance: _Numeric, count: float) -> None:
    if count > MAX_GRID_POINTS:
        raise InvalidArgumentError(
            "Float()",
            instance.name,
            "step",
            instance.step,
            f"a step that gives at most {MAX_GRID_POINTS:,} grid points (this one gives "
            f"{count:,.0f}); no step for a continuous range",
        )


class _Numeric(HyperparameterBase):
    """Behaviour shared by ``Int`` and ``Float``; ``_grid`` is None when continuous."""

    __slots__ = ()
    min_value: Any
    max_value: Any
    step: Any
    sampling: Sampling
    _grid: Sequence[Any] | None

    def _check_range(self, operation: str, number: str) -> None:
        for argument in ("min_value", "max_value"):
            value = getattr(self, argument)
            if not is_real(value) or not _finite(value, number):
                raise ArgumentTypeError(operation, self.name, argument, value, f"a finite {number}")
            if number == "int" and not isinstance(value, int):
                raise InvalidArgumentError(
                    operation, self.name, argument, value, "an integral number"
                )
            if number == "int" and abs(value) > _INT_LIMIT:
                raise InvalidArgumentError(
                    operation, self.name, argument, value, "an int between -2**53 and 2**53"
                )
        if self.max_value < self.min_value:
            raise InvalidArgumentError(
                operation,
                self.name,
                "max_value",
                self.max_value,
                f"max_value >= min_value ({self.min_value!r})",
            )
        if not isinstance(self.sampling, str) or self.sampling not in SAMPLINGS:
            raise InvalidArgumentError(
                operation, self.name, "sampling", self.sampling, _SAMPLING_WORDS
            )
        if self.sampling != "linear" and self.min_value <= 0:
            raise InvalidArgumentError(
                operation,
                self.name,
                "min_value",
                self.min_value,
                f"min_value > 0 with sampling={self.sampling!r}",
            )

    def _check_step(self, operation: str, number: str) -> None:
        step = self.step
        if step is None:
            return
        if (
            not is_real(step)
            or not _finite(step, number)
            or (number == "int" and not isinstance(step, int))
        ):
            raise ArgumentTypeError(
                operation, self.name, "step", step, f"a finite {number} or None"
            )
        if self.sampling == "reverse_log":
            raise InvalidArgumentError(
                operation, self.name, "step", step, "None with sampling='reverse_log'"
            )
        if self.sampling == "log" and step <= 1:
            raise InvalidArgumentError(
                operation, self.name, "step", step, "step > 1 with sampling='log' (a factor)"
            )
        if step <= 0:
            raise InvalidArgumentError(operation, self.name, "step", step, "step > 0")

    def _grid_index(self, value: float) -> int:
        """The index of the grid point nearest ``value``, or -1 when none is close."""
        grid = self._grid
        if grid is None or not is_real(value) or not _finite(value, "float"):
            return -1
        if self.sampling == "log":
            if value <= 0:
                return -1
            index = round(math.log(value / self.min_value) / math.log(self.step))
        else:
            index = round((value - self.min_value) / self.step)
        if not 0 <= index < len(grid):
            return -1
        # The tolerance scales with the numbers compared and the step, but a step wider
        # than the range says nothing of the numbers' size: the grid is then its one
        # point, min_value, and the range's width scales it (nothing, for a point).
        step = min(abs(self.step), self.max_value - self.min_value)
        scale = max(abs(grid[index]), step, 1e-300)
        return index if abs(grid[index] - value) <= TOLERANCE * scale else -1

    def grid_values(self) -> Sequence[Scalar] | None:
        return self._grid

    def _describe(self, number: str) -> str:
        text = f"{number} {self.min_value!r} <= x <= {self.max_value!r}"
        if self.step is not None and not (number == "an int" and self.step == 1):
            unit = "factors" if self.sampling == "log" else "steps"
            text += f" in {unit} of {self.step!r}"
        return text

    def config(self) -> dict[str, Any]:
        return {
            "default": self.default,
            "conditions": self._conditions_config(),
            "min_value": self.min_value,
            "max_value": self.max_value,
            "step": self.step,
            "sampling": self.sampling,
        }


@attrs.frozen(init=False)
class Int(_Numeric):
    """An integer in [min_value, max_value] on a step grid.

    Args:
        name: the hyperparameter's name.
        min_value: the smallest value (inclusive); an integral float such as ``32.0`` is
            stored as the int ``32``.
        max_value: the largest value (inclusive when on the grid).
        step: the grid step; ``None`` means 1 under linear sampling and every integer
            under log sampling. Under ``sampling="log"`` it is a factor (> 1).
        sampling: ``"linear"``, ``"log"`` or ``"reverse_log"``.
        default: the value used when not tuned; ``None`` means ``min_value``.
        conditions: one :class:`Condition` or several.

    Raises:
        InvalidArgumentError: a bound is not integral, min_value > max_value, an unknown
            sampling, log sampling with min_value <= 0, a step that is not positive
            (or not > 1 under log), or a default outside the domain.
        ArgumentTypeError: a bound or step that is not a number.

    Examples:
        >>> units = Int("units", min_value=32, max_value=128, step=32, default=64)
        >>> list(units.grid_values())
        [32, 64, 96, 128]
        >>> units.contains(96), units.contains(100)
        (True, False)
    """

    kind: ClassVar[str] = "int"
    name: str
    min_value: int
    max_value: int
    step: int | None
    sampling: Sampling
    default: int
    conditions: tuple[Condition, ...]
    _grid: Sequence[int] | None = attrs.field(init=False, eq=False, hash=False, repr=False)

    def __init__(
        self,
        name: str,
        *,
        min_value: int,
        max_value: int,
        step: int | None = None,
        sampling: Sampling = "linear",
        default: int | None = None,
        conditions: Condition | Sequence[Condition] = (),
    ) -> None:
        low = _integral(min_value)
        if step is None and isinstance(sampling, str) and sampling == "linear":
            step = 1
        self.__attrs_init__(
            name,
            low,
            _integral(max_value),
            _integral(step),
            sampling,
            low if default is None else _integral(default),
            as_conditions(conditions),
        )

    def __attrs_post_init__(self) -> None:
        self._check_common("Int()")
        self._check_range("Int()", "int")
        self._check_step("Int()", "int")
        grid: Sequence[int]
        if self.sampling == "log" and self.step is not None:
            grid = tuple(
                round(v) for v in multiplicative_points(self.min_value, self.max_value, self.step)
            )
        else:
            grid = range(self.min_value, self.max_value + 1, self.step or 1)
        object.__setattr__(self, "_grid", grid)
        if not self.contains(self.default):
            raise InvalidArgumentError("Int()", self.name, "default", self.default, self.describe())

    def contains(self, value: object) -> bool:
        value = as_python(value)  # numpy integers count, as in Values and Choice
        return isinstance(value, int) and not isinstance(value, bool) and value in self._grid  # type: ignore[operator]

    def describe(self) -> str:
        return self._describe("an int")

    @property
    def _uses_cells(self) -> bool:
        return self.step is not None

    def from_unit(self, u: float) -> int:
        grid = self._grid
        assert grid is not None
        if self._uses_cells:
            return grid[cell(u, len(grid))]
        x = from_unit(u, self.min_value, self.max_value + 1, self.sampling)
        return min(math.floor(x), self.max_value)

    def from_unit_array(self, u: FloatArray) -> list[Scalar]:
        grid = self._grid
        assert grid is not None
        if self._uses_cells:
            index = cell_array(u, len(grid))
            if isinstance(grid, range):
                return (grid.start + grid.step * index).tolist()  # type: ignore[no-any-return]
            return np.asarray(grid, dtype=np.int64)[index].tolist()  # type: ignore[no-any-return]
        x = from_unit_array(u, self.min_value, self.max_value + 1, self.sampling)
        values = np.minimum(np.floor(x).astype(np.int64), self.max_value)
        # numpy's exp can differ from math.exp by an ulp, which flips floor() right at an
        # integer: redo those rare positions with the scalar formula so that both agree.
        for i in np.flatnonzero(np.abs(x - np.round(x)) <= 1e-12 * x).tolist():
            values[i] = self.from_unit(float(u[i]))
        return values.tolist()  # type: ignore[no-any-return]

    def to_unit(self, value: Scalar) -> float:
        grid = self._grid
        assert grid is not None
        if self._uses_cells:
            return cell_center(grid.index(value), len(grid))
        low, high = self.min_value, self.max_value + 1
        below = to_unit(float(value), low, high, self.sampling)
        above = to_unit(float(value) + 1, low, high, self.sampling)
        return (below + above) / 2


@attrs.frozen(init=False)
class Float(_Numeric):
    """A real number in [min_value, max_value], on a step grid when ``step`` is given.

    Args:
        name: the hyperparameter's name.
        min_value: the smallest value (inclusive), stored as a float.
        max_value: the largest value (inclusive), stored as a float.
        step: the grid step, kept as given (``step=1`` prints ``1``); under
            ``sampling="log"`` it is a factor (> 1). ``None`` makes the range continuous.
        sampling: ``"linear"``, ``"log"`` or ``"reverse_log"`` (no step with the latter).
        default: the value used when not tuned; ``None`` means ``min_value``.
        conditions: one :class:`Condition` or several.

    Raises:
        InvalidArgumentError: min_value > max_value, an unknown sampling, log sampling
            with min_value <= 0, a step that is not positive (or not > 1 under log), or a
            default outside the domain.
        ArgumentTypeError: a bound or step that is not a finite number.

    Examples:
        >>> dropout = Float("dropout", min_value=0, max_value=0.6, step=0.1)
        >>> dropout.grid_values()
        (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6)
        >>> Float("lr", min_value=1e-4, max_value=1e-2, sampling="log").default
        0.0001
    """

    kind: ClassVar[str] = "float"
    name: str
    min_value: float
    max_value: float
    step: int | float | None = attrs.field(eq=typed)
    sampling: Sampling
    default: float
    conditions: tuple[Condition, ...]
    _grid: tuple[float, ...] | None = attrs.field(init=False, eq=False, hash=False, repr=False)

    def __init__(
        self,
        name: str,
        *,
        min_value: float,
        max_value: float,
        step: float | None = None,
        sampling: Sampling = "linear",
        default: float | None = None,
        conditions: Condition | Sequence[Condition] = (),
    ) -> None:
        low = _as_float(min_value)
        self.__attrs_init__(
            name,
            low,
            _as_float(max_value),
            as_python(step),
            sampling,
            low if default is None else _as_float(default),
            as_conditions(conditions),
        )

    def __attrs_post_init__(self) -> None:
        self._check_common("Float()")
        self._check_range("Float()", "float")
        self._check_step("Float()", "float")
        low, high, step = self.min_value, self.max_value, self.step
        grid: tuple[float, ...] | None = None
        if step is not None and self.sampling == "log":
            _grid_size(self, math.log(high / low) / math.log(step) + 1)
            points = multiplicative_points(low, high, step)
            grid = tuple(tidy_within(v, low, high) if k else low for k, v in enumerate(points))
        elif step is not None:
            _grid_size(self, (high - low) / step + 1)
            grid = additive_grid(low, high, step, additive_count(low, high, step))
        object.__setattr__(self, "_grid", grid)
        default = self.default
        if grid is not None and (index := self._grid_index(default)) >= 0:
            object.__setattr__(self, "default", grid[index])
        elif not self.contains(default):
            raise InvalidArgumentError("Float()", self.name, "default", default, self.describe())

    def contains(self, value: object) -> bool:
        value = as_python(value)  # numpy floats count, as in Values and Choice
        if not is_real(value) or not _finite(value, "float"):
            return False
        if self._grid is not None:
            return self._grid_index(value) >= 0  # type: ignore[arg-type]
        return self.min_value <= value <= self.max_value  # type: ignore[operator]

    def describe(self) -> str:
        return self._describe("a float")

    def canonical(self, value: object) -> Any:
        value = as_python(value)
        if not self.contains(value):
            return value
        if self._grid is not None:
            return self._grid[self._grid_index(value)]  # type: ignore[arg-type]
        return float(value)  # type: ignore[arg-type]

    def from_unit(self, u: float) -> float:
        if self._grid is not None:
            return self._grid[cell(u, len(self._grid))]
        return from_unit(u, self.min_value, self.max_value, self.sampling)

    def from_unit_array(self, u: FloatArray) -> list[Scalar]:
        if self._grid is not None:
            return np.asarray(self._grid)[cell_array(u, len(self._grid))].tolist()  # type: ignore[no-any-return]
        return from_unit_array(u, self.min_value, self.max_value, self.sampling).tolist()  # type: ignore[no-any-return]

    def to_unit(self, value: Scalar) -> float:
        if self._grid is not None:
            return cell_center(self._grid_index(value), len(self._grid))  # type: ignore[arg-type]
        return to_unit(float(value), self.min_value, self.max_value, self.sampling)
