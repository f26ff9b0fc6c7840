"""The targets Bayesian optimization fits: standardised, Yeo-Johnson warped, standardised."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats

import spacealg as sa
from spacealg._search.score_warp import (
    LAMBDAS,
    LEAST_WARPED,
    best_lambda,
    log_likelihood,
    standardised,
    warped_targets,
    yeo_johnson,
)
from spacealg.oracles import Observation, TrialState

finite = st.floats(allow_nan=False, allow_infinity=False)
scores = arrays(np.float64, st.integers(1, 60), elements=finite)


@settings(max_examples=200, deadline=None)
@given(scores)
def test_targets_keep_the_order_of_the_scores_and_are_standardised(values):
    targets = warped_targets(values)
    assert np.isfinite(targets).all()
    for i in range(len(values)):
        for j in range(len(values)):
            if values[i] < values[j]:
                assert targets[i] <= targets[j]
            elif values[i] == values[j]:
                assert targets[i] == targets[j]
    if targets.any():
        assert targets.mean() == pytest.approx(0.0, abs=1e-9)
        assert targets.std() == pytest.approx(1.0, rel=1e-9)


@settings(max_examples=100, deadline=None)
@given(arrays(np.float64, st.integers(LEAST_WARPED, 60), elements=st.floats(-1e6, 1e6)))
def test_distinct_scores_stay_distinct_where_their_standardised_values_are(values):
    z = standardised(values)
    targets = warped_targets(values)
    order = np.argsort(z, kind="stable")
    strictly = np.diff(z[order]) > 1e-6
    assert (np.diff(targets[order])[strictly] > 0).all()


@settings(max_examples=100, deadline=None)
@given(
    arrays(np.float64, st.integers(2, 40), elements=st.floats(-5.0, 5.0)),
    st.floats(-3.0, 4.0),
)
def test_the_transform_is_scipys(z, lam):
    want = stats.yeojohnson(z, lmbda=lam)
    got = yeo_johnson(z, np.array([lam]))[0]
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**16), st.sampled_from(["normal", "lognormal", "cauchy", "negative"]))
def test_the_exponent_is_as_likely_as_scipys_maximum(seed, shape):
    rng = np.random.default_rng(seed)
    draw = {
        "normal": lambda: rng.normal(size=40),
        "lognormal": lambda: np.exp(2.0 * rng.normal(size=40)),
        "cauchy": lambda: rng.standard_cauchy(40),
        "negative": lambda: -np.exp(rng.normal(size=40)),
    }[shape]
    z = standardised(draw())
    with np.errstate(all="ignore"):
        _, theirs = stats.yeojohnson(z)
    if not LAMBDAS[0] <= theirs <= LAMBDAS[1]:
        return  # scipy's optimum lies outside the exponents searched here
    ours = best_lambda(z)
    # the profile likelihood is flat near its maximum: within a grid step is as good
    assert stats.yeojohnson_llf(ours, z) >= stats.yeojohnson_llf(theirs, z) - 1e-2


def test_a_heavy_right_tail_is_compressed_and_gaussian_scores_are_left_alone():
    rng = np.random.default_rng(0)
    heavy = standardised(np.exp(3.0 * rng.normal(size=50)))
    assert best_lambda(heavy) < 0  # the bad tail pulled in
    warped = warped_targets(heavy)
    assert abs(stats.skew(warped)) < abs(stats.skew(heavy)) / 3
    gaussian = standardised(rng.normal(size=200))
    assert best_lambda(gaussian) == pytest.approx(1.0, abs=0.25)


def test_few_or_equal_scores_are_only_standardised():
    few = np.array([1.0, 100.0, 1e4, 1e6])[: LEAST_WARPED - 1]
    np.testing.assert_array_equal(warped_targets(few), standardised(few))
    assert not warped_targets(np.full(10, 3.5)).any()
    assert not warped_targets(np.zeros(10)).any()


def test_an_overflowing_exponent_has_no_likelihood():
    z = standardised(np.array([0.0, 0.0, 0.0, 0.0, 1.0, 1e6]))
    likelihood = log_likelihood(z, np.array([-20.0, 1.0, 20.0]))
    assert np.isfinite(likelihood[1])
    assert not np.isnan(likelihood).any()


@settings(max_examples=10, deadline=None)
@given(st.sampled_from([1e300, -1e300, 1e-300, 5e307]))
def test_bayesian_optimization_takes_scores_near_the_float_limits(extreme):
    space = sa.Space([sa.Float("x", min_value=0.0, max_value=1.0)])
    history = [
        Observation(sa.Values({"x": x}), TrialState.COMPLETED, extreme if i == 3 else x)
        for i, x in enumerate(np.linspace(0.05, 0.95, 8).tolist())
    ]
    oracle = sa.BayesianOptimizationOracle(num_initial_points=3)
    values = oracle.propose(
        space, [h.values for h in history], seed=0, index=len(history), history=history
    )
    assert sa.contains(space, values)
