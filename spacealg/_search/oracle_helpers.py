"""What oracles share: the tried set, per-trial randomness, exhaustion, random fallback.

An oracle's proposal is a pure function of the trial space, the history, the
search's seed and the trial index, so a resumed search proposes what an
uninterrupted one would.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

import numpy as np

from spacealg._search.oracle import Observation
from spacealg._space.constraints import first_violated
from spacealg._space.counting import uniform_configuration
from spacealg._space.sampling import cardinality, contains, grid, sample
from spacealg._space.space import Space, check_space
from spacealg._space.validation import check_instance, check_int, check_items
from spacealg._space.values import Values

_LISTED = 100_000
"""The most configurations the fallback of :func:`random_untried` lists to pick from."""
_TRIED = "a collection of Values, such as a set"
_HISTORY = "a sequence of Observation"


def _check_tried(operation: str, tried: object) -> None:
    check_items(operation, "tried", tried, _TRIED)
    check_instance(operation, "tried", tried, Collection, _TRIED)


def trial_rng(seed: int, index: int) -> np.random.Generator:
    """The random stream of trial ``index`` under ``seed``: the same pair, the same stream."""
    check_int("trial_rng()", "seed", seed, minimum=0)
    check_int("trial_rng()", "index", index, minimum=0)
    return np.random.default_rng([seed, index])


def _check_each(
    operation: str, argument: str, items: Collection[object], kind: type, allowed: str
) -> None:
    # Oracles call this on every proposal, over every trial: the common case (items of
    # exactly ``kind``) is decided by map and set, in C; a subclass takes the slow path.
    if set(map(type, items)) <= {kind}:
        return
    for item in items:
        check_instance(operation, argument, item, kind, allowed)


def _check_history(operation: str, history: object) -> None:
    check_items(operation, "history", history, _HISTORY)
    assert isinstance(history, Iterable)
    _check_each(operation, "history", list(history), Observation, _HISTORY)


def tried_set(tried: Iterable[Values], history: Sequence[Observation]) -> set[Values]:
    """Every configuration tried: those in ``tried`` and those in ``history``.

    Raises:
        ArgumentTypeError: ``tried`` holds something else than ``Values``, or
            ``history`` something else than ``Observation`` records.
    """
    check_items("tried_set()", "tried", tried, _TRIED)
    given = tried if isinstance(tried, Collection) else list(tried)
    _check_each("tried_set()", "tried", given, Values, _TRIED)
    _check_history("tried_set()", history)
    return set(given).union(observation.values for observation in history)


def tried_in(space: Space, tried: Collection[Values]) -> int:
    """How many tried configurations belong to ``space``.

    A resumed search may run over a changed space: what was tried in the old one
    does not exhaust the new one.
    """
    return sum(1 for values in tried if contains(space, values))


def exhausted(space: Space, tried: Collection[Values]) -> bool:
    """Whether every configuration of a finite ``space`` is in ``tried``.

    A configuration counts as tried when it equals one in ``tried``: a value
    that the space merely accepts, such as a grid point of a wider range a few
    ulps away, does not stand in for it.
    """
    check_space("exhausted()", "space", space)
    _check_tried("exhausted()", tried)
    size = cardinality(space)
    if size is None or len(tried) < size or tried_in(space, tried) < size:
        return False
    return all(values in tried for values in grid(space))


def random_untried(
    space: Space, tried: Collection[Values], rng: np.random.Generator, max_collisions: int
) -> Values | None:
    """A random configuration not in ``tried``, or None when the space is exhausted.

    After ``max_collisions`` draws that were all tried already, a finite space
    picks at random among the configurations left, and a space with continuous
    entries counts as exhausted: only one whose continuous entries are all
    inactive or span a handful of floats (``min_value == max_value``) does that.
    A finite space of more than ``_LISTED`` configurations (a rare branch under a
    wide parent, say) is not listed: configurations drawn each with the same
    chance are tried until one is new (and allowed by the constraints).
    """
    check_space("random_untried()", "space", space)
    _check_tried("random_untried()", tried)
    check_instance("random_untried()", "rng", rng, np.random.Generator, "a numpy.random.Generator")
    check_int("random_untried()", "max_collisions", max_collisions, minimum=0)
    size = cardinality(space)
    if exhausted(space, tried):
        return None
    for _ in range(max_collisions):
        values = sample(space, rng)
        if values not in tried:
            return values
    if size is None:
        return None
    if size > _LISTED:  # too many to list: draw configurations uniformly until one is new
        while True:  # exhausted() said one is left; most are, as few of so many were tried
            values = uniform_configuration(space, rng)
            if values not in tried and (not space.constraints or contains(space, values)):
                return values
    left = [values for values in grid(space) if values not in tried]
    return left[int(rng.integers(len(left)))] if left else None


def allowed(space: Space, values: Values) -> bool:
    """Whether the constraints of ``space`` allow ``values`` (a configuration of it).

    Model-based oracles decode candidates from their own encoding, which knows
    nothing of constraints: each candidate passes here before it is proposed.
    """
    if not space.constraints:
        return True
    return first_violated(space.compiled_constraints, space, values) is None


def in_space(space: Space, history: Sequence[Observation]) -> list[Observation]:
    """The observations whose values are configurations of ``space`` (a space may change)."""
    check_space("in_space()", "space", space)
    _check_history("in_space()", history)
    return [observation for observation in history if contains(space, observation.values)]
