"""``restrict``: narrow one entry's domain by set intersection, never widening it.

Bounds intersect a numeric domain (on a step grid, the grid points inside the
bounds); ``values`` intersect a listed one. A bound beyond the current range
narrows nothing on its side, so restricting twice by the same bounds is
restricting once; only a result with no value left is an error. One remaining
value gives the same space as :func:`~spacealg.fix`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any, cast

import attrs

from spacealg._algebra.operators import _entry, trimmed
from spacealg._space.discrete import Boolean, Choice, Fixed
from spacealg._space.grids import TOLERANCE
from spacealg._space.kinds import Hyperparameter
from spacealg._space.numeric import Float, Int
from spacealg._space.scalars import Scalar, as_python, index_of
from spacealg._space.space import Space, check_space
from spacealg._space.validation import check_items, check_name, check_real, is_real
from spacealg.errors import InvalidArgumentError, InvalidValueError


def _evolved(hp: Hyperparameter, **changes: Any) -> Hyperparameter:
    """``attrs.evolve`` for any kind: the constructor re-validates the result."""
    evolved: Hyperparameter = attrs.evolve(cast("Any", hp), **changes)
    return evolved


def _between(grid: Sequence[Any], low: Any, high: Any) -> Sequence[Any]:
    """The grid points in [low, high]; a slice of a ``range`` stays a range (no listing).

    A float grid point within 1e-12 of a bound, relative to that bound, counts as
    inside: a log grid rebuilt from another minimum can differ from the original
    one in the last digit, and a bound given as ``0.1 * 3`` means the point 0.3.
    The slack is relative to each bound, so that a small bound keeps its meaning
    on a grid spanning many decades.
    """
    if isinstance(grid, range):
        first = max(0, math.ceil((low - grid.start) / grid.step))
        last = math.floor((high - grid.start) / grid.step)
        return grid[first : last + 1]
    lowest, highest = low - 1e-12 * abs(low), high + 1e-12 * abs(high)
    return [v for v in grid if lowest <= v <= highest]


def _check_bounds(name: str, low: Any, high: Any) -> None:
    """Each bound a finite number or None, and ``low <= high``."""
    for argument, bound in (("min_value", low), ("max_value", high)):
        check_real("restrict()", argument, bound, optional=True, name=name)
    if low is not None and high is not None and low > high:
        raise InvalidArgumentError("restrict()", name, "max_value", high, f"max_value >= {low!r}")


def _empty(hp: Hyperparameter, low: Any, high: Any) -> InvalidArgumentError:
    """The error for bounds that leave no value (named by the lower bound when given)."""
    argument, bound = ("min_value", low) if low is not None else ("max_value", high)
    return InvalidArgumentError(
        "restrict()", hp.name, argument, bound, f"bounds that keep a value of {hp.describe()}"
    )


def _reaches(value: Any, low: Any, high: Any) -> bool:
    """``low <= value <= high``, a bound within tolerance of ``value`` counting as reaching it.

    A grid entry's bound within tolerance of a grid point is that point (see
    ``canonical``), so restricting a grid to one point gives a ``Fixed`` whose value
    the same bounds must still keep: restrict is idempotent.
    """

    def near(bound: Any) -> bool:
        return bool(abs(value - bound) <= TOLERANCE * max(abs(value), abs(bound)))

    return (low is None or value >= low or near(low)) and (
        high is None or value <= high or near(high)
    )


def _restrict_numeric(hp: Int | Float, low: Any, high: Any) -> Hyperparameter:
    _check_bounds(hp.name, low, high)
    low, high = hp.canonical(low), hp.canonical(high)  # a bound within tolerance of a grid point
    lo = hp.min_value if low is None else max(low, hp.min_value)
    hi = hp.max_value if high is None else min(high, hp.max_value)
    grid = hp.grid_values()
    if grid is None:  # a continuous Float
        if lo > hi:
            raise _empty(hp, low, high)
        if lo == hi:
            return Fixed(hp.name, value=float(lo), conditions=hp.conditions)
        default = hp.default if lo <= hp.default <= hi else float(lo)
        return _evolved(hp, min_value=lo, max_value=hi, default=default)
    inside = _between(grid, lo, hi)
    if not inside:
        raise _empty(hp, low, high)
    if len(inside) == 1:
        return Fixed(hp.name, value=inside[0], conditions=hp.conditions)
    if len(inside) == len(grid):  # every grid point kept: the same domain, nothing changes
        return hp
    default = hp.default if lo <= hp.default <= hi else inside[0]
    return _evolved(hp, min_value=inside[0], max_value=inside[-1], default=default)


def _restrict_listed(
    hp: Choice | Boolean | Fixed,
    low: Scalar | None,
    high: Scalar | None,
    values: Iterable[Scalar] | None,
) -> Hyperparameter:
    operation = "restrict()"
    domain = tuple(hp.grid_values())
    if values is not None:
        wanted = [as_python(v) for v in values]
        for value in wanted:
            if index_of(domain, value) < 0:
                raise InvalidValueError(operation, hp.name, value, hp.describe())
        inside = [v for v in domain if index_of(tuple(wanted), v) >= 0]
    else:
        inside = list(domain)
    if low is not None or high is not None:
        if not all(is_real(v) for v in domain):  # a numeric Choice or Fixed takes bounds
            argument, bound = ("min_value", low) if low is not None else ("max_value", high)
            raise InvalidArgumentError(
                operation, hp.name, argument, bound, "values=[...] for a non-numeric entry"
            )
        _check_bounds(hp.name, low, high)
        inside = [v for v in inside if _reaches(v, low, high)]
        if not inside:
            raise _empty(hp, low, high)
    if not inside:
        raise InvalidArgumentError(
            operation, hp.name, "values", list(values or ()), f"a non-empty part of {hp.describe()}"
        )
    if len(inside) == 1:
        return Fixed(hp.name, value=inside[0], conditions=hp.conditions)
    if len(inside) == len(domain):
        return hp
    assert isinstance(hp, Choice)  # a Boolean or Fixed narrowed to two values is unchanged
    default = hp.default if index_of(tuple(inside), hp.default) >= 0 else inside[0]
    if hp.weights is None:
        return attrs.evolve(hp, values=tuple(inside), default=default)
    weights = [hp.weights[index_of(domain, v)] for v in inside]  # renormalised by Choice()
    if not any(weights):
        raise InvalidArgumentError(
            operation,
            hp.name,
            "values",
            list(inside),
            f"values of which one has a weight above 0; weights: {hp.describe()}",
        )
    return attrs.evolve(hp, values=tuple(inside), default=default, weights=weights)


def restrict(
    space: Space,
    name: str,
    /,
    *,
    min_value: Scalar | None = None,
    max_value: Scalar | None = None,
    values: Iterable[Scalar] | None = None,
) -> Space:
    """Narrow one entry's domain by intersecting it with bounds or with values.

    Bounds apply to ``Int``, ``Float`` and numeric ``Choice`` and ``Fixed``;
    ``values`` to ``Choice``, ``Boolean`` and ``Fixed`` (kept in the original
    order). On a step grid the result is the grid points inside the bounds. The
    default is kept when still inside, else the new minimum or first remaining
    value. A single remaining value gives the same space as :func:`fix`.

    ``restrict`` is set intersection: a bound beyond the current range narrows
    nothing on its side (``min_value=0`` on ``Int(32..128)`` keeps 32), so a
    restriction that narrows nothing returns ``space`` itself. What stays an
    error: bounds or values that leave no value, ``min_value > max_value``, a
    bound that is not a finite number, a listed value outside the domain (a
    typo guard: ``values`` name members, bounds a range), and an argument that
    does not apply to the kind. Nothing is clamped: the result holds exactly
    the domain's values inside the bounds.

    Laws:
        does not mutate: ``s`` (entries and history) is unchanged by ``restrict(s, n, ...)``.
        keeps order: the result lists its names in ``s``'s order; only the
            children it removes go missing.
        returns its input when nothing changes: restricting an entry to its whole
            domain (its bounds, or all its values in any order) returns ``s``,
            unless that domain is a single value of a kind other than ``Fixed``
            (restricting to one value gives a ``Fixed``, as ``fix`` does).
        only narrows: every sample of the result lies in ``s`` and each of its
            values in its entry's original domain; a finite result's every point
            lies in the original domain, and it has no more points.
        is idempotent: ``restrict(restrict(s, n, **a), n, **a) is restrict(s, n, **a)``
            whenever ``restrict(s, n, **a)`` does not raise.
        twice equals the inner restriction: ``restrict(restrict(s, n, a), n, b) ==
            restrict(s, n, b)`` when ``b`` lies inside ``a``'s result (both bounds
            within the narrowed range, or its values among the remaining ones);
            exactly, except that a ``Float`` grid whose step needs more than 12
            significant digits, whose points need more than 15, or a log-scale
            ``Float`` grid, agrees to 12 significant digits only.
        to one value equals fix: ``restrict(s, n, min_value=v, max_value=v)`` (a
            numeric entry) and ``restrict(s, n, values=[v])`` (a listed one) equal
            ``fix(s, n=v)``.

    Raises:
        UnknownNameError: no entry of that name.
        InvalidArgumentError: bounds or values that leave no value, min_value >
            max_value, a bound that is not a finite number, nothing to restrict
            by, or an argument that does not apply to the kind.
        InvalidValueError: a listed value that is not in the domain.

    Examples:
        >>> space = Space([Int("units", min_value=32, max_value=128, step=32)])
        >>> list(restrict(space, "units", min_value=33)["units"].grid_values())
        [64, 96, 128]
    """
    check_space("restrict()", "space", space)
    check_name("restrict()", "name", name)
    if values is not None:
        check_items(
            "restrict()",
            "values",
            values,
            "None or an iterable of values, such as ['adam', 'sgd']",
            name=name,
        )
    hp = _entry(space, name, "restrict()")
    low, high = as_python(min_value), as_python(max_value)
    if low is None and high is None and values is None:
        raise InvalidArgumentError(
            "restrict()", name, "min_value", None, "min_value, max_value or values to narrow by"
        )
    if isinstance(hp, Int | Float):
        if values is not None:
            raise InvalidArgumentError(
                "restrict()", name, "values", list(values), "min_value and max_value for a number"
            )
        narrowed = _restrict_numeric(hp, low, high)
    else:
        narrowed = _restrict_listed(hp, low, high, values)
    if narrowed == hp:
        return space
    entries = [narrowed if entry.name == name else entry for entry in space.hyperparameters]
    note = f"restrict(): narrowed to {narrowed.describe()}"
    return trimmed(space, entries, {name: note}, {name})
