"""Folding two declarations of one name into one entry (docs/semantics.md#one-name-one-entry).

The same name declared twice with the same declaration is one entry. Declared
under different values of the same parent, it is one entry whose condition lists
the union of those values. Anything else (other parents, another domain, another
kind) is an error: KerasTuner keeps both and keys values by name only, which is
where its silently failing overrides come from.
"""

from __future__ import annotations

import attrs

from spacealg._space.conditions import Condition
from spacealg._space.kinds import Hyperparameter
from spacealg._space.scalars import index_of
from spacealg.errors import InvalidSpaceError


def _union(first: Condition, second: Condition) -> Condition:
    extra = tuple(value for value in second.values if index_of(first.values, value) < 0)
    return Condition(first.parent, first.values + extra)


def _aligned(
    old: tuple[Condition, ...], fresh: tuple[Condition, ...]
) -> tuple[Condition, ...] | None:
    """``fresh`` in the parent order of ``old``, or None when their parents differ.

    Conditions are a conjunction, so their order carries no meaning; a parent
    named twice in one declaration keeps positional matching.
    """
    old_parents = [c.parent for c in old]
    fresh_parents = [c.parent for c in fresh]
    if old_parents == fresh_parents:
        return fresh
    if len(set(old_parents)) != len(old_parents) or sorted(old_parents) != sorted(fresh_parents):
        return None
    by_parent = {c.parent: c for c in fresh}
    return tuple(by_parent[parent] for parent in old_parents)


def combine(existing: Hyperparameter, new: Hyperparameter, operation: str) -> Hyperparameter:
    """One entry for two declarations of the same name.

    Args:
        existing: the declaration seen first.
        new: the declaration seen again.
        operation: the calling operation, for error messages.

    Returns:
        ``existing`` when both are the same declaration (conditions in any order),
        else ``existing`` with the condition values of both.

    Raises:
        InvalidSpaceError: the declarations differ in anything but the values of
            one condition on the same parent.

    Examples:
        >>> from spacealg import Condition, Int
        >>> mlp = Int("units", min_value=32, max_value=128, conditions=Condition("model", "mlp"))
        >>> cnn = Int("units", min_value=32, max_value=128, conditions=Condition("model", "cnn"))
        >>> combine(mlp, cnn, "declare()").conditions
        (Condition(parent='model', values=('mlp', 'cnn')),)
    """
    if existing == new:
        return existing
    mismatch = InvalidSpaceError(
        operation,
        existing.name,
        f"{existing.name!r} is declared twice with different declarations: "
        f"{existing!r} and {new!r}",
        "one declaration per name (use distinct names or a name_scope)",
    )
    if attrs.evolve(existing, conditions=()) != attrs.evolve(new, conditions=()):
        raise mismatch
    old = existing.conditions
    fresh = _aligned(old, new.conditions)
    if fresh is None:
        raise mismatch
    differing = [i for i, (a, b) in enumerate(zip(old, fresh, strict=True)) if a != b]
    if not differing:
        return existing
    if len(differing) != 1:
        raise mismatch
    position = differing[0]
    merged = (*old[:position], _union(old[position], fresh[position]), *old[position + 1 :])
    return attrs.evolve(existing, conditions=merged)
