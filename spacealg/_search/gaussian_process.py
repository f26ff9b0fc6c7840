"""A Gaussian process with a Matérn 5/2 ARD kernel, fitted by maximum a posteriori.

Inputs are feature rows in roughly [0, 1] (see ``bayesian``); each feature column
belongs to one entry, and the columns of an entry share its lengthscale. Scores
are standardised and warped before fitting (``score_warp``). The kernel's
hyperparameters (one inverse squared lengthscale per entry, the signal variance
and the noise variance) are fitted by L-BFGS-B on the log marginal likelihood
plus weak priors (Optuna's GPSampler's: ``-(0.1 / lam + 0.1 * lam)`` per inverse squared lengthscale
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


def _cholesky(matrix: FloatArray) -> FloatArray | None:
    """The lower Cholesky factor of a symmetric matrix, or None when it is not positive definite.

    LAPACK's ``potrf`` directly: scipy's wrappers check their input first,
    which costs more than the factorisation at these sizes.
    """
    from scipy.linalg import lapack  # noqa: PLC0415 - scipy is optional

    lower, info = lapack.dpotrf(matrix, lower=1, clean=1)
    return None if info else lower


def _inverse(lower: FloatArray) -> FloatArray:
    """The inverse of ``L @ L.T`` from its Cholesky factor ``L`` (LAPACK's ``potri``)."""
    from scipy.linalg import lapack  # noqa: PLC0415 - scipy is optional

    half, _ = lapack.dpotri(lower, lower=1)
    half = np.tril(half)
    return half + np.tril(half, -1).T  # type: ignore[no-any-return]


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
        k = self.signal * _matern(np.sqrt(self._squared_distances(rows)))
        mean = k @ self.alpha
        quadratic = ((k @ self.inverse) * k).sum(axis=1)
        variance = np.maximum(self.signal - quadratic, 1e-12)
        return mean, np.sqrt(variance)

    def _squared_distances(self, rows: FloatArray) -> FloatArray:
        """Scaled squared distances of ``rows`` to the fitted features: ``|a|^2 + |b|^2 - 2ab``."""
        scale = np.sqrt(self.inverse_squared[self.columns])
        a, b = rows * scale, self.features * scale
        squared: FloatArray = (a * a).sum(axis=1)[:, None] + (b * b).sum(axis=1)[None, :]
        return np.maximum(squared - 2.0 * (a @ b.T), 0.0)


def _objective(theta: FloatArray, squared: FloatArray, y: FloatArray) -> tuple[float, FloatArray]:
    """The negative log posterior of the hyperparameters and its gradient."""
    entries = squared.shape[2]
    lam = np.exp(theta[:entries])
    signal, noise = math.exp(theta[entries]), math.exp(theta[entries + 1])
    n = len(y)
    r = np.sqrt(np.maximum(squared @ lam, 0.0))
    decay = np.exp(-_SQRT5 * r)
    m = (1.0 + _SQRT5 * r + 5.0 / 3.0 * r**2) * decay
    kernel = signal * m + noise * np.eye(n)
    lower = _cholesky(kernel)
    if lower is None:
        return 1e25, np.zeros_like(theta)
    inverse = _inverse(lower)
    alpha = inverse @ y
    log_det = 2.0 * np.log(np.diag(lower)).sum()
    nll = 0.5 * float(np.dot(y, alpha)) + 0.5 * log_det + 0.5 * n * math.log(2 * math.pi)
    w = inverse - np.outer(alpha, alpha)
    gradient = np.empty_like(theta)
    common = signal * (-5.0 / 6.0) * (1.0 + _SQRT5 * r) * decay  # d k / d lam_e = common * S_e
    gradient[:entries] = 0.5 * np.einsum("ij,ijk->k", w * common, squared) * lam
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

    squared = _pairwise(features, columns, entries)
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
    return _conditioned(features, columns, squared, lam, signal, noise, y)


def _pairwise(features: FloatArray, columns: IntArray, entries: int) -> FloatArray:
    """The squared differences of every two rows of ``features``, summed per entry."""
    diff = features[:, None, :] - features[None, :, :]
    return _per_entry(columns, entries, diff**2)


def _conditioned(
    features: FloatArray,
    columns: IntArray,
    squared: FloatArray,
    lam: FloatArray,
    signal: float,
    noise: float,
    y: FloatArray,
) -> GaussianProcess:
    """The process of these hyperparameters, conditioned on ``y`` at ``features``.

    ``squared`` is ``_pairwise(features, columns, len(lam))``, which the fit has already.
    """
    r = np.sqrt(np.maximum(squared @ lam, 0.0))
    kernel = signal * _matern(r)
    lower = _cholesky(kernel + noise * np.eye(len(y)))
    jitter = noise
    while lower is None:  # rounding broke positive definiteness: a little more noise
        jitter *= 10.0  # (finite features: enough jitter always factors)
        lower = _cholesky(kernel + jitter * np.eye(len(y)))
    inverse = _inverse(lower)
    return GaussianProcess(features, columns, lam, signal, noise, inverse, inverse @ y, y)


def believe(process: GaussianProcess, pending: FloatArray) -> GaussianProcess:
    """The kriging believer: ``process`` with each pending row observed at its predicted mean.

    The hyperparameters stay those fitted to the completed trials; the mean is
    unchanged at the pending rows while their uncertainty (and their
    neighbours') collapses, so the acquisition turns to other regions.
    """
    if not len(pending):
        return process
    believed, _ = process.predict(pending)
    features = np.vstack([process.features, pending])
    lam = process.inverse_squared
    return _conditioned(
        features,
        process.columns,
        _pairwise(features, process.columns, len(lam)),
        lam,
        process.signal,
        process.noise,
        np.concatenate([process.targets, believed]),
    )
