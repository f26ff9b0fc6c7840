"""The laws of the tailoring operators and of ``resolve``, one hypothesis test per law.

Each test is named ``test_<operator>_<law>`` and states its law in its docstring;
each operator's docstring lists exactly these laws in its ``Laws:`` section, one
``<law, words for underscores>: <statement>`` per law (checked at the end of this file).
Spaces come from :mod:`spacealg.testing` (conditional ones included); related
spaces (a tailoring of a declared space, the other side of a merge) are derived
from a drawn space by keeping, replacing or leaving out its entries and adding
new names, then repairing conditions that the changes broke.
"""

from __future__ import annotations

import copy
import inspect
import keyword
import math
import pickle
import re
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import spacealg as sa
from spacealg._space.scalars import same
from spacealg._space.validation import is_real
from spacealg.errors import ActivityError, InvalidSpaceError, InvalidValueError
from spacealg.testing import hyperparameters, spaces, values

laws = settings(
    deadline=None,
    max_examples=60,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

SAMPLES = 12
MODES = ("error", "left", "right")
seeds = st.integers(0, 2**32 - 1)
_positive = st.floats(1e-6, 1e6, allow_nan=False, allow_subnormal=False)
conditional = spaces(max_size=6)
nonempty = spaces(min_size=1, max_size=6)


# --- helpers -------------------------------------------------------------------------------


def _snapshot(*items: object) -> bytes:
    """Everything an input holds, history included, as bytes."""
    return pickle.dumps(
        [
            (list(item.hyperparameters), dict(item.history)) if isinstance(item, sa.Space) else item
            for item in items
        ]
    )


def _as_typed(hp: sa.Hyperparameter, value: sa.Scalar) -> sa.Scalar:
    """A value as the entry stores it once fixed (a Float fixed at ``1`` holds ``1.0``,
    one at ``0.1 * 3`` on a grid holds the grid point ``0.3``)."""
    return hp.canonical(value)  # type: ignore[no-any-return]


def _is_numeric(hp: sa.Hyperparameter) -> bool:
    grid = hp.grid_values()
    return isinstance(hp, sa.Int | sa.Float) or (grid is not None and is_real(grid[0]))


def _children(space: sa.Space, name: str) -> list[str]:
    return [hp.name for hp in space.hyperparameters if any(c.parent == name for c in hp.conditions)]


def _repaired(entries: Iterable[sa.Hyperparameter]) -> list[sa.Hyperparameter]:
    """Entries made a valid space: condition values outside the parent's domain are
    trimmed, and entries whose parent is missing or whose condition cannot hold are
    left out, until nothing changes (written independently of the operators)."""
    kept = list(entries)
    while True:
        by_name = {hp.name: hp for hp in kept}
        result = []
        for hp in kept:
            conditions = []
            for condition in hp.conditions:
                parent = by_name.get(condition.parent)
                inside = [v for v in condition.values if parent is not None and parent.contains(v)]
                conditions.append(sa.Condition(condition.parent, inside) if inside else None)
            if all(c is not None for c in conditions):
                result.append(attrs.evolve(hp, conditions=tuple(conditions)))
        if result == kept:
            return kept
        kept = result


def _expected_order(*orders: Iterable[str]) -> list[str]:
    """Names in first-seen order over several sequences."""
    return list(dict.fromkeys(name for order in orders for name in order))


def _is_subsequence(names: Sequence[str], order: Sequence[str]) -> bool:
    return list(names) == [name for name in order if name in set(names)]


def _outcome(call: Callable[[], sa.Space]) -> tuple[str, object]:
    """A call's result, or the class of the spacealg error it raised."""
    try:
        space = call()
    except sa.SpaceError as error:
        return ("raised", type(error))
    return ("space", (space, list(space)))


# --- strategies ----------------------------------------------------------------------------


def _in_domain(hp: sa.Hyperparameter) -> st.SearchStrategy[sa.Scalar]:
    """Values of the domain; on a Float grid, often a grid point off by rounding (within
    the tolerance ``contains`` allows, as ``0.1 * 3`` is off 0.3), which stands for it."""
    grid = hp.grid_values()
    if grid is None:
        assert isinstance(hp, sa.Float)
        return st.floats(hp.min_value, hp.max_value, allow_nan=False, allow_subnormal=False)
    points = st.sampled_from(grid)
    if not isinstance(hp, sa.Float):
        return points
    return points | st.tuples(points, _NUDGES).map(lambda pair: _nudged(hp, *pair))


_NUDGES = st.sampled_from((1e-15, -1e-15, 1e-12, -1e-12, 3e-10, -3e-10))
"""Relative errors within the 1e-9 that a Float grid tolerates: float drift and worse."""


def _nudged(hp: sa.Float, point: float, nudge: float) -> float:
    """``point`` moved by ``nudge`` relative to its scale, if the domain still takes it."""
    scale = max(abs(point), abs(hp.step or 0)) if hp.sampling == "linear" else abs(point)
    moved = point + nudge * scale
    return moved if hp.contains(moved) else point


@st.composite
def _spaces_with_history(draw: st.DrawFn, min_size: int = 0) -> sa.Space:
    """A drawn space whose entries carry some (made-up) history."""
    space = draw(spaces(min_size=min_size, max_size=6))
    noted = draw(st.lists(st.sampled_from(space.names), unique=True)) if len(space) else []
    return sa.Space(space.hyperparameters, history={n: (f"declared {n}",) for n in noted})


@st.composite
def _variant(
    draw: st.DrawFn, base: sa.Space, *, replace: str = "all", new: bool = True
) -> sa.Space:
    """A space related to ``base``: some entries kept, some redeclared with the same
    name (keeping the conditions or dropping them), some left out, new names added.

    ``replace`` says which entries may be redeclared: ``"all"``, ``"leaves"`` (those
    without children) or ``"none"``.
    """
    entries: list[sa.Hyperparameter] = []
    for hp in base.hyperparameters:
        may_replace = replace == "all" or (replace == "leaves" and not _children(base, hp.name))
        actions = ("keep", "replace", "omit") if may_replace else ("keep", "omit")
        action = draw(st.sampled_from(actions))
        if action == "keep":
            entries.append(hp)
        elif action == "replace":
            fresh = draw(hyperparameters(name=hp.name))
            conditions = draw(st.sampled_from((hp.conditions, ())))
            entries.append(attrs.evolve(fresh, conditions=conditions))
    if new:
        extra = draw(spaces(max_size=3))
        entries += [hp for hp in extra.hyperparameters if hp.name not in base]
    if draw(st.booleans()):
        entries = draw(st.permutations(entries))
    return sa.Space(_repaired(entries))


def _pairs(*, replace: str = "all") -> st.SearchStrategy[tuple[sa.Space, sa.Space]]:
    return conditional.flatmap(lambda a: st.tuples(st.just(a), _variant(a, replace=replace)))


@st.composite
def _fixings(draw: st.DrawFn, space: sa.Space) -> dict[str, sa.Scalar]:
    """Some names of ``space``, each with any value of its domain."""
    names = draw(st.lists(st.sampled_from(space.names), unique=True)) if len(space) else []
    return {name: draw(_in_domain(space[name])) for name in names}


@st.composite
def _consistent_fixings(draw: st.DrawFn, space: sa.Space) -> dict[str, sa.Scalar]:
    """Part of one configuration of ``space``: the values agree with every condition."""
    configuration = draw(values(space))
    return {name: v for name, v in configuration.items() if draw(st.booleans())}


@st.composite
def _bounds(
    draw: st.DrawFn, hp: sa.Hyperparameter, *, both: bool = False, beyond: bool = False
) -> dict[str, Any]:
    """min_value and/or max_value (both when ``both``) keeping a value: inside the
    entry's current range, or with ``beyond`` sometimes past its ends (such a bound
    narrows nothing on its side)."""
    grid = hp.grid_values()
    if grid is None:
        assert isinstance(hp, sa.Float)
        low, high = sorted(draw(st.lists(_in_domain(hp), min_size=2, max_size=2)))
    else:
        ordered = sorted(grid) if not isinstance(hp, sa.Int | sa.Float) else grid
        first = draw(st.integers(0, len(ordered) - 1))
        last = draw(st.integers(first, len(ordered) - 1))
        low, high = ordered[first], ordered[last]
        if isinstance(hp, sa.Float) and draw(st.booleans()):
            # Grid points off by rounding: they stand for the grid points.
            low, high = (_nudged(hp, bound, draw(_NUDGES)) for bound in (low, high))
            low, high = min(low, high), max(low, high)
        elif isinstance(hp, sa.Int | sa.Float) and draw(st.booleans()):
            # Bounds between grid points: the result is the grid points inside them.
            below = ordered[first - 1] if first > 0 else low
            above = ordered[last + 1] if last + 1 < len(ordered) else high
            if isinstance(hp, sa.Int):
                low = draw(st.integers(below + 1, low)) if first > 0 else low
                high = draw(st.integers(high, above - 1)) if last + 1 < len(ordered) else high
            else:
                low = draw(st.floats(below, low, exclude_min=first > 0)) if first > 0 else low
                high = (
                    draw(st.floats(high, above, exclude_max=True))
                    if last + 1 < len(ordered)
                    else high
                )
    if beyond and draw(st.booleans()):
        smallest, largest = (hp.min_value, hp.max_value) if grid is None else (min(grid), max(grid))  # type: ignore[type-var]
        past = st.integers(1, 10**6) if isinstance(hp, sa.Int) else _positive
        low = smallest - draw(past) if low == smallest and draw(st.booleans()) else low
        high = largest + draw(past) if high == largest and draw(st.booleans()) else high
    which = "both" if both else draw(st.sampled_from(("both", "min", "max")))
    return {
        **({"min_value": low} if which != "max" else {}),
        **({"max_value": high} if which != "min" else {}),
    }


@st.composite
def _restrictions(
    draw: st.DrawFn,
    hp: sa.Hyperparameter,
    *,
    declared: sa.Hyperparameter,
    both: bool = False,
    beyond: bool = False,
) -> dict[str, Any]:
    """Valid arguments to ``restrict`` for ``hp``, in a form that also applies to the
    entry as ``declared``: bounds for an Int or Float (narrowed to one value it is a
    ``Fixed`` that still takes bounds), bounds or values for a numeric Choice, values
    otherwise. With ``both``, bounds are two-sided (a set inside ``hp``'s domain); with
    ``beyond``, a bound may lie past the domain's ends."""
    if isinstance(declared, sa.Int | sa.Float):
        return draw(_bounds(hp, both=both, beyond=beyond))
    grid = hp.grid_values()
    assert grid is not None
    if _is_numeric(declared) and draw(st.booleans()):
        return draw(_bounds(hp, both=both, beyond=beyond))
    chosen = draw(st.lists(st.sampled_from(grid), min_size=1, unique_by=repr))
    return {"values": chosen}


def _named(space: sa.Space) -> st.SearchStrategy[str]:
    return st.sampled_from(space.names)


# --- every operator: inputs unchanged, no-ops, order -----------------------------------------


@st.composite
def _calls(draw: st.DrawFn, operator: str) -> tuple[list[Any], dict[str, Any], list[str]]:
    """Valid arguments for ``operator`` and the order its result's names must follow."""
    space = draw(_spaces_with_history(min_size=0 if operator in ("merge", "fix") else 1))
    if operator == "fix":
        return [space], draw(_fixings(space)), list(space)
    if operator == "restrict":
        name = draw(_named(space))
        restriction = _restrictions(space[name], declared=space[name], beyond=True)
        return [space, name], draw(restriction), list(space)
    if operator == "override":
        names = draw(st.lists(_named(space), min_size=1, max_size=3))
        return [space, *(draw(hyperparameters(name=n)) for n in names)], {}, list(space)
    if operator == "merge":
        others = draw(st.lists(_variant(space), max_size=2))
        mode = draw(st.sampled_from(MODES))
        return [space, *others], {"on_conflict": mode}, _expected_order(space, *others)
    names = draw(st.lists(_named(space), unique=True))
    return [space, *names], {}, list(space)


OPERATORS: dict[str, Callable[..., sa.Space]] = {
    "fix": sa.fix,
    "restrict": sa.restrict,
    "override": sa.override,
    "merge": sa.merge,
    "select": sa.select,
    "drop": sa.drop,
}


def _check_inputs_unchanged(data: st.DataObject, operator: str) -> None:
    args, kwargs, _ = data.draw(_calls(operator))
    before = _snapshot(*args, kwargs)
    copies = copy.deepcopy(args)
    try:
        OPERATORS[operator](*args, **kwargs)
    except InvalidSpaceError:  # select/drop refusing to orphan a child; a merge conflict
        assert operator in ("select", "drop") or kwargs.get("on_conflict") == "error"
    except ActivityError:  # fix() refusing values that contradict their conditions
        assert operator == "fix"
    assert _snapshot(*args, kwargs) == before
    for original, copied in zip(args, copies, strict=True):
        if isinstance(original, sa.Space):
            assert list(original.hyperparameters) == list(copied.hyperparameters)
            assert dict(original.history) == dict(copied.history)


def _check_order(data: st.DataObject, operator: str) -> None:
    args, kwargs, order = data.draw(_calls(operator))
    try:
        result = OPERATORS[operator](*args, **kwargs)
    except (InvalidSpaceError, ActivityError):  # orphans; contradictions; merge conflicts
        assume(False)
    assert _is_subsequence(list(result), order)
    if operator in ("fix", "restrict", "override"):  # only removed children go missing
        for name in set(order) - set(result):
            assert result.history[name][-1].startswith("removed")


@laws
@given(st.data())
def test_fix_does_not_mutate(data):
    """fix() leaves its input space (entries and history) unchanged."""
    _check_inputs_unchanged(data, "fix")


@laws
@given(st.data())
def test_restrict_does_not_mutate(data):
    """restrict() leaves its input space (entries and history) unchanged."""
    _check_inputs_unchanged(data, "restrict")


@laws
@given(st.data())
def test_override_does_not_mutate(data):
    """override() leaves its input space and the replacements unchanged."""
    _check_inputs_unchanged(data, "override")


@laws
@given(st.data())
def test_merge_does_not_mutate(data):
    """merge() leaves every input space (entries and history) unchanged."""
    _check_inputs_unchanged(data, "merge")


@laws
@given(st.data())
def test_select_does_not_mutate(data):
    """select() leaves its input space unchanged, also when it refuses."""
    _check_inputs_unchanged(data, "select")


@laws
@given(st.data())
def test_drop_does_not_mutate(data):
    """drop() leaves its input space unchanged, also when it refuses."""
    _check_inputs_unchanged(data, "drop")


@laws
@given(_pairs(), st.booleans())
def test_resolve_does_not_mutate(pair, tune_new_entries):
    """resolve(D, T) leaves D and T (entries and history) unchanged."""
    declared, tailoring = pair
    before = _snapshot(declared, tailoring)
    sa.resolve(declared, tailoring, tune_new_entries=tune_new_entries)
    assert _snapshot(declared, tailoring) == before


@laws
@given(st.data())
def test_fix_keeps_order(data):
    """fix() keeps its input's order; only removed children go missing."""
    _check_order(data, "fix")


@laws
@given(st.data())
def test_restrict_keeps_order(data):
    """restrict() keeps its input's order; only removed children go missing."""
    _check_order(data, "restrict")


@laws
@given(st.data())
def test_override_keeps_order(data):
    """override() keeps every replaced entry in its position."""
    _check_order(data, "override")


@laws
@given(st.data())
def test_merge_keeps_order(data):
    """merge() lists names in first-seen order over its inputs."""
    _check_order(data, "merge")


@laws
@given(st.data())
def test_select_keeps_order(data):
    """select() keeps the space's order, whatever the order of the names given."""
    _check_order(data, "select")


@laws
@given(st.data())
def test_drop_keeps_order(data):
    """drop() keeps the space's order."""
    _check_order(data, "drop")


@laws
@given(_spaces_with_history(), st.data())
def test_fix_returns_its_input_when_nothing_changes(space, data):
    """fix() with no values, or with each entry's own Fixed value, returns its input."""
    assert sa.fix(space) is space
    pinned = {name: hp.value for name, hp in space.items() if isinstance(hp, sa.Fixed)}
    chosen = {name: v for name, v in pinned.items() if data.draw(st.booleans())}
    assert sa.fix(space, **chosen) is space


@laws
@given(_spaces_with_history(min_size=1), st.data())
def test_restrict_returns_its_input_when_nothing_changes(space, data):
    """restrict() to the entry's whole domain (its bounds, or all its values in any
    order) returns its input, unless that domain is one value of a kind other than
    Fixed (restricting to one value gives Fixed, as fix() does)."""
    name = data.draw(_named(space))
    hp = space[name]
    grid = hp.grid_values()
    one_value = hp.size == 1 or (isinstance(hp, sa.Float) and hp.min_value == hp.max_value)
    assume(isinstance(hp, sa.Fixed) or not one_value)
    if isinstance(hp, sa.Int | sa.Float):
        which = data.draw(st.sampled_from(("both", "min", "max")))
        kwargs = {
            **({"min_value": hp.min_value} if which != "max" else {}),
            **({"max_value": hp.max_value} if which != "min" else {}),
        }
    elif _is_numeric(hp) and data.draw(st.booleans()):
        assert grid is not None
        kwargs = {"min_value": min(grid), "max_value": max(grid)}  # type: ignore[type-var]
    else:
        assert grid is not None
        kwargs = {"values": data.draw(st.permutations(grid))}
    assert sa.restrict(space, name, **kwargs) is space


@laws
@given(_spaces_with_history(min_size=1), st.data())
def test_override_returns_its_input_when_nothing_changes(space, data):
    """override() with the entries' own declarations, with or without their
    conditions (a replacement without conditions keeps the declared ones), returns its input."""
    names = data.draw(st.lists(_named(space), unique=True))
    same_entries = [
        space[n] if data.draw(st.booleans()) else attrs.evolve(space[n], conditions=())
        for n in names
    ]
    assert sa.override(space, *same_entries) is space


@laws
@given(_spaces_with_history(), st.sampled_from(MODES), st.data())
def test_merge_returns_its_input_when_nothing_changes(space, mode, data):
    """merge(s), merge(s, s) and merge(s, part of s) return s: identical
    declarations are no conflict, whatever on_conflict says."""
    part = data.draw(_variant(space, replace="none", new=False))
    assert sa.merge(space, on_conflict=mode) is space
    assert sa.merge(space, space, on_conflict=mode) is space
    assert sa.merge(space, part, on_conflict=mode) is space


@laws
@given(_spaces_with_history(), st.data())
def test_select_returns_its_input_when_nothing_changes(space, data):
    """select() of every name, in any order, returns its input."""
    assert sa.select(space, *data.draw(st.permutations(space.names))) is space


@laws
@given(_spaces_with_history())
def test_drop_returns_its_input_when_nothing_changes(space):
    """drop() of no name returns its input."""
    assert sa.drop(space) is space


# --- fix ----------------------------------------------------------------------------------


@laws
@given(conditional.flatmap(lambda s: st.tuples(st.just(s), _fixings(s))))
def test_fix_refuses_values_that_contradict_their_conditions(drawn):
    """fix(s, **v) raises ActivityError exactly when it would remove a name it fixes;
    otherwise every name it fixes is in the result."""
    space, chosen = drawn
    refused: ActivityError | None = None
    try:
        fixed = sa.fix(space, **chosen)
    except ActivityError as error:
        refused = error
    if refused is None:
        assert all(name in fixed for name in chosen)
    else:
        assert refused.name in chosen
        assert "cannot be fixed" in str(refused)


@laws
@given(
    conditional.flatmap(
        lambda s: st.tuples(st.just(s), st.one_of(_consistent_fixings(s), _fixings(s)))
    )
)
def test_fix_is_idempotent(drawn):
    """fix(fix(s, **v), **v) is fix(s, **v) whenever fix(s, **v) does not raise (values
    that agree with the conditions, part of one configuration, never make it raise) and
    each value is its entry's canonical one; a Float grid value off by rounding is fixed
    at its grid point, and fixing again with that point is the identity."""
    space, chosen = drawn
    try:
        once = sa.fix(space, **chosen)
    except ActivityError:
        assume(False)
    canonical = {name: space[name].canonical(value) for name, value in chosen.items()}
    assert sa.fix(once, **canonical) is once
    for name, value in chosen.items():
        assert once[name] == sa.Fixed(
            name, value=_as_typed(space[name], value), conditions=once[name].conditions
        )


@laws
@given(conditional.flatmap(lambda s: st.tuples(st.just(s), _consistent_fixings(s))), seeds)
def test_fix_pins_every_sample(drawn, seed):
    """Every sample of fix(s, name=v) has v for name whenever name is active."""
    space, chosen = drawn
    fixed = sa.fix(space, **chosen)
    assert all(isinstance(fixed[n], sa.Fixed) for n in chosen if n in fixed)
    for configuration in sa.sample_many(fixed, SAMPLES, seed):
        assert sa.contains(space, configuration)
        for name, value in chosen.items():
            if name in configuration:
                assert same(configuration[name], _as_typed(space[name], value))


def _outside(hp: sa.Hyperparameter) -> st.SearchStrategy[Any]:
    """Scalars (and NaN, infinities) outside the domain, near misses included."""
    near: list[Any] = [str(v) for v in hp.grid_values() or ()][:50]
    if isinstance(hp, sa.Int | sa.Float):
        near += [hp.min_value - 1, hp.max_value + 1, float(hp.max_value) * 2 + 1]
    anything = st.one_of(
        st.booleans(),
        st.integers(-(10**7), 10**7),
        st.floats(allow_subnormal=False),
        st.text(max_size=5),
        st.sampled_from(near or [None]),
    )
    return anything.filter(lambda v: v is not None and not hp.contains(v))


@laws
@given(nonempty.flatmap(lambda s: st.tuples(st.just(s), _named(s))), st.data())
def test_fix_outside_the_domain_raises(drawn, data):
    """fix(s, name=v) with v outside the entry's domain raises InvalidValueError
    naming the entry and the value."""
    space, name = drawn
    bad = data.draw(_outside(space[name]))
    with pytest.raises(InvalidValueError) as raised:
        sa.fix(space, **{name: bad})
    assert raised.value.name == name
    assert raised.value.value is bad


@laws
@given(st.data())
def test_fix_removes_children_outside_their_condition(data):
    """Fixing a parent to a value outside a child's condition removes the child (and
    its own children); the result's history says "removed"; children whose condition
    still can hold keep only the condition values equal to the fixed value."""
    space = data.draw(conditional)
    parents = [
        hp.name
        for hp in space.hyperparameters
        if _children(space, hp.name) and hp.grid_values() is not None
    ]
    assume(parents)
    parent = data.draw(st.sampled_from(parents))
    value = data.draw(_in_domain(space[parent]))
    fixed = sa.fix(space, **{parent: value})
    value = space[parent].canonical(value)  # 0.1 * 3 fixes a Float grid at 0.3
    for child in _children(space, parent):
        holds = [
            any(same(v, value) for v in c.values)
            for c in space[child].conditions
            if c.parent == parent
        ]
        if not all(holds):
            assert child not in fixed
            assert fixed.history[child][-1].startswith("removed")
            for grandchild in _children(space, child):
                assert grandchild not in fixed
                assert "removed" in fixed.history[grandchild][-1]
        elif child in fixed:
            for condition in fixed[child].conditions:
                if condition.parent == parent:
                    assert condition == sa.Condition(parent, [value])


# --- restrict -----------------------------------------------------------------------------


@st.composite
def _restricted(draw: st.DrawFn) -> tuple[sa.Space, str, dict[str, Any]]:
    space = draw(nonempty)
    name = draw(_named(space))
    return space, name, draw(_restrictions(space[name], declared=space[name], beyond=True))


@laws
@given(_restricted(), seeds)
def test_restrict_only_narrows(drawn, seed):
    """Every value sampled from restrict(s, name, ...) lies in the original entry's
    domain (and every other value in its own original domain); every point of a
    finite result lies in the original domain too."""
    space, name, kwargs = drawn
    narrowed = sa.restrict(space, name, **kwargs)
    for configuration in sa.sample_many(narrowed, SAMPLES, seed):
        assert sa.contains(space, configuration)
        for key, value in configuration.items():
            assert space[key].contains(value)
    grid = narrowed[name].grid_values()
    if grid is not None:
        assert all(space[name].contains(value) for value in list(grid)[:300])
        original = space[name].grid_values()
        if original is not None:
            assert len(grid) <= len(original)


@laws
@given(_restricted())
def test_restrict_is_idempotent(drawn):
    """restrict(restrict(s, n, **a), n, **a) is restrict(s, n, **a): a bound that
    narrows nothing (here, one the first call already applied, or one past the
    domain's ends) leaves the space unchanged."""
    space, name, kwargs = drawn
    once = sa.restrict(space, name, **kwargs)
    assert sa.restrict(once, name, **kwargs) is once


@laws
@given(_restricted(), st.data())
def test_restrict_twice_equals_the_inner_restriction(drawn, data):
    """restrict(restrict(s, n, a), n, b) == restrict(s, n, b) when b lies inside a's
    result (both its bounds within the narrowed range, or its values among the
    remaining ones); exactly, except that a Float grid whose step needs more than
    12 significant digits, whose points need more than 15, or a log-scale Float
    grid, agrees to the last digit only."""
    space, name, outer = drawn
    once = sa.restrict(space, name, **outer)
    inner = data.draw(_restrictions(once[name], declared=space[name], both=True))
    declared = space[name].grid_values()
    if declared is not None and "min_value" in inner and not isinstance(space[name], sa.Int):
        # Bounds on listed values: b lies inside a only if no value a left out is
        # between them (a may have kept 1 and -1 of 1, -1, 0).
        between = [v for v in declared if inner["min_value"] <= v <= inner["max_value"]]
        assume(all(once[name].contains(v) for v in between))
    twice = sa.restrict(once, name, **inner)
    direct = sa.restrict(space, name, **inner)
    assert list(twice) == list(direct)
    if _long_float_step(space[name]):
        # A float grid rebuilt from a new minimum agrees with the original only to the
        # last digit when its step needs more than 12 significant digits.
        assert _close(sa.to_dict(twice), sa.to_dict(direct))
    else:
        assert twice == direct


def _long_float_step(hp: sa.Hyperparameter) -> bool:
    """A Float grid whose points a float cannot carry exactly: a linear step of many
    digits, points of more than 15 significant digits (a float's shortest repr may
    then print a neighbouring decimal, from which a rebuilt grid steps), or any
    log-scale step (the points are powers of the step times the minimum)."""
    if not isinstance(hp, sa.Float) or hp.step is None:
        return False
    if hp.sampling != "linear" or len(f"{hp.step:.15g}") > 14:
        return True
    return _point_digits(hp.min_value, hp.max_value, hp.step) > 15


def _point_digits(low: float, high: float, step: float) -> int:
    """The significant digits of the widest decimal point ``low + k * step`` in [low, high]."""
    places = max(max(0, -Decimal(repr(x)).as_tuple().exponent) for x in (low, step))
    return max(len(str(abs(int(Decimal(repr(x)).scaleb(places))))) for x in (low, high))


def _close(a: object, b: object) -> bool:
    """Equal saved forms, floats compared to 12 significant digits."""
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


@laws
@given(nonempty.flatmap(lambda s: st.tuples(st.just(s), _named(s))), st.data())
def test_restrict_to_one_value_equals_fix(drawn, data):
    """restrict(s, n, min_value=v, max_value=v) (numbers) and restrict(s, n,
    values=[v]) (listed values) equal fix(s, n=v)."""
    space, name = drawn
    hp = space[name]
    value = data.draw(_in_domain(hp))
    fixed = sa.fix(space, **{name: value})
    if _is_numeric(hp):
        assert sa.restrict(space, name, min_value=value, max_value=value) == fixed
    if not isinstance(hp, sa.Int | sa.Float):
        assert sa.restrict(space, name, values=[value]) == fixed
    assert isinstance(fixed[name], sa.Fixed)


# --- override -----------------------------------------------------------------------------


@laws
@given(nonempty.flatmap(lambda s: st.tuples(st.just(s), _named(s))), st.data())
def test_override_last_wins(drawn, data):
    """override(s, h1, h2) == override(s, h2) for two declarations of one name; in two
    calls, the entry is h2's too (and the whole space when the name has no children,
    since children an earlier override removed do not come back)."""
    space, name = drawn
    first = data.draw(hyperparameters(name=name))
    last = data.draw(hyperparameters(name=name))
    direct = sa.override(space, last)
    assert sa.override(space, first, last) == direct
    twice = sa.override(sa.override(space, first), last)
    assert twice[name] == direct[name]
    assert direct[name] == attrs.evolve(last, conditions=space[name].conditions)
    if not _children(space, name):
        assert twice == direct
        assert list(twice) == list(direct)


# --- merge --------------------------------------------------------------------------------


def _triples(*, replace: str) -> st.SearchStrategy[tuple[sa.Space, sa.Space, sa.Space]]:
    return conditional.flatmap(
        lambda a: st.tuples(st.just(a), _variant(a, replace=replace), _variant(a, replace=replace))
    )


def _parents_disagree(*spaces: sa.Space) -> bool:
    """Whether some parent is declared with different domains in ``spaces``."""
    parents = {c.parent for space in spaces for hp in space.values() for c in hp.conditions}
    for parent in parents:
        declarations = {
            attrs.evolve(space[parent], conditions=()) for space in spaces if parent in space
        }
        if len(declarations) > 1:
            return True
    return False


@laws
@given(
    st.one_of(_triples(replace="leaves"), _triples(replace="all"), _triples(replace="none")),
    st.sampled_from(MODES),
)
def test_merge_is_associative(triple, mode):
    """merge(merge(a, b), c) == merge(a, merge(b, c)) == merge(a, b, c), order included:
    under on_conflict="error" always (all three raise or none does); under "left" and
    "right" whenever no parent is declared with different domains in a, b and c.

    Where a parent's domain differs, merge is not associative: a nested merge trims
    (or removes) a child against an intermediate winner that the outer merge
    replaces, and trimmed condition values do not come back.
    """
    a, b, c = triple
    flat = _outcome(lambda: sa.merge(a, b, c, on_conflict=mode))
    left = _outcome(lambda: sa.merge(sa.merge(a, b, on_conflict=mode), c, on_conflict=mode))
    right = _outcome(lambda: sa.merge(a, sa.merge(b, c, on_conflict=mode), on_conflict=mode))
    if mode != "error" and _parents_disagree(a, b, c):
        assert flat[0] == left[0] == right[0] == "space"
        return
    assert left == flat
    assert right == flat


@laws
@given(_spaces_with_history(), st.sampled_from(MODES))
def test_merge_has_the_empty_space_as_identity(space, mode):
    """merge(s, Space()) is s, and merge(Space(), s) == s in s's order."""
    assert sa.merge(space, sa.Space(), on_conflict=mode) is space
    merged = sa.merge(sa.Space(), space, on_conflict=mode)
    assert merged == space
    assert list(merged) == list(space)


@laws
@given(_pairs(), st.sampled_from(MODES))
def test_merge_is_idempotent(pair, mode):
    """merge(s, s) is s; and merging b a second time changes nothing,
    merge(merge(a, b), b) == merge(a, b), when the first merge succeeds (under
    on_conflict="error" it raises on a conflict) and removed no entry (an entry it
    removed, its inherited condition unable to hold, comes back from b)."""
    a, b = pair
    assert sa.merge(a, a, on_conflict=mode) is a
    try:
        once = sa.merge(a, b, on_conflict=mode)
    except InvalidSpaceError:
        assert mode == "error"
        return
    assert sa.merge(once, once, on_conflict=mode) is once
    if set(once) == set(a) | set(b):
        again = sa.merge(once, b, on_conflict=mode)
        assert again == once
        assert list(again) == list(once)


@laws
@given(conditional, conditional, st.sampled_from(MODES))
def test_merge_is_commutative_on_disjoint_names(a, b, mode):
    """merge(a, b) == merge(b, a) when a and b share no name (as sets: Space
    equality ignores order)."""
    assume(not set(a) & set(b))
    ab, ba = sa.merge(a, b, on_conflict=mode), sa.merge(b, a, on_conflict=mode)
    assert ab == ba
    assert set(ab) == set(a) | set(b)
    assert list(ab) == [*a, *b]


@laws
@given(_pairs())
def test_merge_right_agrees_with_override(pair):
    """On the names of a, merge(a, b, on_conflict="right") equals override(a, *b's
    entries of shared names): same entries present, same declarations."""
    a, b = pair
    shared = [name for name in b if name in a]
    merged = sa.merge(a, b, on_conflict="right")
    overridden = sa.override(a, *(b[name] for name in shared))
    for name in a:
        assert (name in merged) == (name in overridden)
        if name in merged:
            assert merged[name] == overridden[name]


# --- resolve ------------------------------------------------------------------------------


@laws
@given(_pairs())
def test_resolve_tunes_the_merge_of_tailoring_over_declared(pair):
    """resolve(D, T).tuned == merge(T, D, on_conflict="left") (tune_new_entries=True)."""
    declared, tailoring = pair
    trial = sa.resolve(declared, tailoring)
    merged = sa.merge(tailoring, declared, on_conflict="left")
    assert trial.tuned == merged
    assert list(trial.tuned) == list(merged)
    assert trial.pinned == {}


@laws
@given(_pairs())
def test_resolve_orders_tailoring_then_declared(pair):
    """list(resolve(D, T).tuned) is T's names in T's order, then D's other names in
    declaration order (tune_new_entries=True); a name missing from it is one an
    operator removed, and its provenance says so."""
    declared, tailoring = pair
    trial = sa.resolve(declared, tailoring)
    expected = [*tailoring, *(name for name in declared if name not in tailoring)]
    assert _is_subsequence(list(trial.tuned), expected)
    for name in set(expected) - set(trial.tuned):
        assert trial.provenance[name].status == "removed"
    assert set(trial.provenance) >= set(expected)


def _outside_parents(declared: sa.Space, tailoring: sa.Space) -> sa.Space:
    """The tailoring without entries that the hypermodel declares under a parent in it."""
    kept = [
        hp
        for hp in tailoring.hyperparameters
        if hp.name not in declared
        or not any(c.parent in tailoring for c in declared[hp.name].conditions)
    ]
    return sa.Space(_repaired(kept))


@laws
@given(_pairs())
def test_resolve_without_new_entries_is_the_tailoring(pair):
    """resolve(D, T, tune_new_entries=False).tuned is exactly T (same entries, same
    order) when no entry of T is declared in D under a parent in T."""
    declared, tailoring = pair
    tailoring = _outside_parents(declared, tailoring)
    trial = sa.resolve(declared, tailoring, tune_new_entries=False)
    assert trial.tuned == tailoring
    assert list(trial.tuned) == list(tailoring)


def _inherited(declared: sa.Space, tailoring: sa.Space) -> sa.Space:
    entries = []
    for hp in tailoring.hyperparameters:
        if not hp.conditions and hp.name in declared:
            inherited = [c for c in declared[hp.name].conditions if c.parent in tailoring]
            hp = attrs.evolve(hp, conditions=tuple(inherited))  # noqa: PLW2901
        entries.append(hp)
    return sa.Space(_repaired(entries))


@laws
@given(_pairs())
def test_resolve_without_new_entries_inherits_declared_conditions(pair):
    """resolve(D, T, tune_new_entries=False).tuned is T, each entry without conditions
    taking D's conditions on parents in T (values outside T's parent trimmed; an entry
    whose condition can no longer hold is removed)."""
    declared, tailoring = pair
    trial = sa.resolve(declared, tailoring, tune_new_entries=False)
    expected = _inherited(declared, tailoring)
    assert trial.tuned == expected
    assert list(trial.tuned) == list(expected)


@laws
@given(_pairs(), st.booleans())
def test_resolve_pins_declared_defaults_outside_the_tailoring(pair, tune_new_entries):
    """resolve(D, T, tune_new_entries=False).pinned holds exactly D's defaults of the
    names outside T (nothing is pinned when new entries are tuned)."""
    declared, tailoring = pair
    trial = sa.resolve(declared, tailoring, tune_new_entries=tune_new_entries)
    expected = {name: declared[name].default for name in declared if name not in tailoring}
    assert dict(trial.pinned) == (expected if not tune_new_entries else {})
    for name in trial.pinned:
        assert trial.provenance[name].status == "pinned"


# --- select and drop ----------------------------------------------------------------------


def _orphaned(space: sa.Space, kept: set[str]) -> bool:
    return any(c.parent not in kept for n in kept for c in space[n].conditions)


@laws
@given(nonempty, st.data())
def test_select_refuses_to_orphan(space, data):
    """select(s, *names) raises InvalidSpaceError exactly when a selected entry's
    parent is not selected; otherwise it keeps exactly those names."""
    names = data.draw(st.lists(_named(space), unique=True))
    if _orphaned(space, set(names)):
        with pytest.raises(InvalidSpaceError):
            sa.select(space, *names)
    else:
        assert list(sa.select(space, *names)) == [n for n in space if n in names]


@laws
@given(nonempty, st.data())
def test_drop_refuses_to_orphan(space, data):
    """drop(s, *names) raises InvalidSpaceError exactly when a remaining entry's
    parent is dropped; otherwise it keeps every other name."""
    names = data.draw(st.lists(_named(space), unique=True))
    kept = {n for n in space if n not in names}
    if _orphaned(space, kept):
        with pytest.raises(InvalidSpaceError):
            sa.drop(space, *names)
    else:
        assert list(sa.drop(space, *names)) == [n for n in space if n in kept]


# --- TrialSpace.join: entries declared during trials ----------------------------------


@st.composite
def _joins(draw: st.DrawFn) -> tuple[sa.Space, sa.Space, list[sa.Hyperparameter], int]:
    """A declared space, a tailoring of it, the entries a trial finds, and a split of them.

    The full declared space is cut in dependency order: what comes first is declared up
    front, the rest (parents before children) joins during trials.
    """
    full, tailoring = draw(_pairs())
    order = list(full.dependency_order())
    cut = draw(st.integers(min_value=0, max_value=len(order)))
    declared = sa.Space(order[:cut])
    found = order[cut:]
    return declared, tailoring, found, draw(st.integers(min_value=0, max_value=len(found)))


@laws
@given(_joins(), st.booleans())
def test_join_of_nothing_new_is_the_identity(drawn, tune_new_entries):
    """t.join([]) is t, and t.join(entries t declares already) is t."""
    declared, tailoring, _, _ = drawn
    trial = sa.resolve(declared, tailoring, tune_new_entries=tune_new_entries)
    assert trial.join([], note="n") is trial
    assert trial.join(declared.hyperparameters, note="n") is trial


@laws
@given(_joins(), st.booleans())
def test_join_in_two_steps_equals_join_in_one(drawn, tune_new_entries):
    """t.join(a).join(b) == t.join(a + b): same tuned entries in the same order, same pins."""
    declared, tailoring, found, split = drawn
    trial = sa.resolve(declared, tailoring, tune_new_entries=tune_new_entries)
    once = trial.join(found, note="n")
    twice = trial.join(found[:split], note="n").join(found[split:], note="n")
    assert twice == once
    assert list(twice.tuned) == list(once.tuned)
    assert twice.joined == once.joined == tuple(hp.name for hp in found)


@laws
@given(_joins())
def test_join_appends_to_the_tuned_space(drawn):
    """With new entries tuned, t.join(e).tuned is t.tuned followed by names of e outside
    the tailoring, in e's order; the only names that drop out are e's (an entry whose
    declared conditions are dead under the tailoring, as in merge); entries that did
    not join are unchanged."""
    declared, tailoring, found, _ = drawn
    trial = sa.resolve(declared, tailoring)
    joined = trial.join(found, note="n")
    new = [hp.name for hp in found if hp.name not in tailoring]
    joining = {hp.name for hp in found}
    names = list(joined.tuned)
    kept = [name for name in trial.tuned if name in joined.tuned or name not in joining]
    assert names[: len(kept)] == kept
    added = names[len(kept) :]
    assert added == [name for name in new if name in added]
    for name in trial.tuned:
        if name not in joining:
            assert joined.tuned[name] == trial.tuned[name]


@laws
@given(_joins())
def test_join_without_new_entries_tuned_pins_them(drawn):
    """With tune_new_entries=False, t.join(e) tunes no new name (a tailored entry of e's
    may drop out, when the declared conditions it now inherits are dead under the
    tailoring's pins), and pins the defaults of e's names outside the tailoring."""
    declared, tailoring, found, _ = drawn
    trial = sa.resolve(declared, tailoring, tune_new_entries=False)
    joined = trial.join(found, note="n")
    names = {hp.name for hp in found}
    assert list(joined.tuned) == [
        name for name in trial.tuned if name in joined.tuned or name not in names
    ]
    new = {hp.name: hp.default for hp in found if hp.name not in tailoring}
    assert joined.pinned == {**trial.pinned, **new}


# --- the docstrings' Laws: sections list exactly the laws proved here -------------------

# --- constrain ------------------------------------------------------------------------------


def _ref(name: str) -> str:
    """``name`` as an expression writes it: itself, or ``name('...')`` when not an identifier."""
    if name.isidentifier() and not keyword.iskeyword(name):
        return name
    return f"name({name!r})"


Predicate = Callable[[sa.Values], bool]


@st.composite
def _expression(
    draw: st.DrawFn, space: sa.Space, configuration: sa.Values
) -> tuple[str, Predicate]:
    """A constraint over ``space`` and the same rule written in Python (true whenever a
    mentioned entry is inactive). Its threshold comes from ``configuration``, which it
    allows, so a space constrained by several of them is never empty."""
    tuned = [
        name
        for name in configuration
        if not (isinstance(space[name], sa.Fixed) and not space[name].conditions)
    ]
    assume(tuned)
    numeric = [name for name in tuned if not isinstance(configuration[name], str)]
    shape = draw(st.sampled_from(("one", "product", "string")))
    if shape == "string" or not numeric:
        name = draw(st.sampled_from(tuned))
        hp = space[name]
        other = draw(st.sampled_from(list(hp.grid_values() or [configuration[name]])))
        assume(not same(other, configuration[name]))
        return (
            f"{_ref(name)} != {other!r}",
            lambda v: name not in v or not same(v[name], other),
        )
    op = draw(st.sampled_from(("<=", ">=")))
    check = (lambda a, b: a <= b) if op == "<=" else (lambda a, b: a >= b)
    names = draw(
        st.lists(st.sampled_from(numeric), min_size=1, max_size=1 if shape == "one" else 2)
    )
    threshold = math.prod(float(configuration[name]) for name in names)
    text = " * ".join(_ref(name) for name in names) + f" {op} {threshold!r}"

    def holds(v: sa.Values) -> bool:
        if any(name not in v for name in names):
            return True
        return bool(check(math.prod(float(v[name]) for name in names), threshold))

    return text, holds


def _with_expressions(count: int, space_strategy: st.SearchStrategy[sa.Space] = conditional):
    return space_strategy.flatmap(
        lambda s: values(s).flatmap(
            lambda v: st.tuples(st.just(s), st.tuples(*[_expression(s, v) for _ in range(count)]))
        )
    )


def _small_finite(space: sa.Space) -> bool:
    size = sa.cardinality(space)
    return size is not None and size <= 2000


@laws
@given(_with_expressions(2))
def test_constrain_does_not_mutate(drawn):
    """constrain() leaves its input space (entries, history, constraints) unchanged."""
    space, expressions = drawn
    before = (_snapshot(space), space.constraints)
    sa.constrain(space, *(text for text, _ in expressions))
    assert (_snapshot(space), space.constraints) == before


@laws
@given(_with_expressions(1))
def test_constrain_returns_its_input_when_nothing_changes(drawn):
    """constrain(s) is s, and so is constrain(s, e) when s has the constraint e."""
    space, ((text, _),) = drawn
    assert sa.constrain(space) is space
    constrained = sa.constrain(space, text)
    assert sa.constrain(constrained, text) is constrained
    assert sa.constrain(constrained, *constrained.constraints) is constrained


@laws
@given(_with_expressions(1))
def test_constrain_is_idempotent(drawn):
    """constrain(constrain(s, e), e) is constrain(s, e)."""
    space, ((text, _),) = drawn
    once = sa.constrain(space, text)
    assert sa.constrain(once, text) is once


@laws
@given(_with_expressions(2))
def test_constrain_is_commutative(drawn):
    """constrain(constrain(s, a), b) == constrain(constrain(s, b), a) == constrain(s, a, b)."""
    space, ((a, _), (b, _)) = drawn
    ab = sa.constrain(sa.constrain(space, a), b)
    ba = sa.constrain(sa.constrain(space, b), a)
    assert ab == ba == sa.constrain(space, a, b)
    assert hash(ab) == hash(ba)


@laws
@given(_with_expressions(2), seeds)
def test_constrain_keeps_samples_allowed(drawn, seed):
    """Every sample of constrain(s, e) is a configuration of s that e allows."""
    space, expressions = drawn
    constrained = sa.constrain(space, *(text for text, _ in expressions))
    free = sa.sample_many(space, 500, seed)  # a rare allowed region (measure zero) is refused
    assume(sum(all(holds(v) for _, holds in expressions) for v in free) >= 5)
    for configuration in (
        *sa.sample_many(constrained, SAMPLES, seed),
        sa.sample(constrained, seed),
    ):
        assert sa.contains(space, configuration)
        assert sa.contains(constrained, configuration)
        assert all(holds(configuration) for _, holds in expressions)


@laws
@given(_with_expressions(2, conditional.filter(_small_finite)))
def test_constrain_filters_the_grid_in_order(drawn):
    """grid(constrain(s, e)) is grid(s) without the configurations e forbids, in order."""
    space, expressions = drawn
    constrained = sa.constrain(space, *(text for text, _ in expressions))
    expected = [v for v in sa.grid(space) if all(holds(v) for _, holds in expressions)]
    assert list(sa.grid(constrained)) == expected


@laws
@given(_with_expressions(2, conditional.filter(_small_finite)))
def test_constrain_counts_the_filtered_grid(drawn):
    """cardinality(constrain(s, e)) is the length of the filtered grid."""
    space, expressions = drawn
    constrained = sa.constrain(space, *(text for text, _ in expressions))
    expected = sum(1 for v in sa.grid(space) if all(holds(v) for _, holds in expressions))
    assert sa.cardinality(constrained) == expected


@laws
@given(
    _with_expressions(1).flatmap(
        lambda d: st.tuples(st.just(d[0]), st.just(d[1]), _consistent_fixings(d[0]))
    )
)
def test_constrain_commutes_with_fix(drawn):
    """fix(constrain(s, e), **v) == constrain(fix(s, **v), e) whenever both are defined."""
    space, ((text, _),), fixed = drawn
    left = _outcome(lambda: sa.fix(sa.constrain(space, text), **fixed))
    right = _outcome(lambda: sa.constrain(sa.fix(space, **fixed), text))
    if left[0] == "space" and right[0] == "space":
        left_space, right_space = left[1][0], right[1][0]  # type: ignore[index]
        assert left_space == right_space
        assert left_space.constraints == right_space.constraints


@laws
@given(_with_expressions(1), st.data())
def test_select_refuses_to_cut_constraints(drawn, data):
    """select() raises InvalidSpaceError when a constraint mentions a name left out; with
    constraints='drop' the result keeps exactly the constraints of the selected names."""
    space, ((text, _),) = drawn
    constrained = sa.constrain(space, text)
    names = data.draw(st.lists(st.sampled_from(space.names), unique=True))
    (compiled,) = constrained.compiled_constraints
    cut = not set(compiled.names) <= set(names)
    try:
        result = sa.select(constrained, *names, constraints="drop")
    except InvalidSpaceError:  # an orphaned child: not this law's business
        return
    assert result.constraints == (() if cut else constrained.constraints)
    if cut:
        with pytest.raises(InvalidSpaceError, match="mentions"):
            sa.select(constrained, *names)
    else:
        assert sa.select(constrained, *names) == result


@laws
@given(_with_expressions(1), st.data())
def test_drop_refuses_to_cut_constraints(drawn, data):
    """drop() raises InvalidSpaceError when a constraint mentions a dropped name; with
    constraints='drop' the result keeps exactly the constraints of the names left."""
    space, ((text, _),) = drawn
    constrained = sa.constrain(space, text)
    names = data.draw(st.lists(st.sampled_from(space.names), unique=True))
    (compiled,) = constrained.compiled_constraints
    cut = bool(set(compiled.names) & set(names))
    try:
        result = sa.drop(constrained, *names, constraints="drop")
    except InvalidSpaceError:  # an orphaned child: not this law's business
        return
    assert result.constraints == (() if cut else constrained.constraints)
    if cut:
        with pytest.raises(InvalidSpaceError, match="mentions"):
            sa.drop(constrained, *names)
    else:
        assert sa.drop(constrained, *names) == result


LAWFUL: dict[str, Callable[..., Any]] = {
    **OPERATORS,
    "resolve": sa.resolve,
    "join": sa.TrialSpace.join,
    "constrain": sa.constrain,
}
"""Each operator whose docstring has a ``Laws:`` section, by the prefix of its tests."""

_LAW_LINE = re.compile(r"(?P<slug>[a-z]+(?: [a-z]+)*): \S")


def _laws_of(docstring: str | None) -> tuple[list[str], list[str]]:
    """The law slugs a docstring's ``Laws:`` section lists, and what is wrong with it.

    The section starts at a line ``Laws:`` and ends at the next line indented no
    deeper than that header. Each law starts on a line at the section's first
    indentation, ``<slug>: <statement>`` (the slug lower-case words); deeper lines
    continue the statement.
    """
    lines = inspect.cleandoc(docstring or "").splitlines()
    headers = [i for i, line in enumerate(lines) if line.strip() == "Laws:"]
    if len(headers) != 1:
        return [], [f"{len(headers)} 'Laws:' sections, not one"]
    header = lines[headers[0]]
    depth = len(header) - len(header.lstrip())
    slugs: list[str] = []
    wrong: list[str] = []
    indent: int | None = None
    for line in lines[headers[0] + 1 :]:
        if not line.strip():
            continue
        here = len(line) - len(line.lstrip())
        if here <= depth:
            break
        indent = here if indent is None else indent
        match = _LAW_LINE.match(line.strip())
        if here < indent or (here == indent and match is None):
            wrong.append(f"cannot read the law line {line.strip()!r}")
        elif here == indent and match is not None:
            slugs.append(match["slug"])
    if not slugs and not wrong:
        wrong.append("an empty 'Laws:' section")
    return slugs, wrong


def law_mismatches(operator: str, docstring: str | None, tests: Iterable[str]) -> list[str]:
    """What differs between ``operator``'s ``Laws:`` section and its law tests.

    The law ``<slug>`` is proved by the test ``test_<operator>_<slug, "_" for " ">``;
    every test named ``test_<operator>_...`` in ``tests`` proves one law.
    """
    slugs, wrong = _laws_of(docstring)
    problems = [f"{operator}: {problem}" for problem in wrong]
    twice = sorted({slug for slug in slugs if slugs.count(slug) > 1})
    problems += [f"{operator}: the law {slug!r} is listed twice" for slug in twice]
    listed = [f"test_{operator}_{slug.replace(' ', '_')}" for slug in dict.fromkeys(slugs)]
    proved = {name for name in tests if name.startswith(f"test_{operator}_")}
    problems += [
        f"{operator}: no test {name} proves a listed law" for name in listed if name not in proved
    ]
    problems += [
        f"{operator}: {name} proves a law the docstring does not list"
        for name in sorted(proved - set(listed))
    ]
    return problems


def _tests_here() -> list[str]:
    return [
        name for name, value in globals().items() if name.startswith("test_") and callable(value)
    ]


def test_docstring_laws_match_tests():
    """Each operator's Laws: section lists exactly the laws its tests here prove, and
    every test here is the law test of one of those operators (or a test of this check)."""
    tests = _tests_here()
    problems = [
        problem
        for operator, function in LAWFUL.items()
        for problem in law_mismatches(operator, function.__doc__, tests)
    ]
    assert problems == []
    checks = {"test_docstring_laws_match_tests", "test_law_mismatches_reports_each_difference"}
    owned = {name for name in tests if any(name.startswith(f"test_{op}_") for op in LAWFUL)}
    assert set(tests) - owned == checks


def test_law_mismatches_reports_each_difference():
    """The check reports made-up docstrings that are wrong: a law without a test, a test
    without a law, an unreadable law line, a law listed twice, no or two Laws: sections,
    an empty one; and finds nothing wrong in a right one."""
    tests = ["test_fake_is_tidy", "test_fake_keeps_order", "test_fakes_are_another_operator"]
    right = """Does fake things.

    Laws:
        is tidy: fake(fake(s)) is fake(s), whenever
            it does not raise.
        keeps order: the result keeps s's order.

    Raises:
        ValueError: never.
    """
    unlisted = "fake: {} proves a law the docstring does not list"
    assert law_mismatches("fake", right, tests) == []
    untested = right.replace("keeps order:", "is shiny: y.\n        keeps order:")
    assert law_mismatches("fake", untested, tests) == [
        "fake: no test test_fake_is_shiny proves a listed law"
    ]
    missing = right.replace("        keeps order: the result keeps s's order.\n", "")
    assert law_mismatches("fake", missing, tests) == [unlisted.format("test_fake_keeps_order")]
    assert law_mismatches("fake", right.replace("is tidy:", "Is Tidy -"), tests) == [
        "fake: cannot read the law line 'Is Tidy - fake(fake(s)) is fake(s), whenever'",
        unlisted.format("test_fake_is_tidy"),
    ]
    twice = right.replace("keeps order:", "is tidy: again.\n        keeps order:")
    assert law_mismatches("fake", twice, tests) == ["fake: the law 'is tidy' is listed twice"]
    everything = [unlisted.format("test_fake_is_tidy"), unlisted.format("test_fake_keeps_order")]
    assert law_mismatches("fake", "Does fake things.", tests) == [
        "fake: 0 'Laws:' sections, not one",
        *everything,
    ]
    assert law_mismatches("fake", right + "\n    Laws:\n        is tidy: again.\n", tests) == [
        "fake: 2 'Laws:' sections, not one",
        *everything,
    ]
    empty = "Does fake things.\n\n    Laws:\n\n    Raises:\n        ValueError: never.\n"
    assert law_mismatches("fake", empty, tests) == ["fake: an empty 'Laws:' section", *everything]
