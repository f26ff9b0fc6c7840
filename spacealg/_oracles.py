"""Oracles: pure proposals of the next trial's values.

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

from collections.abc import Collection, Sequence
from typing import Any, ClassVar, Protocol

import attrs

from ._bayes import BayesianOptimizationOracle
from ._hyperband import HyperbandOracle
from ._proposals import Observation, exhausted, random_untried, trial_rng, tried_set
from ._sampling import grid
from ._space import Space
from ._tpe import TPEOracle
from ._trials import Proposal
from ._values import Values
from .errors import ArgumentTypeError, InvalidArgumentError


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


def _positive(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise InvalidArgumentError(
            f"{type(instance).__name__}()", "", attribute.name, value, "a positive int"
        )


@attrs.frozen
class RandomSearchOracle:
    """Values drawn at random, never a configuration already tried.

    After ``max_collisions`` draws that were all tried already, a finite space
    picks at random among the configurations left; it is exhausted when every
    configuration has been tried.

    Example:
        >>> space = Space([Boolean("dropout")])
        >>> oracle = RandomSearchOracle()
        >>> first = oracle.propose(space, [], seed=0, index=0)
        >>> second = oracle.propose(space, [first], seed=0, index=1)
        >>> sorted([first["dropout"], second["dropout"]]), oracle.propose(
        ...     space, [first, second], seed=0, index=2)
        ([False, True], None)
    """

    name: ClassVar[str] = "random"
    max_collisions: int = attrs.field(default=20, validator=_positive, kw_only=True)

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
        everything = tried_set(tried, history)
        if exhausted(space, everything):
            return None
        return random_untried(space, everything, trial_rng(seed, index), self.max_collisions)


@attrs.frozen
class GridSearchOracle:
    """Every configuration once, in :func:`spacealg.grid` order (KerasTuner's grid search).

    Example:
        >>> space = Space([Choice("x", values=[1, 2, 3], default=2)])
        >>> GridSearchOracle().propose(space, [Values({"x": 2})], seed=0, index=1)
        Values({'x': 1})
    """

    name: ClassVar[str] = "grid"

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
        everything = tried_set(tried, history)
        return next((values for values in grid(space) if values not in everything), None)


ORACLES: dict[
    str,
    type[RandomSearchOracle]
    | type[GridSearchOracle]
    | type[TPEOracle]
    | type[BayesianOptimizationOracle]
    | type[HyperbandOracle],
] = {
    "random": RandomSearchOracle,
    "grid": GridSearchOracle,
    "tpe": TPEOracle,
    "bayesian": BayesianOptimizationOracle,
    "hyperband": HyperbandOracle,
}


def as_oracle(oracle: str | Oracle, operation: str) -> Oracle:
    """An oracle from its name (a key of ``ORACLES``) or the oracle value itself."""
    if isinstance(oracle, str):
        if oracle not in ORACLES:
            raise InvalidArgumentError(
                operation, "", "oracle", oracle, "one of " + ", ".join(map(repr, ORACLES))
            )
        return ORACLES[oracle]()
    if callable(getattr(oracle, "propose", None)):
        return oracle
    raise ArgumentTypeError(
        operation, "", "oracle", oracle, "an oracle name or a value with a propose() method"
    )
