"""The model-based tuners: KerasTuner's Hyperband (and kin) on spacealg's oracles."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import spacealg_keras as keras_tuner
from tiny_models import dense

import spacealg as sa


class Weights(keras.callbacks.Callback):
    """Passes the weights at the start of training and at each epoch's end to ``note``."""

    def __init__(self, note):
        super().__init__()
        self.note = note

    def on_train_begin(self, logs=None):
        self.note(("begin", None, [w.copy() for w in self.model.get_weights()]))

    def on_epoch_end(self, epoch, logs=None):
        self.note(("end", logs["val_loss"], [w.copy() for w in self.model.get_weights()]))


def test_hyperband_trains_each_trial_to_its_budget_and_promotes_from_best_weights(
    tmp_path, small_data
):
    seen = []

    def note(event):
        seen.append(event)

    tuner = keras_tuner.Hyperband(
        dense, max_epochs=3, factor=3, seed=0, directory=tmp_path, project_name="hyperband"
    )
    x, y = small_data
    tuner.search(x, y, epochs=50, validation_split=0.25, verbose=0, callbacks=[Weights(note)])
    trials = tuner.trials
    # max_epochs 3, factor 3: bracket 1 starts 3 at 1 epoch and promotes 1 to 3 epochs;
    # bracket 0 starts 2 at 3 epochs.
    assert [(t.meta["tuner/bracket"], t.meta["tuner/round"]) for t in trials] == [
        (1, 0),
        (1, 0),
        (1, 0),
        (1, 1),
        (0, 0),
        (0, 0),
    ]
    assert all(t.state is sa.TrialState.COMPLETED for t in trials)
    assert [len(t.metrics["loss"]) for t in trials] == [1, 1, 1, 2, 3, 3]  # epochs=50 replaced
    promoted = trials[3]
    parent = trials[promoted.meta["tuner/trial_id"]]
    assert parent.values == promoted.values
    assert parent.score == min(t.score for t in trials[:3])

    # Split the callback's events per trial: each begins with "begin".
    runs = []
    for event in seen:
        if event[0] == "begin":
            runs.append([])
        runs[-1].append(event)
    parent_end = [weights for kind, _, weights in runs[parent.trial_id] if kind == "end"][-1]
    promoted_begin = runs[3][0][2]
    for started, ended in zip(promoted_begin, parent_end, strict=True):
        np.testing.assert_array_equal(started, ended)
    assert len(tuner.get_best_models(2)) == 2


def test_hyperband_takes_no_oracle_and_keeps_kerastuners_argument_order(tmp_path):
    with pytest.raises(TypeError, match="oracle"):
        keras_tuner.Hyperband(dense, oracle="random", directory=tmp_path)
    tuner = keras_tuner.Hyperband(dense, "val_accuracy", 27, 3, 2, directory=tmp_path)
    assert tuner.objective == sa.Objective("val_accuracy", "max")
    assert tuner.oracle.settings()["max_epochs"] == 27
    assert tuner.oracle.settings()["hyperband_iterations"] == 2
    assert tuner.max_trials is None


@pytest.mark.parametrize(
    ("tuner", "arguments"),
    [
        (keras_tuner.BayesianOptimization, {"num_initial_points": 2}),
        (keras_tuner.TPE, {"n_startup_trials": 2}),
    ],
)
def test_the_learning_tuners_search_and_never_repeat_a_configuration(
    tmp_path, small_data, tuner, arguments
):
    search = tuner(
        dense,
        objective="val_loss",
        max_trials=4,
        seed=1,
        directory=tmp_path,
        project_name=tuner.__name__,
        **arguments,
    )
    x, y = small_data
    search.search(x, y, epochs=1, validation_split=0.25, verbose=0)
    trials = search.trials
    assert len(trials) == 4
    assert all(t.state is sa.TrialState.COMPLETED for t in trials)
    assert len({t.values for t in trials}) == 4
    assert search.oracle.name == {"BayesianOptimization": "bayesian", "TPE": "tpe"}[tuner.__name__]


def test_bayesian_optimization_refuses_beta_without_ucb(tmp_path):
    with pytest.raises(sa.errors.InvalidArgumentError, match=r"beta=2\.6"):
        keras_tuner.BayesianOptimization(dense, beta=2.6, directory=tmp_path)
    tuner = keras_tuner.BayesianOptimization(dense, beta=2.6, acquisition="ucb", directory=tmp_path)
    assert tuner.oracle.settings()["beta"] == 2.6


def test_the_learning_tuners_take_no_oracle(tmp_path):
    for tuner in (keras_tuner.BayesianOptimization, keras_tuner.TPE, keras_tuner.Hyperband):
        with pytest.raises(TypeError, match="takes no oracle"):
            tuner(dense, oracle="random", directory=tmp_path)
