"""Hyperband: the schedule, promotions, budgets under ``minimize``, determinism."""

from __future__ import annotations

import itertools
import math
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

import spacealg as sa
from spacealg import Choice, Fixed, Float, Int, Space, TrialState
from spacealg._search.hyperband import (
    BRACKET,
    CONTINUES,
    EPOCHS,
    INITIAL_EPOCH,
    ROUND,
    HyperbandOracle,
    schedule,
    size_of,
    top_bracket,
)
from spacealg.errors import ArgumentTypeError, InvalidArgumentError

SPACE = Space(
    [
        Float("x", min_value=-5.0, max_value=10.0),
        Float("y", min_value=0.0, max_value=15.0),
    ]
)


def loss(values, budget):
    """Branin-like, with less noise the larger the budget: more epochs, better estimates."""
    x, y = values["x"], values["y"]
    true = (y - 5.1 / (4 * math.pi**2) * x**2 + 5 / math.pi * x - 6) ** 2 + 10 * math.cos(x)
    return true + 20.0 / budget


def run(tmp_path, oracle, *, max_trials=None, seed=0, project="hyperband", fn=loss):
    return sa.minimize(
        fn,
        SPACE,
        max_trials=max_trials,
        oracle=oracle,
        seed=seed,
        directory=tmp_path,
        project_name=project,
        verbose=0,
    )


# -- the schedule ------------------------------------------------------------------


@given(
    max_epochs=st.integers(min_value=1, max_value=300),
    factor=st.integers(min_value=2, max_value=5),
    iterations=st.integers(min_value=1, max_value=2),
)
def test_schedule_invariants(max_epochs, factor, iterations):
    """Each bracket ends at max_epochs; within it, budgets grow and sizes shrink by factor."""
    rungs = schedule(max_epochs, factor, iterations)
    highest = top_bracket(max_epochs, factor)
    assert factor**highest <= max_epochs < factor ** (highest + 1)
    brackets = {(r.iteration, r.bracket) for r in rungs}
    assert len(brackets) == iterations * (highest + 1)
    for iteration, bracket in brackets:
        rounds = [r for r in rungs if (r.iteration, r.bracket) == (iteration, bracket)]
        assert [r.round for r in rounds] == list(range(bracket + 1))
        assert rounds[-1].epochs == max_epochs
        assert rounds[0].initial_epoch == 0
        for before, after in itertools.pairwise(rounds):
            assert after.initial_epoch == before.epochs
            assert after.epochs >= before.epochs
            assert after.size == size_of(max_epochs, factor, bracket, after.round)
            assert after.size <= before.size


def test_the_classic_schedule_of_81_epochs():
    rungs = schedule(81, 3, 1)
    first = [(r.size, r.epochs) for r in rungs if r.bracket == 4]
    assert first == [(81, 1), (27, 3), (9, 9), (3, 27), (1, 81)]
    assert [r.size for r in rungs if r.round == 0] == [81, 34, 15, 8, 5]
    # KerasTuner's later rounds: ceil(5 / (s + 1) * 3**(s - r)), not round 0's size // 3**r
    assert [r.size for r in rungs if r.bracket == 3] == [34, 12, 4, 2]


# KerasTuner 1.4's Hyperband schedule for the same arguments, one row per
# (max_epochs, factor, hyperband_iterations): its number of trials and the sum of their
# budgets (each trial's tuner/epochs), in a search where every trial completes. Worked
# out from keras_tuner's HyperbandOracle: _get_num_brackets, _get_size (with its
# floating-point log), _get_epochs and the bracket order of _increment_bracket_num.
# Verified by running it (2026-12-03): KerasTuner 1.4.8's own
# keras_tuner.oracles.HyperbandOracle (KERAS_BACKEND=jax, seed=0, one Float), driven
# trial by trial with create_trial / update_trial / end_trial, every trial COMPLETED at
# once, until create_trial returned a STOPPED trial. All 26 rows below matched in trials
# and epochs, and a spacealg search with each row's arguments gave every trial the same
# tuner/epochs in the same order as KerasTuner's (KERAS_TUNER_BUDGETS: the short ones).
KERAS_TUNER_SCHEDULES = [
    (1, 2, 1, 1, 1),
    (1, 3, 2, 2, 2),
    (2, 2, 1, 5, 8),
    (2, 3, 1, 2, 4),
    (2, 3, 2, 4, 8),
    (2, 4, 1, 2, 4),
    (3, 2, 1, 8, 21),
    (3, 3, 1, 6, 12),
    (3, 4, 2, 4, 12),
    (4, 2, 1, 15, 38),
    (4, 3, 1, 10, 30),
    (4, 4, 1, 7, 16),
    (9, 2, 1, 46, 224),
    (9, 3, 1, 23, 87),
    (9, 3, 2, 46, 174),
    (9, 4, 1, 11, 63),
    (10, 3, 1, 30, 144),
    (10, 4, 2, 22, 136),
    (27, 3, 1, 70, 450),
    (27, 4, 1, 44, 358),
    (30, 3, 1, 90, 706),
    (81, 2, 1, 359, 5128),
    (81, 3, 1, 211, 2181),
    (81, 4, 2, 322, 3752),
    (100, 3, 1, 254, 3324),
    (100, 4, 1, 161, 2239),
]


@pytest.mark.parametrize(
    ("max_epochs", "factor", "iterations", "trials", "budget"), KERAS_TUNER_SCHEDULES
)
def test_the_schedule_runs_keras_tuners_trials_and_epochs(
    max_epochs, factor, iterations, trials, budget
):
    rungs = schedule(max_epochs, factor, iterations)
    assert sum(r.size for r in rungs) == trials
    assert sum(r.size * r.epochs for r in rungs) == budget


# Each trial's tuner/epochs, in trial order, as KerasTuner 1.4.8's HyperbandOracle gave
# them in the run described above (the rows of KERAS_TUNER_SCHEDULES with few trials).
KERAS_TUNER_BUDGETS = [
    (1, 2, 1, [1]),
    (1, 3, 2, [1, 1]),
    (2, 2, 1, [1, 1, 2, 2, 2]),
    (2, 3, 1, [2, 2]),
    (2, 3, 2, [2, 2, 2, 2]),
    (2, 4, 1, [2, 2]),
    (3, 2, 1, [2, 2, 2, 3, 3, 3, 3, 3]),
    (3, 3, 1, [1, 1, 1, 3, 3, 3]),
    (3, 4, 2, [3, 3, 3, 3]),
    (4, 2, 1, [1, 1, 1, 1, 2, 2, 4, 2, 2, 2, 4, 4, 4, 4, 4]),
    (4, 3, 1, [2, 2, 2, 2, 2, 4, 4, 4, 4, 4]),
    (4, 4, 1, [1, 1, 1, 1, 4, 4, 4]),
    (9, 4, 1, [3, 3, 3, 3, 3, 3, 9, 9, 9, 9, 9]),
]


@pytest.mark.parametrize(("max_epochs", "factor", "iterations", "budgets"), KERAS_TUNER_BUDGETS)
def test_a_search_gives_kerastuners_budgets_in_its_order(
    tmp_path, max_epochs, factor, iterations, budgets
):
    oracle = HyperbandOracle(max_epochs=max_epochs, factor=factor, hyperband_iterations=iterations)
    result = run(tmp_path, oracle)
    assert [t.meta[EPOCHS] for t in result.trials] == budgets


def test_kerastuners_smallest_schedule_runs_two_trials(tmp_path):
    """Issue 14: ``max_epochs=2, factor=3, hyperband_iterations=1`` runs KerasTuner's 2."""
    oracle = HyperbandOracle(max_epochs=2, factor=3, hyperband_iterations=1)
    result = run(tmp_path, oracle)
    assert [t.meta[EPOCHS] for t in result.trials] == [2, 2]


def test_a_search_of_nine_epochs_runs_kerastuners_budgets_in_its_order(tmp_path):
    result = run(tmp_path, HyperbandOracle(max_epochs=9, factor=3))
    assert [t.meta[EPOCHS] for t in result.trials] == (
        [1] * 9 + [3] * 3 + [9] + [3] * 5 + [9] * 2 + [9] * 3
    )


# -- a synchronous search ------------------------------------------------------------


def test_a_synchronous_search_follows_the_schedule_and_ends(tmp_path):
    oracle = HyperbandOracle(max_epochs=9, factor=3)
    result = run(tmp_path, oracle)
    rungs = oracle.schedule()
    assert len(result.trials) == sum(r.size for r in rungs)
    assert all(t.state is TrialState.COMPLETED for t in result.trials)
    counts = Counter((t.meta[BRACKET], t.meta[ROUND]) for t in result.trials)
    assert counts == {(r.bracket, r.round): r.size for r in rungs}
    by_id = {t.trial_id: t for t in result.trials}
    for trial in result.trials:
        assert trial.score == pytest.approx(loss(trial.values, trial.meta[EPOCHS]))
        if trial.meta[ROUND] == 0:
            assert CONTINUES not in trial.meta
            assert trial.meta[INITIAL_EPOCH] == 0
            continue
        parent = by_id[trial.meta[CONTINUES]]
        assert parent.values == trial.values
        assert parent.meta[BRACKET] == trial.meta[BRACKET]
        assert parent.meta[ROUND] == trial.meta[ROUND] - 1
        assert trial.meta[INITIAL_EPOCH] == parent.meta[EPOCHS]
        # The promoted are the best of their round.
        round_before = [
            t
            for t in result.trials
            if (t.meta[BRACKET], t.meta[ROUND]) == (parent.meta[BRACKET], parent.meta[ROUND])
        ]
        promoted = sum(
            1
            for t in result.trials
            if (t.meta[BRACKET], t.meta[ROUND]) == (trial.meta[BRACKET], trial.meta[ROUND])
        )
        best = sorted(round_before, key=lambda t: (t.score, t.trial_id))[:promoted]
        assert parent in best
    starts = [t.values for t in result.trials if t.meta[ROUND] == 0]
    assert len(set(starts)) == len(starts)  # never the same configuration started twice


def test_the_same_seed_gives_the_same_search(tmp_path):
    oracle = HyperbandOracle(max_epochs=9, factor=3)
    first = run(tmp_path, oracle, project="a")
    second = run(tmp_path, oracle, project="b")
    assert [(t.values, t.meta) for t in first.trials] == [(t.values, t.meta) for t in second.trials]


def test_a_resumed_search_proposes_what_an_uninterrupted_one_would(tmp_path):
    oracle = HyperbandOracle(max_epochs=9, factor=3)
    whole = run(tmp_path, oracle, project="whole")
    run(tmp_path, oracle, project="parts", max_trials=7)
    parts = run(tmp_path, oracle, project="parts")
    assert [(t.values, t.meta) for t in parts.trials] == [(t.values, t.meta) for t in whole.trials]


def test_failed_trials_are_never_promoted(tmp_path):
    def flaky(values, budget):
        if values["x"] < 0:
            raise ValueError("no negative x")
        return loss(values, budget)

    result = sa.minimize(
        flaky,
        SPACE,
        max_trials=None,
        oracle=HyperbandOracle(max_epochs=9, factor=3),
        seed=3,
        directory=tmp_path,
        verbose=0,
        max_consecutive_failed_trials=50,
    )
    by_id = {t.trial_id: t for t in result.trials}
    promoted = [t for t in result.trials if CONTINUES in t.meta]
    assert promoted
    assert all(by_id[t.meta[CONTINUES]].state is TrialState.COMPLETED for t in promoted)


def test_a_small_space_starts_each_configuration_once_and_still_promotes(tmp_path):
    space = Space([Choice("n", values=[1, 2])])
    result = sa.minimize(
        lambda values, budget: values["n"] / budget,
        space,
        max_trials=None,
        oracle=HyperbandOracle(max_epochs=9, factor=3),
        directory=tmp_path,
        verbose=0,
    )
    starts = [t.values["n"] for t in result.trials if t.meta[ROUND] == 0]
    assert sorted(starts) == [1, 2]  # the first bracket wanted 9; the space has 2
    assert any(t.meta[EPOCHS] == 9 for t in result.trials)


def test_a_space_of_fixed_entries_runs_its_one_configuration_up_the_budgets(tmp_path):
    space = Space([Fixed("n", value=1)])
    result = sa.minimize(
        lambda values, budget: 1 / budget,
        space,
        max_trials=None,
        oracle=HyperbandOracle(max_epochs=9, factor=3),
        directory=tmp_path,
        verbose=0,
    )
    assert [t.meta[EPOCHS] for t in result.trials if t.meta[BRACKET] == 2] == [1, 3, 9]
    assert result.best_score == pytest.approx(1 / 9)


# -- asynchronous successive halving --------------------------------------------------


def test_asynchronous_promotes_only_the_best_fraction_and_never_twice(tmp_path):
    oracle = HyperbandOracle(max_epochs=9, factor=3, asynchronous=True)
    result = run(tmp_path, oracle, max_trials=40)
    assert len(result.trials) == 40
    by_id = {t.trial_id: t for t in result.trials}
    parents = [t.meta[CONTINUES] for t in result.trials if CONTINUES in t.meta]
    assert parents
    assert len(parents) == len(set(parents))
    for trial in result.trials:
        if CONTINUES not in trial.meta:
            assert trial.meta[EPOCHS] == 1
            continue
        parent = by_id[trial.meta[CONTINUES]]
        assert trial.meta[EPOCHS] == 3 * parent.meta[EPOCHS]
        # When it was promoted, the parent was in the top third of its completed rung.
        earlier = [
            t
            for t in result.trials[: trial.trial_id]
            if t.meta[ROUND] == parent.meta[ROUND] and t.state is TrialState.COMPLETED
        ]
        ranked = sorted(earlier, key=lambda t: (t.score, t.trial_id))
        assert parent in ranked[: len(ranked) // 3]


def test_asynchronous_needs_max_trials_on_a_continuous_space(tmp_path):
    with pytest.raises(InvalidArgumentError, match="max_trials"):
        run(tmp_path, HyperbandOracle(max_epochs=9, asynchronous=True))


# -- arguments -------------------------------------------------------------------------


def test_a_function_without_budget_is_refused_naming_the_oracle(tmp_path):
    with pytest.raises(ArgumentTypeError, match="'hyperband' oracle"):
        sa.minimize(lambda values: 0.0, SPACE, max_trials=3, oracle="hyperband", directory=tmp_path)


def test_hyperband_by_name_uses_kerastuners_defaults():
    oracle = sa.oracles.as_oracle("hyperband", "test")
    assert oracle.settings() == {
        "max_epochs": 100,
        "factor": 3,
        "hyperband_iterations": 1,
        "asynchronous": False,
        "max_collisions": 20,
    }


@pytest.mark.parametrize(
    ("arguments", "name"),
    [
        ({"max_epochs": 0}, "max_epochs"),
        ({"factor": 1}, "factor"),
        ({"hyperband_iterations": 0}, "hyperband_iterations"),
        ({"max_epochs": 2.5}, "max_epochs"),
    ],
)
def test_bad_settings_are_refused_by_name(arguments, name):
    with pytest.raises(InvalidArgumentError, match=name):
        HyperbandOracle(**arguments)


def test_a_budget_is_passed_by_keyword_to_functions_taking_kwargs(tmp_path):
    budgets = []

    def objective(values, **kwargs):
        budgets.append(kwargs["budget"])
        return values["units"] / kwargs["budget"]

    sa.minimize(
        objective,
        Space([Int("units", min_value=1, max_value=50)]),
        max_trials=None,
        oracle=HyperbandOracle(max_epochs=3, factor=3),
        directory=tmp_path,
        verbose=0,
    )
    assert sorted(set(budgets)) == [1, 3]


@pytest.mark.parametrize("asynchronous", [False, True])
def test_a_configuration_tried_by_another_oracle_is_not_started_again(asynchronous):
    space = Space([Choice("c", values=["a", "b", "c"])])
    tried = [sa.Values({"c": "a"}), sa.Values({"c": "b"})]  # trials without a budget
    history = [sa.Observation(values, TrialState.COMPLETED, 0.5) for values in tried]
    oracle = HyperbandOracle(max_epochs=9, asynchronous=asynchronous)
    for seed in range(5):
        proposal = oracle.propose(space, tried, seed=seed, index=2, history=history)
        assert proposal is not None
        assert proposal.values == sa.Values({"c": "c"})
    every = [*tried, sa.Values({"c": "c"})]
    everything = [sa.Observation(values, TrialState.COMPLETED, 0.5) for values in every]
    assert oracle.propose(space, every, seed=0, index=3, history=everything) is None
