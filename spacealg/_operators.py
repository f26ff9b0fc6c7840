"""The tailoring operators: fix, restrict, override, merge, select and drop.

Each is a pure function: the space first (positional-only), then what it acts
on, then keyword-only options. Each returns a new :class:`Space` in its
input's order, or the input itself when nothing changes, and records what it
did in the result's ``history``. Whenever a parent's domain narrows, its
children's condition values outside the new domain are trimmed, and a child
whose condition can no longer hold is removed (its history says why).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

import attrs

from ._conditions import Condition
from ._discrete import Boolean, Choice, Fixed
from ._kinds import Hyperparameter
from ._numeric import Float, Int
from ._scalars import Scalar, as_python, index_of, is_number
from ._space import OnConflict, Space
from .errors import (
    ActivityError,
    InvalidArgumentError,
    InvalidSpaceError,
    InvalidValueError,
    UnknownNameError,
)


def _entry(space: Space, name: str, operation: str) -> Hyperparameter:
    if name not in space:
        raise UnknownNameError(operation, name, space.names)
    return space[name]


def trimmed(
    space: Space,
    entries: Iterable[Hyperparameter],
    notes: Mapping[str, str],
    narrowed: Iterable[str],
) -> Space:
    """A space of ``entries`` with ``notes`` added to history and children trimmed."""
    history = {name: tuple(events) for name, events in space.history.items()}
    for name, note in notes.items():
        history[name] = (*history.get(name, ()), note)
    kept = _trim(list(entries), set(narrowed), history)
    return Space(kept, history=history)


def _trim(
    entries: list[Hyperparameter], narrowed: set[str], history: dict[str, tuple[str, ...]]
) -> list[Hyperparameter]:
    """Trim condition values outside narrowed parents' domains; drop dead children."""
    by_name = {hp.name: hp for hp in entries}
    removed: set[str] = set()
    changed = True
    while changed:
        changed = False
        for position, hp in enumerate(entries):
            if hp.name in removed:
                continue
            conditions = []
            dead_reason = ""
            for condition in hp.conditions:
                parent = by_name.get(condition.parent)
                if condition.parent in removed or parent is None:
                    dead_reason = f"its parent {condition.parent!r} was removed"
                    break
                if condition.parent not in narrowed:
                    conditions.append(condition)
                    continue
                kept = tuple(v for v in condition.values if parent.contains(v))
                if not kept:
                    dead_reason = (
                        f"its condition {condition.parent!r} in {list(condition.values)!r} "
                        f"can no longer hold ({condition.parent!r} is {parent.describe()})"
                    )
                    break
                conditions.append(Condition(condition.parent, kept))
            if dead_reason:
                removed.add(hp.name)
                history[hp.name] = (*history.get(hp.name, ()), f"removed: {dead_reason}")
                changed = True
            elif tuple(conditions) != hp.conditions:
                entries[position] = attrs.evolve(hp, conditions=tuple(conditions))
                by_name[hp.name] = entries[position]
                history[hp.name] = (
                    *history.get(hp.name, ()),
                    "condition trimmed to "
                    + "; ".join(f"{c.parent!r} in {list(c.values)!r}" for c in conditions),
                )
    return [hp for hp in entries if hp.name not in removed]


def _as_domain_type(hp: Hyperparameter, value: Scalar) -> Scalar:
    """A number given for a Float domain, as a float (``0`` fixes a Float at ``0.0``)."""
    if isinstance(hp, Float) and is_number(value):
        return float(value)
    return value


def _pinned(hp: Hyperparameter, value: Scalar) -> Fixed:
    return Fixed(hp.name, value=_as_domain_type(hp, value), conditions=hp.conditions)


def fix(space: Space, /, **values: Scalar) -> Space:
    """Pin hyperparameters to values inside their domains; each becomes ``Fixed``.

    Laws: fix is idempotent; every sample of the result holds the fixed values;
    a value outside the domain raises.

    Args:
        space: the space to tailor.
        **values: name=value pairs; every name must exist, every value lie in its domain.

    Returns:
        The tailored space (``space`` itself when every entry was already fixed there).

    Raises:
        UnknownNameError: a name that is not in the space.
        InvalidValueError: a value outside its entry's domain.

    Example:
        >>> space = Space([Int("units", min_value=32, max_value=128, step=32), Boolean("dropout")])
        >>> fix(space, units=64)["units"]
        Fixed(name='units', value=64, conditions=())
        >>> space["units"].kind  # the input is unchanged
        'int'
    """
    changes: dict[str, Hyperparameter] = {}
    for name, raw in values.items():
        hp = _entry(space, name, "fix()")
        value = as_python(raw)
        if not hp.contains(value):
            raise InvalidValueError("fix()", name, value, hp.describe())
        pinned = _pinned(hp, value)
        if pinned != hp:
            changes[name] = pinned
    if not changes:
        return space
    entries = [changes.get(hp.name, hp) for hp in space.hyperparameters]
    notes = {name: f"fix(): fixed at {hp.default!r}" for name, hp in changes.items()}
    result = trimmed(space, entries, notes, changes)
    for name in values:
        if name not in result:
            raise ActivityError(
                "fix()",
                name,
                "cannot be fixed: " + result.history[name][-1].removeprefix("removed: "),
            )
    return result


def _evolved(hp: Hyperparameter, **changes: Any) -> Hyperparameter:
    """``attrs.evolve`` for any kind: the constructor re-validates the result."""
    evolved: Hyperparameter = attrs.evolve(cast("Any", hp), **changes)
    return evolved


def _between(grid: Sequence[Any], low: Any, high: Any) -> Sequence[Any]:
    """The grid points in [low, high]; a slice of a ``range`` stays a range (no listing)."""
    if isinstance(grid, range):
        first = max(0, math.ceil((low - grid.start) / grid.step))
        last = math.floor((high - grid.start) / grid.step)
        return grid[first : last + 1]
    return [v for v in grid if low <= v <= high]


def _restrict_numeric(hp: Int | Float, low: Any, high: Any) -> Hyperparameter:
    operation = "restrict()"
    for argument, bound in (("min_value", low), ("max_value", high)):
        if bound is not None and not (is_number(bound) and hp.min_value <= bound <= hp.max_value):
            raise InvalidArgumentError(
                operation,
                hp.name,
                argument,
                bound,
                f"{hp.min_value!r} <= {argument} <= {hp.max_value!r} (restrict never widens)",
            )
    lo = hp.min_value if low is None else low
    hi = hp.max_value if high is None else high
    if lo > hi:
        raise InvalidArgumentError(operation, hp.name, "max_value", hi, f"max_value >= {lo!r}")
    grid = hp.grid_values()
    if grid is None:  # a continuous Float
        if lo == hi:
            return Fixed(hp.name, value=float(lo), conditions=hp.conditions)
        default = hp.default if lo <= hp.default <= hi else float(lo)
        return _evolved(hp, min_value=lo, max_value=hi, default=default)
    inside = _between(grid, lo, hi)
    if not inside:
        raise InvalidArgumentError(
            operation, hp.name, "min_value", lo, f"bounds that keep a value of {hp.describe()}"
        )
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
        if not all(is_number(v) for v in domain):  # a numeric Choice or Fixed takes bounds
            argument, bound = ("min_value", low) if low is not None else ("max_value", high)
            raise InvalidArgumentError(
                operation, hp.name, argument, bound, "values=[...] for a non-numeric entry"
            )
        smallest, largest = min(domain), max(domain)
        for argument, bound in (("min_value", low), ("max_value", high)):
            if bound is not None and not (is_number(bound) and smallest <= bound <= largest):  # type: ignore[operator]
                raise InvalidArgumentError(
                    operation,
                    hp.name,
                    argument,
                    bound,
                    f"{smallest!r} <= {argument} <= {largest!r} (restrict never widens)",
                )
        inside = [
            v
            for v in inside
            if (low is None or v >= low) and (high is None or v <= high)  # type: ignore[operator]
        ]
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
    return attrs.evolve(hp, values=tuple(inside), default=default)


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

    Bounds apply to ``Int``, ``Float`` and numeric ``Choice``; ``values`` to
    ``Choice``, ``Boolean`` and ``Fixed`` (kept in the original order). On a step
    grid the result is the grid points inside the bounds. The default is kept
    when still inside, else the new minimum or first value. A single remaining
    value gives the same space as :func:`fix`.

    Laws: restrict only narrows (every sample of the result lies in the
    original domain); restricting to ``b`` after ``a`` equals restricting to
    ``b`` when ``b`` lies inside ``a``; restricting to one value equals ``fix``.

    Raises:
        UnknownNameError: no entry of that name.
        InvalidArgumentError: a bound outside the current range (restrict never
            widens), an empty result, nothing to restrict by, or an argument that
            does not apply to the kind.
        InvalidValueError: a listed value that is not in the domain.

    Example:
        >>> space = Space([Int("units", min_value=32, max_value=128, step=32)])
        >>> list(restrict(space, "units", min_value=33)["units"].grid_values())
        [64, 96, 128]
    """
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


def override(space: Space, /, *hyperparameters: Hyperparameter) -> Space:
    """Replace declarations by name, whatever their kind, keeping their positions.

    A replacement without conditions keeps the declared ones. Adding a name is
    :func:`merge`'s job, so an unknown name raises.

    Laws: overriding one name twice, the last wins.

    Raises:
        UnknownNameError: a replacement whose name is not in the space.

    Example:
        >>> space = Space([Choice("learning_rate", values=[1e-2, 1e-3, 1e-4])])
        >>> override(space, Float("learning_rate", min_value=1e-4, max_value=1e-2,
        ...     sampling="log"))["learning_rate"].kind
        'float'
    """
    changes: dict[str, Hyperparameter] = {}
    for new in hyperparameters:
        old = _entry(space, new.name, "override()")
        if not new.conditions and old.conditions:
            new = attrs.evolve(new, conditions=old.conditions)  # noqa: PLW2901
        changes[new.name] = new
    changes = {name: hp for name, hp in changes.items() if hp != space[name]}
    if not changes:
        return space
    entries = [changes.get(hp.name, hp) for hp in space.hyperparameters]
    notes = {
        name: f"override(): now {type(hp).__name__}, {hp.describe()}"
        for name, hp in changes.items()
    }
    return trimmed(space, entries, notes, changes)


def merge(*spaces: Space, on_conflict: OnConflict = "error") -> Space:
    """The union of spaces, names in first-seen order.

    Identical declarations are no conflict; any other difference is one. With
    ``on_conflict="left"`` the first declaration wins, with ``"right"`` the last;
    a winner without conditions takes the loser's.

    Laws: associative; the empty space is its identity; idempotent; commutative
    on disjoint names; with ``"right"`` it agrees with :func:`override` on shared names.

    Raises:
        InvalidSpaceError: a conflict under ``on_conflict="error"``, or a result
            that breaks a space invariant.
        InvalidArgumentError: an unknown ``on_conflict``.

    Example:
        >>> a = Space([Int("units", min_value=32, max_value=128, step=32)])
        >>> b = Space([Boolean("dropout")])
        >>> list(merge(a, b))
        ['units', 'dropout']
    """
    if on_conflict not in ("error", "left", "right"):
        raise InvalidArgumentError(
            "merge()", "", "on_conflict", on_conflict, "'error', 'left' or 'right'"
        )
    if not spaces:
        return Space()
    winners: dict[str, Hyperparameter] = {}
    notes: dict[str, str] = {}
    narrowed: set[str] = set()
    history: dict[str, tuple[str, ...]] = {}
    for space in spaces:
        for name, events in space.history.items():
            history.setdefault(name, events)
        for hp in space.hyperparameters:
            current = winners.get(hp.name)
            if current is None:
                winners[hp.name] = hp
                continue
            if current == hp:
                continue
            if on_conflict == "error":
                raise InvalidSpaceError(
                    "merge()",
                    hp.name,
                    f"{hp.name!r} is declared differently: {current!r} and {hp!r}",
                    "identical declarations, or on_conflict='left' or 'right'",
                )
            winner, loser = (current, hp) if on_conflict == "left" else (hp, current)
            if not winner.conditions and loser.conditions:
                winner = attrs.evolve(winner, conditions=loser.conditions)
            winners[hp.name] = winner
            narrowed.add(hp.name)
            notes[hp.name] = f"merge(): the {on_conflict} declaration won"
    if len(spaces) == 1:
        return spaces[0]
    first = spaces[0]
    if not notes and list(winners.values()) == list(first.hyperparameters):
        return first
    base = Space(history=history)
    return trimmed(base, winners.values(), notes, narrowed)


def _orphans(kept: list[Hyperparameter], gone: set[str], operation: str, hint: str) -> None:
    for hp in kept:
        for condition in hp.conditions:
            if condition.parent in gone:
                raise InvalidSpaceError(
                    operation,
                    hp.name,
                    f"{hp.name!r} would lose its parent {condition.parent!r}",
                    hint.format(parent=condition.parent, child=hp.name),
                )


def select(space: Space, /, *names: str) -> Space:
    """Only the named entries, in space order.

    Raises:
        UnknownNameError: a name that is not in the space.
        InvalidSpaceError: a kept entry whose parent would be left out.

    Example:
        >>> space = Space([Int("units", min_value=32, max_value=128, step=32), Boolean("dropout")])
        >>> list(select(space, "dropout"))
        ['dropout']
    """
    for name in names:
        _entry(space, name, "select()")
    kept = [hp for hp in space.hyperparameters if hp.name in names]
    if len(kept) == len(space):
        return space
    _orphans(kept, set(space) - set(names), "select()", "select {parent!r} too, or drop {child!r}")
    history = {name: events for name, events in space.history.items() if name in names}
    return Space(kept, history=history)


def drop(space: Space, /, *names: str) -> Space:
    """Every entry but the named ones, in space order.

    Raises:
        UnknownNameError: a name that is not in the space.
        InvalidSpaceError: a remaining entry whose parent would be dropped.

    Example:
        >>> space = Space([Int("units", min_value=32, max_value=128, step=32), Boolean("dropout")])
        >>> list(drop(space, "dropout"))
        ['units']
    """
    for name in names:
        _entry(space, name, "drop()")
    if not names:
        return space
    kept = [hp for hp in space.hyperparameters if hp.name not in names]
    _orphans(kept, set(names), "drop()", "drop {child!r} too, or keep {parent!r}")
    history = {name: events for name, events in space.history.items() if name not in names}
    return Space(kept, history=history)
