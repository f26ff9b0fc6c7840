"""Model-based oracles account for pending (running) trials: parallel proposals spread out.

TPE counts a running trial in its bad group (a constant liar); Bayesian
optimization conditions its process on each running configuration at the
predicted mean (the kriging believer). Both are pure functions of the history,
so the tests are deterministic: a batch proposed while its members run lies
farther from them than one proposed by an oracle that cannot see them.
"""

from __future__ import annotations

import math
import statistics

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import spacealg as sa
from spacealg import BayesianOptimizationOracle, Observation, TPEOracle, TrialState, Values

SPACE = sa.Space(
    [sa.Float("x", min_value=-5.0, max_value=5.0), sa.Float("y", min_value=-5.0, max_value=5.0)]
)
ORACLES = pytest.mark.parametrize(
    "oracle",
    [
        TPEOracle(n_startup_trials=5),
        BayesianOptimizationOracle(num_initial_points=5, num_candidates=256, restarts=1),
    ],
    ids=["tpe", "bayesian"],
)


def _bowl(values: Values) -> float:
    return (values["x"] - 1.3) ** 2 + (values["y"] + 0.7) ** 2


def _distance(a: Values, b: Values) -> float:
    return math.hypot(a["x"] - b["x"], a["y"] - b["y"])


def _completed(oracle, seed: int, count: int) -> list[Observation]:
    history: list[Observation] = []
    for index in range(count):
        tried = [o.values for o in history]
        values = oracle.propose(SPACE, tried, seed=seed, index=index, history=history)
        history.append(Observation(values, TrialState.COMPLETED, _bowl(values)))
    return history


def _batch(oracle, history: list[Observation], seed: int, size: int, *, visible: bool):
    """``size`` proposals made while the earlier ones run; ``visible``: they are in the history."""
    batch: list[Values] = []
    for _ in range(size):
        pending = [Observation(values, TrialState.RUNNING) for values in batch]
        seen = history + pending if visible else history
        tried = [o.values for o in history] + batch
        batch.append(oracle.propose(SPACE, tried, seed=seed, index=len(tried), history=seen))
    return batch


def _closest_pair(batch: list[Values]) -> float:
    return min(_distance(a, b) for i, a in enumerate(batch) for b in batch[i + 1 :])


@ORACLES
def test_a_batch_proposed_while_its_members_run_spreads_out(oracle):
    # 10 completed trials: the search is still closing in. Once it has converged on
    # this 2-D bowl (15 trials: three within 0.001 of the optimum), aware and blind
    # batches alike crowd the optimum, and their spreads differ by rounding.
    aware, blind = [], []
    for seed in range(6):
        history = _completed(oracle, seed, 10)
        aware.append(_closest_pair(_batch(oracle, history, seed, 4, visible=True)))
        blind.append(_closest_pair(_batch(oracle, history, seed, 4, visible=False)))
    assert statistics.median(aware) > 1.25 * statistics.median(blind)


def test_the_believer_keeps_the_mean_and_drops_the_uncertainty_at_a_pending_row():
    pytest.importorskip("scipy")
    import numpy as np

    from spacealg._search.gaussian_process import believe, fit

    rng = np.random.default_rng(0)
    features = rng.random((12, 2))
    y = np.sin(3 * features[:, 0]) + features[:, 1]
    y = (y - y.mean()) / y.std()
    columns = np.array([0, 1])
    process = fit(features, columns, 2, y, min_noise=1e-4, restarts=1, rng=rng)
    pending = np.array([[0.5, 0.5], [0.9, 0.1]])
    mean, std = process.predict(pending)
    believed = believe(process, pending)
    after_mean, after_std = believed.predict(pending)
    np.testing.assert_allclose(after_mean, mean, atol=1e-6)
    assert (after_std < 0.5 * std).all()
    np.testing.assert_allclose(believed.targets[-2:], mean)
    assert believe(process, np.empty((0, 2))) is process


@ORACLES
def test_pending_trials_leave_a_sequential_search_as_it_was(oracle):
    # no trial running: the proposals are those of the history of completed trials alone
    history = _completed(oracle, 3, 12)
    assert _batch(oracle, history, 3, 1, visible=True) == _batch(
        oracle, history, 3, 1, visible=False
    )


@ORACLES
def test_proposals_with_pending_trials_are_deterministic(oracle):
    history = _completed(oracle, 1, 10)
    assert _batch(oracle, history, 1, 3, visible=True) == _batch(
        oracle, history, 1, 3, visible=True
    )


# --- running trials count towards the random start -----------------------------------------------

START = pytest.mark.parametrize(
    "oracle",
    [
        TPEOracle(n_startup_trials=10),
        BayesianOptimizationOracle(num_initial_points=10, num_candidates=64, restarts=1),
    ],
    ids=["tpe", "bayesian"],
)


def _start(completed: int, other: int, state: TrialState, failed: int = 0) -> list[Observation]:
    """``completed`` random trials, ``failed`` failed ones, then ``other`` in ``state``."""
    history: list[Observation] = []
    for index in range(completed + failed + other):
        tried = [o.values for o in history]
        values = sa.RandomSearchOracle().propose(SPACE, tried, seed=9, index=index)
        if index < completed:
            history.append(Observation(values, TrialState.COMPLETED, _bowl(values)))
        elif index < completed + failed:
            history.append(Observation(values, TrialState.FAILED))
        else:
            history.append(Observation(values, state))
    return history


def _is_random(oracle, history: list[Observation]) -> bool:
    tried = [o.values for o in history]
    proposal = oracle.propose(SPACE, tried, seed=9, index=len(history), history=history)
    return proposal == sa.RandomSearchOracle().propose(SPACE, tried, seed=9, index=len(history))


@START
def test_running_trials_count_towards_the_random_start(oracle):
    # 4 workers: while the 10th random trial runs, the next worker's proposal is the model's
    # (counting completed trials only, 3 more workers would propose at random)
    assert _is_random(oracle, _start(6, 3, TrialState.RUNNING))
    assert not _is_random(oracle, _start(6, 4, TrialState.RUNNING))
    assert not _is_random(oracle, _start(10, 0, TrialState.RUNNING))


@START
def test_failed_trials_do_not_count_towards_the_random_start(oracle):
    # a failed trial says nothing the model can fit: the start waits for trials that score
    assert _is_random(oracle, _start(6, 4, TrialState.FAILED))


@settings(max_examples=25, deadline=None)
@given(
    completed=st.integers(0, 8),
    running=st.integers(0, 5),
    failed=st.integers(0, 3),
    start=st.integers(0, 8),
)
def test_the_random_start_counts_completed_and_running_trials(completed, running, failed, start):
    # the rule, for any mix of trial states: random while completed + running < the start;
    # Bayesian optimization also needs one completed trial to fit
    history = _start(completed, running, TrialState.RUNNING, failed)
    tpe = TPEOracle(n_startup_trials=start)
    assert _is_random(tpe, history) == (completed + running < start)
    bayesian = BayesianOptimizationOracle(num_initial_points=start, num_candidates=32, restarts=1)
    assert _is_random(bayesian, history) == (completed == 0 or completed + running < start)
