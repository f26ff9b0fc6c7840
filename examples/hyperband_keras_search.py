"""A Hyperband search of a small Keras model, with KerasTuner's code and one changed import.

Hyperband starts many configurations on one epoch and trains the best of them
longer: every trial's budget is in ``trial.meta`` (``tuner/epochs``), never in its
values. The data are random and tiny, so the whole search takes seconds.
"""

from __future__ import annotations

import tempfile

import keras
import numpy as np
import spacealg_keras as keras_tuner  # was: import keras_tuner


def build_model(hp: keras_tuner.HyperParameters) -> keras.Model:
    model = keras.Sequential([keras.Input(shape=(8,))])
    for layer in range(hp.Int("layers", 1, 2)):
        model.add(keras.layers.Dense(hp.Int(f"units_{layer}", 4, 16, step=4), activation="relu"))
    model.add(keras.layers.Dense(3, activation="softmax"))
    learning_rate = hp.Float("learning_rate", 1e-3, 1e-1, sampling="log")
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def main(directory: str) -> None:
    rng = np.random.default_rng(0)
    x, y = rng.random((48, 8)).astype("float32"), rng.integers(0, 3, (48,))
    tuner = keras_tuner.Hyperband(
        build_model,
        objective="val_accuracy",
        max_epochs=3,
        factor=3,
        seed=0,
        directory=directory,
        project_name="hyperband",
    )
    tuner.search(x, y, validation_split=0.25, verbose=0)
    for trial in tuner.trials:
        print(
            f"trial {trial.trial_id}: {trial.meta['tuner/epochs']} epochs, "
            f"bracket {trial.meta['tuner/bracket']}, round {trial.meta['tuner/round']}"
        )
    best = tuner.get_best_hyperparameters()[0]
    print(f"{len(tuner.trials)} trials; best values: {best.values}")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as workdir:
        main(workdir)
