"""SearchCV on real estimators and real data: results layout, forms of space, failures, store."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.exceptions import FitFailedWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, RandomizedSearchCV, cross_validate
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier
from spacealg_sklearn import FitFailedError, SearchCV

import spacealg as sa

SVC_SPACE = sa.Space(
    [
        sa.Float("svc__C", min_value=1e-2, max_value=100.0, sampling="log"),
        sa.Choice("svc__kernel", values=["rbf", "linear"]),
        sa.Float(
            "svc__gamma",
            min_value=1e-3,
            max_value=1.0,
            sampling="log",
            conditions=sa.Condition("svc__kernel", ["rbf"]),
        ),
    ]
)
TREE_SPACE = sa.Space([sa.Int("max_depth", min_value=1, max_value=6)])
# 200 neighbours among the 100 training samples of a fold: that configuration's fit raises.
NEIGHBOURS = sa.Space([sa.Choice("n_neighbors", values=[5, 200])])


def svc_search(space=SVC_SPACE, **kwargs):
    options = {"max_trials": 6, "cv": 3, "seed": 0, "verbose": 0, **kwargs}
    return SearchCV(make_pipeline(StandardScaler(), SVC()), space, **options)


def test_cv_results_follow_scikit_learns_layout(iris):
    X, y = iris
    search = svc_search().fit(X, y)
    results = search.cv_results_
    assert list(results)[:4] == [
        "mean_fit_time",
        "std_fit_time",
        "mean_score_time",
        "std_score_time",
    ]
    assert {"params", "param_svc__C", "param_svc__kernel", "param_svc__gamma"} <= set(results)
    assert {f"split{k}_test_score" for k in range(3)} <= set(results)
    assert search.n_splits_ == 3
    assert len(results["params"]) == 6
    frame = pd.DataFrame(results)
    assert frame.shape[0] == 6
    # An inactive conditional name is masked, exactly where the kernel is linear.
    gamma = results["param_svc__gamma"]
    linear = [p["svc__kernel"] == "linear" for p in results["params"]]
    assert list(np.ma.getmaskarray(gamma)) == linear
    assert all(
        "svc__gamma" not in p for p, lin in zip(results["params"], linear, strict=True) if lin
    )
    splits = np.column_stack([results[f"split{k}_test_score"] for k in range(3)])
    np.testing.assert_allclose(results["mean_test_score"], splits.mean(axis=1))
    np.testing.assert_allclose(results["std_test_score"], splits.std(axis=1))
    assert results["rank_test_score"][search.best_index_] == 1
    assert (results["mean_fit_time"] > 0).all()


def test_each_trial_is_scikit_learns_own_cross_validation(iris):
    X, y = iris
    search = svc_search().fit(X, y)
    for row, params in enumerate(search.cv_results_["params"]):
        estimator = make_pipeline(StandardScaler(), SVC()).set_params(**params)
        expected = cross_validate(estimator, X, y, cv=3)["test_score"]
        got = [search.cv_results_[f"split{k}_test_score"][row] for k in range(3)]
        np.testing.assert_allclose(got, expected)


def test_best_attributes_agree_and_the_best_estimator_is_refit(iris):
    X, y = iris
    search = svc_search().fit(X, y)
    best = search.best_index_
    assert search.best_params_ == search.cv_results_["params"][best]
    assert search.best_score_ == search.cv_results_["mean_test_score"][best]
    assert search.best_score_ == np.max(search.cv_results_["mean_test_score"])
    assert search.best_score_ == search.search_result_.best_score
    refit = make_pipeline(StandardScaler(), SVC()).set_params(**search.best_params_).fit(X, y)
    np.testing.assert_array_equal(search.predict(X), refit.predict(X))
    np.testing.assert_array_equal(search.decision_function(X), refit.decision_function(X))
    assert search.score(X, y) == refit.score(X, y)
    assert search.refit_time_ > 0
    np.testing.assert_array_equal(search.classes_, [0, 1, 2])
    assert search.n_features_in_ == 4
    assert not hasattr(search, "predict_proba")  # SVC(probability=False) has none
    assert not hasattr(search, "transform")


def test_a_fitted_search_pickles(iris):
    X, y = iris
    search = svc_search(max_trials=2).fit(X, y)
    copy = pickle.loads(pickle.dumps(search))
    np.testing.assert_array_equal(copy.predict(X), search.predict(X))


def test_refit_false_keeps_no_best_estimator(iris):
    X, y = iris
    search = svc_search(max_trials=2, refit=False).fit(X, y)
    assert not hasattr(search, "best_estimator_")
    assert search.best_params_ == search.cv_results_["params"][search.best_index_]
    with pytest.raises(AttributeError, match="refit=False"):
        search.predict(X)


def test_multi_metric_scoring_decides_by_refit(iris):
    X, y = iris
    search = SearchCV(
        DecisionTreeClassifier(random_state=0),
        TREE_SPACE,
        oracle="grid",
        max_trials=None,
        cv=3,
        scoring=["accuracy", "f1_macro"],
        refit="f1_macro",
        verbose=0,
    ).fit(X, y)
    results = search.cv_results_
    assert search.multimetric_
    for metric in ("accuracy", "f1_macro"):
        assert {f"mean_test_{metric}", f"std_test_{metric}", f"rank_test_{metric}"} <= set(results)
    assert len(results["params"]) == 6
    assert search.best_score_ == np.max(results["mean_test_f1_macro"])
    assert results["rank_test_f1_macro"][search.best_index_] == 1
    assert set(search.scorer_) == {"accuracy", "f1_macro"}
    assert search.score(X, y) == search.scorer_["f1_macro"](search.best_estimator_, X, y)


def test_multi_metric_scoring_needs_refit_to_name_a_metric(iris):
    X, y = iris
    search = SearchCV(LogisticRegression(), sa.Space(), scoring={"acc": "accuracy"}, verbose=0)
    with pytest.raises(sa.errors.InvalidArgumentError, match="refit=True is not valid"):
        search.fit(X, y)


def build(hp):
    """A pipeline whose classifier is chosen by the search, each with its own parameters."""
    model = hp.Choice("model", ["svc", "boosting"])
    with hp.conditional_scope("model", ["svc"]):
        c = hp.Float("C", min_value=0.1, max_value=10.0, sampling="log")
    with hp.conditional_scope("model", ["boosting"]):
        max_iter = hp.Int("max_iter", min_value=5, max_value=20, step=5)
    if model == "svc":
        return make_pipeline(StandardScaler(), SVC(C=c))
    return HistGradientBoostingClassifier(max_iter=max_iter, random_state=0)


def test_a_build_function_chooses_the_steps(iris):
    X, y = iris
    search = SearchCV(None, build, oracle="random", max_trials=5, cv=3, seed=1, verbose=0)
    search.fit(X, y)
    params = search.cv_results_["params"]
    assert {p["model"] for p in params} == {"svc", "boosting"}
    for p in params:
        assert set(p) == ({"model", "C"} if p["model"] == "svc" else {"model", "max_iter"})
    best = search.best_estimator_
    if search.best_params_["model"] == "svc":
        assert isinstance(best, Pipeline)
        assert search.best_params_["C"] == best[-1].C
    else:
        assert search.best_params_["max_iter"] == best.max_iter
    np.testing.assert_array_equal(search.predict(X), best.predict(X))


def test_a_build_function_is_tailored_by_the_space_beside_it(iris):
    X, y = iris
    tailoring = sa.Space([sa.Fixed("model", value="boosting")])
    search = SearchCV(build, tailoring, oracle="random", max_trials=3, cv=3, seed=0, verbose=0)
    params = search.fit(X, y).cv_results_["params"]
    assert all(set(p) == {"model", "max_iter"} and p["model"] == "boosting" for p in params)
    restricted = sa.restrict(sa.declare(build), "max_iter", min_value=10, max_value=15)
    narrowed = SearchCV(build, sa.resolve(restricted), oracle="random", max_trials=6, seed=0)
    ran = narrowed.set_params(cv=3, verbose=0).fit(X, y).cv_results_["params"]
    assert {p["max_iter"] for p in ran if p["model"] == "boosting"} <= {10, 15}
    assert any(p["model"] == "boosting" for p in ran)


def test_tailoring_operators_apply_to_the_estimator_form(iris):
    X, y = iris
    space = sa.fix(SVC_SPACE, svc__kernel="linear")
    search = svc_search(max_trials=3, space=space).fit(X, y)
    assert all(p["svc__kernel"] == "linear" for p in search.cv_results_["params"])
    assert search.best_estimator_[-1].kernel == "linear"


def test_a_failing_configuration_is_recorded_failed_and_scored_error_score(iris):
    X, y = iris
    search = SearchCV(
        KNeighborsClassifier(), NEIGHBOURS, oracle="grid", max_trials=None, cv=3, verbose=0
    )
    with pytest.warns(
        FitFailedWarning, match=r"(?s)3 fits failed out of a total of 6; .*Expected n_neighbors"
    ):
        search.fit(X, y)
    failed = search.search_result_.trials[1]
    assert failed.state is sa.TrialState.FAILED
    assert "Traceback" in failed.error
    assert "ValueError" in failed.error
    assert np.isnan(search.cv_results_["mean_test_score"][1])
    assert np.isnan(search.cv_results_["split0_test_score"][1])
    assert search.cv_results_["rank_test_score"].tolist() == [1, 2]
    assert search.best_params_ == {"n_neighbors": 5}
    zero = clone(search).set_params(error_score=0.0)
    with pytest.warns(FitFailedWarning):
        zero.fit(X, y)
    assert zero.cv_results_["mean_test_score"][1] == 0.0


def test_error_score_raise_raises_the_fits_own_error(iris):
    X, y = iris
    search = SearchCV(
        KNeighborsClassifier(),
        NEIGHBOURS,
        oracle="grid",
        max_trials=None,
        cv=3,
        error_score="raise",
        verbose=0,
    )
    with pytest.raises(ValueError, match="Expected n_neighbors <= n_samples_fit") as raised:
        search.fit(X, y)
    assert not isinstance(raised.value, FitFailedError)


def test_every_trial_failing_raises_fit_failed_error(iris):
    X, y = iris
    space = sa.Space([sa.Fixed("n_neighbors", value=200)])
    search = SearchCV(KNeighborsClassifier(), space, oracle="grid", max_trials=None, verbose=0)
    with pytest.raises(
        FitFailedError, match=r"(?s)1 of 1 trials failed .*Expected n_neighbors"
    ) as raised:
        search.fit(X, y)
    assert isinstance(raised.value, ValueError)
    assert pickle.loads(pickle.dumps(raised.value)).last_error == raised.value.last_error


def test_the_store_records_every_trial_and_resumes(iris, tmp_path):
    X, y = iris
    search = svc_search(max_trials=3, directory=tmp_path, project_name="svc")
    search.fit(X, y)
    stored = sa.load(tmp_path, "svc")
    assert [t.state for t in stored.trials] == [sa.TrialState.COMPLETED] * 3
    started = [t.started for t in stored.trials]
    again = clone(search).fit(X, y)  # resumed: nothing left to run
    assert [t.started for t in sa.load(tmp_path, "svc").trials] == started
    assert again.cv_results_["params"] == search.cv_results_["params"]
    np.testing.assert_array_equal(
        again.cv_results_["mean_test_score"], search.cv_results_["mean_test_score"]
    )
    more = clone(search).set_params(max_trials=5).fit(X, y)
    trials = sa.load(tmp_path, "svc").trials
    assert len(trials) == 5
    assert [t.started for t in trials[:3]] == started
    assert more.cv_results_["params"][:3] == search.cv_results_["params"]
    fresh = clone(search).set_params(overwrite=True).fit(X, y)
    assert len(fresh.cv_results_["params"]) == 3
    assert [t.started for t in sa.load(tmp_path, "svc").trials] != started


def test_without_a_directory_nothing_is_left_on_disk(iris, tmp_path, monkeypatch):
    X, y = iris
    monkeypatch.chdir(tmp_path)
    svc_search(max_trials=2).fit(X, y)
    assert list(tmp_path.iterdir()) == []


def test_the_same_seed_gives_the_same_search(iris):
    X, y = iris
    first = svc_search(max_trials=4).fit(X, y)
    second = svc_search(max_trials=4).fit(X, y)
    assert first.cv_results_["params"] == second.cv_results_["params"]
    np.testing.assert_array_equal(
        first.cv_results_["mean_test_score"], second.cv_results_["mean_test_score"]
    )


def test_groups_and_fit_params_reach_the_splitter_and_the_fits(iris):
    X, y = iris
    groups = np.arange(len(y)) % 5
    weights = np.where(y == 0, 5.0, 1.0)
    search = SearchCV(
        DecisionTreeClassifier(random_state=0),
        TREE_SPACE,
        oracle="grid",
        max_trials=None,
        cv=GroupKFold(5),
        verbose=0,
    ).fit(X, y, groups=groups, sample_weight=weights)
    expected = cross_validate(
        DecisionTreeClassifier(random_state=0, max_depth=1),
        X,
        y,
        groups=groups,
        cv=GroupKFold(5),
        params={"sample_weight": weights},
    )["test_score"]
    got = [search.cv_results_[f"split{k}_test_score"][0] for k in range(5)]
    np.testing.assert_allclose(got, expected)


def test_a_name_the_estimator_lacks_is_refused_with_a_suggestion(iris):
    X, y = iris
    space = sa.Space([sa.Float("svc__c", min_value=0.1, max_value=1.0)])
    search = SearchCV(make_pipeline(StandardScaler(), SVC()), space, verbose=0)
    with pytest.raises(sa.errors.UnknownNameError, match="did you mean 'svc__C'"):
        search.fit(X, y)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"space": "C"}, "space='C' is not valid; allowed: a Space or a TrialSpace"),
        ({"estimator": 3}, "estimator=3 is not valid; allowed: a scikit-learn estimator"),
        ({"max_trials": 0}, "max_trials=0 is not valid; allowed: None or an int >= 1"),
        ({"error_score": "nan"}, "error_score='nan' is not valid; allowed: a number"),
        (
            {"refit": "accuracy"},
            "refit='accuracy' is not valid; allowed: True, False or a function",
        ),
        ({"n_workers": 0}, "n_workers=0 is not valid; allowed: None or an int >= 1"),
        ({"oracle": "tp"}, "oracle='tp' is not valid"),
        ({"seed": -1}, "seed=-1 is not valid; allowed: None or an int with 0 <= seed < 2\\*\\*63"),
    ],
)
def test_bad_arguments_are_refused_by_fit_naming_them(iris, arguments, message):
    X, y = iris
    search = SearchCV(LogisticRegression(), sa.Space(), verbose=0)
    search.set_params(**arguments)  # scikit-learn's estimators check their arguments in fit
    with pytest.raises(sa.errors.InvalidArgumentError, match=message):
        search.fit(X, y)


def test_the_search_compares_with_randomized_search_cv_on_one_grid(iris):
    """Grid search over a finite space scores each configuration as RandomizedSearchCV does."""
    X, y = iris
    ours = SearchCV(
        DecisionTreeClassifier(random_state=0),
        TREE_SPACE,
        oracle="grid",
        max_trials=None,
        cv=3,
        verbose=0,
    ).fit(X, y)
    theirs = RandomizedSearchCV(
        DecisionTreeClassifier(random_state=0),
        {"max_depth": list(range(1, 7))},
        n_iter=6,
        cv=3,
        random_state=0,
    ).fit(X, y)
    by_depth = {
        p["max_depth"]: s
        for p, s in zip(
            theirs.cv_results_["params"], theirs.cv_results_["mean_test_score"], strict=True
        )
    }
    for p, s in zip(ours.cv_results_["params"], ours.cv_results_["mean_test_score"], strict=True):
        assert s == by_depth[p["max_depth"]]
    assert ours.best_score_ == theirs.best_score_
