"""``cv_results_`` in scikit-learn's layout, from the trials a search recorded."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

import spacealg as sa

TIMES = ("fit_time", "score_time")


def rank(means: np.ndarray) -> np.ndarray:
    """Ranks, 1 the best (highest); ties share the lowest rank; NaN ranks with the worst."""
    if np.isnan(means).all():
        return np.ones(len(means), dtype=np.int32)
    filled = np.where(np.isnan(means), np.nanmin(means) - 1, means)
    return np.array([1 + int(np.sum(filled > value)) for value in filled], dtype=np.int32)


def _param_columns(trials: Sequence[sa.TrialRecord]) -> dict[str, np.ma.MaskedArray]:
    """``param_<name>``: one masked object array per name, masked where a trial lacks it."""
    names: dict[str, None] = {}
    for trial in trials:
        names.update(dict.fromkeys(trial.values))
    columns = {}
    for name in names:
        column: np.ma.MaskedArray = np.ma.MaskedArray(
            np.empty(len(trials), dtype=object), mask=True
        )
        for row, trial in enumerate(trials):
            if name in trial.values:
                column[row] = trial.values[name]
        columns[f"param_{name}"] = column
    return columns


def _last(trial: sa.TrialRecord, metric: str) -> float | None:
    steps = trial.metrics.get(metric)
    return steps[-1] if steps else None


def cv_results(
    trials: Sequence[sa.TrialRecord],
    metrics: Sequence[str],
    n_splits: int,
    error_score: float,
) -> dict[str, Any]:
    """The ``cv_results_`` of ``trials`` (one row each, in trial order).

    A trial without a metric (it failed, or was skipped) scores ``error_score`` on
    every fold, as scikit-learn scores a fit that raised, and its times are NaN.
    """
    results: dict[str, Any] = {}
    for kind in TIMES:
        for statistic in ("mean", "std"):
            values = [_last(trial, f"{statistic}_{kind}") for trial in trials]
            results[f"{statistic}_{kind}"] = np.array(
                [np.nan if v is None else v for v in values], dtype=float
            )
    results.update(_param_columns(trials))
    results["params"] = [dict(trial.values) for trial in trials]
    for metric in metrics:
        splits = np.full((len(trials), n_splits), float(error_score))
        for row, trial in enumerate(trials):
            for fold in range(n_splits):
                value = _last(trial, f"split{fold}_test_{metric}")
                if value is not None:
                    splits[row, fold] = value
        for fold in range(n_splits):
            results[f"split{fold}_test_{metric}"] = splits[:, fold]
        means = splits.mean(axis=1) if n_splits else np.full(len(trials), np.nan)
        results[f"mean_test_{metric}"] = means
        results[f"std_test_{metric}"] = splits.std(axis=1) if n_splits else means
        results[f"rank_test_{metric}"] = rank(means)
    return results
