"""The oracle contract: what the search loop asks of an oracle, and what an oracle sees.

An oracle sees the trial space, the values already tried (by any process, in
any state) and randomness derived only from ``(seed, trial index)``, and
returns the next values or ``None`` when the space is exhausted. So a search
resumed after a crash proposes exactly what an uninterrupted one would.

An oracle that learns from scores sets ``uses_history = True``: the search loop
then also passes ``history=``, one :class:`Observation` per trial in trial
order (its tuned values, its state, its score oriented so that lower is
better). Oracles without the flag are called as before.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any, ClassVar, Protocol

import attrs

from spacealg._search.trials import Proposal, TrialState, trial_meta
from spacealg._space.frozen_mapping import FrozenMapping
from spacealg._space.space import Space
from spacealg._space.values import Values


@attrs.frozen
class Observation:
    """One trial as an oracle sees it.

    Attributes:
        values: the trial's tuned values.
        state: RUNNING, COMPLETED, FAILED or INVALID.
        score: the objective's score oriented so that lower is better (a maximised
            objective's score negated); None unless the trial completed.
        meta: the trial's metadata from its proposal (Hyperband's budget), else empty.

    Example:
        >>> Observation(Values({"x": 1}), TrialState.COMPLETED, -0.9).completed
        True
    """

    values: Values
    state: TrialState
    score: float | None = None
    meta: Mapping[str, int] = attrs.field(factory=FrozenMapping, converter=trial_meta, kw_only=True)

    @property
    def completed(self) -> bool:
        """Whether the trial completed with a score."""
        return self.state is TrialState.COMPLETED and self.score is not None


class Oracle(Protocol):
    """What the search loop asks of an oracle."""

    name: ClassVar[str]

    def settings(self) -> dict[str, Any]:
        """The oracle's settings as JSON types, recorded with the study."""
        ...  # pragma: no cover - a protocol

    def propose(
        self, space: Space, tried: Collection[Values], *, seed: int, index: int
    ) -> Values | Proposal | None:
        """The next values to try, or None when the space is exhausted."""
        ...  # pragma: no cover - a protocol


class HistoryOracle(Oracle, Protocol):
    """An oracle that learns from the trials' scores (``uses_history = True``)."""

    uses_history: ClassVar[bool]

    def propose(
        self,
        space: Space,
        tried: Collection[Values],
        *,
        seed: int,
        index: int,
        history: Sequence[Observation] = (),
    ) -> Values | Proposal | None:
        """The next values to try given the history, or None when the space is exhausted."""
        ...  # pragma: no cover - a protocol


def uses_history(oracle: Oracle) -> bool:
    """Whether the search loop passes ``history=`` to ``oracle``."""
    return getattr(oracle, "uses_history", False) is True
