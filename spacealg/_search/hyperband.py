"""Hyperband: successive halving over a training budget, in brackets (Li et al., 2018).

A bracket starts many configurations on a small budget (epochs), keeps the best
``1/factor`` of them for a budget ``factor`` times larger, and so on up to
``max_epochs``; the brackets trade many cheap starts against few long ones.
Each proposal carries its place in that schedule as trial metadata
(``tuner/epochs``, ``tuner/initial_epoch``, ``tuner/bracket``, ``tuner/round``,
``tuner/iteration`` and, for a promoted configuration, ``tuner/trial_id``, the
trial whose training it continues): recorded with the trial, not in the space.

The oracle is a pure function of the space, the trial history (each trial's
values, state, score and metadata), the seed and the trial index, like every
oracle, so a resumed search proposes what an uninterrupted one would.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from typing import Any, ClassVar, Protocol

import attrs

from spacealg._search.oracle_helpers import random_untried, trial_rng
from spacealg._search.trials import Proposal, TrialState
from spacealg._space.space import Space
from spacealg._space.validation import int_at_least
from spacealg._space.values import Values

EPOCHS = "tuner/epochs"
INITIAL_EPOCH = "tuner/initial_epoch"
BRACKET = "tuner/bracket"
ROUND = "tuner/round"
ITERATION = "tuner/iteration"
CONTINUES = "tuner/trial_id"


class Observed(Protocol):
    """What Hyperband reads of a trial (a :class:`~spacealg.Observation`)."""

    @property
    def values(self) -> Values: ...  # pragma: no cover - a protocol

    @property
    def state(self) -> TrialState: ...  # pragma: no cover

    @property
    def score(self) -> float | None: ...  # pragma: no cover

    @property
    def meta(self) -> Mapping[str, int]: ...  # pragma: no cover


@attrs.frozen
class Rung:
    """One round of one bracket: how many trials, and their budget.

    Attributes:
        iteration: which pass over all brackets (``hyperband_iterations``).
        bracket: the bracket, from the most starts (highest) down to 0.
        round: the round within the bracket, 0 first.
        size: how many trials the round runs.
        epochs: the budget each trial trains up to.
        initial_epoch: where a promoted trial resumes (0 in round 0).
    """

    iteration: int
    bracket: int
    round: int
    size: int
    epochs: int
    initial_epoch: int

    @property
    def key(self) -> tuple[int, int, int]:
        """``(iteration, bracket, round)``."""
        return self.iteration, self.bracket, self.round

    def meta(self) -> dict[str, int]:
        """The trial metadata of a trial in this rung."""
        return {
            EPOCHS: self.epochs,
            INITIAL_EPOCH: self.initial_epoch,
            BRACKET: self.bracket,
            ROUND: self.round,
            ITERATION: self.iteration,
        }


def _key(meta: Mapping[str, int]) -> tuple[int, int, int] | None:
    if BRACKET not in meta or ROUND not in meta:
        return None
    return meta.get(ITERATION, 0), meta[BRACKET], meta[ROUND]


def top_bracket(max_epochs: int, factor: int) -> int:
    """The highest bracket: the largest ``s`` with ``factor ** s <= max_epochs``."""
    bracket = 0
    while factor ** (bracket + 1) <= max_epochs:
        bracket += 1
    return bracket


def epochs_of(max_epochs: int, factor: int, bracket: int, round_: int) -> int:
    """The budget of round ``round_`` of ``bracket``: ``max_epochs / factor**(bracket - round)``.

    Rounded up, at least 1, and exactly ``max_epochs`` in a bracket's last round.
    """
    divisor: int = factor ** (bracket - round_)
    return max(1, math.ceil(max_epochs / divisor))


def size_of(max_epochs: int, factor: int, bracket: int, round_: int) -> int:
    """How many trials round ``round_`` of ``bracket`` runs, as KerasTuner 1.4 counts them.

    ``ceil(c / (bracket + 1) * factor**(bracket - round))`` with
    ``c = ceil(1 + log(max_epochs, factor))``, the logarithm in floating point as
    KerasTuner computes it, so that a search runs KerasTuner's number of trials for
    the same arguments (``max_epochs=2, factor=3`` runs 2 trials).

    Examples:
        >>> size_of(2, 3, 0, 0), size_of(9, 3, 1, 0), size_of(9, 3, 1, 1)
        (2, 5, 2)
    """
    ends = math.ceil(1 + math.log(max_epochs, factor))
    scale: int = factor ** (bracket - round_)  # round_ <= bracket: an int
    return math.ceil(ends / (bracket + 1) * scale)


def schedule(max_epochs: int, factor: int, iterations: int) -> tuple[Rung, ...]:
    """Every rung of a Hyperband run, in the order they are filled.

    Brackets run from the highest down to 0, ``iterations`` times, as in
    KerasTuner; each round's size is :func:`size_of` (so every bracket spends about
    the same budget) and its budget :func:`epochs_of`.

    Examples:
        >>> [(r.bracket, r.round, r.size, r.epochs) for r in schedule(9, 3, 1)]
        [(2, 0, 9, 1), (2, 1, 3, 3), (2, 2, 1, 9), (1, 0, 5, 3), (1, 1, 2, 9), (0, 0, 3, 9)]
    """
    highest = top_bracket(max_epochs, factor)
    rungs = []
    for iteration in range(iterations):
        for bracket in range(highest, -1, -1):
            for round_ in range(bracket + 1):
                epochs = epochs_of(max_epochs, factor, bracket, round_)
                previous = epochs_of(max_epochs, factor, bracket, round_ - 1) if round_ else 0
                rungs.append(
                    Rung(
                        iteration,
                        bracket,
                        round_,
                        size=size_of(max_epochs, factor, bracket, round_),
                        epochs=epochs,
                        initial_epoch=previous,
                    )
                )
    return tuple(rungs)


def _ranked(members: Sequence[tuple[int, Observed]]) -> list[tuple[int, Observed]]:
    """The completed members, best first (lower score is better; ties by trial id)."""
    done = [
        (trial_id, o)
        for trial_id, o in members
        if o.state is TrialState.COMPLETED and o.score is not None
    ]
    return sorted(done, key=lambda pair: (pair[1].score, pair[0]))


@attrs.frozen
class HyperbandOracle:
    """Hyperband with KerasTuner's arguments; ``asynchronous=True`` for parallel workers.

    Synchronous (the default): the brackets of :func:`schedule`, each round
    promoting the best ``1/factor`` of the round before once all of it has ended;
    the search ends after ``hyperband_iterations`` passes, so ``max_trials`` may
    be None. A round waiting on trials still running elsewhere is passed over for
    the next bracket.

    Asynchronous (successive halving without waiting, Li et al., 2020): one
    bracket from ``max_epochs / factor**s_max`` epochs up; each proposal promotes
    a configuration in the best ``1/factor`` of the completed trials of a rung
    that has not gone up yet (the highest rung first), else starts a new one.
    It runs until ``max_trials`` (or until a finite space has no new
    configuration and nothing to promote).

    New configurations are drawn at random, never one started or tried before.

    Args:
        max_epochs: the largest budget a trial trains to.
        factor: how much larger each round's budget is, and how many fewer trials.
        hyperband_iterations: passes over all brackets (synchronous only).
        asynchronous: successive halving without waiting for a round to end.
        max_collisions: random draws before a finite space picks among those left.

    Examples:
        >>> oracle = HyperbandOracle(max_epochs=9, factor=3)
        >>> space = Space([Int("units", min_value=8, max_value=64, step=8)])
        >>> first = oracle.propose(space, [], seed=0, index=0)
        >>> first.meta["tuner/epochs"], first.meta["tuner/bracket"]
        (1, 2)
    """

    name: ClassVar[str] = "hyperband"
    uses_history: ClassVar[bool] = True
    budgeted: ClassVar[bool] = True
    needs_finite_space: ClassVar[bool] = False
    max_epochs: int = attrs.field(default=100, validator=int_at_least(1), kw_only=True)
    factor: int = attrs.field(default=3, validator=int_at_least(2), kw_only=True)
    hyperband_iterations: int = attrs.field(default=1, validator=int_at_least(1), kw_only=True)
    asynchronous: bool = attrs.field(default=False, kw_only=True)
    max_collisions: int = attrs.field(default=20, validator=int_at_least(1), kw_only=True)

    @property
    def finite_schedule(self) -> bool:
        """Whether the oracle ends by itself on any space (synchronous Hyperband does)."""
        return not self.asynchronous

    def settings(self) -> dict[str, Any]:
        """The oracle's arguments, as JSON types."""
        return attrs.asdict(self)

    def schedule(self) -> tuple[Rung, ...]:
        """The synchronous schedule (see :func:`schedule`)."""
        return schedule(self.max_epochs, self.factor, self.hyperband_iterations)

    def propose(
        self,
        space: Space,
        tried: Collection[Values],
        *,
        seed: int,
        index: int,
        history: Sequence[Observed] = (),
    ) -> Proposal | None:
        """The next trial: a promotion or a new configuration, with its budget; None at the end."""
        rungs: dict[tuple[int, int, int], list[tuple[int, Observed]]] = {}
        for trial_id, observation in enumerate(history):
            key = _key(observation.meta)
            if key is not None:
                rungs.setdefault(key, []).append((trial_id, observation))
        # Every configuration tried is started: one without a budget (another oracle's) too.
        started = {o.values for o in history}.union(tried)
        rng = trial_rng(seed, index)

        def start(rung: Rung) -> Proposal | None:
            values = random_untried(space, started, rng, self.max_collisions)
            return None if values is None else Proposal(values, rung.meta())

        if self.asynchronous:
            return self._asynchronous(rungs, start)
        return self._synchronous(rungs, start)

    def _synchronous(
        self,
        rungs: Mapping[tuple[int, int, int], list[tuple[int, Observed]]],
        start: Any,
    ) -> Proposal | None:
        closed: set[tuple[int, int, int]] = set()
        blocked: set[tuple[int, int]] = set()  # (iteration, bracket) waiting on running trials
        for rung in self.schedule():
            members = rungs.get(rung.key, [])
            if (rung.iteration, rung.bracket) in blocked:
                continue
            if rung.round == 0:
                if len(members) < rung.size and (proposal := start(rung)) is not None:
                    return proposal  # type: ignore[no-any-return]
                closed.add(rung.key)
                continue
            previous = (rung.iteration, rung.bracket, rung.round - 1)
            below = rungs.get(previous, [])
            if previous not in closed or any(o.state is TrialState.RUNNING for _, o in below):
                blocked.add((rung.iteration, rung.bracket))
                continue
            promoted = {o.meta.get(CONTINUES) for _, o in members}
            for trial_id, observation in _ranked(below)[: rung.size]:
                if trial_id not in promoted:
                    return Proposal(observation.values, {**rung.meta(), CONTINUES: trial_id})
            closed.add(rung.key)
        return None

    def _asynchronous(
        self,
        rungs: Mapping[tuple[int, int, int], list[tuple[int, Observed]]],
        start: Any,
    ) -> Proposal | None:
        highest = top_bracket(self.max_epochs, self.factor)
        for round_ in range(highest - 1, -1, -1):
            below = rungs.get((0, highest, round_), [])
            above = rungs.get((0, highest, round_ + 1), [])
            promoted = {o.meta.get(CONTINUES) for _, o in above}
            ranked = _ranked(below)
            for trial_id, observation in ranked[: len(ranked) // self.factor]:
                if trial_id not in promoted:
                    rung = self._rung(highest, round_ + 1)
                    return Proposal(observation.values, {**rung.meta(), CONTINUES: trial_id})
        return start(self._rung(highest, 0))  # type: ignore[no-any-return]

    def _rung(self, bracket: int, round_: int) -> Rung:
        epochs = epochs_of(self.max_epochs, self.factor, bracket, round_)
        previous = epochs_of(self.max_epochs, self.factor, bracket, round_ - 1) if round_ else 0
        return Rung(0, bracket, round_, size=0, epochs=epochs, initial_epoch=previous)
