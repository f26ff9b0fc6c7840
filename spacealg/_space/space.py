"""``Space``: an immutable mapping of names to hyperparameters, checked as a whole."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any, Literal

import attrs

from spacealg._space.conditions import Condition
from spacealg._space.constraints import Compiled, compile_constraints
from spacealg._space.kinds import KINDS, Hyperparameter
from spacealg._space.scalars import Scalar, typed
from spacealg._space.validation import check_instance, iterates
from spacealg.errors import ArgumentTypeError, InvalidSpaceError, UnknownNameError, quoted

OnConflict = Literal["error", "left", "right"]

_KIND_WORDS = "Int, Float, Choice, Boolean or Fixed values"


def _dependency_order(entries: tuple[Hyperparameter, ...]) -> tuple[Hyperparameter, ...]:
    """Parents before children, otherwise in the given order (a stable topological sort)."""
    position = {hp.name: i for i, hp in enumerate(entries)}
    waiting = {hp.name: {c.parent for c in hp.conditions} for hp in entries}
    children: dict[str, list[str]] = {hp.name: [] for hp in entries}
    for name, parents in waiting.items():
        for parent in parents:
            children[parent].append(name)
    ready = [position[name] for name, parents in waiting.items() if not parents]
    heapq.heapify(ready)
    order: list[Hyperparameter] = []
    while ready:
        hp = entries[heapq.heappop(ready)]
        order.append(hp)
        for child in children[hp.name]:
            waiting[child].discard(hp.name)
            if not waiting[child]:
                heapq.heappush(ready, position[child])
    if len(order) < len(entries):
        raise _cycle_error({name for name, parents in waiting.items() if parents}, entries)
    return tuple(order)


def _snapped(hp: Hyperparameter, index: Mapping[str, Hyperparameter]) -> Hyperparameter:
    """``hp`` with its condition values as their parents hold them (``0.1 * 3`` as ``0.3``)."""
    conditions = []
    for condition in hp.conditions:
        parent = index[condition.parent]
        values = [parent.canonical(value) for value in condition.values]
        same = typed(tuple(values)) == typed(condition.values)
        conditions.append(condition if same else Condition(condition.parent, values))
    if all(a is b for a, b in zip(conditions, hp.conditions, strict=True)):
        return hp
    evolved: Hyperparameter = attrs.evolve(hp, conditions=tuple(conditions))
    return evolved


def _cycle_error(stuck: set[str], entries: tuple[Hyperparameter, ...]) -> InvalidSpaceError:
    parents = {hp.name: [c.parent for c in hp.conditions] for hp in entries}
    start = next(hp.name for hp in entries if hp.name in stuck)
    path = [start]
    while True:
        following = next(parent for parent in parents[path[-1]] if parent in stuck)
        if following in path:
            cycle = [*path[path.index(following) :], following]
            return InvalidSpaceError(
                "Space()",
                following,
                "conditions form a cycle: " + " -> ".join(repr(name) for name in cycle),
                "parents that do not depend on their children",
            )
        path.append(following)


SPACE_WORDS = "a Space, such as Space([Int(...), Boolean(...)])"
"""What a ``space`` argument allows, in words."""


def check_space(operation: str, argument: str, value: object) -> None:
    """Check that ``value`` is a :class:`Space` (a list of entries is a common slip).

    Every public function that takes a space calls this first.

    Raises:
        ArgumentTypeError: ``value`` is not a Space.
    """
    check_instance(operation, argument, value, Space, SPACE_WORDS)


def missing_parent(
    operation: str, name: str, parent: str, names: Iterable[str]
) -> InvalidSpaceError:
    """The error for ``name``'s condition on ``parent``, which is not among ``names``."""
    others = [other for other in names if other != name]
    return InvalidSpaceError(
        operation,
        name,
        f"{name!r} has a condition on {parent!r}, which is not in the space",
        f"parents among {quoted(others)}"
        if others
        else "a parent in the space (it has no other entry)",
    )


@attrs.frozen(init=False, eq=False, repr=False)
class Space(Mapping[str, Hyperparameter]):
    """An immutable mapping from names to hyperparameters, in declaration order.

    Iteration yields names in order, and :func:`summary` prints in that order;
    equality ignores order, as for a ``dict``, and so does hashing. The constructor checks
    every whole-space invariant at once: names are unique, each condition's
    parent is in the space, condition values lie in the parent's domain, and
    conditions form no cycle.

    Args:
        hyperparameters: the entries, in order (``Space()`` is empty).
        history: for each name, the operations that shaped its entry, oldest first
            (the tailoring operators fill it in; it is not part of equality).
        constraints: expressions that every configuration must satisfy (see
            :func:`spacealg.constrain`); kept as canonical text, with the value of
            each unconditional ``Fixed`` entry substituted. Their order is kept for
            printing but is not part of equality.

    Raises:
        InvalidSpaceError: an invariant does not hold.
        ArgumentTypeError: an entry is not a hyperparameter, or a constraint not a str.
        ExpressionError: a constraint outside the expression language, or naming
            an entry that is not in the space.
        ConstraintError: a constraint that the ``Fixed`` entries make false.

    Examples:
        >>> space = Space([Int("units", min_value=32, max_value=128, step=32), Boolean("dropout")])
        >>> list(space), len(space), "units" in space
        (['units', 'dropout'], 2, True)
        >>> space["dropout"]
        Boolean(name='dropout', default=False, conditions=())
    """

    hyperparameters: tuple[Hyperparameter, ...]
    history: Mapping[str, tuple[str, ...]]
    constraints: tuple[str, ...]
    _index: dict[str, Hyperparameter] = attrs.field(init=False)
    _order: tuple[Hyperparameter, ...] = attrs.field(init=False)
    _compiled: tuple[Compiled, ...] = attrs.field(init=False)

    def __init__(
        self,
        hyperparameters: Iterable[Hyperparameter] = (),
        *,
        history: Mapping[str, tuple[str, ...]] | None = None,
        constraints: Iterable[str] = (),
    ) -> None:
        if isinstance(hyperparameters, str | Mapping) or not iterates(hyperparameters):
            raise ArgumentTypeError(
                "Space()", "", "hyperparameters", hyperparameters, f"a list of {_KIND_WORDS}"
            )
        check_instance(
            "Space()",
            "history",
            history,
            (Mapping, type(None)),
            "None or a mapping of names to notes",
        )
        if isinstance(constraints, str) or not iterates(constraints):
            raise ArgumentTypeError(
                "Space()", "", "constraints", constraints, "a list of expressions (str)"
            )
        self.__attrs_init__(
            tuple(hyperparameters), MappingProxyType(dict(history or {})), tuple(constraints)
        )

    def __attrs_post_init__(self) -> None:
        index: dict[str, Hyperparameter] = {}
        for hp in self.hyperparameters:
            if not isinstance(hp, KINDS):
                raise ArgumentTypeError(
                    "Space()", str(getattr(hp, "name", "")), "hyperparameters", hp, _KIND_WORDS
                )
            if hp.name in index:
                raise InvalidSpaceError(
                    "Space()",
                    hp.name,
                    f"{hp.name!r} is declared twice",
                    "each name once (use distinct names or a name_scope)",
                )
            index[hp.name] = hp
        for hp in self.hyperparameters:
            for condition in hp.conditions:
                parent = index.get(condition.parent)
                if parent is None:
                    raise missing_parent("Space()", hp.name, condition.parent, index)
                for value in condition.values:
                    if not parent.contains(value):
                        raise InvalidSpaceError(
                            "Space()",
                            hp.name,
                            f"the condition of {hp.name!r} lists {value!r} "
                            f"for {condition.parent!r}",
                            f"values of {condition.parent!r}: {parent.describe()}",
                        )
        snapped = tuple(_snapped(hp, index) for hp in self.hyperparameters)
        if any(new is not old for new, old in zip(snapped, self.hyperparameters, strict=True)):
            object.__setattr__(self, "hyperparameters", snapped)
            index = {hp.name: hp for hp in snapped}
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_order", _dependency_order(self.hyperparameters))
        compiled = (
            compile_constraints(self.constraints, index, "Space()") if self.constraints else ()
        )
        object.__setattr__(self, "_compiled", compiled)
        object.__setattr__(self, "constraints", tuple(c.text for c in compiled))

    def __getitem__(self, name: str) -> Hyperparameter:
        try:
            return self._index[name]
        except KeyError:
            raise UnknownNameError("Space[]", name, tuple(self._index)) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self.hyperparameters)

    def __contains__(self, name: object) -> bool:
        return name in self._index

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Space):
            return NotImplemented
        return self._index == other._index and (
            self.constraints == other.constraints
            or frozenset(self.constraints) == frozenset(other.constraints)
        )

    def __hash__(self) -> int:
        if not self.constraints:
            return hash(frozenset(self.hyperparameters))
        return hash((frozenset(self.hyperparameters), frozenset(self.constraints)))

    def __repr__(self) -> str:
        if not self.constraints:
            return f"Space({list(self.hyperparameters)!r})"
        return f"Space({list(self.hyperparameters)!r}, constraints={list(self.constraints)!r})"

    def __getstate__(self) -> dict[str, Any]:
        return {
            "hyperparameters": self.hyperparameters,
            "history": dict(self.history),
            "constraints": self.constraints,
        }

    def __setstate__(self, state: Mapping[str, Any]) -> None:
        self.__init__(  # type: ignore[misc]
            state["hyperparameters"],
            history=state.get("history"),
            constraints=state.get("constraints", ()),
        )

    @property
    def compiled_constraints(self) -> tuple[Compiled, ...]:
        """The constraints, parsed and checked (what samplers and checks evaluate)."""
        return self._compiled

    @property
    def names(self) -> tuple[str, ...]:
        """The names, in order."""
        return tuple(self._index)

    def fix(self, **values: Scalar) -> Space:
        """Sugar for :func:`spacealg.fix`: ``space.fix(units=64)``."""
        from spacealg._algebra.operators import fix

        return fix(self, **values)

    def restrict(
        self,
        name: str,
        *,
        min_value: Scalar | None = None,
        max_value: Scalar | None = None,
        values: Iterable[Scalar] | None = None,
    ) -> Space:
        """Sugar for :func:`spacealg.restrict`."""
        from spacealg._algebra.restrict import restrict

        return restrict(self, name, min_value=min_value, max_value=max_value, values=values)

    def override(self, *hyperparameters: Hyperparameter) -> Space:
        """Sugar for :func:`spacealg.override`."""
        from spacealg._algebra.operators import override

        return override(self, *hyperparameters)

    def merge(self, *others: Space, on_conflict: OnConflict = "error") -> Space:
        """Sugar for :func:`spacealg.merge`: ``a.merge(b)`` is ``merge(a, b)``."""
        from spacealg._algebra.operators import merge

        return merge(self, *others, on_conflict=on_conflict)

    def select(self, *names: str, constraints: Literal["error", "drop"] = "error") -> Space:
        """Sugar for :func:`spacealg.select`."""
        from spacealg._algebra.operators import select

        return select(self, *names, constraints=constraints)

    def drop(self, *names: str, constraints: Literal["error", "drop"] = "error") -> Space:
        """Sugar for :func:`spacealg.drop`."""
        from spacealg._algebra.operators import drop

        return drop(self, *names, constraints=constraints)

    def constrain(self, *expressions: str) -> Space:
        """Sugar for :func:`spacealg.constrain`: ``space.constrain("units * layers <= 4096")``."""
        from spacealg._algebra.constrain import constrain

        return constrain(self, *expressions)

    def dependency_order(self) -> tuple[Hyperparameter, ...]:
        """The entries with every parent before its children, otherwise in space order.

        Samplers and :func:`grid` walk this order, so a parent's value is known
        before its children's conditions are checked. When parents are declared
        before their children, as a build function does, it is the space order.
        """
        return self._order
