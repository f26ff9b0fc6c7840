"""The tailoring operators: fix, override, merge, select and drop (restrict has its own module).

Each is a pure function that never changes its inputs: the space first
(positional-only), then what it acts on, then keyword-only options (``merge``
takes any number of spaces). Each returns a new :class:`Space` in its input's
order (``merge``: first-seen order over its inputs), or the input itself when
nothing changes. ``fix``, ``restrict``, ``override`` and ``merge`` record what
they did in the result's ``history``; ``select`` and ``drop`` keep the history of
the entries they keep. Whenever a parent's domain narrows, its children's
condition values outside the new domain are trimmed, and a child whose condition
can no longer hold is removed (its history says why).

Each operator's ``Laws:`` section lists the laws that ``tests/test_laws.py``
proves, one per line: ``<law>: <statement>``, where the law ``is idempotent`` of
``fix`` is proved by the test ``test_fix_is_idempotent``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal

import attrs

from spacealg._space.conditions import Condition
from spacealg._space.discrete import Fixed
from spacealg._space.expressions import parse
from spacealg._space.kinds import KINDS, Hyperparameter
from spacealg._space.numeric import Float
from spacealg._space.scalars import Scalar
from spacealg._space.space import OnConflict, Space, check_space, missing_parent
from spacealg._space.validation import check_instance, check_names, check_option, is_real
from spacealg.errors import (
    ActivityError,
    ConstraintError,
    InvalidSpaceError,
    InvalidValueError,
    UnknownNameError,
)

_A_KIND = "an Int, Float, Choice, Boolean or Fixed, such as Boolean('dropout')"

OnConstraints = Literal["error", "drop"]


def _entry(space: Space, name: str, operation: str) -> Hyperparameter:
    if name not in space:
        raise UnknownNameError(operation, name, space.names)
    return space[name]


def trimmed(
    space: Space,
    entries: Iterable[Hyperparameter],
    notes: Mapping[str, str],
    narrowed: Iterable[str],
    *,
    operation: str = "Space()",
    constraints: Iterable[str] | None = None,
) -> Space:
    """A space of ``entries`` with ``notes`` added to history and children trimmed.

    The result keeps ``constraints`` (``space``'s by default) except those that
    mention a removed child: a removed entry is never active, so they never apply.

    Raises:
        ConstraintError: a constraint that the result's ``Fixed`` entries make false,
            reported as ``operation``'s.
    """
    history = {name: tuple(events) for name, events in space.history.items()}
    for name, note in notes.items():
        history[name] = (*history.get(name, ()), note)
    kept = _trim(list(entries), set(narrowed), history)
    names = {hp.name for hp in kept}
    texts = space.constraints if constraints is None else tuple(constraints)
    texts = tuple(
        text
        for text, compiled in zip(texts, _mentions(space, texts), strict=True)
        if compiled <= names
    )
    try:
        return Space(kept, history=history, constraints=texts)
    except ConstraintError as error:
        raise ConstraintError(operation, error.constraint, error.problem) from None


def _mentions(space: Space, texts: tuple[str, ...]) -> list[set[str]]:
    """The names each of ``texts`` mentions (each a constraint of ``space`` or its parts)."""
    known = {c.text: set(c.names) for c in space.compiled_constraints}
    result = []
    for text in texts:
        if text not in known:
            known[text] = set(parse(text, types=None, operation="Space()")[1])
        result.append(known[text])
    return result


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
    if isinstance(hp, Float) and is_real(value):
        return float(value)
    return value


def _pinned(hp: Hyperparameter, value: Scalar) -> Fixed:
    return Fixed(hp.name, value=_as_domain_type(hp, value), conditions=hp.conditions)


def fix(space: Space, /, **values: Scalar) -> Space:
    """Pin hyperparameters to values inside their domains; each becomes ``Fixed``.

    Each fixed entry keeps its conditions. Fixing a parent narrows its domain to
    one value, so its children are trimmed or removed as for any narrowing.

    Laws:
        does not mutate: ``s`` (entries and history) is unchanged by ``fix(s, **v)``.
        keeps order: ``fix(s, **v)`` lists its names in ``s``'s order; only the
            children it removes go missing.
        returns its input when nothing changes: ``fix(s)``, and ``fix(s, **v)``
            where each named entry is already ``Fixed`` at its value, is ``s``.
        refuses values that contradict their conditions: ``fix(s, **v)`` raises
            ``ActivityError`` exactly when it would remove a name it fixes
            (otherwise every fixed name is in the result).
        is idempotent: ``fix(fix(s, **v), **v) is fix(s, **v)`` whenever
            ``fix(s, **v)`` does not raise and each value is its entry's canonical
            one (a ``Float`` grid value off by rounding, such as ``0.1 * 3``, is
            fixed at its grid point, ``0.3``, and the result takes only that point).
        pins every sample: for values ``v`` that agree with the conditions (part of
            one configuration of ``s``), every sample of ``fix(s, **v)`` lies in
            ``s`` and holds ``v[name]`` for every fixed name that is active.
        outside the domain raises: a value outside its entry's domain raises
            ``InvalidValueError`` naming the entry and the value (nothing is clamped).
        removes children outside their condition: fixing a parent to a value its
            child's condition does not list removes the child and its own
            children (history says "removed"); a child that stays keeps only the
            fixed value in its condition on that parent.

    Args:
        space: the space to tailor.
        **values: name=value pairs; every name must exist, every value lie in its domain.

    Returns:
        The tailored space (``space`` itself when no value is given, or when each
        named entry is already ``Fixed`` at its value).

    Raises:
        UnknownNameError: a name that is not in the space.
        InvalidValueError: a value outside its entry's domain.
        ActivityError: a fixed name that the other fixed values make inactive
            (fixing it would remove it).

    Examples:
        >>> space = Space([Int("units", min_value=32, max_value=128, step=32), Boolean("dropout")])
        >>> fix(space, units=64)["units"]
        Fixed(name='units', value=64, conditions=())
        >>> space["units"].kind  # the input is unchanged
        'int'
    """
    check_space("fix()", "space", space)
    changes: dict[str, Hyperparameter] = {}
    for name, raw in values.items():
        hp = _entry(space, name, "fix()")
        value = hp.canonical(raw)
        if not hp.contains(value):
            raise InvalidValueError("fix()", name, value, hp.describe())
        pinned = _pinned(hp, value)
        if pinned != hp:
            changes[name] = pinned
    if not changes:
        return space
    entries = [changes.get(hp.name, hp) for hp in space.hyperparameters]
    notes = {name: f"fix(): fixed at {hp.default!r}" for name, hp in changes.items()}
    result = trimmed(space, entries, notes, changes, operation="fix()")
    for name in values:
        if name not in result:
            raise ActivityError(
                "fix()",
                name,
                "cannot be fixed: " + result.history[name][-1].removeprefix("removed: "),
            )
    return result


def override(space: Space, /, *hyperparameters: Hyperparameter) -> Space:
    """Replace declarations by name, whatever their kind, keeping their positions.

    A replacement without conditions keeps the declared ones. Adding a name is
    :func:`merge`'s job, so an unknown name raises. A replacement with a smaller
    domain trims or removes the children of the entry it replaces.

    Laws:
        does not mutate: ``s`` and the replacements are unchanged by ``override(s, *h)``.
        keeps order: every replaced entry keeps its position; only the children
            a replacement removes go missing.
        returns its input when nothing changes: overriding entries with their own
            declarations, with or without their conditions, returns ``s``.
        last wins: ``override(s, h1, h2) == override(s, h2)`` for two declarations
            of one name; in two calls ``override(override(s, h1), h2)`` holds
            ``h2``'s entry too, and equals ``override(s, h2)`` when the name has no
            children (children that ``h1`` removed do not come back).

    Raises:
        UnknownNameError: a replacement whose name is not in the space.
        InvalidSpaceError: a replacement with a condition on a name that is not
            in the space, or a result that breaks a space invariant (a condition
            value outside its parent's domain, a cycle).

    Examples:
        >>> space = Space([Choice("learning_rate", values=[1e-2, 1e-3, 1e-4])])
        >>> override(space, Float("learning_rate", min_value=1e-4, max_value=1e-2,
        ...     sampling="log"))["learning_rate"].kind
        'float'
    """
    check_space("override()", "space", space)
    for new in hyperparameters:
        check_instance("override()", "hyperparameters", new, KINDS, _A_KIND)
    changes: dict[str, Hyperparameter] = {}
    for new in hyperparameters:
        old = _entry(space, new.name, "override()")
        if not new.conditions and old.conditions:
            new = attrs.evolve(new, conditions=old.conditions)  # noqa: PLW2901
        for condition in new.conditions:
            if condition.parent not in space:
                raise missing_parent("override()", new.name, condition.parent, space.names)
        changes[new.name] = new
    changes = {name: hp for name, hp in changes.items() if hp != space[name]}
    if not changes:
        return space
    entries = [changes.get(hp.name, hp) for hp in space.hyperparameters]
    notes = {
        name: f"override(): now {type(hp).__name__}, {hp.describe()}"
        for name, hp in changes.items()
    }
    return trimmed(space, entries, notes, changes, operation="override()")


def merge(*spaces: Space, on_conflict: OnConflict = "error") -> Space:
    """The union of spaces, names in first-seen order.

    Identical declarations are no conflict; any other difference is one. With
    ``on_conflict="left"`` the first declaration wins, with ``"right"`` the last;
    a winner without conditions takes the loser's. A winning parent trims or
    removes the loser's children, as any narrowing does.

    Laws:
        does not mutate: every input space (entries and history) is unchanged.
        keeps order: the result lists names in first-seen order over the inputs.
        returns its input when nothing changes: ``merge(s)``, ``merge(s, s)`` and
            ``merge(s, p)`` for ``p`` made of entries of ``s`` are ``s``, under
            every ``on_conflict``.
        is associative: ``merge(merge(a, b), c) == merge(a, merge(b, c)) ==
            merge(a, b, c)``, order included: under ``on_conflict="error"``
            always (all three raise or none does); under ``"left"`` and
            ``"right"`` when every parent (a name some condition refers to) has
            the same declaration, conditions aside, in each of ``a``, ``b`` and
            ``c`` that has it. Otherwise all three give a space, but a nested
            merge may trim a child against an intermediate winner, and trimmed
            condition values do not come back.
        has the empty space as identity: ``merge(s, Space()) is s`` and
            ``merge(Space(), s) == s`` in ``s``'s order, under every ``on_conflict``.
        is idempotent: ``merge(s, s) is s``; and ``merge(merge(a, b), b) ==
            merge(a, b)``, order included, under every ``on_conflict`` when the
            first merge succeeds and removes no entry (an entry it removed, its
            inherited condition unable to hold, comes back from ``b``).
        is commutative on disjoint names: ``merge(a, b) == merge(b, a)`` when
            ``a`` and ``b`` share no name, under every ``on_conflict`` (as spaces;
            the order differs: ``a``'s names first, then ``b``'s).
        right agrees with override: on ``a``'s names, ``merge(a, b,
            on_conflict="right")`` has the same entries as ``override(a, *(b[n]
            for n in b if n in a))``.

    Raises:
        InvalidSpaceError: a conflict under ``on_conflict="error"``, or a result
            that breaks a space invariant.
        InvalidArgumentError: an unknown ``on_conflict``.

    Examples:
        >>> a = Space([Int("units", min_value=32, max_value=128, step=32)])
        >>> b = Space([Boolean("dropout")])
        >>> list(merge(a, b))
        ['units', 'dropout']
    """
    for space in spaces:
        check_space("merge()", "spaces", space)
    check_option("merge()", "on_conflict", on_conflict, ("error", "left", "right"))
    if not spaces:
        return Space()
    winners: dict[str, Hyperparameter] = {}
    notes: dict[str, str] = {}
    narrowed: set[str] = set()
    history: dict[str, tuple[str, ...]] = {}
    constraints: dict[str, None] = {}
    for space in spaces:
        constraints.update(dict.fromkeys(space.constraints))
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
    if (
        not notes
        and list(winners.values()) == list(first.hyperparameters)
        and set(constraints) <= set(first.constraints)
    ):
        return first
    base = Space(history=history)
    return trimmed(
        base, winners.values(), notes, narrowed, operation="merge()", constraints=constraints
    )


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


def _kept_constraints(
    space: Space, gone: set[str], on_constraints: object, operation: str, hint: str
) -> tuple[str, ...]:
    """The constraints that mention no name of ``gone``.

    One that does is an error, unless ``on_constraints`` is ``"drop"``.
    """
    check_option(operation, "constraints", on_constraints, ("error", "drop"))
    kept = []
    for constraint in space.compiled_constraints:
        lost = [name for name in constraint.names if name in gone]
        if not lost:
            kept.append(constraint.text)
        elif on_constraints == "error":
            raise InvalidSpaceError(
                operation,
                lost[0],
                f"the constraint {constraint.text!r} mentions {lost[0]!r}",
                hint.format(name=lost[0]) + ", or constraints='drop' to drop the constraint",
            )
    return tuple(kept)


def select(space: Space, /, *names: str, constraints: OnConstraints = "error") -> Space:
    """Only the named entries, in space order.

    A constraint that mentions a name left out is an error, unless
    ``constraints="drop"``, which drops such constraints.

    Laws:
        does not mutate: ``s`` is unchanged by ``select(s, *names)``, also when it raises.
        keeps order: the result keeps ``s``'s order, whatever the order of the names.
        returns its input when nothing changes: ``select(s, *names)`` of every
            name of ``s``, in any order, is ``s``.
        refuses to orphan: ``select(s, *names)`` raises ``InvalidSpaceError``
            exactly when a selected entry's parent is not selected; otherwise it
            holds exactly the named entries.
        refuses to cut constraints: ``select(s, *names)`` raises
            ``InvalidSpaceError`` when a constraint mentions a name left out; with
            ``constraints="drop"`` the result keeps exactly the constraints that
            mention only selected names.

    Raises:
        UnknownNameError: a name that is not in the space.
        InvalidSpaceError: a kept entry whose parent would be left out, or a
            constraint that mentions a name left out (under ``constraints="error"``).
        InvalidArgumentError: ``constraints`` is neither ``"error"`` nor ``"drop"``.

    Examples:
        >>> space = Space([Int("units", min_value=32, max_value=128, step=32), Boolean("dropout")])
        >>> list(select(space, "dropout"))
        ['dropout']
    """
    check_space("select()", "space", space)
    check_names("select()", "names", names)
    for name in names:
        _entry(space, name, "select()")
    kept = [hp for hp in space.hyperparameters if hp.name in names]
    gone = set(space) - set(names)
    texts = _kept_constraints(space, gone, constraints, "select()", "select {name!r} too")
    if len(kept) == len(space):
        return space
    _orphans(kept, gone, "select()", "select {parent!r} too, or drop {child!r}")
    history = {name: events for name, events in space.history.items() if name in names}
    return Space(kept, history=history, constraints=texts)


def drop(space: Space, /, *names: str, constraints: OnConstraints = "error") -> Space:
    """Every entry but the named ones, in space order.

    Dropping a name that a constraint mentions is an error, unless
    ``constraints="drop"``, which drops such constraints too.

    Laws:
        does not mutate: ``s`` is unchanged by ``drop(s, *names)``, also when it raises.
        keeps order: the result keeps ``s``'s order.
        returns its input when nothing changes: ``drop(s)`` is ``s``.
        refuses to orphan: ``drop(s, *names)`` raises ``InvalidSpaceError``
            exactly when a remaining entry's parent is dropped; otherwise it holds
            every other entry.
        refuses to cut constraints: ``drop(s, *names)`` raises
            ``InvalidSpaceError`` when a constraint mentions a dropped name; with
            ``constraints="drop"`` the result keeps exactly the constraints that
            mention no dropped name.

    Raises:
        UnknownNameError: a name that is not in the space.
        InvalidSpaceError: a remaining entry whose parent would be dropped, or a
            constraint that mentions a dropped name (under ``constraints="error"``).
        InvalidArgumentError: ``constraints`` is neither ``"error"`` nor ``"drop"``.

    Examples:
        >>> space = Space([Int("units", min_value=32, max_value=128, step=32), Boolean("dropout")])
        >>> list(drop(space, "dropout"))
        ['units']
    """
    check_space("drop()", "space", space)
    check_names("drop()", "names", names)
    for name in names:
        _entry(space, name, "drop()")
    texts = _kept_constraints(space, set(names), constraints, "drop()", "keep {name!r}")
    if not names:
        return space
    kept = [hp for hp in space.hyperparameters if hp.name not in names]
    _orphans(kept, set(names), "drop()", "drop {child!r} too, or keep {parent!r}")
    history = {name: events for name, events in space.history.items() if name not in names}
    return Space(kept, history=history, constraints=texts)
