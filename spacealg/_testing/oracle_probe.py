"""What the oracle contract runs on: its spaces, its objective, a simulated search loop.

:func:`search` asks an oracle the way :class:`~spacealg.Study` does (``index``
is the number of trials so far; ``history=`` only for an oracle that declares
``uses_history``) and answers each proposal with :func:`observe`, a fixed
objective of the values and the budget, so two searches of a pure oracle with
one seed are the same search.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import TypeVar

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Flaky

from spacealg._algebra.constrain import constrain
from spacealg._search.hyperband import EPOCHS
from spacealg._search.oracle import Observation, Oracle
from spacealg._search.trials import Proposal, TrialState
from spacealg._space.conditions import Condition
from spacealg._space.discrete import Boolean, Choice, Fixed
from spacealg._space.numeric import Float, Int
from spacealg._space.sampling import cardinality
from spacealg._space.space import Space
from spacealg._space.values import Values
from spacealg._testing.backend_probe import expect, typed
from spacealg._testing.strategies import values

T = TypeVar("T")
Proposed = Values | Proposal

MIXED = Space(
    [
        Int("units", min_value=8, max_value=256, step=8),
        Int("layers", min_value=1, max_value=64, sampling="log"),
        Float("learning_rate", min_value=1e-5, max_value=1e-1, sampling="log"),
        Float("dropout", min_value=0.0, max_value=0.5),
        Choice("activation", values=["relu", "tanh", "gelu"]),
        Boolean("batch_norm"),
        Fixed("epochs", value=3),
    ]
)
"""A space of every kind, without conditions, continuous."""
FINITE = Space(
    [
        Boolean("shuffle"),
        Choice("width", values=[16, 32, 64]),
        Int("depth", min_value=1, max_value=2),
    ]
)
"""A finite space of 12 configurations."""
CONDITIONAL = Space(
    [
        Choice("optimizer", values=["adam", "sgd"]),
        Float("momentum", min_value=0.0, max_value=0.9, conditions=Condition("optimizer", "sgd")),
        Boolean("deep"),
        Int("layers", min_value=2, max_value=6, conditions=Condition("deep", values=True)),
        Choice("width", values=[32, 64], conditions=Condition("layers", [5, 6])),
        Float(
            "rate",
            min_value=0.1,
            max_value=0.3,
            step=0.1,
            conditions=(Condition("deep", values=True), Condition("optimizer", "adam")),
        ),
    ]
)
"""A conditional space: nested conditions, an entry with two, a continuous child."""
CONDITIONAL_FINITE = Space(
    [
        Choice("optimizer", values=["adam", "sgd"]),
        Float(
            "momentum",
            min_value=0.0,
            max_value=0.9,
            step=0.3,
            conditions=Condition("optimizer", "sgd"),
        ),
        Boolean("deep"),
        Int("layers", min_value=2, max_value=4, conditions=Condition("deep", values=True)),
        Choice("width", values=[32, 64], conditions=Condition("layers", 4)),
    ]
)
"""A finite conditional space."""
CONSTRAINED = constrain(MIXED, "units * layers <= 512", "activation != 'gelu' or dropout < 0.25")
"""A continuous space with two constraints that reject about half of its configurations."""
CONSTRAINED_FINITE = constrain(FINITE, "width * depth <= 64", "shuffle or depth == 1")
"""A finite space whose constraints allow 8 of its 12 configurations."""
CONSTRAINED_CONDITIONAL = constrain(
    CONDITIONAL_FINITE, "momentum < 0.5", "layers * width <= 128", "deep or optimizer == 'adam'"
)
"""A finite conditional space whose constraints mention entries that are often inactive."""
NOTHING_TO_TUNE = (
    Space([Fixed("units", value=64)]),
    Space(
        [
            Fixed("units", value=64),
            Fixed("activation", value="relu"),
            Fixed("rate", value=0.5, conditions=Condition("units", 64)),
        ]
    ),
    Space([]),
)
"""Spaces of one configuration: only ``Fixed`` entries, and the empty space."""

LARGEST_GRID = 40
"""The most configurations of a drawn space whose every configuration is tried."""
SEEDS = st.integers(0, 2**62)


def has_tuned_entry(space: Space) -> bool:
    return any(not isinstance(space[name], Fixed) for name in space)


def has_conditions(space: Space) -> bool:
    return any(space[name].conditions for name in space)


def small_and_finite(space: Space) -> bool:
    size = cardinality(space)
    return size is not None and size <= LARGEST_GRID


def foreign_trials(space: Space) -> st.SearchStrategy[tuple[Space, list[Observation], int]]:
    """``space``, trials of some of its configurations in any state, and a seed.

    The trials leave a configuration untried; they carry no metadata, as the
    trials of another oracle would not.
    """
    size = cardinality(space)
    most = 8 if size is None else min(8, size - 1)

    def trial(configuration: Values, state: TrialState, score: float) -> Observation:
        if state is TrialState.COMPLETED:
            return Observation(configuration, state, score)
        return Observation(configuration, state)

    trials = st.lists(
        st.builds(trial, values(space), st.sampled_from(list(TrialState)), st.floats(-1, 1)),
        max_size=most,
        unique_by=lambda observation: observation.values,
    )
    return st.tuples(st.just(space), trials, SEEDS)


def observe(values: Values, meta: Mapping[str, int]) -> Observation:
    """The outcome of a trial under the suite's fixed objective (lower is better).

    The outcome depends on the values and the budget only: a few configurations
    fail or are invalid, the others score in [0, 1] plus a term that shrinks with
    the budget (``"tuner/epochs"``), so a longer training scores better.
    """
    digest = zlib.crc32(repr(sorted(values.items())).encode())
    if digest % 7 == 0:
        return Observation(values, TrialState.FAILED, meta=dict(meta))
    if digest % 11 == 0:
        return Observation(values, TrialState.INVALID, meta=dict(meta))
    budget = meta.get(EPOCHS, 0)
    score = (digest % 1000) / 1000 + 1 / (1 + budget)
    return Observation(values, TrialState.COMPLETED, score, meta=dict(meta))


def parts(proposal: Proposed) -> tuple[Values, Mapping[str, int]]:
    if isinstance(proposal, Proposal):
        return proposal.values, proposal.meta
    return proposal, {}


def key(proposal: Proposed | None) -> object:
    """A proposal as a comparable value: its values with their types, and its metadata."""
    if proposal is None:
        return None
    values, meta = parts(proposal)
    return typed(values), sorted(meta.items()), isinstance(proposal, Proposal)


def copied(history: Sequence[Observation]) -> list[Observation]:
    """Equal observations that share no object with ``history`` (as read back from a store)."""
    return [
        Observation(Values(dict(o.values)), o.state, o.score, meta=dict(o.meta)) for o in history
    ]


@attrs.frozen
class Run:
    """A simulated search: the trials (prior ones first), the new proposals, how it ended."""

    trials: tuple[Observation, ...]
    proposals: tuple[Proposed, ...]
    ended: bool


def for_all(max_examples: int, strategy: st.SearchStrategy[T], check: Callable[[T], None]) -> None:
    """Run ``check`` on examples of ``strategy``; an inconsistent failure fails too."""

    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        report_multiple_bugs=False,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )
    @given(strategy)
    def run(drawn: T) -> None:
        check(drawn)

    try:
        run()
    except Flaky as error:
        raise AssertionError(
            f"a check failed on an input and passed on the same input again: "
            f"propose() is not a pure function of its arguments\n{error}"
        ) from error


def propose(
    oracle: Oracle,
    space: Space,
    tried: Collection[Values],
    *,
    seed: int,
    index: int,
    history: Sequence[Observation],
) -> Proposed | None:
    where = f"{oracle.name}: propose(seed={seed}, index={index}) after {len(tried)} trials"
    try:
        proposal = oracle.propose(space, tried, seed=seed, index=index, history=history)
    except Exception as error:
        raise AssertionError(
            f"{where} raised {type(error).__name__}: {error}\nspace: {space!r}"
        ) from error
    expect(
        proposal is None or isinstance(proposal, Values | Proposal),
        f"{where} returned {proposal!r}; expected Values, a Proposal or None",
    )
    return proposal


def next_proposal(
    oracle: Oracle, space: Space, trials: Sequence[Observation], seed: int
) -> Proposed | None:
    """The proposal after ``trials``, asked the way the search loop asks."""
    return propose(
        oracle,
        space,
        [o.values for o in trials],
        seed=seed,
        index=len(trials),
        history=list(trials) if oracle.uses_history else (),
    )


def search(
    oracle: Oracle,
    space: Space,
    seed: int,
    steps: int,
    prior: Sequence[Observation] = (),
    *,
    each: Callable[[Sequence[Observation], Proposed], None] | None = None,
) -> Run:
    """Up to ``steps`` proposals after ``prior``, each followed by its outcome."""
    trials, proposals = list(prior), list[Proposed]()
    for _ in range(steps):
        proposal = next_proposal(oracle, space, trials, seed)
        if proposal is None:
            return Run(tuple(trials), tuple(proposals), ended=True)
        if each is not None:
            each(trials, proposal)
        proposals.append(proposal)
        trials.append(observe(*parts(proposal)))
    return Run(tuple(trials), tuple(proposals), ended=False)


def expect_new(
    oracle: Oracle, trials: Sequence[Observation], proposal: Proposed, where: str
) -> None:
    """``proposal`` was not tried, unless it continues a trial on a larger budget."""
    values, meta = parts(proposal)
    earlier = [o for o in trials if o.values == values]
    if not earlier:
        return
    budget = meta.get(EPOCHS)
    if oracle.budgeted and isinstance(budget, int):
        budgets = [o.meta.get(EPOCHS) for o in earlier]
        if all(isinstance(b, int) and budget > b for b in budgets):
            return  # a promotion: the same values trained further
    states = ", ".join(o.state.value for o in earlier)
    raise AssertionError(
        f"{oracle.name}: {where} proposed {values}, already tried ({states}); an oracle "
        "never proposes a tried configuration (a budgeted one may continue a trial "
        "on a larger budget)"
    )
