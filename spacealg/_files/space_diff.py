"""What changed between two spaces, as a value and as one short line of text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from spacealg._files.serialization import entry_to_dict
from spacealg._files.summary import CLASS_NAMES
from spacealg._space.space import Space, check_space

_LABELS = {"min_value": "min", "max_value": "max"}
"""Short words for a field in the text; other fields keep their names."""
_ORDER = (
    "min_value",
    "max_value",
    "step",
    "sampling",
    "values",
    "ordered",
    "value",
    "default",
    "weights",
    "conditions",
)


@attrs.frozen
class EntryChange:
    """One field of one entry that differs.

    Attributes:
        name: the entry.
        field: the field (``"kind"``, ``"min_value"``, ``"step"``, ``"default"``,
            ``"conditions"``, ``"weights"``, ...), as :func:`spacealg.to_dict` names it.
        before: its value in the first space (as saved: lists for tuples).
        after: its value in the second space.
    """

    name: str
    field: str
    before: Any
    after: Any

    def __str__(self) -> str:
        return f"{self.name!r} {self.what()}"

    def what(self) -> str:
        """The change without the name: ``max 128 -> 256`` (``Int -> Float`` for a kind)."""
        if self.field == "kind":
            return f"{self.before} -> {self.after}"
        label = _LABELS.get(self.field, self.field)
        return f"{label} {_shown(self.before)} -> {_shown(self.after)}"


def _shown(value: object) -> str:
    if isinstance(value, list) and value and isinstance(value[0], dict):  # conditions
        return "[" + ", ".join(f"{c['parent']!r} in {c['values']!r}" for c in value) + "]"
    return repr(value)


@attrs.frozen
class SpaceDiff:
    """What differs between two spaces: entries added, removed and changed, and constraints.

    Empty (false) when the spaces are equal. ``str()`` gives one line that reads
    at a glance: ``'units' max 128 -> 256; added 'dropout'`` (the changes of one
    entry together: ``'x' min 0 -> 10, max 9 -> 12``).

    Attributes:
        added: names only in the second space, in its order.
        removed: names only in the first space, in its order.
        changed: the fields that differ for names in both, in the second space's
            order (a change of kind is reported alone, as ``kind``).
        constraints_added: constraints only in the second space.
        constraints_removed: constraints only in the first space.
        reordered: the common names come in another order (spaces compare equal
            regardless; the text says so only when nothing else changed).
    """

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[EntryChange, ...] = ()
    constraints_added: tuple[str, ...] = ()
    constraints_removed: tuple[str, ...] = ()
    reordered: bool = False

    def __bool__(self) -> bool:
        return bool(
            self.added
            or self.removed
            or self.changed
            or self.constraints_added
            or self.constraints_removed
        )

    def parts(self) -> list[str]:
        """The text's pieces: one per changed entry, then added and removed names."""
        by_name: dict[str, list[str]] = {}
        for change in self.changed:
            by_name.setdefault(change.name, []).append(change.what())
        parts = [f"{name!r} " + ", ".join(whats) for name, whats in by_name.items()]
        if self.added:
            parts.append("added " + ", ".join(repr(name) for name in self.added))
        if self.removed:
            parts.append("removed " + ", ".join(repr(name) for name in self.removed))
        parts += [f"added constraint {text!r}" for text in self.constraints_added]
        parts += [f"removed constraint {text!r}" for text in self.constraints_removed]
        if not parts and self.reordered:
            parts.append("reordered entries")
        return parts

    def __str__(self) -> str:
        return "; ".join(self.parts()) or "no change"


def entry_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[EntryChange]:
    """The fields that differ between two saved entries (:func:`entry_to_dict`'s dicts)."""
    name = after["name"]
    if before["kind"] != after["kind"]:
        kinds = (CLASS_NAMES[before["kind"]], CLASS_NAMES[after["kind"]])
        return [EntryChange(name, "kind", *kinds)]
    fields = [field for field in _ORDER if field in before or field in after]
    return [
        EntryChange(name, field, before.get(field), after.get(field))
        for field in fields
        if not _same(before.get(field), after.get(field))
    ]


def _same(a: object, b: object) -> bool:
    """Equal and of the same types (``1`` is not ``1.0``, nor ``True``), inside lists too."""
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def diff_saved(
    before: Sequence[Mapping[str, Any]],
    after: Sequence[Mapping[str, Any]],
    constraints_before: Sequence[str] = (),
    constraints_after: Sequence[str] = (),
) -> SpaceDiff:
    """The difference of two spaces given as saved entries and constraint texts."""
    first = {entry["name"]: entry for entry in before}
    second = {entry["name"]: entry for entry in after}
    common = [name for name in second if name in first]
    changed = [change for name in common for change in entry_changes(first[name], second[name])]
    return SpaceDiff(
        added=tuple(name for name in second if name not in first),
        removed=tuple(name for name in first if name not in second),
        changed=tuple(changed),
        constraints_added=tuple(t for t in constraints_after if t not in constraints_before),
        constraints_removed=tuple(t for t in constraints_before if t not in constraints_after),
        reordered=[name for name in first if name in second] != common,
    )


def diff(a: Space, b: Space) -> SpaceDiff:
    """What changed from space ``a`` to space ``b``.

    Per entry: its kind, range, step, sampling, values, default, conditions and
    weights; and the constraints. The result is false when the spaces are equal,
    and prints as one short line.

    Args:
        a: the space before.
        b: the space after.

    Returns:
        A :class:`SpaceDiff`.

    Raises:
        ArgumentTypeError: ``a`` or ``b`` is not a Space.

    Examples:
        >>> from spacealg import Boolean, Int
        >>> before = Space([Int("units", min_value=32, max_value=128, step=32)])
        >>> after = Space([Int("units", min_value=32, max_value=256, step=32),
        ...                Boolean("dropout")])
        >>> print(diff(before, after))
        'units' max 128 -> 256; added 'dropout'
        >>> bool(diff(before, before)), str(diff(before, before))
        (False, 'no change')
    """
    check_space("diff()", "a", a)
    check_space("diff()", "b", b)
    return diff_saved(
        [entry_to_dict(hp) for hp in a.hyperparameters],
        [entry_to_dict(hp) for hp in b.hyperparameters],
        a.constraints,
        b.constraints,
    )
