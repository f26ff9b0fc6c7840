"""The targets a Gaussian process is fitted to: scores standardised, then warped.

Scores in a search are often heavy-tailed: a few diverged trainings (or, on the
5-D Rosenbrock of ``benchmarks/search_quality.py``, a few points off the valley)
score orders of magnitude worse than the rest. A process fitted to the
standardised scores spends its signal variance on those few, and the region
that matters, where the good scores differ by little, looks flat to it.

So the standardised scores go through the Yeo-Johnson transform (Yeo and
Johnson, 2000), as HEBO (Cowen-Rivers et al., 2022) does, with the exponent
``lam`` that makes them most Gaussian (maximum likelihood, searched on a grid
over ``LAMBDAS``, then on grids ten times finer around the best, to 0.0005).
The transform is monotone (the order of the scores, so the incumbent, is
kept), defined for scores of either sign, and the identity for ``lam = 1``,
which scores that are already Gaussian get. The warped scores are
standardised again.

The exponent is searched on a fixed grid, not by scipy's ``yeojohnson``
(Brent's method), which costs 4-5 ms a call, a third of a proposal: the grids
cost a few hundred microseconds.
"""

from __future__ import annotations

import numpy as np

from spacealg._space.unit_interval import FloatArray

LAMBDAS = (-20.0, 20.0)
"""The exponents searched; beyond them the warp changes little more."""
_COARSE = 81
_FINE = 21
_REFINEMENTS = 3
LEAST_WARPED = 5
"""Fewer scores than this are only standardised: their likelihood says little."""


def standardised(scores: FloatArray) -> FloatArray:
    """``scores`` shifted to mean 0 and scaled to standard deviation 1 (all 0 when equal).

    Scaled by the largest magnitude first, so scores near the float limits do
    not overflow the variance.
    """
    largest = float(np.abs(scores).max(initial=0.0))
    if not largest > 0:
        return np.zeros_like(scores)
    scaled = scores / largest
    spread = float(scaled.std())
    if not spread > 0:
        return np.zeros_like(scores)
    return (scaled - scaled.mean()) / spread  # type: ignore[no-any-return]


def yeo_johnson(z: FloatArray, lam: FloatArray) -> FloatArray:
    """The Yeo-Johnson transform of ``z`` for each exponent in ``lam``, one row per exponent.

    Non-finite where the power overflows (an extreme exponent on a far score).
    """
    lam = lam[:, None]
    positive = z >= 0
    up = np.log1p(np.where(positive, z, 0.0))[None, :]
    down = np.log1p(np.where(positive, 0.0, -z))[None, :]
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        near_zero = np.abs(lam) < 1e-8
        rising = np.where(near_zero, up, np.expm1(lam * up) / np.where(near_zero, 1.0, lam))
        other = 2.0 - lam
        near_two = np.abs(other) < 1e-8
        falling = np.where(
            near_two, -down, -np.expm1(other * down) / np.where(near_two, 1.0, other)
        )
    return np.where(positive[None, :], rising, falling)


def log_likelihood(z: FloatArray, lam: FloatArray) -> FloatArray:
    """The profile log likelihood of each exponent: how Gaussian the transformed ``z`` is.

    ``-n/2 log(variance) + (lam - 1) * sum(sign(z) log1p(|z|))``; ``-inf`` where
    the transform overflows or leaves no spread.
    """
    warped = yeo_johnson(z, lam)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        variance = warped.var(axis=1)
        jacobian = (np.sign(z) * np.log1p(np.abs(z))).sum()
        value = -0.5 * len(z) * np.log(variance) + (lam - 1.0) * jacobian
    usable = np.isfinite(warped).all(axis=1) & (variance > 0) & np.isfinite(value)
    return np.where(usable, value, -np.inf)


def best_lambda(z: FloatArray) -> float:
    """The exponent in ``LAMBDAS`` of greatest likelihood (1, the identity, if none is usable)."""
    coarse = np.linspace(*LAMBDAS, _COARSE)
    likelihood = log_likelihood(z, coarse)
    if not np.isfinite(likelihood).any():
        return 1.0
    step = float(coarse[1] - coarse[0])
    best = int(np.argmax(likelihood))
    centre, top = float(coarse[best]), float(likelihood[best])
    for _ in range(_REFINEMENTS):  # each a grid 10 times finer around the best so far
        fine = np.linspace(centre - step, centre + step, _FINE)
        fine_likelihood = log_likelihood(z, fine)
        best = int(np.argmax(fine_likelihood))
        if fine_likelihood[best] >= top:
            centre, top = float(fine[best]), float(fine_likelihood[best])
        step /= 10.0
    return centre


def warped_targets(scores: FloatArray) -> FloatArray:
    """The targets for ``scores`` (lower is better): standardised, warped, standardised again."""
    z = standardised(scores)
    if len(z) < LEAST_WARPED or not z.any():
        return z
    # finite: best_lambda picks an exponent whose transform is finite, or 1 (the identity)
    return standardised(yeo_johnson(z, np.array([best_lambda(z)]))[0])
