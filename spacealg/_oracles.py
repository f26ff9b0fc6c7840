"""Oracles: pure proposals of the next trial's values.

An oracle sees the trial space, the values already tried (by any process, in
any state) and randomness derived only from ``(seed, trial index)``, and
returns the next values or ``None`` when the space is exhausted. So a search
resumed after a crash proposes exactly what an uninterrupted one would.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, ClassVar, Protocol

import attrs
import numpy as np

from ._hyperband import HyperbandOracle
from ._sampling import cardinality, contains, grid, sample
from ._space import Space
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
        """The next values to try (with trial metadata), or None when the space is exhausted."""
        ...  # pragma: no cover - a protocol


def uses_history(oracle: Oracle) -> bool:
    """Whether the search loop passes ``history=`` to ``oracle``."""
    return getattr(oracle, "uses_history", False) is True


def trial_rng(seed: int, index: int) -> np.random.Generator:
    """The random stream of trial ``index`` under ``seed``: the same pair, the same stream."""
    return np.random.default_rng([seed, index])


def _tried_in(space: Space, tried: set[Values]) -> int:
    """How many tried configurations belong to ``space``.

    A resumed search may run over a changed space: what was tried in the old one
    does not exhaust the new one.
    """
    return sum(1 for values in tried if contains(space, values))


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
        self, space: Space, tried: Collection[Values], *, seed: int, index: int
    ) -> Values | None:
        """A random configuration not in ``tried``, or None when none is left."""
        tried_set = set(tried)
        size = cardinality(space)
        if size is not None and len(tried_set) >= size and _tried_in(space, tried_set) >= size:
            return None
        rng = trial_rng(seed, index)
        for _ in range(self.max_collisions):
            values = sample(space, rng)
            if values not in tried_set or size is None:
                return values
        left = [values for values in grid(space) if values not in tried_set]
        return left[int(rng.integers(len(left)))] if left else None


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
        self, space: Space, tried: Collection[Values], *, seed: int, index: int
    ) -> Values | None:
        """The first configuration in grid order not in ``tried``, or None."""
        tried_set = set(tried)
        return next((values for values in grid(space) if values not in tried_set), None)


ORACLES: dict[str, type[RandomSearchOracle] | type[GridSearchOracle] | type[HyperbandOracle]] = {
    "random": RandomSearchOracle,
    "grid": GridSearchOracle,
    "hyperband": HyperbandOracle,
}


def as_oracle(oracle: str | Oracle, operation: str) -> Oracle:
    """An oracle from its name (``"random"``, ``"grid"``) or the oracle value itself."""
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
