"""One configuration cross-validated on fixed folds, as scikit-learn's ``cross_validate`` does.

The loop is scikit-learn's own, written out so that a trial pays only for its
folds: the scorer is built once per trial, every fold fits a clone of the
trial's estimator on its rows (a per-sample fit parameter cut to them, as
``cross_validate`` cuts it; routed as ``cross_validate`` routes it when
scikit-learn's metadata routing is on), and scores it with scikit-learn's
scorers. A fold whose fit or scoring raises scores ``error_score``, with its
traceback kept, as scikit-learn scores it; ``error_score="raise"`` raises at once.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import sklearn
from sklearn.base import clone
from sklearn.metrics import check_scoring
from sklearn.utils import _safe_indexing, get_tags
from sklearn.utils.metadata_routing import MetadataRouter, MethodMapping, process_routing

Split = tuple[np.ndarray, np.ndarray]


@attrs.frozen
class FoldFailure:
    """A fold whose fit or scoring raised.

    Attributes:
        fold: the fold's index.
        error: the exception.
        text: its traceback, as ``traceback.format_exc()`` writes it.
    """

    fold: int
    error: BaseException
    text: str


@attrs.frozen
class Folds:
    """What cross-validating one configuration gave.

    Attributes:
        results: ``cross_validate``'s arrays: ``fit_time``, ``score_time`` and
            ``test_<metric>`` (``test_score`` for one scorer), one value per fold.
        failures: the folds that raised, in fold order.
    """

    results: Mapping[str, np.ndarray]
    failures: tuple[FoldFailure, ...]


def n_samples(data: Any) -> int:
    """How many rows ``data`` has."""
    shape = getattr(data, "shape", None)
    return int(shape[0]) if shape is not None and len(shape) else len(data)


def rows(data: Any, indices: np.ndarray) -> Any:
    """The rows ``indices`` of an array, a sparse matrix, a DataFrame or a list."""
    if isinstance(data, np.ndarray) or hasattr(data, "tocsr"):
        return data[indices]
    if hasattr(data, "iloc"):
        return data.iloc[indices]
    return _safe_indexing(data, indices)


def _per_fold(params: Mapping[str, Any], total: int, indices: np.ndarray) -> dict[str, Any]:
    """``params`` with each per-sample value (one entry per row of the data) cut to ``indices``."""
    cut = {}
    for name, value in params.items():
        per_sample = (hasattr(value, "__len__") or hasattr(value, "shape")) and not isinstance(
            value, str | bytes | Mapping
        )
        cut[name] = rows(value, indices) if per_sample and n_samples(value) == total else value
    return cut


def _routed(estimator: Any, scorer: Any, params: Mapping[str, Any]) -> tuple[dict[str, Any], ...]:
    """The fit and score parameters: routed when metadata routing is on, else all to ``fit``."""
    if not sklearn.get_config().get("enable_metadata_routing", False):
        return dict(params), {}
    router = (
        MetadataRouter(owner="SearchCV")
        .add(estimator=estimator, method_mapping=MethodMapping().add(caller="fit", callee="fit"))
        .add(scorer=scorer, method_mapping=MethodMapping().add(caller="fit", callee="score"))
    )
    routed = process_routing(router, "fit", **params)
    return dict(routed.estimator.fit), dict(routed.scorer.score)


def _parts(
    X: Any, y: Any, train: np.ndarray, test: np.ndarray, *, pairwise: bool
) -> tuple[Any, ...]:
    """The fold's training and test data; a pairwise estimator's test rows keep training columns."""
    if pairwise:
        x_train = _safe_indexing(rows(X, train), train, axis=1)
        x_test = _safe_indexing(rows(X, test), train, axis=1)
    else:
        x_train, x_test = rows(X, train), rows(X, test)
    if y is None:
        return x_train, None, x_test, None
    return x_train, rows(y, train), x_test, rows(y, test)


def cross_validate_folds(
    estimator: Any,
    X: Any,
    y: Any,
    splits: Sequence[Split],
    *,
    scoring: Any,
    params: Mapping[str, Any],
    error_score: float | str,
    owned: bool = False,
) -> Folds:
    """Fit and score a clone of ``estimator`` on each of ``splits``.

    Args:
        estimator: the unfitted estimator.
        X: the data.
        y: the targets, or None.
        splits: the ``(train, test)`` index pairs.
        scoring: a scorer (a callable, as :func:`~sklearn.metrics.check_scoring`
            returns: a multi-metric one returns a dict), or what ``check_scoring``
            takes (None, a name, a list or a dict).
        params: the fit parameters (``sample_weight``, say).
        error_score: a fold that raises scores this; ``"raise"`` raises.
        owned: ``estimator`` is the caller's own fresh copy: the last fold fits it
            rather than a clone of it.

    Returns:
        the per-fold arrays and the failures.

    Raises:
        Exception: what the first failing fold raised, under ``error_score="raise"``
            or when every fold failed.
    """
    # A callable is a scorer built once for the whole search (SearchCV builds it):
    # check_scoring's argument checks cost a millisecond a trial.
    scorer = scoring if callable(scoring) else check_scoring(estimator, scoring=scoring)
    fit_params, score_params = _routed(estimator, scorer, params)
    total = n_samples(X)
    columns: dict[str, list[float]] = {"fit_time": [], "score_time": []}
    failures: list[FoldFailure] = []
    names: list[str] | None = None
    pairwise = get_tags(estimator).input_tags.pairwise
    last = len(splits) - 1
    for fold, (train, test) in enumerate(splits):
        fitted = estimator if owned and fold == last else clone(estimator)
        x_train, y_train, x_test, y_test = _parts(X, y, train, test, pairwise=pairwise)
        started = time.perf_counter()
        fit_ended: float | None = None
        try:
            fold_fit = _per_fold(fit_params, total, train)
            if y_train is None:
                fitted.fit(x_train, **fold_fit)
            else:
                fitted.fit(x_train, y_train, **fold_fit)
            fit_ended = time.perf_counter()
            fold_score = _per_fold(score_params, total, test)
            if y_test is None:
                scores = scorer(fitted, x_test, **fold_score)
            else:
                scores = scorer(fitted, x_test, y_test, **fold_score)
        except Exception as error:
            if isinstance(error_score, str):  # "raise"
                raise
            ended = time.perf_counter()
            failures.append(FoldFailure(fold, error, traceback.format_exc()))
            for name in names or ():  # folds before the first scored one are filled below
                columns[f"test_{name}"].append(float(error_score))
            # As scikit-learn times a failed fold: the time until it failed, no score time.
            columns["fit_time"].append((fit_ended or ended) - started)
            columns["score_time"].append(0.0 if fit_ended is None else ended - fit_ended)
            continue
        ended = time.perf_counter()
        columns["fit_time"].append(fit_ended - started)
        columns["score_time"].append(ended - fit_ended)
        named = dict(scores) if isinstance(scores, Mapping) else {"score": scores}
        if names is None:
            names = list(named)
            for name in names:  # the folds before this one all failed
                columns[f"test_{name}"] = [float(error_score)] * fold if fold else []
        for name in names:
            columns[f"test_{name}"].append(float(named[name]))
    if names is None:  # every fold failed: the trial fails with the first one's error
        raise failures[0].error
    results = {key: np.asarray(values, dtype=float) for key, values in columns.items()}
    return Folds(results, tuple(failures))
