"""Counting the configurations of a finite space, and drawing one of them uniformly.

A parent's values that no condition names all activate the same entries, so
they form one group: counting walks each named value and the group of the
rest, never the parent's whole domain. Both costs grow with the conditions,
not with the domains (a parent may hold 2**53 values).
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Iterator, Set

import numpy as np

from spacealg._space.constraints import allowed_configurations
from spacealg._space.kinds import Hyperparameter
from spacealg._space.numeric import Float
from spacealg._space.scalars import Scalar, index_of
from spacealg._space.space import Space
from spacealg._space.values import Values

_OTHER = object()
"""Stands for a parent's values that no condition names: it equals none of them."""

Groups = list[tuple[object, int]]


def _in_grid(hp: Hyperparameter, value: Scalar) -> bool:
    """Whether a grid value of ``hp`` is :func:`same` as ``value``, without walking the grid."""
    values = hp.grid_values()
    assert values is not None
    if isinstance(values, range):  # an Int's grid: membership is arithmetic
        return isinstance(value, int) and not isinstance(value, bool) and value in values
    if isinstance(hp, Float):  # an ascending tuple
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        position = bisect.bisect_left(values, value)
        return position < len(values) and values[position] == value
    # The values a Choice, Boolean or Fixed lists, or the few factors of a log-step Int.
    return index_of(tuple(values), value) >= 0


def _branches(
    space: Space, exclude: Set[str] = frozenset()
) -> tuple[list[tuple[Hyperparameter, Groups]], list[Hyperparameter]]:
    """The parents with their value groups, and the other entries, in dependency order.

    A group is (a value some condition names, 1), or (``_OTHER``, how many values
    no condition names) when there are any. Entries named in ``exclude`` are left
    out (their values are given when counting).
    """
    named: dict[str, list[Scalar]] = {}
    for hp in space.hyperparameters:
        if hp.name in exclude:
            continue
        for condition in hp.conditions:
            listed = named.setdefault(condition.parent, [])
            listed.extend(v for v in condition.values if index_of(tuple(listed), v) < 0)
    branching = []
    leaves = []
    for hp in space.dependency_order():
        if hp.name in exclude:
            continue
        if hp.name not in named:
            leaves.append(hp)
            continue
        present = [value for value in named[hp.name] if _in_grid(hp, value)]
        rest = (hp.size or 0) - len(present)
        groups: Groups = [(value, 1) for value in present]
        branching.append((hp, groups + ([(_OTHER, rest)] if rest else [])))
    return branching, leaves


def _count(
    branching: list[tuple[Hyperparameter, Groups]],
    leaves: list[Hyperparameter],
    chosen: dict[str, object],
) -> int:
    """The configurations that agree with ``chosen`` on the parents it sets."""
    if not branching:
        return math.prod(hp.size or 0 for hp in leaves if hp.is_active(chosen))
    (hp, groups), rest = branching[0], branching[1:]
    if not hp.is_active(chosen):
        return _count(rest, leaves, chosen)
    return sum(size * _count(rest, leaves, {**chosen, hp.name: value}) for value, size in groups)


def count(space: Space) -> int:
    """The number of configurations of a finite ``space`` (see ``cardinality``)."""
    branching, leaves = _branches(space)
    return _count(branching, leaves, {})


def mentioned_and_parents(space: Space) -> set[str]:
    """The names the constraints mention, with their parents, grandparents, ..."""
    names = {name for constraint in space.compiled_constraints for name in constraint.names}
    waiting = list(names)
    while waiting:
        for condition in space[waiting.pop()].conditions:
            if condition.parent not in names:
                names.add(condition.parent)
                waiting.append(condition.parent)
    return names


def _assignments_of(order: list[Hyperparameter]) -> Iterator[dict[str, Scalar]]:
    chosen: dict[str, Scalar] = {}

    def walk(level: int) -> Iterator[dict[str, Scalar]]:
        if level == len(order):
            yield dict(chosen)
            return
        hp = order[level]
        if not hp.is_active(chosen):
            yield from walk(level + 1)
            return
        values = hp.grid_values()
        assert values is not None
        for value in values:
            chosen[hp.name] = value
            yield from walk(level + 1)
        del chosen[hp.name]

    return walk(0)


def count_constrained(space: Space, chunk: int = 4096) -> int:
    """The number of configurations of a finite ``space`` that its constraints allow.

    The entries the constraints mention, with their ancestors, are walked value by
    value; for each allowed assignment of those, the rest are counted as
    :func:`count` does, by groups.
    """
    relevant = mentioned_and_parents(space)
    order = [hp for hp in space.dependency_order() if hp.name in relevant]
    branching, leaves = _branches(space, exclude=relevant)
    total = 0
    assignments = _assignments_of(order)
    while True:
        batch = list(itertools.islice(assignments, chunk))
        if not batch:
            return total
        allowed = allowed_configurations(space.compiled_constraints, space, batch)
        for chosen, ok in zip(batch, allowed.tolist(), strict=True):
            if ok:
                total += _count(branching, leaves, dict(chosen))


def _below(n: int, rng: np.random.Generator) -> int:
    """A uniform int in [0, n), for any positive ``n`` (numpy's own stop at 2**63)."""
    if n <= 2**62:
        return int(rng.integers(n))
    bits = n.bit_length()
    while True:  # accepted more than half the time
        drawn = int.from_bytes(rng.bytes((bits + 7) // 8), "little") >> (-bits % 8)
        if drawn < n:
            return drawn


def _other_value(hp: Hyperparameter, groups: Groups, rng: np.random.Generator) -> Scalar:
    """A uniform draw among ``hp``'s values that no condition names."""
    values = hp.grid_values()
    assert values is not None
    named: tuple[Scalar, ...] = tuple(v for v, _ in groups if v is not _OTHER)  # type: ignore[misc]
    if isinstance(values, range) or isinstance(hp, Float):
        while True:  # few values are named: a draw is rarely one of them
            value = values[_below(len(values), rng)]
            if index_of(named, value) < 0:
                return value
    others = [value for value in values if index_of(named, value) < 0]  # a listed domain
    return others[_below(len(others), rng)]


def uniform_configuration(space: Space, rng: np.random.Generator) -> Values:
    """One configuration of a finite ``space``, each with the same chance.

    Unlike ``sample``, which draws each entry's value uniformly (so a configuration
    under a rare branch is rare), this weighs each parent's value by how many
    configurations follow from it.
    """
    branching, leaves = _branches(space)
    chosen: dict[str, Scalar] = {}
    key: dict[str, object] = {}  # as chosen, with the rest of a parent's values as _OTHER
    for position, (hp, groups) in enumerate(branching):
        if not hp.is_active(key):
            continue
        rest = branching[position + 1 :]
        weights = [size * _count(rest, leaves, {**key, hp.name: value}) for value, size in groups]
        pick = _below(sum(weights), rng)
        index = 0
        while pick >= weights[index]:
            pick -= weights[index]
            index += 1
        value = groups[index][0]
        key[hp.name] = value
        chosen[hp.name] = _other_value(hp, groups, rng) if value is _OTHER else value  # type: ignore[assignment]
    for hp in leaves:
        if hp.is_active(key):
            values = hp.grid_values()
            assert values is not None
            chosen[hp.name] = values[_below(len(values), rng)]
    return Values._trusted({name: chosen[name] for name in space if name in chosen})  # noqa: SLF001
