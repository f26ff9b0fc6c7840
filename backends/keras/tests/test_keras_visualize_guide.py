"""KerasTuner's "Visualize the tuning process" guide, on tiny images, on the current backend.

The guide checks its CNN branch with ``hp.values["model_type"] = "cnn"`` before
searching (issue 14 item 5).
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
import spacealg_keras as keras_tuner
from keras import layers

import spacealg as sa


def build_model(hp):
    """The guide's build function, on 8x8 images."""
    inputs = keras.Input(shape=(8, 8, 1))
    x = inputs
    model_type = hp.Choice("model_type", ["mlp", "cnn"])
    if model_type == "mlp":
        x = layers.Flatten()(x)
        for layer in range(hp.Int("num_layers", 1, 2)):
            x = layers.Dense(units=hp.Int(f"units_{layer}", 4, 8, step=4), activation="relu")(x)
    else:
        for layer in range(hp.Int("num_layers", 1, 2)):
            x = layers.Conv2D(
                hp.Int(f"filters_{layer}", 4, 8, step=4, default=4),
                kernel_size=(3, 3),
                activation="relu",
            )(x)
        x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(units=3, activation="softmax")(x)
    model = keras.Model(inputs=inputs, outputs=outputs)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


@pytest.fixture
def images() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(2)
    return rng.random((12, 8, 8, 1)).astype("float32"), rng.integers(0, 3, (12,))


def test_the_cnn_branch_is_checked_by_setting_hp_values(images):
    x, _ = images
    hp = keras_tuner.HyperParameters()
    hp.values["model_type"] = "cnn"
    model = build_model(hp)
    assert model(x[:4]).shape == (4, 3)
    assert any(isinstance(layer, layers.Conv2D) for layer in model.layers)
    assert list(hp.space) == ["model_type", "num_layers", "filters_0"]
    hp = keras_tuner.HyperParameters()
    hp.values["model_type"] = "mlp"
    model = build_model(hp)
    assert model(x[:4]).shape == (4, 3)
    assert not any(isinstance(layer, layers.Conv2D) for layer in model.layers)


def test_a_search_after_the_check_is_unchanged(tmp_path, images):
    x, y = images
    hp = keras_tuner.HyperParameters()
    hp.values["model_type"] = "cnn"
    build_model(hp)
    tuner = keras_tuner.RandomSearch(
        build_model, max_trials=2, objective="val_accuracy", directory=tmp_path, seed=0
    )
    assert tuner.trial_space.tuned["model_type"].default == "mlp"
    tuner.search(x, y, epochs=1, validation_data=(x, y), verbose=0)
    assert [t.state for t in tuner.trials] == [sa.TrialState.COMPLETED] * 2


def test_the_guides_tensorboard_callback_shows_every_trial_in_the_hparams_dashboard(
    tmp_path, images
):
    from test_keras_tensorboard import dashboard

    x, y = images
    log_dir = tmp_path / "tb_logs"
    tuner = keras_tuner.RandomSearch(
        build_model,
        max_trials=2,
        objective="val_accuracy",
        executions_per_trial=1,
        overwrite=True,
        directory=tmp_path,
        project_name="mnist",
        seed=0,
    )
    tuner.search(
        x,
        y,
        epochs=1,
        validation_data=(x, y),
        callbacks=[keras.callbacks.TensorBoard(str(log_dir))],  # positional, as the guide
        verbose=0,
    )
    experiment, groups = dashboard(log_dir)
    # Conditional names: each trial shows its own active values; the experiment all of them.
    assert {info.name for info in experiment.hparam_infos} == set(tuner.trial_space.tuned)
    by_id = {str(trial.trial_id): trial for trial in tuner.trials}
    assert sorted(group.name for group in groups) == sorted(by_id)
    for group in groups:
        # The values the build function used: the other branch's names are left out.
        values = by_id[group.name].values
        other = "units_" if values["model_type"] == "cnn" else "filters_"
        used = {name: value for name, value in values.items() if not name.startswith(other)}
        shown = {name: getattr(v, v.WhichOneof("kind")) for name, v in group.hparams.items()}
        assert shown == used
        accuracy = {m.name.tag: m.value for m in group.metric_values}["val_accuracy"]
        assert accuracy == pytest.approx(by_id[group.name].score)
