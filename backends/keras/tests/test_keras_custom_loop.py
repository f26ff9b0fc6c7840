"""KerasTuner's custom-tuner guide: a hypermodel whose ``fit`` trains an uncompiled model
with its own loop, and ``NoCompletedTrialError`` when no trial completes.

The loop is the guide's gradient-tape loop on TensorFlow and its ``stateless_call``
equivalent on JAX (Keras's documented JAX training loop), on tiny random data.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
import spacealg_keras as keras_tuner
from keras import layers

import spacealg as sa


@pytest.fixture
def data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(5)
    return rng.random((16, 6)).astype("float32"), rng.integers(0, 3, (16,))


def _train_step(model, optimizer, loss_fn, x, y) -> float:
    """One gradient step of the model's own loop, on the current Keras backend."""
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        grads = tape.gradient(loss, model.trainable_weights)
        optimizer.apply_gradients(zip(grads, model.trainable_weights, strict=True))
        return float(loss)
    import jax

    def compute(trainable, non_trainable, x, y):
        logits, non_trainable = model.stateless_call(trainable, non_trainable, x, training=True)
        return loss_fn(y, logits), non_trainable

    trainable = [v.value for v in model.trainable_variables]
    non_trainable = [v.value for v in model.non_trainable_variables]
    optimizer_state = [v.value for v in optimizer.variables]
    (loss, non_trainable), grads = jax.value_and_grad(compute, has_aux=True)(
        trainable, non_trainable, x, y
    )
    trainable, optimizer_state = optimizer.stateless_apply(optimizer_state, grads, trainable)
    for variable, value in zip(model.trainable_variables, trainable, strict=True):
        variable.assign(value)
    for variable, value in zip(optimizer.variables, optimizer_state, strict=True):
        variable.assign(value)
    return float(loss)


class MyHyperModel(keras_tuner.HyperModel):
    """The guide's hypermodel: ``build`` returns an uncompiled model, ``fit`` trains it."""

    def __init__(self) -> None:
        super().__init__()
        self.trained: list[list[np.ndarray]] = []

    def build(self, hp):
        inputs = keras.Input(shape=(6,))
        hidden = layers.Dense(hp.Int("units", 4, 8, step=4), activation="relu")(inputs)
        return keras.Model(inputs=inputs, outputs=layers.Dense(3)(hidden))

    def fit(self, hp, model, x, y, validation_data, callbacks=None, **kwargs):
        batch_size = hp.Int("batch_size", 4, 8, step=4, default=8)
        optimizer = keras.optimizers.Adam(hp.Float("learning_rate", 1e-4, 1e-2, sampling="log"))
        optimizer.build(model.trainable_variables)
        loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        x_val, y_val = validation_data
        for callback in callbacks:  # the guide: assign the model to the callbacks
            callback.set_model(model)
        best_epoch_loss = float("inf")
        for epoch in range(1):
            for start in range(0, len(x), batch_size):
                _train_step(
                    model,
                    optimizer,
                    loss_fn,
                    x[start : start + batch_size],
                    y[start : start + batch_size],
                )
            epoch_loss = float(loss_fn(y_val, model(x_val)))
            for callback in callbacks:
                callback.on_epoch_end(epoch, logs={"my_metric": epoch_loss})
            best_epoch_loss = min(best_epoch_loss, epoch_loss)
        self.trained.append([np.array(w) for w in model.get_weights()])
        return best_epoch_loss


def test_a_custom_training_loop_trains_an_uncompiled_model(tmp_path, data):
    x, y = data
    hypermodel = MyHyperModel()
    tuner = keras_tuner.RandomSearch(
        objective=keras_tuner.Objective("my_metric", "min"),
        max_trials=2,
        hypermodel=hypermodel,
        directory=tmp_path,
        project_name="custom_training",
        overwrite=True,
        seed=1,
    )
    tuner.search(x=x, y=y, validation_data=(x, y), verbose=0)
    trials = tuner.trials
    assert [t.state for t in trials] == [sa.TrialState.COMPLETED] * 2, trials[0].error
    assert all(t.score == t.metrics["my_metric"][0] for t in trials)
    best_hps = tuner.get_best_hyperparameters()[0]
    assert set(best_hps.values) == {"units", "batch_size", "learning_rate"}
    best = min(trials, key=lambda t: t.score)
    assert dict(best_hps.values) == dict(best.values)
    (best_model,) = tuner.get_best_models()
    assert not best_model.compiled  # returned as the custom loop trained it
    for saved, loaded in zip(
        hypermodel.trained[best.trial_id], best_model.get_weights(), strict=True
    ):
        np.testing.assert_allclose(saved, loaded)


def test_compile_overrides_still_apply_to_a_custom_fit_that_calls_model_fit(tmp_path, data):
    x, y = data

    class Fits(keras_tuner.HyperModel):
        def build(self, hp):
            return keras.Sequential([keras.Input((6,)), layers.Dense(hp.Choice("units", [3]))])

        def fit(self, hp, model, *args, **kwargs):
            assert model.loss == "sparse_categorical_crossentropy"
            return model.fit(*args, **kwargs)

    tuner = keras_tuner.RandomSearch(
        Fits(), loss="sparse_categorical_crossentropy", max_trials=1, directory=tmp_path
    )
    tuner.search(x, y, epochs=1, validation_data=(x, y), verbose=0)
    assert tuner.trials[0].state is sa.TrialState.COMPLETED, tuner.trials[0].error
    assert tuner.get_best_models()[0].loss == "sparse_categorical_crossentropy"


def test_no_completed_trial_is_a_clear_error_not_an_index_error(tmp_path, data):
    x, y = data

    class Fails(MyHyperModel):
        def fit(self, hp, model, *args, **kwargs):
            raise ValueError(f"the loop diverged at units={hp.get('units')}")

    tuner = keras_tuner.RandomSearch(
        Fails(),
        objective=keras_tuner.Objective("my_metric", "min"),
        max_trials=2,
        max_consecutive_failed_trials=5,
        directory=tmp_path,
        seed=0,
    )
    tuner.search(x=x, y=y, validation_data=(x, y), verbose=0)
    last = tuner.trials[-1].values["units"]
    for call in (tuner.get_best_hyperparameters, tuner.get_best_models):
        with pytest.raises(sa.errors.NoCompletedTrialError) as raised:
            call()
        assert isinstance(raised.value, LookupError)
        assert not isinstance(raised.value, IndexError)
        assert str(raised.value) == (
            f"RandomSearch.{call.__name__}(): no trial completed (2 FAILED); the last failed "
            f"trial's error: ValueError: the loop diverged at units={last}; "
            "allowed: a search with at least one COMPLETED trial"
        )


def test_a_tuner_without_a_hypermodel_tunes_anything(tmp_path):
    """The guide's "tune any function" tuner: run_trial declares and returns a float."""

    class MyTuner(keras_tuner.RandomSearch):
        def run_trial(self, trial, *args, **kwargs):
            hp = trial.hyperparameters
            x = hp.Float("x", -1.0, 1.0)
            return x * x + 1

    tuner = MyTuner(max_trials=5, overwrite=True, directory=tmp_path, project_name="anything")
    tuner.search()
    best = tuner.get_best_hyperparameters()[0].get("x")
    assert -1.0 <= best <= 1.0
    assert min(t.score for t in tuner.trials) == best * best + 1
    # No objective and a float: KerasTuner's default_objective, as in the guide's log.
    assert tuner.objective == sa.Objective("default_objective", "min")
    assert {name for t in tuner.trials for name in t.metrics} == {"default_objective"}
