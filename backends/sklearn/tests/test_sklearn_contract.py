"""The scikit-learn backend passes spacealg's backend contract, on real estimators and data."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, distribution

import pytest
from sklearn.datasets import load_iris
from sklearn.tree import DecisionTreeClassifier
from spacealg_sklearn import SklearnBackend

import spacealg as sa
from spacealg.backend import installed_backends, load_backend
from spacealg.testing import BackendContract

X, Y = load_iris(return_X_y=True)


def build(hp):
    """A decision tree; ``min_samples_leaf`` only under the entropy criterion."""
    criterion = hp.Choice("criterion", ["gini", "entropy"])
    depth = hp.Int("max_depth", 1, 4)
    with hp.conditional_scope("criterion", ["entropy"]):
        leaf = hp.Int("min_samples_leaf", 1, 9, step=4)
    return DecisionTreeClassifier(
        criterion=criterion, max_depth=depth, min_samples_leaf=leaf or 1, random_state=0
    )


def fail(hp):
    build(hp)
    raise RuntimeError("the fit failed")


def skip(hp):
    build(hp)
    raise sa.SkipTrial("an invalid combination")


class TestSklearnBackendBuildFunction(BackendContract):
    """A define-by-run build function, cross-validated in three folds; the objective is the mean."""

    deterministic = False  # the fit and score times are metrics too; the scores do repeat

    def make_backend(self):
        def recorded(hp):
            estimator = build(hp)
            self.record_values(hp.values)
            return estimator

        return SklearnBackend(recorded, X, Y, cv=3)

    def space(self):
        return sa.declare(build)

    def objective(self):
        return sa.Objective("mean_test_score", "max")

    def failing_backend(self):
        return SklearnBackend(fail, X, Y, cv=3)

    def skipping_backend(self):
        return SklearnBackend(skip, X, Y, cv=3)


class Recording(DecisionTreeClassifier):
    """A tree that tells the contract which parameters each fit received."""

    contract = None

    def fit(self, X, y, sample_weight=None):
        if Recording.contract is not None:
            params = self.get_params()
            Recording.contract.record_values(
                {name: params[name] for name in ("criterion", "max_depth", "splitter")}
            )
        return super().fit(X, y, sample_weight=sample_weight)


class TestSklearnBackendEstimator(BackendContract):
    """An estimator whose parameters the trial's values set; a pinned default included."""

    deterministic = False  # the fit and score times are metrics too

    def make_backend(self):
        Recording.contract = self
        return SklearnBackend(Recording(random_state=0), X, Y, cv=3)

    def space(self):
        return sa.Space(
            [
                sa.Choice("criterion", values=["gini", "entropy"]),
                sa.Int("max_depth", min_value=1, max_value=4),
                sa.Fixed("splitter", value="best"),
            ]
        )

    def objective(self):
        return sa.Objective("mean_test_score", "max")

    def failing_backend(self):
        Recording.contract = None
        # Every fit receives a keyword argument it does not take: a TypeError.
        return SklearnBackend(Recording(random_state=0), X, Y, cv=3, fit_params={"bad": 1})

    def skipping_backend(self):
        return SklearnBackend(Skipping(), X, Y, cv=3)


class Skipping(DecisionTreeClassifier):
    """A tree whose every fit tells the search to skip the combination."""

    def fit(self, X, y, sample_weight=None):
        raise sa.SkipTrial("an invalid combination")


def test_the_contract_space_is_the_declared_one():
    assert list(sa.declare(build)) == ["criterion", "max_depth", "min_samples_leaf"]


def test_the_entry_point_names_the_backend():
    try:
        distribution("spacealg-sklearn")
    except PackageNotFoundError:
        pytest.skip("spacealg-sklearn is not installed (run from source): no entry point")
    assert installed_backends()["sklearn"] == "spacealg_sklearn:SklearnBackend"
    assert load_backend("sklearn") is SklearnBackend
