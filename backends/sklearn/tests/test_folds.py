"""A trial's folds are scikit-learn's ``cross_validate`` on the same splits, whatever the data.

The backend runs the folds itself (one scorer per trial, no per-fold checks), so
each test compares its per-fold scores with ``cross_validate``'s on data that
takes another path: a DataFrame, a sparse matrix, a precomputed kernel, a list,
per-sample fit parameters, metadata routing, several scorers.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import scipy.sparse
import sklearn
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, make_scorer
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier
from spacealg_sklearn import SklearnBackend

import spacealg as sa
from spacealg.backend import Trial


def trial(values):
    return Trial(0, sa.Values(values), 0, 0, Path("."), lambda step, metrics: None)


def same_as_cross_validate(estimator, X, y, values, *, scoring=None, params=None):
    splits = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))
    backend = SklearnBackend(
        estimator, X, y, cv=splits, scoring=scoring, fit_params=dict(params or {})
    )
    ours = backend.run_trial(trial(values))
    theirs = cross_validate(
        sklearn.clone(estimator).set_params(**values),
        X,
        y,
        cv=splits,
        scoring=scoring,
        params=params,
        error_score="raise",
    )
    keys = [key for key in theirs if key.startswith("test_")]
    assert keys
    for key in keys:
        name = key.removeprefix("test_")
        folds = [ours[f"split{k}_test_{name}"] for k in range(3)]
        np.testing.assert_allclose(folds, theirs[key])
        assert ours[f"mean_test_{name}"] == pytest.approx(np.mean(theirs[key]))
    return ours


@pytest.fixture
def data(iris):
    X, y = iris
    return X, y


def test_arrays(data):
    same_as_cross_validate(DecisionTreeClassifier(random_state=0), *data, {"max_depth": 2})


def test_a_dataframe_and_a_series(data):
    X, y = data
    frame = pd.DataFrame(X, columns=list("abcd"), index=np.arange(len(y))[::-1])
    same_as_cross_validate(
        DecisionTreeClassifier(random_state=0), frame, pd.Series(y, index=frame.index), {}
    )


def test_a_sparse_matrix(data):
    X, y = data
    same_as_cross_validate(LogisticRegression(max_iter=500), scipy.sparse.csr_matrix(X), y, {})


def test_lists(data):
    X, y = data
    same_as_cross_validate(DecisionTreeClassifier(random_state=0), X.tolist(), y.tolist(), {})


def test_a_precomputed_kernel(data):
    X, y = data
    same_as_cross_validate(SVC(kernel="precomputed"), X @ X.T, y, {"C": 0.5})


def test_several_scorers(data):
    ours = same_as_cross_validate(
        DecisionTreeClassifier(random_state=0),
        *data,
        {"max_depth": 1},
        scoring={"acc": "accuracy", "f1": "f1_macro"},
    )
    assert "mean_test_acc" in ours
    assert "mean_test_f1" in ours


def test_per_sample_fit_parameters_are_cut_to_each_fold(data):
    X, y = data
    weights = np.where(y == 2, 5.0, 1.0)
    ours = same_as_cross_validate(
        DecisionTreeClassifier(random_state=0), X, y, {}, params={"sample_weight": weights}
    )
    plain = same_as_cross_validate(DecisionTreeClassifier(random_state=0), X, y, {})
    assert ours != plain  # the weights changed the fits


def test_metadata_routing_routes_as_cross_validate_does(data):
    X, y = data
    weights = np.where(y == 1, 4.0, 1.0)
    with sklearn.config_context(enable_metadata_routing=True):
        estimator = DecisionTreeClassifier(max_depth=2, random_state=0).set_fit_request(
            sample_weight=True
        )
        scorer = make_scorer(accuracy_score).set_score_request(sample_weight=True)
        same_as_cross_validate(
            estimator, X, y, {}, scoring=scorer, params={"sample_weight": weights}
        )
        unrequested = DecisionTreeClassifier(max_depth=2, random_state=0)
        with pytest.raises(ValueError, match="sample_weight"):  # as cross_validate refuses it
            SklearnBackend(
                unrequested, X, y, cv=3, fit_params={"sample_weight": weights}
            ).run_trial(trial({}))
