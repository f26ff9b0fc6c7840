"""A fold whose fit raises, and refit functions: SearchCV against GridSearchCV on one grid.

The estimator below fails on some folds only: it refuses training data where a
class has fewer than ``min_count`` samples, and iris (sorted by class) cut into
five unshuffled folds leaves 20 or 30 samples of the rarest class in each
training part. So ``min_count=10`` fits everywhere, ``25`` fails on folds 0, 2
and 4, and ``60`` fails on every fold.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import FitFailedWarning
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.tree import DecisionTreeClassifier
from spacealg_sklearn import FitFailedError, SearchCV

import spacealg as sa


class NeedsSamplesPerClass(ClassifierMixin, BaseEstimator):
    """A depth-2 tree that refuses to fit when a class has fewer than ``min_count`` samples."""

    def __init__(self, min_count=1):
        self.min_count = min_count

    def fit(self, X, y):
        fewest = int(np.bincount(y, minlength=3).min())
        if fewest < self.min_count:
            raise ValueError(f"a class has {fewest} samples, fewer than min_count={self.min_count}")
        self.tree_ = DecisionTreeClassifier(max_depth=2, random_state=0).fit(X, y)
        self.classes_ = self.tree_.classes_
        return self

    def predict(self, X):
        return self.tree_.predict(X)


COUNTS = [10, 25, 60]
SPACE = sa.Space([sa.Choice("min_count", values=COUNTS)])


def searches(error_score, **kwargs):
    ours = SearchCV(
        NeedsSamplesPerClass(),
        SPACE,
        oracle="grid",
        max_trials=None,
        cv=KFold(5),
        error_score=error_score,
        verbose=0,
        **kwargs,
    )
    theirs = GridSearchCV(
        NeedsSamplesPerClass(), {"min_count": COUNTS}, cv=KFold(5), error_score=error_score
    )
    return ours, theirs


def rows_by_count(results):
    return [COUNTS.index(params["min_count"]) for params in results["params"]]


@pytest.mark.parametrize("error_score", [np.nan, 0.0])
def test_a_failing_fold_scores_error_score_and_the_others_keep_theirs(iris, tmp_path, error_score):
    X, y = iris
    ours, theirs = searches(error_score, directory=tmp_path, project_name="folds")
    with pytest.warns(FitFailedWarning, match="8 fits failed out of a total of 15") as caught:
        ours.fit(X, y)
    text = str(caught[0].message)
    assert "3 fits failed with the following error" in text  # min_count=25's folds
    assert "5 fits failed with the following error" in text  # min_count=60's
    with warnings.catch_warnings():
        # scikit-learn's warnings: the failed fits, and NaN means under error_score=nan
        warnings.simplefilter("ignore", FitFailedWarning)
        warnings.simplefilter("ignore", UserWarning)
        theirs.fit(X, y)
    order = rows_by_count(ours.cv_results_)
    assert rows_by_count(theirs.cv_results_) == [0, 1, 2]
    for key in [f"split{k}_test_score" for k in range(5)] + [
        "mean_test_score",
        "std_test_score",
        "rank_test_score",
    ]:
        np.testing.assert_allclose(
            ours.cv_results_[key][np.argsort(order)], theirs.cv_results_[key]
        )
    assert ours.best_params_ == theirs.best_params_ == {"min_count": 10}
    assert ours.best_score_ == theirs.best_score_
    # The trials as the store keeps them: the partly failed one with its count and tracebacks.
    trials = {t.values["min_count"]: t for t in sa.load(tmp_path, "folds").trials}
    assert trials[10].state is sa.TrialState.COMPLETED
    assert "failed_folds" not in trials[10].metrics
    partial = trials[25]
    assert partial.metrics["failed_folds"] == (3.0,)
    if np.isnan(error_score):
        assert partial.state is sa.TrialState.INVALID  # a NaN mean, as scikit-learn's
    else:
        assert partial.state is sa.TrialState.COMPLETED
        assert partial.score == pytest.approx(
            np.mean([0.0, *(partial.metrics[f"split{k}_test_score"][0] for k in (1, 3)), 0, 0])
        )
    kept = json.loads(
        (tmp_path / "folds" / "trials" / str(partial.trial_id) / "fold_errors.json").read_text()
    )
    assert [entry["fold"] for entry in kept] == [0, 2, 4]
    assert all("Traceback" in e["error"] and "min_count=25" in e["error"] for e in kept)
    assert trials[60].state is sa.TrialState.FAILED
    assert "fewer than min_count=60" in trials[60].error


def test_when_every_fit_fails_the_search_raises(iris):
    X, y = iris
    search = SearchCV(
        NeedsSamplesPerClass(min_count=60),
        sa.Space([sa.Choice("min_count", values=[60, 70])]),
        oracle="grid",
        max_trials=None,
        cv=KFold(5),
        verbose=0,
    )
    with pytest.raises(FitFailedError, match=r"(?s)2 of 2 trials failed.*fewer than min_count"):
        search.fit(X, y)


def test_error_score_raise_stops_at_the_first_failing_fold(iris):
    X, y = iris
    ours, _ = searches("raise")
    with pytest.raises(ValueError, match="a class has 20 samples, fewer than min_count=25"):
        ours.fit(X, y)


def test_the_folds_of_a_partly_failed_trial_have_their_times(iris):
    X, y = iris
    ours, _ = searches(np.nan)  # in a temporary store: the tracebacks are read before it goes
    with pytest.warns(FitFailedWarning, match="fewer than min_count=25"):
        ours.fit(X, y)
    row = rows_by_count(ours.cv_results_).index(1)
    assert np.isfinite(ours.cv_results_["mean_fit_time"][row])
    assert np.isfinite(ours.cv_results_["mean_score_time"][row])


def within_a_tenth_of_the_best_the_fewest(results):
    """A refit function: the smallest ``min_count`` scoring within 0.1 of the best."""
    means = np.nan_to_num(results["mean_test_score"], nan=-1.0)
    near = [row for row in range(len(means)) if means[row] >= np.max(means) - 0.1]
    return min(near, key=lambda row: results["params"][row]["min_count"])


def test_a_refit_function_picks_the_best_index_as_in_grid_search_cv(iris):
    X, y = iris
    space = sa.Space([sa.Choice("min_count", values=[5, 10, 15])])
    ours = SearchCV(
        NeedsSamplesPerClass(),
        space,
        oracle="grid",
        max_trials=None,
        cv=3,
        refit=within_a_tenth_of_the_best_the_fewest,
        verbose=0,
    ).fit(X, y)
    theirs = GridSearchCV(
        NeedsSamplesPerClass(),
        {"min_count": [5, 10, 15]},
        cv=3,
        refit=within_a_tenth_of_the_best_the_fewest,
    ).fit(X, y)
    assert ours.best_params_ == theirs.best_params_ == {"min_count": 5}
    assert ours.cv_results_["params"][ours.best_index_] == ours.best_params_
    assert not hasattr(ours, "best_score_")
    assert not hasattr(theirs, "best_score_")
    assert ours.best_estimator_.min_count == 5
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))


def test_a_refit_function_with_several_scorers_decides_alone(iris):
    X, y = iris
    scoring = ["accuracy", "f1_macro"]
    ours = SearchCV(
        DecisionTreeClassifier(random_state=0),
        sa.Space([sa.Int("max_depth", min_value=1, max_value=4)]),
        oracle="grid",
        max_trials=None,
        cv=3,
        scoring=scoring,
        refit=lambda results: int(np.argmin(results["param_max_depth"])),
        verbose=0,
    ).fit(X, y)
    theirs = GridSearchCV(
        DecisionTreeClassifier(random_state=0),
        {"max_depth": [1, 2, 3, 4]},
        cv=3,
        scoring=scoring,
        refit=lambda results: int(np.argmin(results["param_max_depth"])),
    ).fit(X, y)
    assert ours.best_params_ == theirs.best_params_ == {"max_depth": 1}
    assert ours.multimetric_
    assert theirs.multimetric_
    assert not hasattr(ours, "best_score_")
    # score() uses the scorer the search optimised: the first.
    assert ours.score(X, y) == ours.scorer_["accuracy"](ours.best_estimator_, X, y)


@pytest.mark.parametrize(
    ("refit", "message"),
    [
        (lambda results: "0", "a function returning an int index \\(it returned '0'\\)"),
        (lambda results: 3, "a function returning an index 0 <= i < 3 \\(it returned 3\\)"),
        (lambda results: -1, "a function returning an index 0 <= i < 3 \\(it returned -1\\)"),
    ],
)
def test_a_refit_function_must_return_an_index_of_cv_results(iris, refit, message):
    X, y = iris
    search = SearchCV(
        NeedsSamplesPerClass(),
        sa.Space([sa.Choice("min_count", values=[5, 10, 15])]),
        oracle="grid",
        max_trials=None,
        cv=3,
        refit=refit,
        verbose=0,
    )
    with pytest.raises(sa.errors.InvalidArgumentError, match=message):
        search.fit(X, y)
