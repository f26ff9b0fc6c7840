"""Random search: values drawn at random, never a configuration already tried."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any, ClassVar

import attrs

from spacealg._search.oracle import Observation
from spacealg._search.oracle_helpers import exhausted, known_tried, random_untried, trial_rng
from spacealg._space.space import Space
from spacealg._space.validation import int_at_least
from spacealg._space.values import Values


@attrs.frozen
class RandomSearchOracle:
    """Values drawn at random, never a configuration already tried.

    After ``max_collisions`` draws that were all tried already, a finite space
    picks at random among the configurations left; it is exhausted when every
    configuration has been tried.

    Examples:
        >>> space = Space([Boolean("dropout")])
        >>> oracle = RandomSearchOracle()
        >>> first = oracle.propose(space, [], seed=0, index=0)
        >>> second = oracle.propose(space, [first], seed=0, index=1)
        >>> sorted([first["dropout"], second["dropout"]]), oracle.propose(
        ...     space, [first, second], seed=0, index=2)
        ([False, True], None)
    """

    name: ClassVar[str] = "random"
    uses_history: ClassVar[bool] = False
    finite_schedule: ClassVar[bool] = False
    budgeted: ClassVar[bool] = False
    needs_finite_space: ClassVar[bool] = False
    max_collisions: int = attrs.field(default=20, validator=int_at_least(1), kw_only=True)

    def settings(self) -> dict[str, Any]:
        """``{"max_collisions": ...}``."""
        return {"max_collisions": self.max_collisions}

    def propose(
        self,
        space: Space,
        tried: Collection[Values],
        *,
        seed: int,
        index: int,
        history: Sequence[Observation] = (),
    ) -> Values | None:
        """A random configuration not in ``tried`` nor ``history``, or None when none is left."""
        everything = known_tried("RandomSearchOracle.propose()", tried, history)
        if exhausted(space, everything):
            return None
        return random_untried(space, everything, trial_rng(seed, index), self.max_collisions)
