"""KerasTuner's "Distributed hyperparameter tuning" guide: ``distribution_strategy=``.

On TensorFlow each trial builds, compiles and fits under the strategy's scope
(``MirroredStrategy`` over the CPU here); on JAX a TensorFlow strategy has no
effect and says so once, so the guide's tuner still runs.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
import spacealg_keras as keras_tuner
import tensorflow as tf
from tiny_models import dense

import spacealg as sa

ON_TENSORFLOW = keras.backend.backend() == "tensorflow"


@pytest.fixture
def strategy():
    return tf.distribute.MirroredStrategy(["/cpu:0"])


@pytest.mark.skipif(not ON_TENSORFLOW, reason="tf.distribute acts on TensorFlow only")
def test_each_trial_builds_compiles_and_fits_under_the_strategy(tmp_path, small_data, strategy):
    seen = []

    def build_model(hp):
        model = dense(hp)
        mirrored = all(strategy.extended.variable_created_in_scope(v.value) for v in model.weights)
        seen.append((tf.distribute.get_strategy(), mirrored))
        return model

    tuner = keras_tuner.Hyperband(
        build_model,
        objective="val_accuracy",
        max_epochs=2,
        factor=3,
        hyperband_iterations=1,
        distribution_strategy=strategy,
        directory=tmp_path,
        project_name="distributed",
    )
    seen.clear()  # the tuner built the model once to read its space
    x, y = small_data
    tuner.search(x, y, epochs=2, validation_data=(x, y), verbose=0)
    trials = tuner.trials
    assert len(trials) == 2  # KerasTuner's schedule for max_epochs=2, factor=3
    assert all(t.state is sa.TrialState.COMPLETED for t in trials), trials[0].error
    assert seen == [(strategy, True), (strategy, True)]
    (best,) = tuner.get_best_models()
    assert all(strategy.extended.variable_created_in_scope(v.value) for v in best.weights)


@pytest.mark.skipif(ON_TENSORFLOW, reason="the warning is for the other backends")
def test_a_tensorflow_strategy_warns_once_and_the_search_runs(tmp_path, small_data, strategy):
    with pytest.warns(UserWarning, match=r"has no effect on the jax backend") as warned:
        tuner = keras_tuner.Hyperband(
            dense,
            objective="val_accuracy",
            max_epochs=2,
            factor=3,
            distribution_strategy=strategy,
            directory=tmp_path,
        )
    assert len(warned) == 1
    assert tuner.distribution_strategy is None
    x, y = small_data
    tuner.search(x, y, epochs=2, validation_data=(x, y), verbose=0)
    assert [t.state for t in tuner.trials] == [sa.TrialState.COMPLETED] * 2


def test_a_strategy_must_have_a_scope(tmp_path):
    with pytest.raises(sa.errors.ArgumentTypeError, match="distribution_strategy="):
        keras_tuner.RandomSearch(dense, distribution_strategy=np.zeros(2), directory=tmp_path)
