"""Plots of a search: each function takes a ``SearchResult`` and returns a matplotlib ``Figure``.

matplotlib comes with the ``plot`` extra (``pip install 'spacealg[plot]'``);
without it each function raises :class:`~spacealg.errors.MissingDependencyError`
naming that extra. ``importance_scores`` needs only numpy.

Examples:
    >>> import spacealg as sa
    >>> from spacealg import plots
    >>> result = sa.SearchResult(
    ...     [sa.TrialRecord(i, sa.Values({"x": x, "y": y}), sa.TrialState.COMPLETED,
    ...                     score=10 * x**2 + y)
    ...      for i, (x, y) in enumerate([(-0.9, 0), (0.1, 1), (0.5, 0), (-0.2, 1), (0.8, 1)])],
    ...     sa.Objective("loss", "min"))
    >>> figure = plots.history(result)
    >>> [axes.get_title() for axes in figure.axes]
    ['Optimization history']
    >>> list(plots.importance_scores(result))  # x dominates the loss
    ['x', 'y']
"""

from __future__ import annotations

from spacealg._views.figures import history, importance, parallel_coordinates, slices
from spacealg._views.importance import importance_scores

__all__ = ["history", "importance", "importance_scores", "parallel_coordinates", "slices"]
