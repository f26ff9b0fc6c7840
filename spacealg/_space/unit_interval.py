"""Maps between the unit interval and a numeric range, scalar and vectorized.

Samplers draw ``u`` uniformly in [0, 1) and map it to a value; ``to_unit`` is the
inverse. ``linear`` spreads values evenly, ``log`` evenly in log scale (dense
near the minimum), ``reverse_log`` mirrors ``log`` (dense near the maximum).
The scalar functions use :mod:`math` for speed on one value; the array
functions use numpy for batches. Both compute the same formulas.
"""

from __future__ import annotations

import math
from typing import Literal, TypeAlias

import numpy as np
import numpy.typing as npt

Sampling: TypeAlias = Literal["linear", "log", "reverse_log"]
SAMPLINGS: tuple[Sampling, ...] = ("linear", "log", "reverse_log")

FloatArray: TypeAlias = npt.NDArray[np.float64]


def from_unit(u: float, low: float, high: float, sampling: Sampling) -> float:
    """The point of [low, high] at unit position ``u`` under ``sampling``."""
    if high == low or u <= 0.0:
        return low
    if u >= 1.0:  # exp(log(high)) need not be high exactly; the ends map to the bounds
        return high
    if sampling == "linear":
        x = low + u * (high - low)
    else:
        log_low = math.log(low)
        span = math.log(high) - log_low
        if sampling == "log":
            x = math.exp(log_low + u * span)
        else:
            x = low + high - math.exp(log_low + (1.0 - u) * span)
    return min(max(x, low), high)


def from_unit_array(u: FloatArray, low: float, high: float, sampling: Sampling) -> FloatArray:
    """:func:`from_unit` over an array of unit positions."""
    if high == low:
        return np.full(u.shape, low)
    if sampling == "linear":
        x = low + u * (high - low)
    else:
        log_low = math.log(low)
        span = math.log(high) - log_low
        if sampling == "log":
            x = np.exp(log_low + u * span)
        else:
            x = low + high - np.exp(log_low + (1.0 - u) * span)
    x = np.clip(x, low, high)
    x[u <= 0.0] = low  # the ends map to the bounds exactly, as in from_unit
    x[u >= 1.0] = high
    return x


def to_unit(x: float, low: float, high: float, sampling: Sampling) -> float:
    """The unit position of ``x`` in [low, high] under ``sampling`` (inverse of from_unit)."""
    if high == low:
        return 0.5
    if sampling == "linear":
        u = (x - low) / (high - low)
    else:
        log_low = math.log(low)
        span = math.log(high) - log_low
        if span == 0:  # bounds an ulp apart: their logs can be equal
            return 0.5
        if sampling == "log":
            u = (math.log(x) - log_low) / span
        else:
            u = 1.0 - (math.log(low + high - x) - log_low) / span
    return min(max(u, 0.0), 1.0)


def cell(u: float, size: int) -> int:
    """The index of the cell of ``u`` when [0, 1) is cut into ``size`` equal cells."""
    return min(int(u * size), size - 1)


def cell_array(u: FloatArray, size: int) -> npt.NDArray[np.int64]:
    """:func:`cell` over an array of unit positions."""
    return np.minimum((u * size).astype(np.int64), size - 1)


def cell_center(index: int, size: int) -> float:
    """The unit position at the middle of cell ``index`` (inverse of :func:`cell`)."""
    return (index + 0.5) / size


def tidy(x: float) -> float:
    """``x`` rounded to 15 significant digits, removing accumulated float error.

    ``0.1 * 3`` is ``0.30000000000000004``; ``tidy`` makes it ``0.3``.
    """
    return float(f"{x:.15g}")
