"""Points of a space: sampling, grids, defaults and validation.

A configuration holds a value for every *active* entry and nothing for the
inactive ones. Samplers draw one uniform unit position per entry, map it
through the entry's ``from_unit`` and drop the inactive entries, so
:func:`sample` and :func:`sample_many` draw from the same distribution.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping, Sequence

import numpy as np

from spacealg._space.constraints import allowed_configurations, allowed_rows, first_violated
from spacealg._space.counting import count, count_constrained, mentioned_and_parents
from spacealg._space.discrete import Choice
from spacealg._space.kinds import Hyperparameter
from spacealg._space.scalars import Scalar, as_python, is_scalar, same
from spacealg._space.space import Space, check_space
from spacealg._space.validation import check_int, int_words
from spacealg._space.values import Values
from spacealg.errors import (
    ActivityError,
    ArgumentTypeError,
    ConstraintError,
    ContinuousSpaceError,
    InvalidArgumentError,
    InvalidValueError,
    SpaceError,
    UnknownNameError,
)

Rng = np.random.Generator | int
"""A ``numpy.random.Generator``, or an int seed for a new one."""

MAX_ROUND_ROWS = 2**17
"""The most configurations one round of rejection sampling draws."""
MAX_DRAWS = 2**18
"""Rejection sampling gives up after this many draws beyond ``8 * n`` (see :func:`sample_many`)."""
GRID_CHUNK = 1024
"""How many grid points :func:`grid` checks against the constraints at once."""


def as_generator(rng: Rng, operation: str) -> np.random.Generator:
    """``rng`` itself when it is a Generator, a new Generator seeded with it when an int."""
    if isinstance(rng, np.random.Generator):
        return rng
    allowed = "a numpy.random.Generator or a non-negative int seed"
    if not isinstance(rng, int | np.integer) or isinstance(rng, bool):
        raise ArgumentTypeError(operation, "", "rng", rng, allowed)
    if rng < 0:
        raise InvalidArgumentError(operation, "", "rng", rng, allowed)
    return np.random.default_rng(int(rng))


def _in_space_order(space: Space, chosen: dict[str, Scalar]) -> Values:
    if len(chosen) == len(space) and list(chosen) == list(space):
        return Values._trusted(chosen)  # noqa: SLF001 - built here from valid scalars
    return Values._trusted({name: chosen[name] for name in space if name in chosen})  # noqa: SLF001


def sample(space: Space, rng: Rng) -> Values:
    """One configuration drawn at random: inactive entries absent, conditions honoured.

    Args:
        space: the space to sample.
        rng: a ``numpy.random.Generator`` (advanced by the call) or an int seed.

    Returns:
        The values of the active entries, in space order.

    Raises:
        ArgumentTypeError: ``rng`` is neither a Generator nor an int seed.

    Examples:
        >>> from spacealg import Boolean, Int
        >>> space = Space([Int("units", min_value=32, max_value=128, step=32), Boolean("dropout")])
        >>> sample(space, 0) == sample(space, 0)
        True
        >>> space["units"].contains(sample(space, 1)["units"])
        True
    """
    check_space("sample()", "space", space)
    generator = as_generator(rng, "sample()")
    if space.constraints:
        return _sample_allowed(space, 1, generator, "sample()")[0]
    order = space.dependency_order()
    chosen: dict[str, Scalar] = {}
    for hp, u in zip(order, generator.random(len(order)).tolist(), strict=True):
        if hp.conditions and not hp.is_active(chosen):
            continue
        if isinstance(hp, Choice) and hp.weights is not None:
            u = float(hp.prior_unit_array(np.array([u]))[0])  # noqa: PLW2901 - drawn by weight
        chosen[hp.name] = hp.from_unit(u)
    return _in_space_order(space, chosen)


def sample_many(space: Space, n: int, rng: Rng) -> tuple[Values, ...]:
    """``n`` configurations drawn at random, vectorized with numpy.

    Each has the distribution of one :func:`sample` call, though the random
    stream differs, so ``sample_many(space, n, seed)`` is not ``n`` calls of
    ``sample``.

    Args:
        space: the space to sample.
        n: how many configurations (0 or more).
        rng: a ``numpy.random.Generator`` (advanced by the call) or an int seed.

    With constraints, the configurations are drawn in rounds, each evaluated
    at once on numpy columns; the rejected rows are dropped and the next round
    draws what is missing, sized by the acceptance rate measured so far. The
    kept configurations have the distribution of unconstrained samples
    conditioned on the constraints.

    Returns:
        A tuple of ``n`` :class:`Values`.

    Raises:
        ArgumentTypeError: ``n`` is not an int, or ``rng`` is invalid.
        InvalidArgumentError: ``n`` is negative, or ``rng`` is a negative seed.
        ConstraintError: the constraints allow so few configurations that ``n``
            were not found within ``8 * n + 2**18`` draws; it names the
            constraint that rejected most of them and the measured acceptance rate.
    """
    check_space("sample_many()", "space", space)
    n = as_python(n)  # a numpy integer counts
    if not isinstance(n, int) or isinstance(n, bool):
        raise ArgumentTypeError("sample_many()", "", "n", n, int_words(0))
    check_int("sample_many()", "n", n, minimum=0)
    generator = as_generator(rng, "sample_many()")
    if space.constraints:
        return _sample_allowed(space, n, generator, "sample_many()")
    columns, masks = _draw(space, n, generator)
    return _configurations(space, columns, masks, n)


Columns = dict[str, list[Scalar]]
Masks = dict[str, list[bool]]


def _draw(space: Space, n: int, generator: np.random.Generator) -> tuple[Columns, Masks]:
    """A value of every entry in each of ``n`` rows, and which rows activate conditional ones."""
    order = space.dependency_order()
    units = generator.random((len(order), n))
    columns: Columns = {}
    masks: Masks = {}
    for hp, row in zip(order, units, strict=True):
        column = hp.from_unit_array(hp.prior_unit_array(row))
        columns[hp.name] = column
        if hp.conditions:
            masks[hp.name] = _active_mask(hp, columns, masks, n)
    return columns, masks


def _sample_allowed(
    space: Space, n: int, generator: np.random.Generator, operation: str
) -> tuple[Values, ...]:
    """``n`` configurations that every constraint allows, by vectorized rejection.

    Each round draws every entry's unit positions, maps only the entries the
    constraints need (those they mention, and their parents) and evaluates the
    constraints on them; the other entries are mapped for the kept rows only.
    """
    constraints = space.compiled_constraints
    order = space.dependency_order()
    needed = mentioned_and_parents(space)
    kept_columns: Columns = {name: [] for name in space}
    kept_masks: Masks = {hp.name: [] for hp in order if hp.conditions}
    found = drawn = 0
    rejected = [0] * len(constraints)
    size = max(n, 16)
    budget = 8 * n + MAX_DRAWS
    while found < n:
        if drawn >= budget:
            worst = max(range(len(constraints)), key=rejected.__getitem__)
            own = 1 - rejected[worst] / drawn
            raise ConstraintError(
                operation,
                constraints[worst].text,
                f"found {found} of {n} allowed configurations in {drawn} draws; measured "
                f"acceptance rate {found / drawn:.3g} ({own:.3g} for this constraint alone)",
            )
        units = generator.random((len(order), size))
        columns: Columns = {}
        masks: Masks = {}
        for hp, row in zip(order, units, strict=True):
            if hp.name in needed:
                columns[hp.name] = hp.from_unit_array(hp.prior_unit_array(row))
                if hp.conditions:
                    masks[hp.name] = _active_mask(hp, columns, masks, size)
        allowed, counts = allowed_rows(constraints, space, columns, masks, size)
        rejected = [a + b for a, b in zip(rejected, counts, strict=True)]
        drawn += size
        accepted = int(np.count_nonzero(allowed))
        if accepted:
            keep = allowed.tolist()
            rows = np.flatnonzero(allowed)
            these: Columns = {
                name: list(itertools.compress(columns[name], keep)) for name in columns
            }
            these_masks: Masks = {
                name: list(itertools.compress(masks[name], keep)) for name in masks
            }
            for hp, row in zip(order, units, strict=True):
                if hp.name not in needed:
                    these[hp.name] = hp.from_unit_array(hp.prior_unit_array(row[rows]))
                    if hp.conditions:
                        these_masks[hp.name] = _active_mask(hp, these, these_masks, accepted)
            for name, column in these.items():
                kept_columns[name].extend(column)
            for name, mask in these_masks.items():
                kept_masks[name].extend(mask)
            found += accepted
        rate = found / drawn
        missing = n - found
        wanted = math.ceil(missing / rate * 1.2) + 16 if rate else size * 8
        size = min(max(wanted, 16), MAX_ROUND_ROWS, max(budget - drawn, 1))
    if found > n:
        kept_columns = {name: column[:n] for name, column in kept_columns.items()}
        kept_masks = {name: mask[:n] for name, mask in kept_masks.items()}
    return _configurations(space, kept_columns, kept_masks, n)


def _configurations(space: Space, columns: Columns, masks: Masks, n: int) -> tuple[Values, ...]:
    """The rows of ``columns`` as Values in space order, inactive entries left out."""
    names = tuple(space)
    rows = (
        zip(*(columns[name] for name in names), strict=True) if names else itertools.repeat((), n)
    )
    configurations = [dict(zip(names, row, strict=True)) for row in rows]
    for name, mask in masks.items():
        for chosen, active in zip(configurations, mask, strict=True):
            if not active:
                del chosen[name]
    return tuple(Values._trusted(chosen) for chosen in configurations)  # noqa: SLF001


def _active_mask(
    hp: Hyperparameter, columns: dict[str, list[Scalar]], masks: dict[str, list[bool]], n: int
) -> list[bool]:
    """Which rows activate ``hp``: each parent active and set to one of the listed values."""
    mask = [True] * n
    for condition in hp.conditions:
        allowed = set(condition.values)
        parent_mask = masks.get(condition.parent)
        column = columns[condition.parent]
        for i, value in enumerate(column):
            if mask[i] and (
                value not in allowed or (parent_mask is not None and not parent_mask[i])
            ):
                mask[i] = False
    return mask


def defaults(space: Space) -> Values:
    """The default of every entry that is active when all entries take their defaults.

    Examples:
        >>> from spacealg import Boolean, Condition, Int
        >>> space = Space([Boolean("deep"), Int("layers", min_value=2, max_value=8,
        ...                conditions=Condition("deep", True))])
        >>> defaults(space)
        Values({'deep': False})
    """
    check_space("defaults()", "space", space)
    chosen: dict[str, Scalar] = {}
    for hp in space.dependency_order():
        if hp.is_active(chosen):
            chosen[hp.name] = hp.default
    return _in_space_order(space, chosen)


def _when(hp: Hyperparameter) -> str:
    """The conditions that make ``hp`` active, in words: ``'deep' is True and ...``."""
    parts = []
    for c in hp.conditions:
        if len(c.values) == 1:
            parts.append(f"{c.parent!r} is {c.values[0]!r}")
        else:
            listed = ", ".join(repr(value) for value in c.values[:-1])
            parts.append(f"{c.parent!r} is one of {listed} or {c.values[-1]!r}")
    return " and ".join(parts)


def _problem(  # noqa: PLR0911 - one return per kind of problem
    space: Space, values: Mapping[str, object], operation: str
) -> SpaceError | None:
    check_space(operation, "space", space)
    if not isinstance(values, Mapping):
        return ArgumentTypeError(operation, "", "values", values, "a mapping of names to values")
    for name in values:
        if name not in space:
            return UnknownNameError(operation, name, space.names)
    values = {name: space[name].canonical(value) for name, value in values.items()}
    for hp in space.dependency_order():
        active = hp.is_active(values)
        if hp.name not in values:
            if active:
                return ActivityError(
                    operation, hp.name, f"is active but has no value; allowed: {hp.describe()}"
                )
            continue
        if not active:
            return ActivityError(
                operation,
                hp.name,
                f"is inactive but has the value {values[hp.name]!r}; "
                f"allowed: no value, as it is active only when {_when(hp)}",
            )
        if not is_scalar(as_python(values[hp.name])) or not hp.contains(values[hp.name]):
            return InvalidValueError(operation, hp.name, values[hp.name], hp.describe())
    if space.constraints:
        broken = first_violated(space.compiled_constraints, space, values)
        if broken is not None:
            shown = {name: values[name] for name in space if name in values}
            return ConstraintError(operation, broken.text, f"{shown!r} is not allowed")
    return None


def contains(space: Space, values: Mapping[str, object]) -> bool:
    """Whether ``values`` is a configuration of ``space``.

    True when every active entry has a value in its domain, no inactive or
    unknown name has one, and every constraint allows it.
    """
    return _problem(space, values, "contains()") is None


def validate(space: Space, values: Mapping[str, object]) -> Values:
    """``values`` as :class:`Values` when it is a configuration of ``space``, else an error.

    The result is in space order, a number given for a ``Float`` entry is a float,
    and a value within tolerance of a ``Float`` grid point is that grid point
    (``0.1 * 3`` is ``0.3``), also when deciding which entries are active.

    Raises:
        UnknownNameError: a name that is not in the space.
        ActivityError: an active entry without a value, or an inactive one with one.
        InvalidValueError: a value outside its entry's domain.
        ConstraintError: a configuration that a constraint forbids (it names the constraint).

    Examples:
        >>> from spacealg import Float
        >>> validate(Space([Float("dropout", min_value=0, max_value=0.5)]), {"dropout": 0.7})
        Traceback (most recent call last):
        ...
        spacealg.errors.InvalidValueError: validate(): 0.7 is not a valid value for 'dropout'; \
allowed: a float 0.0 <= x <= 0.5
    """
    problem = _problem(space, values, "validate()")
    if problem is not None:
        raise problem
    return Values({name: space[name].canonical(values[name]) for name in space if name in values})


def _continuous(space: Space) -> tuple[str, ...]:
    return tuple(hp.name for hp in space.hyperparameters if hp.grid_values() is None)


def _default_first(hp: Hyperparameter) -> Iterator[Scalar]:
    values = hp.grid_values()
    assert values is not None
    default = hp.default
    yield default
    yield from (value for value in values if not same(value, default))


def _odometer(order: Sequence[Hyperparameter]) -> Iterator[dict[str, Scalar]]:
    """Every distinct assignment of active values, the last entry changing fastest."""
    skip = object()
    chosen: dict[str, Scalar] = {}
    iterators: list[Iterator[object] | None] = [None] * len(order)
    level = 0
    while level >= 0:
        if level == len(order):
            yield chosen
            level -= 1
            continue
        hp = order[level]
        iterator = iterators[level]
        if iterator is None:
            iterator = _default_first(hp) if hp.is_active(chosen) else iter((skip,))
            iterators[level] = iterator
        value = next(iterator, None)
        if value is None:
            iterators[level] = None
            chosen.pop(hp.name, None)
            level -= 1
            continue
        if value is skip:
            chosen.pop(hp.name, None)
        else:
            chosen[hp.name] = value  # type: ignore[assignment]  # a value of hp's domain
        level += 1


def grid(space: Space) -> Iterator[Values]:
    """Every distinct configuration of a finite space, once each, as an odometer.

    Entries are walked in :meth:`Space.dependency_order` (the space order when
    parents come before children) with the last entry changing fastest; each
    entry lists its default first, then its other values in grid order. The
    configurations that a constraint forbids are skipped; the rest keep that order.

    Raises:
        ContinuousSpaceError: the space has continuous entries (a ``Float``
            without a step); it names them all.

    Examples:
        >>> from spacealg import Boolean, Choice
        >>> space = Space([Choice("x", values=[1, 2, 3], default=2), Boolean("y")])
        >>> [tuple(v.values()) for v in grid(space)]
        [(2, False), (2, True), (1, False), (1, True), (3, False), (3, True)]
    """
    check_space("grid()", "space", space)
    continuous = _continuous(space)
    if continuous:
        raise ContinuousSpaceError("grid()", continuous)
    points = (
        _in_space_order(space, dict(chosen)) for chosen in _odometer(space.dependency_order())
    )
    return _allowed_only(space, points) if space.constraints else points


def _allowed_only(space: Space, points: Iterator[Values]) -> Iterator[Values]:
    """The ``points`` that every constraint allows, in order, checked a chunk at a time."""
    while True:
        chunk = list(itertools.islice(points, GRID_CHUNK))
        if not chunk:
            return
        allowed = allowed_configurations(space.compiled_constraints, space, chunk)
        yield from itertools.compress(chunk, allowed.tolist())


def cardinality(space: Space) -> int | None:
    """The number of distinct configurations, or None when the space is continuous.

    Conditional entries count only where they are active, so this is the number
    of configurations :func:`grid` yields. The count costs in proportion to the
    conditions, not to the parents' domains: a parent's values that no condition
    names all activate the same entries, so they are counted as one group. With
    constraints the count is exact too: it walks the values of the entries the
    constraints mention (and their parents), so it costs in proportion to those.

    Examples:
        >>> from spacealg import Boolean, Condition, Int
        >>> cardinality(Space([Boolean("deep"), Int("layers", min_value=2, max_value=4,
        ...                    conditions=Condition("deep", True))]))
        4
        >>> cardinality(Space([Int("offset", min_value=0, max_value=2**53),
        ...                    Boolean("warm", conditions=Condition("offset", 0))])) == 2**53 + 2
        True
    """
    check_space("cardinality()", "space", space)
    if _continuous(space):
        return None
    return count_constrained(space) if space.constraints else count(space)
