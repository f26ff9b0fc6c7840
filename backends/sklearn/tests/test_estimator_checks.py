"""SearchCV passes scikit-learn's own estimator checks, as scikit-learn's searches do.

The instances mirror those scikit-learn checks its own ``GridSearchCV`` and
``RandomizedSearchCV`` with: a small inner estimator and space, ``cv=2`` and
``error_score="raise"``; one more keeps the default ``error_score``.
"""

from __future__ import annotations

import pytest
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import Pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks
from spacealg_sklearn import SearchCV

import spacealg as sa


def _search(estimator, space, **kwargs):
    return SearchCV(
        estimator, space, oracle="random", max_trials=2, cv=2, seed=0, verbose=0, **kwargs
    )


C = sa.Space([sa.Float("C", min_value=0.1, max_value=10.0, sampling="log")])
ALPHA = sa.Space([sa.Float("ridge__alpha", min_value=0.1, max_value=10.0, sampling="log")])

ESTIMATORS = [
    _search(LogisticRegression(), C, error_score="raise"),
    _search(Pipeline([("pca", PCA()), ("ridge", Ridge())]), ALPHA, error_score="raise"),
    _search(Ridge(), sa.Space([sa.Float("alpha", min_value=0.1, max_value=10.0)])),
]

# A check that cannot apply, with the reason (scikit-learn lists its own searches' the same way).
EXPECTED_FAILURES = {
    "check_dtype_object": (
        "with error_score=nan a fit that raises scores NaN, and a search in which every fit "
        "failed raises FitFailedError (a ValueError, as scikit-learn's searches raise "
        "then) instead of the estimator's own TypeError; error_score='raise' passes it"
    ),
}


def _expected_failures(estimator):
    return {} if estimator.error_score == "raise" else EXPECTED_FAILURES


# check_supervised_y_no_nan: scikit-learn's check_cv casts a y of NaNs to int to read its
# type, which NumPy warns about (RuntimeWarning); the tests make warnings errors. The check
# then passes: fit raises the ValueError it expects.
@pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning")
@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failures)
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)
