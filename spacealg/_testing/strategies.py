"""The Hypothesis strategies behind ``spacealg.testing``: hyperparameters, spaces, values.

Drawn domains stay moderate so tests remain fast: grids have at most a few
hundred points, Float bounds lie within [-1e6, 1e6] (and above 1e-8 under log
sampling; a log grid may reach 1e12, spanning up to 20 decades) and no bound is
a subnormal float. Hostile grids come up often: linear Float grids through zero
(min a negative multiple of the step), steps that are no binary fraction (0.1,
0.3, 0.07, ...) and log grids spanning many decades. See :mod:`spacealg.testing`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Collection, Sequence
from decimal import Decimal
from typing import TypeAlias

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from spacealg._space.conditions import Condition
from spacealg._space.discrete import Boolean, Choice, Fixed
from spacealg._space.kinds import KINDS, Hyperparameter
from spacealg._space.numeric import Float, Int
from spacealg._space.scalars import Scalar, same
from spacealg._space.space import Space
from spacealg._space.unit_interval import SAMPLINGS
from spacealg._space.values import Values

Kind: TypeAlias = type[Hyperparameter]
"""A hyperparameter class: ``Int``, ``Float``, ``Choice``, ``Boolean`` or ``Fixed``."""

_MAX_GRID = 300
"""The largest number of grid points a drawn hyperparameter has."""
_FLOAT_LIMIT = 1e6
_LOG_FLOOR = 1e-8
_MAX_CONDITIONS = 2
_MAX_CONDITION_VALUES = 3
_NICE_STEPS: tuple[float, ...] = (0.001, 0.01, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 5)
_DECIMAL_STEPS: tuple[float, ...] = (0.1, 0.3, 0.07, 0.03, 1.1, 0.15, 2.2, 0.003)
"""Steps that are no binary fraction: their multiples drift in binary arithmetic."""
_NICE_FACTORS: tuple[float, ...] = (2, 10, 1.5, 3)
_LOG_GRID_LIMIT = 1e12


def _floats(low: float, high: float) -> st.SearchStrategy[float]:
    """Finite floats in [low, high], normal ones only unless a bound is subnormal."""
    normal = all(bound == 0 or abs(bound) >= sys.float_info.min for bound in (low, high))
    return st.floats(low, high, allow_nan=False, allow_infinity=False, allow_subnormal=not normal)


def _names() -> st.SearchStrategy[str]:
    return st.from_regex(r"[a-z][a-z0-9_]{0,7}(/[a-z][a-z0-9_]{0,5})?", fullmatch=True)


def _grid_sizes() -> st.SearchStrategy[int]:
    """A number of grid points, small about half the time."""
    return st.integers(1, 8) | st.integers(1, _MAX_GRID)


@st.composite
def _ints(draw: st.DrawFn, name: str, conditions: tuple[Condition, ...]) -> Int:
    sampling = draw(st.sampled_from(SAMPLINGS))
    step: int | None = None
    if sampling == "linear":
        step = draw(st.none() | st.integers(1, 50))
        spacing = step or 1
        low = draw(st.integers(-(10**6), 10**6))
        high = low + spacing * (draw(_grid_sizes()) - 1) + draw(st.integers(0, spacing - 1))
    elif sampling == "log" and draw(st.booleans()):
        step = draw(st.integers(2, 10))
        low = draw(st.integers(1, 1000))
        top = low
        for _ in range(draw(st.integers(0, 10))):
            if top * step > 10**9:
                break
            top *= step
        high = top + draw(st.integers(0, top * (step - 1) - 1))
    else:
        low = draw(st.integers(1, 10**6))
        high = low + draw(_grid_sizes()) - 1
    hp = Int(
        name, min_value=low, max_value=high, step=step, sampling=sampling, conditions=conditions
    )
    if draw(st.booleans()):
        return hp
    grid = hp.grid_values()
    assert grid is not None  # an Int always has a grid
    default = draw(st.sampled_from(grid))
    return Int(
        name,
        min_value=low,
        max_value=high,
        step=step,
        sampling=sampling,
        default=default,  # type: ignore[arg-type]
        conditions=conditions,
    )


@st.composite
def _float_range(draw: st.DrawFn, sampling: str) -> tuple[float, float, float | None]:
    """Bounds and a step (None when continuous) for a Float under ``sampling``."""
    stepped = sampling != "reverse_log" and draw(st.booleans())
    if not stepped:
        floor = -_FLOAT_LIMIT if sampling == "linear" else _LOG_FLOOR
        low, high = sorted((draw(_floats(floor, _FLOAT_LIMIT)), draw(_floats(floor, _FLOAT_LIMIT))))
        return low, high, None
    if sampling == "linear":
        step = draw(
            st.sampled_from(_NICE_STEPS) | st.sampled_from(_DECIMAL_STEPS) | _floats(1e-3, 1e3)
        )
        through_zero = st.integers(0, 30).map(lambda k: float(-k * Decimal(repr(step))))
        low = draw(st.integers(-1000, 1000).map(float) | _floats(-1e3, 1e3) | through_zero)
        gaps = draw(_grid_sizes()) - 1
        extra = draw(st.sampled_from((0.0, 0.5)) | _floats(0.0, 0.9))
        return low, low + step * (gaps + extra), step
    step = draw(st.sampled_from(_NICE_FACTORS) | _floats(1.05, 10.0))
    low = draw(st.sampled_from((1e-8, 1e-4, 1e-3, 0.01, 0.1, 1.0)) | _floats(_LOG_FLOOR, 1e3))
    top = low
    for _ in range(draw(st.integers(0, 60))):
        if top * step > _LOG_GRID_LIMIT:
            break
        top *= step
    extra = draw(st.sampled_from((0.0, 0.5)) | _floats(0.0, 0.9))
    return low, top * (1 + extra * (step - 1)), step


@st.composite
def _float_values(draw: st.DrawFn, name: str, conditions: tuple[Condition, ...]) -> Float:
    sampling = draw(st.sampled_from(SAMPLINGS))
    low, high, step = draw(_float_range(sampling))
    hp = Float(
        name, min_value=low, max_value=high, step=step, sampling=sampling, conditions=conditions
    )
    if draw(st.booleans()):
        return hp
    grid = hp.grid_values()
    default = draw(_floats(hp.min_value, hp.max_value) if grid is None else st.sampled_from(grid))
    return Float(
        name,
        min_value=low,
        max_value=high,
        step=step,
        sampling=sampling,
        default=default,  # type: ignore[arg-type]
        conditions=conditions,
    )


def _elements(kind: type) -> st.SearchStrategy[Scalar]:
    """Scalars of one type: ``bool``, ``int``, ``float`` or ``str``."""
    if kind is bool:
        return st.booleans()
    if kind is int:
        return st.integers(-1000, 1000)
    if kind is float:
        return st.sampled_from((1e-4, 1e-3, 0.01, 0.1, 0.5)) | _floats(-_FLOAT_LIMIT, _FLOAT_LIMIT)
    return st.text(st.characters(codec="utf-8"), max_size=8)


def _scalar_lists(kind: type) -> st.SearchStrategy[list[Scalar]]:
    """Distinct values of one type, as a Choice lists them."""
    return st.lists(_elements(kind), min_size=1, max_size=10, unique=True)


def _scalars() -> st.SearchStrategy[Scalar]:
    return st.one_of([_elements(kind) for kind in (bool, int, float, str)])


@st.composite
def _choices(draw: st.DrawFn, name: str, conditions: tuple[Condition, ...]) -> Choice:
    kind = draw(st.sampled_from((int, float, str, bool)))
    choices = draw(_scalar_lists(kind))
    numeric = kind in (int, float)
    ordered = draw(st.sampled_from((None, True, False) if numeric else (None, False)))
    default = draw(st.none() | st.sampled_from(choices))
    return Choice(name, values=choices, ordered=ordered, default=default, conditions=conditions)


@st.composite
def _booleans(draw: st.DrawFn, name: str, conditions: tuple[Condition, ...]) -> Boolean:
    if draw(st.booleans()):
        return Boolean(name, conditions=conditions)
    return Boolean(name, default=draw(st.booleans()), conditions=conditions)


@st.composite
def _fixeds(draw: st.DrawFn, name: str, conditions: tuple[Condition, ...]) -> Fixed:
    return Fixed(name, value=draw(_scalars()), conditions=conditions)


_Builder: TypeAlias = Callable[[str, tuple[Condition, ...]], st.SearchStrategy[Hyperparameter]]
_SIMPLEST_FIRST: tuple[Kind, ...] = (Boolean, Fixed, Choice, Int, Float)
"""Every kind, in the order examples shrink toward."""
_BUILDERS: dict[Kind, _Builder] = {
    Int: _ints,
    Float: _float_values,
    Choice: _choices,
    Boolean: _booleans,
    Fixed: _fixeds,
}


def _kinds(kinds: Collection[Kind] | None) -> tuple[Kind, ...]:
    if kinds is None:
        return _SIMPLEST_FIRST
    if isinstance(kinds, type) or not isinstance(kinds, Collection):
        raise InvalidArgument(f"kinds={kinds!r} must be a collection of kinds, like (Int, Float)")
    chosen = tuple(kind for kind in _SIMPLEST_FIRST if kind in kinds)
    unknown = [kind for kind in kinds if kind not in KINDS]
    if unknown or not chosen:
        raise InvalidArgument(
            f"kinds={kinds!r} must list one or more of Int, Float, Choice, Boolean and Fixed"
        )
    return chosen


def _hyperparameter(
    name: str, conditions: tuple[Condition, ...], kinds: tuple[Kind, ...]
) -> st.SearchStrategy[Hyperparameter]:
    return st.sampled_from(kinds).flatmap(lambda kind: _BUILDERS[kind](name, conditions))


def hyperparameters(
    *, name: str | None = None, kinds: Collection[Kind] | None = None
) -> st.SearchStrategy[Hyperparameter]:
    """A strategy for valid hyperparameters without conditions.

    Draws every kind and every variant: ``Int`` and ``Float`` under linear, log
    and reverse_log sampling, with and without a step; ``Choice`` of ints,
    floats, strs or bools; ``Boolean``; ``Fixed``; each with or without an
    explicit default. Shrinks toward simple kinds and small domains.

    Args:
        name: the name every drawn hyperparameter has; drawn when None.
        kinds: the kinds to draw from, such as ``(Int, Choice)``; all when None.

    Returns:
        A strategy of ``Int``, ``Float``, ``Choice``, ``Boolean`` and ``Fixed``.

    Raises:
        hypothesis.errors.InvalidArgument: ``kinds`` is empty or lists something
            that is not a kind, or ``name`` is not a non-empty str.

    Examples:
        >>> from hypothesis import given, settings
        >>> @settings(max_examples=30)
        ... @given(hyperparameters(name="units", kinds=[Int, Float]))
        ... def test_the_default_is_in_the_domain(hp):
        ...     assert hp.name == "units" and hp.contains(hp.default)
        >>> test_the_default_is_in_the_domain()
    """
    if name is not None and (not isinstance(name, str) or not name):
        raise InvalidArgument(f"name={name!r} must be a non-empty str or None")
    chosen = _kinds(kinds)
    names = _names() if name is None else st.just(name)
    return names.flatmap(lambda drawn: _hyperparameter(drawn, (), chosen))


def _can_be_parent(hp: Hyperparameter) -> bool:
    size = hp.size
    return size is not None and size <= _MAX_GRID


def _condition_values(parent: Hyperparameter) -> st.SearchStrategy[list[Scalar]]:
    grid = parent.grid_values()
    assert grid is not None  # only finite entries become parents
    return st.lists(
        st.sampled_from(grid),
        min_size=1,
        max_size=min(_MAX_CONDITION_VALUES, len(grid)),
        unique=True,
    )


@st.composite
def _spaces(draw: st.DrawFn, min_size: int, max_size: int, conditional: bool) -> Space:
    names = draw(st.lists(_names(), min_size=min_size, max_size=max_size, unique=True))
    entries: list[Hyperparameter] = []
    for name in names:
        conditions: tuple[Condition, ...] = ()
        parents = [hp for hp in entries if _can_be_parent(hp)] if conditional else []
        if len(parents) > 0 and draw(st.booleans()):
            chosen = draw(
                st.lists(
                    st.sampled_from(parents),
                    min_size=1,
                    max_size=min(_MAX_CONDITIONS, len(parents)),
                    unique_by=lambda hp: hp.name,
                )
            )
            conditions = tuple(Condition(p.name, draw(_condition_values(p))) for p in chosen)
        entries.append(draw(_hyperparameter(name, conditions, _SIMPLEST_FIRST)))
    return Space(entries)


def spaces(
    *, min_size: int = 0, max_size: int = 8, conditional: bool = True
) -> st.SearchStrategy[Space]:
    """A strategy for valid spaces with unique names.

    With ``conditional=True`` some entries carry conditions on earlier entries
    with finite domains (``Choice``, ``Boolean``, ``Fixed``, ``Int``, a ``Float``
    with a step), listing values from the parent's domain; a parent may itself
    be conditional, and an entry may have several conditions. Shrinks toward
    small, unconditional spaces.

    Args:
        min_size: the fewest entries (0 or more).
        max_size: the most entries (at least ``min_size``).
        conditional: whether entries may have conditions.

    Returns:
        A strategy of :class:`~spacealg.Space`.

    Raises:
        hypothesis.errors.InvalidArgument: the sizes are not ints with
            ``0 <= min_size <= max_size``.

    Examples:
        >>> from hypothesis import given, settings
        >>> @settings(max_examples=30)
        ... @given(spaces(max_size=5))
        ... def test_defaults_are_a_configuration(space):
        ...     assert sa.contains(space, sa.defaults(space))
        >>> test_defaults_are_a_configuration()
    """
    for argument, size in (("min_size", min_size), ("max_size", max_size)):
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise InvalidArgument(f"{argument}={size!r} must be a non-negative int")
    if min_size > max_size:
        raise InvalidArgument(f"min_size={min_size!r} must be <= max_size={max_size!r}")
    return _spaces(min_size, max_size, bool(conditional))


def _domain(hp: Hyperparameter) -> st.SearchStrategy[Scalar]:
    """The values of ``hp``, shrinking toward its default."""
    default = hp.default
    grid: Sequence[Scalar] | None = hp.grid_values()
    if grid is None:
        return st.just(default) | _floats(hp.min_value, hp.max_value)  # type: ignore[union-attr]
    if len(grid) == 1:
        return st.just(default)
    if len(grid) <= _MAX_GRID:
        return st.sampled_from([default, *(value for value in grid if not same(value, default))])
    return st.just(default) | st.sampled_from(grid)


@st.composite
def _configurations(draw: st.DrawFn, space: Space) -> Values:
    chosen: dict[str, Scalar] = {}
    for hp in space.dependency_order():
        if hp.is_active(chosen):
            chosen[hp.name] = draw(_domain(hp))
    return Values({name: chosen[name] for name in space if name in chosen})


def values(space: Space) -> st.SearchStrategy[Values]:
    """A strategy for the configurations of ``space``.

    Each drawn :class:`~spacealg.Values` has a value for every entry that is
    active under the drawn parent values and none for the others; each value
    lies in its entry's domain. Shrinks toward :func:`spacealg.defaults`.

    Args:
        space: the space whose configurations to draw.

    Returns:
        A strategy of :class:`~spacealg.Values` contained in ``space``.

    Raises:
        hypothesis.errors.InvalidArgument: ``space`` is not a ``Space``.

    Examples:
        >>> from hypothesis import given, settings
        >>> space = Space([Boolean("deep"), Int("layers", min_value=2, max_value=8,
        ...                conditions=Condition("deep", True))])
        >>> @settings(max_examples=30)
        ... @given(values(space))
        ... def test_layers_only_when_deep(configuration):
        ...     assert ("layers" in configuration) == configuration["deep"]
        >>> test_layers_only_when_deep()
    """
    if not isinstance(space, Space):
        raise InvalidArgument(f"space={space!r} must be a spacealg.Space")
    return _configurations(space)
