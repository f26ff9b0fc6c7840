"""Bayesian optimization's pessimistic prior mean: late proposals refine, not roam.

Far from every trial the Gaussian process reverts to its prior mean. With the
mean of the scores there, an unexplored corner of a 6-D space looks average and
very uncertain, and the expected improvement keeps sending proposals to corners
after the good region is found. ``PRIOR_MEAN`` puts the prior one standard
deviation worse than the scores' mean (see ``spacealg._search.bayesian``).
"""

from __future__ import annotations

import numpy as np
import pytest

import spacealg as sa
from spacealg._search import bayesian
from spacealg.oracles import BayesianOptimizationOracle, Observation, TrialState

pytest.importorskip("scipy")

NAMES = [f"x{i}" for i in range(6)]
BOWL = sa.Space([sa.Float(name, min_value=0.0, max_value=1.0) for name in NAMES])
SEEDS = range(8)
TRIALS = 40
LATE = 20
"""Proposals from this index on count as late: the bowl's region is found by then."""


def _bowl(values: sa.Values) -> float:
    return sum((float(values[name]) - 0.3) ** 2 for name in NAMES)


def _far_late_proposals(seed: int) -> int:
    """How many late proposals of a search lay more than 0.5 from the incumbent."""
    oracle = BayesianOptimizationOracle()
    history: list[Observation] = []
    far = 0
    for index in range(TRIALS):
        tried = [h.values for h in history]
        values = oracle.propose(BOWL, tried, seed=seed, index=index, history=history)
        assert values is not None
        if index >= LATE:
            best = min(history, key=lambda h: h.score).values
            gap = np.linalg.norm([float(values[n]) - float(best[n]) for n in NAMES])
            far += bool(gap > 0.5)
        history.append(Observation(values, TrialState.COMPLETED, _bowl(values)))
    return far


def test_the_prior_mean_is_worse_than_the_scores_mean():
    assert bayesian.PRIOR_MEAN > 0


def test_late_proposals_stay_near_the_incumbent(monkeypatch):
    """Against the mean of the scores as the prior mean, on the same seeds.

    Measured when written: 24 of the 160 late proposals lay far with
    ``PRIOR_MEAN``, 39 with 0. (On the benchmark's Hartmann-6 the median regret
    after 50 trials dropped 17-fold; a bowl this easy ends near its optimum
    either way, so the test counts the wasted proposals instead.)
    """
    far = sum(_far_late_proposals(seed) for seed in SEEDS)
    monkeypatch.setattr(bayesian, "PRIOR_MEAN", 0.0)
    far_average = sum(_far_late_proposals(seed) for seed in SEEDS)
    assert far <= 0.2 * len(SEEDS) * (TRIALS - LATE)
    assert far < 0.7 * far_average
