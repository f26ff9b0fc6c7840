"""Hyperparameter importance: how much of the score's spread each hyperparameter explains.

The method is a first-order variance decomposition computed from the trials
alone: for each hyperparameter, the completed trials are grouped by its value
(a ``Choice`` or ``Boolean`` by value, a numeric one into up to ten quantile
bins of its (log-)scale, an inactive entry as a group of its own), and the
importance is the share of the score's variance that lies between the groups'
means, corrected for the share that noise alone puts there
(epsilon-squared: ``(SS_between - (k - 1) * MS_within) / SS_total``, at least 0).

It is the main-effect term of a functional ANOVA (what fANOVA estimates with a
random forest), read straight off the samples: deterministic, needing no model
and no dependency beyond numpy, linear in the number of trials, and honest about
small studies (the correction keeps a hyperparameter with no effect near 0).
It misses interactions: two hyperparameters that matter only together each
score low.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from spacealg._search.trials import SearchResult, TrialRecord, TrialState
from spacealg._space.kinds import Hyperparameter
from spacealg._space.numeric import Float, Int
from spacealg._space.scalars import Scalar
from spacealg._space.validation import check_instance

BINS = 10
"""The most groups a numeric hyperparameter's values are cut into."""


def scored(result: SearchResult) -> list[TrialRecord]:
    """The completed trials with a finite score, in trial order."""
    return [
        t
        for t in result.trials
        if t.state is TrialState.COMPLETED and t.score is not None and math.isfinite(t.score)
    ]


def tuned_names(result: SearchResult) -> list[str]:
    """The tuned hyperparameters' names: the trial space's, else every value's, in order."""
    if result.trial_space is not None:
        return list(result.trial_space.tuned)
    names: dict[str, None] = {}
    for trial in result.trials:
        names.update(dict.fromkeys(trial.values))
    return list(names)


def is_numeric(hp: Hyperparameter | None, values: Sequence[Scalar]) -> bool:
    """Whether values are drawn on a numeric axis (an Int or Float, or plain numbers)."""
    if hp is not None:
        return isinstance(hp, Int | Float)
    return bool(values) and all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in values
    )


def is_log(hp: Hyperparameter | None) -> bool:
    """Whether ``hp`` is sampled on a log scale."""
    return isinstance(hp, Int | Float) and hp.sampling == "log"


def groups(hp: Hyperparameter | None, values: Sequence[Scalar | None]) -> np.ndarray:
    """Each value's group: by value, or by quantile bin for numbers; None is a group."""
    present = [v for v in values if v is not None]
    labels = np.zeros(len(values), dtype=np.int64)
    if is_numeric(hp, present) and len(set(present)) > BINS:
        numbers = np.array([float(v) for v in present if isinstance(v, int | float)])
        if is_log(hp) and np.all(numbers > 0):
            numbers = np.log(numbers)
        edges = np.unique(np.quantile(numbers, np.linspace(0, 1, BINS + 1)[1:-1]))
        binned = iter(np.searchsorted(edges, numbers, side="right") + 1)
        return np.array([0 if v is None else int(next(binned)) for v in values])
    codes: dict[object, int] = {}
    for index, value in enumerate(values):
        key = (type(value).__name__, value)
        labels[index] = codes.setdefault(key, len(codes))
    return labels


def explained(labels: np.ndarray, scores: np.ndarray) -> float:
    """Epsilon-squared: the share of the scores' variance between the groups, net of noise."""
    total = float(np.sum((scores - scores.mean()) ** 2))
    kinds, inverse = np.unique(labels, return_inverse=True)
    k, n = len(kinds), len(scores)
    if total == 0.0 or k < 2 or n <= k:
        return 0.0
    sums = np.bincount(inverse, weights=scores)
    counts = np.bincount(inverse)
    between = float(np.sum(sums**2 / counts) - scores.sum() ** 2 / n)
    within = total - between
    return max(0.0, (between - (k - 1) * within / (n - k)) / total)


def importance_scores(result: SearchResult) -> Mapping[str, float]:
    """Each tuned hyperparameter's importance, most important first (see this module).

    Args:
        result: a search's result.

    Returns:
        Name to the share of the score's variance its value explains, in
        [0, 1], sorted from the most to the least important (ties in space order).
        Empty when fewer than three trials completed.
    """
    check_instance(
        "plots.importance_scores()",
        "result",
        result,
        SearchResult,
        "a SearchResult, such as load(...)",
    )
    trials = scored(result)
    if len(trials) < 3:
        return {}
    scores = np.array([t.score for t in trials], dtype=float)
    space = result.trial_space.tuned if result.trial_space is not None else None
    found = {}
    for name in tuned_names(result):
        hp = space[name] if space is not None and name in space else None
        found[name] = explained(groups(hp, [t.values.get(name) for t in trials]), scores)
    return dict(sorted(found.items(), key=lambda item: -item[1]))
