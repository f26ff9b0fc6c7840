"""KerasTuner's SklearnTuner workflow with spacealg_sklearn: real models, data and store."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from sklearn import ensemble, linear_model, metrics, model_selection
from sklearn.tree import DecisionTreeClassifier
from spacealg_sklearn import SklearnTuner

import spacealg as sa


def build_model(hp):
    """KerasTuner's own SklearnTuner example: a random forest or a ridge classifier."""
    model_type = hp.Choice("model_type", ["random_forest", "ridge"])
    if model_type == "random_forest":
        return ensemble.RandomForestClassifier(
            n_estimators=hp.Int("n_estimators", 10, 30, step=10),
            max_depth=hp.Int("max_depth", 3, 10),
            random_state=0,
        )
    return linear_model.RidgeClassifier(alpha=hp.Float("alpha", 1e-3, 1, sampling="log"))


def test_kerastuners_workflow_runs(iris, tmp_path, capsys):
    X, y = iris
    tuner = SklearnTuner(
        oracle="bayesian",
        hypermodel=build_model,
        scoring=metrics.make_scorer(metrics.accuracy_score),
        metrics=[metrics.balanced_accuracy_score],
        cv=model_selection.StratifiedKFold(3),
        objective=sa.Objective("score", "max"),
        max_trials=4,
        seed=0,
        directory=tmp_path,
        project_name="my_project",
    )
    tuner.search(X, y, verbose=0)
    trials = tuner.trials
    assert len(trials) == 4
    assert all(t.state is sa.TrialState.COMPLETED for t in trials)
    assert all(set(t.metrics) == {"score", "balanced_accuracy_score"} for t in trials)
    best_model = tuner.get_best_models(num_models=1)[0]
    best_hp = tuner.get_best_hyperparameters()[0]
    kind = (
        ensemble.RandomForestClassifier
        if best_hp["model_type"] == "random_forest"
        else linear_model.RidgeClassifier
    )
    assert isinstance(best_model, kind)
    assert best_model.predict(X).shape == y.shape  # fitted (on the last fold, as in KerasTuner)
    tuner.results_summary(num_trials=2)
    printed = capsys.readouterr().out
    assert printed.startswith("Results summary\n")
    assert 'Objective(name="score", direction="max")' in printed
    assert printed.count("Trial ") == 2
    # Resuming: a new tuner on the same project runs nothing more.
    again = SklearnTuner(
        oracle="bayesian",
        hypermodel=build_model,
        max_trials=4,
        seed=0,
        directory=tmp_path,
        project_name="my_project",
    )
    again.search(X, y, verbose=0)
    assert again.trials == trials


def test_a_trial_is_kerastuners_cross_validation_loop(iris, tmp_path):
    X, y = iris
    weights = np.where(y == 2, 3.0, 1.0)
    groups = np.arange(len(y)) % 3

    def build(hp):
        return DecisionTreeClassifier(max_depth=hp.Int("max_depth", 1, 3), random_state=0)

    tuner = SklearnTuner(
        oracle="grid",
        hypermodel=build,
        metrics=metrics.accuracy_score,
        cv=model_selection.GroupKFold(3),
        max_trials=None,
        directory=tmp_path,
    )
    tuner.search(X, y, sample_weight=weights, groups=groups, verbose=0)
    for trial in tuner.trials:
        scores, accuracies = [], []
        for train, test in model_selection.GroupKFold(3).split(X, y, groups):
            model = DecisionTreeClassifier(max_depth=trial.values["max_depth"], random_state=0)
            model.fit(X[train], y[train], sample_weight=weights[train])
            scores.append(model.score(X[test], y[test], sample_weight=weights[test]))
            accuracies.append(
                metrics.accuracy_score(y[test], model.predict(X[test]), sample_weight=weights[test])
            )
        assert trial.metrics["score"] == (pytest.approx(np.mean(scores)),)
        assert trial.metrics["accuracy_score"] == (pytest.approx(np.mean(accuracies)),)
    assert (tmp_path / "untitled_project" / "trials" / "0" / "model.pickle").is_file()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"hypermodel": 3}, "hypermodel=3 is not valid; allowed: a build function or a HyperModel"),
        ({"scoring": "accuracy"}, "scoring='accuracy' is not valid; allowed: None or a scorer"),
        ({"metrics": ["f1"]}, r"metrics=\['f1'\] is not valid; allowed: None, a metric function"),
        ({"cv": 5}, "cv=5 is not valid; allowed: None or a scikit-learn splitter"),
        ({"oracle": "annealing"}, "oracle='annealing' is not valid"),
        (
            {"objective": 1},
            "objective=1 is not valid; allowed: None, a metric name or an Objective",
        ),
        ({"n_workers": 0}, "n_workers=0 is not valid"),
    ],
)
def test_bad_arguments_are_refused_naming_them(arguments, message):
    given = {"oracle": "random", "hypermodel": build_model, **arguments}
    with pytest.raises(sa.errors.InvalidArgumentError, match=message):
        SklearnTuner(**given)


def test_spacealg_keras_re_exports_it():
    spacealg_keras = pytest.importorskip("spacealg_keras")
    assert spacealg_keras.SklearnTuner is SklearnTuner


def test_spacealg_keras_names_the_missing_distribution():
    pytest.importorskip("spacealg_keras")
    code = (
        "import sys\n"
        "sys.modules['spacealg_sklearn'] = None  # as if spacealg-sklearn were not installed\n"
        "import spacealg_keras\n"
        "try:\n"
        "    spacealg_keras.SklearnTuner\n"
        "except AttributeError as error:\n"
        "    print(error)\n"
    )
    env = {**os.environ, "KERAS_BACKEND": os.environ.get("KERAS_BACKEND", "jax")}
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert "needs the spacealg-sklearn distribution" in completed.stdout


def test_kerastuners_guide_runs_with_its_oracle_object(tmp_path):
    """KerasTuner's scikit-learn guide, word for word but for the import."""
    keras_tuner = pytest.importorskip("spacealg_keras")
    from sklearn import datasets

    def build_model(hp):
        model_type = hp.Choice("model_type", ["random_forest", "ridge"], default="random_forest")
        if model_type == "random_forest":
            model = ensemble.RandomForestClassifier(
                n_estimators=hp.Int("n_estimators", 10, 50, step=10),
                max_depth=hp.Int("max_depth", 3, 10),
            )
        else:
            model = linear_model.RidgeClassifier(alpha=hp.Float("alpha", 1e-3, 1, sampling="log"))
        return model

    tuner = keras_tuner.SklearnTuner(
        oracle=keras_tuner.oracles.BayesianOptimizationOracle(
            objective=keras_tuner.Objective("score", "max"), max_trials=10
        ),
        hypermodel=build_model,
        scoring=metrics.make_scorer(metrics.accuracy_score),
        metrics=[metrics.balanced_accuracy_score],
        cv=model_selection.StratifiedKFold(5),
        directory=tmp_path,
        project_name="my_project",
    )
    X, y = datasets.load_iris(return_X_y=True)
    X_train, X_test, y_train, y_test = model_selection.train_test_split(
        X, y, test_size=0.2, random_state=0
    )
    tuner.search(X_train, y_train)
    best_model = tuner.get_best_models(1)[0]
    assert isinstance(best_model, ensemble.RandomForestClassifier | linear_model.RidgeClassifier)
    assert best_model.score(X_test, y_test) > 0.6  # fitted on the last fold
    assert tuner.max_trials == 10
    assert len(tuner.trials) == 10
    assert tuner.objective == sa.Objective("score", "max")
    # The oracle object is the tuner's, reading its trials as KerasTuner's do.
    best = tuner.oracle.get_best_trials(2)
    records = sa.load(tmp_path, "my_project").completed()
    assert [t.trial_id for t in best] == [str(r.trial_id) for r in records[:2]]
    assert best[0].score == records[0].score
    assert best[0].status == "COMPLETED"
    assert best[0].hyperparameters.values == tuner.get_best_hyperparameters()[0].values
    assert (
        best[0].metrics.get_last_value("balanced_accuracy_score")
        == (records[0].metrics["balanced_accuracy_score"][-1])
    )
    second = tuner.oracle.get_trial(best[1].trial_id)
    assert (second.trial_id, second.score) == (best[1].trial_id, best[1].score)
    assert second.hyperparameters.values == best[1].hyperparameters.values
    assert set(tuner.oracle.trials) == {str(i) for i in range(10)}


def test_an_oracle_objects_settings_are_the_searchs(iris, tmp_path):
    keras_tuner = pytest.importorskip("spacealg_keras")
    X, y = iris

    def build(hp):
        return DecisionTreeClassifier(max_depth=hp.Int("max_depth", 1, 3), random_state=0)

    oracle = keras_tuner.oracles.GridSearchOracle(
        objective="balanced_accuracy_score",
        hyperparameters=sa.Space([sa.Int("max_depth", min_value=1, max_value=2)]),
    )
    tuner = SklearnTuner(
        oracle, build, metrics=[metrics.balanced_accuracy_score], directory=tmp_path
    )
    tuner.search(X, y, verbose=0)
    assert [t.values["max_depth"] for t in tuner.trials] == [1, 2]  # the oracle's tailoring
    assert tuner.objective == sa.Objective("balanced_accuracy_score", "max")
    scores = [t.score for t in tuner.trials]
    assert scores == [t.metrics["balanced_accuracy_score"][-1] for t in tuner.trials]
    # Given to the tuner as well, a setting the oracle carries is refused, as in KerasTuner.
    with pytest.raises(sa.errors.InvalidArgumentError, match="max_trials=5 is not valid; allowed"):
        SklearnTuner(oracle, build, max_trials=5, directory=tmp_path, project_name="other")


def test_kerastuners_oracle_objects_have_what_the_tuner_reads():
    keras_tuner = pytest.importorskip("spacealg_keras")
    from spacealg_sklearn._tuner import KerasTunerOracle

    for kind in (
        keras_tuner.oracles.RandomSearchOracle,
        keras_tuner.oracles.GridSearchOracle,
        keras_tuner.oracles.BayesianOptimizationOracle,
        keras_tuner.oracles.HyperbandOracle,
    ):
        assert isinstance(kind(), KerasTunerOracle)
    assert not isinstance(sa.oracles.TPEOracle(), KerasTunerOracle)
