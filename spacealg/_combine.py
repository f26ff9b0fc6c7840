"""Folding two declarations of one name into one entry (SEMANTICS section 2).

The same name declared twice with the same declaration is one entry. Declared
under different values of the same parent, it is one entry whose condition lists
the union of those values. Anything else (other parents, another domain, another
kind) is an error: KerasTuner keeps both and keys values by name only, which is
where its silently failing overrides come from.
"""

from __future__ import annotations

import attrs

from ._conditions import Condition
from ._kinds import Hyperparameter
from ._scalars import index_of
from .errors import InvalidSpaceError


def _union(first: Condition, second: Condition) -> Condition:
    extra = tuple(value for value in second.values if index_of(first.values, value) < 0)
    return Condition(first.parent, first.values + extra)


def combine(existing: Hyperparameter, new: Hyperparameter, operation: str) -> Hyperparameter:
    """One entry for two declarations of the same name.

    Args:
        existing: the declaration seen first.
        new: the declaration seen again.
        operation: the calling operation, for error messages.

    Returns:
        ``existing`` when both are the same declaration, else ``existing`` with the
        condition values of both.

    Raises:
        InvalidSpaceError: the declarations differ in anything but the values of
            one condition on the same parent.
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
    old, fresh = existing.conditions, new.conditions
    differing = [i for i, (a, b) in enumerate(zip(old, fresh, strict=False)) if a != b]
    if (
        len(old) != len(fresh)
        or len(differing) != 1
        or old[differing[0]].parent != fresh[differing[0]].parent
    ):
        raise mismatch
    position = differing[0]
    merged = (*old[:position], _union(old[position], fresh[position]), *old[position + 1 :])
    return attrs.evolve(existing, conditions=merged)
