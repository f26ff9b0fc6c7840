"""What oracles keep between proposals changes no proposal.

Oracles keep, per thread, what they derive from the history (the tried set, the
encoded observations) and extend it with the new trials only; the store keeps
the rows of trials that ended. A proposal from warm caches must equal the one a
fresh thread (empty caches) computes from the same arguments, however the
history grows, changes (a running trial ending) or alternates between searches.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import spacealg as sa
from spacealg import (
    BayesianOptimizationOracle,
    Observation,
    RandomSearchOracle,
    TPEOracle,
    TrialState,
    Values,
)
from spacealg._search.oracle_helpers import clear_caches, common_prefix, tried_set
from spacealg._store.rows import Owner
from spacealg._store.trial_store import TrialStore
from spacealg.testing import spaces

ORACLES = {
    "random": RandomSearchOracle(),
    "tpe": TPEOracle(n_startup_trials=2, n_ei_candidates=8),
    "bayesian": BayesianOptimizationOracle(num_initial_points=2, num_candidates=64, restarts=1),
}
properties = settings(deadline=None, max_examples=12, suppress_health_check=[HealthCheck.too_slow])


def _fresh(oracle, *args, **kwargs):
    """The proposal computed in a new thread, whose caches are empty."""
    out = []
    thread = threading.Thread(target=lambda: out.append(oracle.propose(*args, **kwargs)))
    thread.start()
    thread.join()
    return out[0]


def _score(values: Values) -> float:
    return float(sum(hash(str(v)) % 97 for v in values.values())) / 97


@pytest.mark.parametrize("name", list(ORACLES))
@properties
@given(space=spaces(max_size=4), other=spaces(max_size=3), data=st.data(), seed=st.integers(0, 99))
def test_warm_caches_propose_what_fresh_ones_do(name, space, other, data, seed):
    oracle = ORACLES[name]
    clear_caches()
    history: list[Observation] = []
    for index in range(data.draw(st.integers(4, 12))):
        action = data.draw(st.sampled_from(["grow", "end", "other", "tuple", "copy"]))
        if action == "end" and any(o.state is TrialState.RUNNING for o in history):
            # a running trial ends: its observation is replaced, the others stay
            at = next(i for i, o in enumerate(history) if o.state is TrialState.RUNNING)
            ended = Observation(
                history[at].values, TrialState.COMPLETED, _score(history[at].values)
            )
            history[at] = ended
        if action == "other":  # another search, on another space, uses the caches meanwhile
            ORACLES[name].propose(other, [], seed=seed, index=0, history=())
        given_history = tuple(history) if action == "tuple" else list(history)
        if action == "copy":  # equal observations, not the same objects
            given_history = [Observation(o.values, o.state, o.score) for o in history]
        tried = [o.values for o in given_history]
        warm = oracle.propose(space, tried, seed=seed, index=index, history=given_history)
        fresh = _fresh(oracle, space, tried, seed=seed, index=index, history=given_history)
        assert warm == fresh
        if warm is None:
            break
        state = data.draw(st.sampled_from([TrialState.COMPLETED, TrialState.RUNNING,
                                           TrialState.FAILED]))  # fmt: skip
        score = _score(warm) if state is TrialState.COMPLETED else None
        history.append(Observation(warm, state, score))


@given(st.lists(st.integers(0, 3), max_size=12), st.lists(st.integers(0, 3), max_size=12))
def test_common_prefix_is_the_length_of_the_longest_shared_start(old, new):
    size = common_prefix(old, new)
    assert old[:size] == new[:size]
    assert size == min(len(old), len(new)) or old[size] != new[size]


def test_tried_set_hands_out_a_copy_the_caller_may_change():
    values = Values({"x": 1})
    first = tried_set([values], [])
    first.clear()
    assert tried_set([values], []) == {values}


@pytest.mark.parametrize("bad", [0, None, "x", {"x": 1}])
def test_a_bad_item_gets_the_argument_error_whatever_the_cache_holds(bad):
    """A warm cache compares new items with the ones it saw: they are checked first."""
    seen = Observation(Values({"x": 1}), TrialState.COMPLETED, 1.0)
    for cached in ([], [seen], [seen, seen]):
        clear_caches()
        tried_set([o.values for o in cached], cached)
        with pytest.raises(sa.errors.ArgumentTypeError, match="history"):
            tried_set([], [bad])
        with pytest.raises(sa.errors.ArgumentTypeError, match="history"):
            tried_set([], [*cached[:1], bad])
        with pytest.raises(sa.errors.ArgumentTypeError, match="tried"):
            tried_set([bad], [])


def _finish(store: TrialStore, trial_id: int, owner: Owner, score: float) -> None:
    store.finish(
        trial_id, owner, state=TrialState.COMPLETED, score=score, best_step=None,
        metrics={}, error=None, joined=[], values=None,
    )  # fmt: skip


def test_the_store_history_equals_a_fresh_read_as_trials_start_and_end(tmp_path: Path):
    path = TrialStore.location(tmp_path, "p")
    store = TrialStore.open(path)
    owner = Owner.current()
    points = [Values({"x": i}) for i in range(6)]

    def propose(tried):
        left = [v for v in points if v not in tried]
        return (left[0], left[0], {}) if left else None

    def claim():
        return store.claim(propose, owner, max_trials=None, heartbeat_timeout=60.0)

    first, second, third = claim(), claim(), claim()
    reads = [store.history()]
    _finish(store, second.trial_id, owner, 2.0)  # trial 1 ends while trial 0 still runs
    reads.append(store.history())
    _finish(store, first.trial_id, owner, 1.0)
    reads.append(store.history())
    claim()
    _finish(store, third.trial_id, owner, 3.0)
    reads.append(store.history())
    fresh = TrialStore.open(path)
    assert reads[-1] == fresh.history()
    assert [state for _, state, _, _ in reads[1]] == [
        TrialState.RUNNING, TrialState.COMPLETED, TrialState.RUNNING
    ]  # fmt: skip
    assert [score for _, _, score, _ in reads[-1]] == [1.0, 2.0, 3.0, None]
    fresh.close()
    store.close()


def test_a_search_resumed_with_warm_caches_proposes_what_a_new_process_would(tmp_path: Path):
    space = sa.Space([sa.Float("x", min_value=-1.0, max_value=1.0), sa.Boolean("b")])
    oracle = TPEOracle(n_startup_trials=3, n_ei_candidates=8)

    def search(directory: Path, trials: int) -> list[Values]:
        result = sa.minimize(
            lambda v: v["x"] ** 2 + v["b"], space, oracle=oracle, max_trials=trials, seed=5,
            directory=directory, project_name="p", verbose=0,
        )  # fmt: skip
        return [trial.values for trial in result.trials]

    for trials in (4, 9, 14):  # one store, resumed twice, in this thread
        in_steps = search(tmp_path / "steps", trials)
    clear_caches()
    assert search(tmp_path / "whole", 14) == in_steps


# --- a bounded Gaussian-process fit ---------------------------------------------------------------


def test_the_fit_window_keeps_the_best_half_and_the_latest_others():
    from spacealg._search.bayesian import FIT_WINDOW, fit_window

    rng = np.random.default_rng(0)
    scores = rng.random(FIT_WINDOW + 90)
    rows = np.arange(len(scores))
    kept = fit_window(rows, scores)
    best = set(np.argsort(scores, kind="stable")[: FIT_WINDOW // 2].tolist())
    latest = [row for row in rows.tolist() if row not in best][-(FIT_WINDOW // 2) :]
    assert kept.tolist() == sorted(best | set(latest))
    assert len(kept) == FIT_WINDOW


def test_beyond_the_window_the_fit_ignores_the_trials_left_out():
    from spacealg._search.bayesian import FIT_WINDOW, fit_window

    space = sa.Space(
        [sa.Float("x", min_value=-1.0, max_value=1.0), sa.Int("n", min_value=0, max_value=50)]
    )
    rng = np.random.default_rng(1)
    history = []
    for _ in range(FIT_WINDOW + 30):
        values = Values({"x": float(rng.uniform(-1, 1)), "n": int(rng.integers(0, 51))})
        history.append(
            Observation(values, TrialState.COMPLETED, values["x"] ** 2 + values["n"] / 50)
        )
    scores = np.array([o.score for o in history])
    kept = set(fit_window(np.arange(len(history)), scores).tolist())
    # the trials left out of the window, marked failed: the model ignores failed trials
    pruned = [
        o if i in kept else Observation(o.values, TrialState.FAILED) for i, o in enumerate(history)
    ]
    oracle = BayesianOptimizationOracle(num_candidates=64, restarts=1)
    tried = [o.values for o in history]
    whole = oracle.propose(space, tried, seed=2, index=len(history), history=history)
    assert whole == oracle.propose(space, tried, seed=2, index=len(history), history=pruned)
