"""The Gaussian process's numerics against direct formulas, and its BLAS thread limit."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("scipy")

from spacealg._search.blas_threads import one_blas_thread
from spacealg._search.gaussian_process import _conditioned, _objective, _pairwise, fit


def _matern(r: np.ndarray) -> np.ndarray:
    return (1 + math.sqrt(5) * r + 5 / 3 * r**2) * np.exp(-math.sqrt(5) * r)


def _direct(features, columns, lam, signal, noise, y, rows):
    """Posterior mean and std by the textbook formulas (numpy's dense solve)."""
    scale = np.sqrt(lam[columns])

    def kernel(a, b):
        d = (a[:, None, :] - b[None, :, :]) * scale
        return signal * _matern(np.sqrt((d**2).sum(axis=2)))

    gram = kernel(features, features) + noise * np.eye(len(y))
    cross = kernel(rows, features)
    mean = cross @ np.linalg.solve(gram, y)
    variance = signal - np.einsum("ij,ji->i", cross, np.linalg.solve(gram, cross.T))
    return mean, np.sqrt(np.maximum(variance, 1e-12))


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**16), n=st.integers(1, 30), entries=st.integers(1, 4))
def test_predictions_match_the_textbook_formulas(seed, n, entries):
    rng = np.random.default_rng(seed)
    columns = np.repeat(np.arange(entries), 2)  # two feature columns per entry
    features = rng.random((n, len(columns)))
    y = rng.normal(size=n)
    lam = np.exp(rng.uniform(-1, 2, entries))
    signal, noise = float(np.exp(rng.uniform(-1, 1))), 1e-3
    squared = _pairwise(features, columns, entries)
    process = _conditioned(features, columns, squared, lam, signal, noise, y)
    rows = np.vstack([rng.random((20, len(columns))), features[:3]])
    mean, std = process.predict(rows)
    want_mean, want_std = _direct(features, columns, lam, signal, noise, y, rows)
    np.testing.assert_allclose(mean, want_mean, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(std, want_std, rtol=1e-5, atol=1e-6)


def test_the_likelihood_gradient_matches_finite_differences():
    rng = np.random.default_rng(1)
    features = rng.random((15, 3))
    squared = (features[:, None, :] - features[None, :, :]) ** 2
    y = rng.normal(size=15)
    theta = np.array([0.3, -0.5, 1.0, 0.2, math.log(1e-2)])
    value, gradient = _objective(theta, squared, y)
    for i in range(len(theta)):
        step = np.zeros_like(theta)
        step[i] = 1e-6
        numeric = (
            _objective(theta + step, squared, y)[0] - _objective(theta - step, squared, y)[0]
        ) / 2e-6
        assert gradient[i] == pytest.approx(numeric, rel=1e-4, abs=1e-6), i
    assert math.isfinite(value)


def test_duplicated_rows_with_the_least_noise_still_condition():
    # two identical rows and a noise of 1e-12: the kernel matrix is singular in floating
    # point; the process adds jitter until it factors instead of raising LinAlgError
    features = np.array([[0.2, 0.4], [0.2, 0.4], [0.7, 0.1]])
    y = np.array([0.5, 0.5, -1.0])
    columns = np.array([0, 1])
    squared = _pairwise(features, columns, 2)
    process = _conditioned(features, columns, squared, np.ones(2), 1.0, 1e-14, y)
    mean, std = process.predict(features)
    assert np.isfinite(mean).all()
    assert np.isfinite(std).all()
    assert mean[2] == pytest.approx(-1.0, abs=0.05)  # the jitter is small


def test_a_fit_on_duplicated_rows_is_finite():
    rng = np.random.default_rng(0)
    features = np.repeat(rng.random((5, 2)), 3, axis=0)
    y = np.repeat(rng.normal(size=5), 3)
    y = (y - y.mean()) / y.std()
    process = fit(features, np.array([0, 1]), 2, y, min_noise=1e-6, restarts=2, rng=rng)
    mean, std = process.predict(features)
    assert np.isfinite(mean).all()
    assert (std > 0).all()


def _blas_threads() -> list[int]:
    threadpoolctl = pytest.importorskip("threadpoolctl")
    return [
        info["num_threads"]
        for info in threadpoolctl.threadpool_info()
        if info["user_api"] == "blas"
    ]


def test_one_blas_thread_inside_and_the_settings_restored_after():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    with threadpoolctl.threadpool_limits(2, user_api="blas"):
        before = _blas_threads()
        assert before
        assert max(before) == 2
        with one_blas_thread():
            assert set(_blas_threads()) == {1}
            with one_blas_thread():  # nested: still one, and the outer block keeps it
                assert set(_blas_threads()) == {1}
            assert set(_blas_threads()) == {1}
        assert _blas_threads() == before
