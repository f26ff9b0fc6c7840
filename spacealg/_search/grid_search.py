"""Grid search: every configuration once, in grid order."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any, ClassVar

import attrs

from spacealg._search.oracle import Observation
from spacealg._search.oracle_helpers import known_tried
from spacealg._space.sampling import grid
from spacealg._space.space import Space
from spacealg._space.values import Values


@attrs.frozen
class GridSearchOracle:
    """Every configuration once, in :func:`spacealg.grid` order (KerasTuner's grid search).

    It enumerates the space (``needs_finite_space``): a search refuses a space
    with continuous entries before it starts.

    Examples:
        >>> space = Space([Choice("x", values=[1, 2, 3], default=2)])
        >>> GridSearchOracle().propose(space, [Values({"x": 2})], seed=0, index=1)
        Values({'x': 1})
    """

    name: ClassVar[str] = "grid"
    uses_history: ClassVar[bool] = False
    finite_schedule: ClassVar[bool] = False
    budgeted: ClassVar[bool] = False
    needs_finite_space: ClassVar[bool] = True

    def settings(self) -> dict[str, Any]:
        """No settings: ``{}``."""
        return {}

    def propose(
        self,
        space: Space,
        tried: Collection[Values],
        *,
        seed: int,
        index: int,
        history: Sequence[Observation] = (),
    ) -> Values | None:
        """The first configuration in grid order not in ``tried`` (nor in ``history``), or None."""
        everything = known_tried("GridSearchOracle.propose()", tried, history)
        return next((values for values in grid(space) if values not in everything), None)
