"""How Float and Int step grids are computed: exact decimal points, multiplicative points.

Linear ``Float`` grid points are the decimal points the declaration reads: each
bound and the step are taken as the shortest decimal that prints them (their
``repr``: ``0.1`` is ``Decimal("0.1")``), and point ``k`` is the float nearest the
exact decimal ``min + k * step``. So ``Float(-0.3, 0.3, step=0.1)`` holds ``0.0``,
not ``5.55e-17``, and ``0.3``, not ``0.30000000000000004``; and a grid rebuilt
from any of its points (as ``restrict`` does) holds the very same floats, as long
as the points need at most 15 significant digits. A point of 16 or 17 digits may
print as a neighbouring decimal (the float nearest ``-512.8294923730719`` prints as
``-512.8294923730718``), and a grid rebuilt from it steps from that decimal, so its
points can differ from the original ones in the last digit.
Log-scale grid points ``min * step**k`` are rounded to 15 significant digits.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import numpy as np

from spacealg._space.unit_interval import tidy

TOLERANCE = 1e-9
"""How close (relative) a value must be to a grid point to be that point."""


def tidy_within(value: float, low: float, high: float) -> float:
    """A grid value tidied (0.3, not 0.30000000000000004) but never moved outside [low, high]."""
    return min(max(tidy(value), low), high)


def _decimal(x: float) -> Decimal:
    """The shortest decimal that prints ``x`` (``0.1`` is ``Decimal('0.1')``)."""
    return Decimal(repr(x))


def _scaled(x: float, places: int) -> int:
    """The integer ``x * 10**places`` for the decimal of ``x`` (exact)."""
    return int(_decimal(x).scaleb(places))


def _places(x: float) -> int:
    exponent = _decimal(x).as_tuple().exponent
    assert isinstance(exponent, int)  # a finite number
    return max(0, -exponent)


def additive_count(low: float, high: float, step: float) -> int:
    """How many decimal points ``low + k * step`` lie in [low, high] (high within 1e-9)."""
    span = (Fraction(_decimal(high)) - Fraction(_decimal(low))) / Fraction(_decimal(step))
    whole = math.floor(span)
    if (whole + 1 - span) * 10**9 <= span + 1:  # the next point is max within tolerance
        whole += 1
    return whole + 1


def additive_grid(low: float, high: float, step: float, count: int) -> tuple[float, ...]:
    """The floats nearest the decimals ``low + k * step``, never above ``high``.

    ``low`` and ``step`` are written as integers over ``10**places``; Python's
    int division rounds correctly, and so does numpy's float division of two
    floats that hold those integers exactly (both below 2**53, ``10**places``
    at most 10**22), which is the fast path.
    """
    places = max(_places(low), _places(step))
    start, stride, scale = _scaled(low, places), _scaled(step, places), 10**places
    last = start + (count - 1) * stride
    if places <= 22 and max(abs(start), abs(last), abs(stride)) < 2**53:
        numerators = start + stride * np.arange(count, dtype=np.int64)
        points = (numerators.astype(np.float64) / float(scale)).tolist()
    else:
        points = [(start + k * stride) / scale for k in range(count)]
    points[-1] = min(points[-1], high)
    return tuple(points)


def multiplicative_points(low: float, high: float, factor: float) -> list[float]:
    """The points ``low * factor**k`` up to ``high`` (the last within 1e-9 clamped to it)."""
    values: list[float] = []
    k = 0
    while True:
        value = low * factor**k
        if value > high * (1 + TOLERANCE):
            return values
        values.append(min(value, high))
        k += 1
