"""KerasTuner's "Tailor the search space" guide, called exactly as the guide calls it.

Each scenario runs the guide's search (3 trials of 1 epoch on 100 random
28x28x1 images) with real Keras models under the current ``KERAS_BACKEND``,
then checks what the guide prints and what a user reads back.
"""

from __future__ import annotations

import math
from pathlib import Path

import keras
import pytest
import spacealg_keras as keras_tuner
from tiny_models import guide_build_model as build_model
from tiny_models import learning_rate_of

import spacealg as sa

GUIDE = Path(__file__).parents[3] / "tests" / "data"


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path, monkeypatch):
    # The guide writes to directory="my_dir", relative to where it runs.
    monkeypatch.chdir(tmp_path)


def check_trials(tuner, objective):
    trials = tuner.trials
    assert len(trials) == 3
    for trial in trials:
        assert isinstance(trial, sa.TrialRecord)
        assert trial.state is sa.TrialState.COMPLETED, trial.error
        assert trial.score == trial.metrics[objective][trial.best_step]
        assert len(trial.metrics["loss"]) == 1  # epochs=1
    return trials


def check_best_hyperparameters(tuner, trials, direction):
    best = tuner.get_best_hyperparameters()[0]
    pick = max if direction == "max" else min
    best_score = pick(t.score for t in trials)
    assert dict(best.values) in [dict(t.values) for t in trials if t.score == best_score]
    assert set(best.values) == {"units", "dropout", "learning_rate"}
    model = tuner.hypermodel.build(best)
    assert isinstance(model, keras.Model)
    assert math.isclose(learning_rate_of(model), best.values["learning_rate"], rel_tol=1e-6)
    return best


def test_search_a_few_and_fix_the_rest(guide_data, capsys):
    x_train, y_train, x_val, y_val = guide_data
    hp = keras_tuner.HyperParameters()

    # Overrides the `learning_rate` parameter with your own selection of choices
    hp.Float("learning_rate", min_value=1e-4, max_value=1e-2, sampling="log")

    tuner = keras_tuner.RandomSearch(
        hypermodel=build_model,
        hyperparameters=hp,
        # Prevents unlisted parameters from being tuned
        tune_new_entries=False,
        objective="val_accuracy",
        max_trials=3,
        overwrite=True,
        directory="my_dir",
        project_name="search_a_few",
    )
    tuner.search(x_train, y_train, epochs=1, validation_data=(x_val, y_val))
    log = capsys.readouterr().out
    assert "Trial 3 Complete [" in log
    assert "Best val_accuracy So Far: " in log

    tuner.search_space_summary()
    assert capsys.readouterr().out == (GUIDE / "guide_search_a_few.txt").read_text()

    trials = check_trials(tuner, "val_accuracy")
    for trial in trials:
        # Only the learning rate is tuned; the rest keep their declared defaults.
        assert trial.values["units"] == 64
        assert trial.values["dropout"] is False
        assert 1e-4 <= trial.values["learning_rate"] <= 1e-2
    assert len({t.values["learning_rate"] for t in trials}) == 3

    best = check_best_hyperparameters(tuner, trials, "max")
    assert best.values["units"] == 64  # the pinned default is in the best values too
    assert Path("my_dir", "search_a_few", "trials.db").is_file()

    tuner.results_summary()
    summary = capsys.readouterr().out
    assert summary.startswith("Results summary\nResults in my_dir/search_a_few\n")
    assert 'Objective(name="val_accuracy", direction="max")' in summary
    assert summary.count("units: 64") == 3


def test_fix_a_few_and_tune_the_rest(guide_data, capsys):
    x_train, y_train, x_val, y_val = guide_data
    hp = keras_tuner.HyperParameters()
    hp.Fixed("learning_rate", value=1e-4)

    tuner = keras_tuner.RandomSearch(
        build_model,
        hyperparameters=hp,
        tune_new_entries=True,
        objective="val_accuracy",
        max_trials=3,
        overwrite=True,
        directory="my_dir",
        project_name="fix_a_few",
    )

    tuner.search(x_train, y_train, epochs=1, validation_data=(x_val, y_val))
    capsys.readouterr()
    tuner.search_space_summary()
    assert capsys.readouterr().out == (GUIDE / "guide_fix_a_few.txt").read_text()

    trials = check_trials(tuner, "val_accuracy")
    assert all(t.values["learning_rate"] == 1e-4 for t in trials)
    # units x dropout is finite (8 configurations): three trials, three configurations.
    assert len({(t.values["units"], t.values["dropout"]) for t in trials}) == 3

    best = check_best_hyperparameters(tuner, trials, "max")
    assert best.values["learning_rate"] == 1e-4
    (model,) = tuner.get_best_models()
    assert math.isclose(learning_rate_of(model), 1e-4, rel_tol=1e-6)

    tuner.results_summary(1)
    assert capsys.readouterr().out.count("Trial ") == 1


def test_overriding_compilation_arguments(guide_data, capsys):
    x_train, y_train, x_val, y_val = guide_data
    optimizer = keras.optimizers.Adam(1e-3)
    tuner = keras_tuner.RandomSearch(
        build_model,
        optimizer=optimizer,
        loss="mse",
        metrics=[
            "sparse_categorical_crossentropy",
        ],
        objective="val_loss",
        max_trials=3,
        overwrite=True,
        directory="my_dir",
        project_name="override_compile",
    )

    # The model tunes its Adam learning rate, which optimizer= replaces: a fix
    # (KerasTuner is silent) says so, once, when the search starts.
    with pytest.warns(sa.TailoringWarning, match=r"optimizer=.*'learning_rate'") as caught:
        tuner.search(x_train, y_train, epochs=1, validation_data=(x_val, y_val))
    assert len([w for w in caught if w.category is sa.TailoringWarning]) == 1
    assert "Best val_loss So Far: " in capsys.readouterr().out

    trials = check_trials(tuner, "val_loss")
    for trial in trials:
        assert {"sparse_categorical_crossentropy", "val_sparse_categorical_crossentropy"} <= set(
            trial.metrics
        )
        assert "accuracy" not in trial.metrics  # the override replaced the model's metrics
    assert len({tuple(t.values.items()) for t in trials}) == 3
    check_best_hyperparameters(tuner, trials, "min")

    # Warnings are errors here: an optimizer-variable warning would fail this line.
    assert tuner.get_best_models()[0].loss == "mse"

    # The optimizer instance is cloned for each model: never shared, never the tuner's.
    first, second = tuner.get_best_models(2)
    for model in (first, second):
        assert type(model.optimizer) is keras.optimizers.Adam
        assert model.optimizer is not optimizer
        assert math.isclose(learning_rate_of(model), 1e-3, rel_tol=1e-6)
    assert first.optimizer is not second.optimizer
    assert optimizer.iterations.numpy() == 0  # the tuner's own instance never trained
