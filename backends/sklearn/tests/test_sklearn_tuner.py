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
