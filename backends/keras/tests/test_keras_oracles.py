"""KerasTuner's oracle objects (``keras_tuner.oracles``), ``tuner.oracle``'s trials and
multi-objective searches, with real Keras models on the current backend."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import spacealg_keras as keras_tuner
from tiny_models import dense

import spacealg as sa


class MyTuner(keras_tuner.Tuner):
    """A custom tuner, as KerasTuner's guides write one: it only passes ``oracle=`` on."""


def _fixed_learning_rate():
    hp = keras_tuner.HyperParameters()
    hp.Fixed("learning_rate", 0.01)
    return hp


def _search(tuner, data, epochs=1):
    x, y = data
    tuner.search(x, y, epochs=epochs, validation_split=0.25, verbose=0)


@pytest.mark.parametrize(
    ("make", "core"),
    [
        (lambda **kw: keras_tuner.oracles.RandomSearchOracle(max_trials=2, **kw), "random"),
        (
            lambda **kw: keras_tuner.oracles.GridSearchOracle(
                max_trials=2, hyperparameters=_fixed_learning_rate(), **kw
            ),
            "grid",
        ),
        (
            lambda **kw: keras_tuner.oracles.BayesianOptimizationOracle(
                max_trials=2, num_initial_points=1, **kw
            ),
            "bayesian",
        ),
        (
            lambda **kw: keras_tuner.oracles.HyperbandOracle(max_epochs=2, factor=2, **kw),
            "hyperband",
        ),
    ],
)
def test_a_custom_tuner_takes_an_oracle_object(tmp_path, small_data, make, core):
    oracle = make(objective=keras_tuner.Objective("val_accuracy", "max"), seed=3)
    tuner = MyTuner(oracle=oracle, hypermodel=dense, directory=tmp_path, project_name="o")
    assert tuner.oracle is oracle
    assert tuner.oracle.name == core
    assert tuner.objective == sa.Objective("val_accuracy", "max")
    assert tuner.seed == 3
    _search(tuner, small_data)
    records = tuner.trials
    assert records
    assert all(r.state is sa.TrialState.COMPLETED for r in records), records[0].error
    (best,) = tuner.oracle.get_best_trials(1)
    top = max(records, key=lambda r: (r.score, -r.trial_id))
    assert best.trial_id == str(top.trial_id)
    assert best.score == top.score
    assert best.status == "COMPLETED"
    assert dict(best.hyperparameters.values) == dict(top.values)
    assert best.hyperparameters.get("units") == top.values["units"]
    assert best.metrics.get_history("val_accuracy") == list(top.metrics["val_accuracy"])
    assert best.metrics.get_best_value("val_accuracy") == best.score
    same = tuner.oracle.get_trial(best.trial_id)
    assert (same.trial_id, same.score, same.status) == (best.trial_id, best.score, "COMPLETED")
    assert dict(same.hyperparameters.values) == dict(best.hyperparameters.values)
    assert set(tuner.oracle.trials) == {str(r.trial_id) for r in records}


def test_get_trial_names_the_stored_ids(tmp_path, small_data):
    tuner = keras_tuner.RandomSearch(dense, max_trials=1, directory=tmp_path)
    _search(tuner, small_data)
    assert tuner.oracle.get_trial(0).trial_id == "0"
    with pytest.raises(sa.errors.InvalidArgumentError, match=r"trial_id='7'.*one of \['0'\]"):
        tuner.oracle.get_trial("7")


def test_a_failed_trial_reads_as_kerastuners(tmp_path, small_data):
    armed = {"yes": False}

    def build(hp):
        if armed["yes"]:
            raise keras_tuner.errors.FailedTrialError("too big")
        return dense(hp)

    tuner = keras_tuner.RandomSearch(build, max_trials=1, directory=tmp_path)
    armed["yes"] = True
    _search(tuner, small_data)
    (trial,) = tuner.oracle.trials.values()
    assert trial.status == "FAILED"
    assert trial.score is None
    assert "FailedTrialError: too big" in (trial.message or "")
    assert tuner.oracle.get_best_trials() == []


def test_settings_given_to_both_the_tuner_and_its_oracle_are_refused(tmp_path):
    oracle = keras_tuner.oracles.RandomSearchOracle(objective="val_loss", max_trials=3)
    with pytest.raises(sa.errors.InvalidArgumentError, match=r"MyTuner\(\): max_trials=5"):
        MyTuner(oracle=oracle, hypermodel=dense, max_trials=5, directory=tmp_path)


def test_several_objectives_are_scored_as_kerastuner_sums_them(tmp_path, small_data):
    tuner = keras_tuner.RandomSearch(
        dense,
        objective=["val_loss", keras_tuner.Objective("val_accuracy", "max")],
        max_trials=2,
        directory=tmp_path,
        seed=0,
    )
    assert tuner.objective == sa.Objective("multi_objective", "min")
    _search(tuner, small_data, epochs=2)
    for trial in tuner.trials:
        assert trial.state is sa.TrialState.COMPLETED, trial.error
        sums = [
            loss - accuracy
            for loss, accuracy in zip(
                trial.metrics["val_loss"], trial.metrics["val_accuracy"], strict=True
            )
        ]
        assert trial.metrics["multi_objective"] == pytest.approx(sums)
        assert trial.score == pytest.approx(min(sums))
        assert trial.best_step == int(np.argmin(sums))
    (model,) = tuner.get_best_models()
    assert isinstance(model, keras.Model)


@pytest.mark.parametrize("bad", [[], ["val_loss", "val_loss"], [3]])
def test_a_bad_list_of_objectives_is_refused(tmp_path, bad):
    with pytest.raises(sa.errors.SpaceError, match="objective"):
        keras_tuner.RandomSearch(dense, objective=bad, directory=tmp_path)


def test_one_objective_in_a_list_is_that_objective(tmp_path):
    tuner = keras_tuner.RandomSearch(dense, objective=["val_accuracy"], directory=tmp_path)
    assert tuner.objective == sa.Objective("val_accuracy", "max")
    assert tuner.objectives == ()
