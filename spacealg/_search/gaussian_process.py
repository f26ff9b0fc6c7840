"""A Gaussian process with a Matérn 5/2 ARD kernel, fitted by maximum a posteriori.

Inputs are feature rows in roughly [0, 1] (see ``_bayes``); each feature column
belongs to one entry, and the columns of an entry share its lengthscale. Scores
are standardised before fitting. The kernel's hyperparameters (one inverse
squared lengthscale per entry, the signal variance and the noise variance) are
fitted by L-BFGS-B on the log marginal likelihood plus weak priors (Optuna's
GPSampler's: ``-(0.1 / lam + 0.1 * lam)`` per inverse squared lengthscale
``lam``, a Gamma(2, 1) signal variance, a Gamma(1.1, 30) noise variance), from
a default start and random restarts. scipy is imported only here and in
``_bayes``, when a proposal needs it.
"""

from __future__ import annotations

import math
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from spacealg._space.unit_interval import FloatArray

IntArray = npt.NDArray[np.int64]
_SQRT5 = math.sqrt(5.0)


def _matern(r: FloatArray) -> FloatArray:
    return (1.0 + _SQRT5 * r + 5.0 / 3.0 * r**2) * np.exp(-_SQRT5 * r)


def _inverse(lower: FloatArray) -> FloatArray:
    """The inverse of ``L @ L.T`` from its Cholesky factor ``L``.

    Forward substitution row by row and einsum products: at these sizes a LAPACK
    call on a busy machine waits on its thread pool far longer than this takes.
    """
    n = lower.shape[0]
    inverse_lower = np.zeros((n, n))
    for i in range(n):
        row = -np.einsum("j,jk->k", lower[i, :i], inverse_lower[:i])
        row[i] += 1.0
        inverse_lower[i] = row / lower[i, i]
    return np.einsum("ki,kj->ij", inverse_lower, inverse_lower)  # type: ignore[no-any-return]


def _per_entry(columns: IntArray, entries: int, squared: FloatArray) -> FloatArray:
    """Squared differences (..., D) summed per entry: (..., E)."""
    out = np.zeros((*squared.shape[:-1], entries))
    for column, entry in enumerate(columns.tolist()):
        out[..., entry] += squared[..., column]
    return out


@attrs.frozen
class GaussianProcess:
    """A fitted process: predicts standardised scores at feature rows."""

    features: FloatArray = attrs.field(eq=False)
    columns: IntArray = attrs.field(eq=False)
    inverse_squared: FloatArray = attrs.field(eq=False)  # per entry
    signal: float
    noise: float
    inverse: FloatArray = attrs.field(eq=False)  # of the kernel matrix, noise included
    alpha: FloatArray = attrs.field(eq=False)
    targets: FloatArray = attrs.field(eq=False)  # the standardised scores it was fitted to

    def predict(self, rows: FloatArray) -> tuple[FloatArray, FloatArray]:
        """The posterior mean and standard deviation of each row (noise-free)."""
        scale = np.sqrt(self.inverse_squared[self.columns])
        diff = (rows[:, None, :] - self.features[None, :, :]) * scale
        k = self.signal * _matern(np.sqrt((diff**2).sum(axis=2)))
        # einsum without optimize= runs its own loops: small products stay off the
        # BLAS thread pool, which costs more than it saves at these sizes
        mean = np.einsum("ij,j->i", k, self.alpha)
        quadratic = np.einsum("ij,jk,ik->i", k, self.inverse, k)
        variance = np.maximum(self.signal - quadratic, 1e-12)
        return mean, np.sqrt(variance)


def _objective(theta: FloatArray, squared: FloatArray, y: FloatArray) -> tuple[float, FloatArray]:
    """The negative log posterior of the hyperparameters and its gradient."""
    from scipy.linalg import cho_factor, cho_solve  # noqa: PLC0415 - scipy is optional

    entries = squared.shape[2]
    lam = np.exp(theta[:entries])
    signal, noise = math.exp(theta[entries]), math.exp(theta[entries + 1])
    n = len(y)
    r = np.sqrt(np.maximum(np.einsum("ijk,k->ij", squared, lam), 0.0))
    decay = np.exp(-_SQRT5 * r)
    m = (1.0 + _SQRT5 * r + 5.0 / 3.0 * r**2) * decay
    kernel = signal * m + noise * np.eye(n)
    try:
        factor = cho_factor(kernel, lower=True)
    except np.linalg.LinAlgError:
        return 1e25, np.zeros_like(theta)
    alpha = cho_solve(factor, y)
    log_det = 2.0 * np.log(np.diag(factor[0])).sum()
    nll = 0.5 * float(np.dot(y, alpha)) + 0.5 * log_det + 0.5 * n * math.log(2 * math.pi)
    inverse = _inverse(np.tril(factor[0]))
    w = inverse - np.outer(alpha, alpha)
    gradient = np.empty_like(theta)
    common = signal * (-5.0 / 6.0) * (1.0 + _SQRT5 * r) * decay  # d k / d lam_e = common * S_e
    weighted = (w * common)[:, :, None] * squared
    gradient[:entries] = 0.5 * weighted.sum(axis=(0, 1)) * lam
    gradient[entries] = 0.5 * float((w * (signal * m)).sum())
    gradient[entries + 1] = 0.5 * noise * float(np.trace(w))
    log_prior = -(0.1 / lam + 0.1 * lam).sum() + (math.log(signal) - signal)
    log_prior += 0.1 * math.log(noise) - 30.0 * noise
    gradient[:entries] -= 0.1 / lam - 0.1 * lam
    gradient[entries] -= 1.0 - signal
    gradient[entries + 1] -= 0.1 - 30.0 * noise
    return nll - float(log_prior), gradient


def fit(
    features: FloatArray,
    columns: IntArray,
    entries: int,
    y: FloatArray,
    *,
    min_noise: float,
    restarts: int,
    rng: np.random.Generator,
) -> GaussianProcess:
    """The process fitted to standardised scores ``y`` at ``features``."""
    from scipy.optimize import minimize  # noqa: PLC0415 - scipy is optional

    diff = features[:, None, :] - features[None, :, :]
    squared = _per_entry(columns, entries, diff**2)
    bounds = [(math.log(1e-3), math.log(1e4))] * entries
    bounds += [(math.log(1e-2), math.log(1e2)), (math.log(min_noise), math.log(10.0))]
    start = np.concatenate([np.zeros(entries), [0.0, math.log(max(min_noise, 1e-2))]])
    starts = [start]
    for _ in range(restarts - 1):
        low, high = np.array(bounds).T
        starts.append(np.clip(start + rng.normal(0.0, 1.5, size=len(start)), low, high))
    best: tuple[float, Any] | None = None
    for x0 in starts:
        result = minimize(
            _objective,
            x0,
            args=(squared, y),
            jac=True,
            method="L-BFGS-B",
            bounds=bounds,
            options={"maxiter": 100},
        )
        if best is None or result.fun < best[0]:
            best = (float(result.fun), result.x)
    assert best is not None
    theta = best[1]
    lam = np.exp(theta[:entries])
    signal, noise = math.exp(theta[entries]), math.exp(theta[entries + 1])
    return _conditioned(features, columns, lam, signal, noise, y)


def _conditioned(
    features: FloatArray,
    columns: IntArray,
    lam: FloatArray,
    signal: float,
    noise: float,
    y: FloatArray,
) -> GaussianProcess:
    """The process of these hyperparameters, conditioned on ``y`` at ``features``."""
    from scipy.linalg import cho_factor, cho_solve  # noqa: PLC0415 - scipy is optional

    diff = features[:, None, :] - features[None, :, :]
    squared = _per_entry(columns, len(lam), diff**2)
    r = np.sqrt(np.maximum(np.einsum("ijk,k->ij", squared, lam), 0.0))
    kernel = signal * _matern(r) + noise * np.eye(len(y))
    factor = cho_factor(kernel, lower=True)
    inverse = _inverse(np.tril(factor[0]))
    return GaussianProcess(features, columns, lam, signal, noise, inverse, cho_solve(factor, y), y)


def believe(process: GaussianProcess, pending: FloatArray) -> GaussianProcess:
    """The kriging believer: ``process`` with each pending row observed at its predicted mean.

    The hyperparameters stay those fitted to the completed trials; the mean is
    unchanged at the pending rows while their uncertainty (and their
    neighbours') collapses, so the acquisition turns to other regions.
    """
    if not len(pending):
        return process
    believed, _ = process.predict(pending)
    return _conditioned(
        np.vstack([process.features, pending]),
        process.columns,
        process.inverse_squared,
        process.signal,
        process.noise,
        np.concatenate([process.targets, believed]),
    )
