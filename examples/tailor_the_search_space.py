"""KerasTuner's "Tailor the search space" guide, end to end, on real Keras models.

``import spacealg_keras as keras_tuner`` is the only change from KerasTuner: the
guide's model-building function, its random data (100 images of 28x28x1, 10
classes, 20 for validation) and its tuner calls run as written, 3 trials of 1
epoch per scenario, on the Keras backend ``KERAS_BACKEND`` names (TensorFlow or
JAX). Each scenario prints the KerasTuner-style search log, the guide's
``search_space_summary()`` text and the trials it ran.

The guide's last scenario tailors the prebuilt ``HyperXception``: its space is a
value, printed here before any model is built. Everything is written to a
temporary directory.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import keras
import numpy as np
import spacealg_keras as keras_tuner
from keras import layers


def build_model(hp: keras_tuner.HyperParameters) -> Any:
    """The guide's model: a Dense layer whose width is tuned, optional dropout, Adam."""
    model = keras.Sequential()
    model.add(layers.Flatten())
    model.add(layers.Dense(units=hp.Int("units", min_value=32, max_value=128, step=32, default=64)))
    if hp.Boolean("dropout"):
        model.add(layers.Dropout(rate=0.25))
    model.add(layers.Dense(units=10, activation="softmax"))
    model.compile(
        optimizer=keras.optimizers.Adam(
            learning_rate=hp.Choice("learning_rate", values=[1e-2, 1e-3, 1e-4])
        ),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def show_trials(tuner: keras_tuner.Tuner) -> None:
    """One line per trial of the store: its values (pinned defaults included) and score."""
    name = tuner.objective.name
    for record in tuner.trials:
        print(f"trial {record.trial_id}: {dict(record.values)} -> {name} {record.score!r}")


def main() -> None:
    """Run the guide's four scenarios in a temporary directory."""
    with tempfile.TemporaryDirectory() as directory:
        scenarios(Path(directory) / "my_dir")


def scenarios(directory: Path) -> None:
    """Each scenario of the guide: tailor, search 3 trials of 1 epoch, summarise."""
    print(f"Keras {keras.__version__} on {keras.backend.backend()}")
    print()

    # The guide's random data.
    x_train = np.random.rand(100, 28, 28, 1)
    y_train = np.random.randint(0, 10, (100, 1))
    x_val = np.random.rand(20, 28, 28, 1)
    y_val = np.random.randint(0, 10, (20, 1))

    print("## Search a few and fix the rest")
    hp = keras_tuner.HyperParameters()
    hp.Float("learning_rate", min_value=1e-4, max_value=1e-2, sampling="log")
    tuner = keras_tuner.RandomSearch(
        hypermodel=build_model,
        hyperparameters=hp,
        tune_new_entries=False,  # units and dropout keep their defaults
        objective="val_accuracy",
        max_trials=3,
        overwrite=True,
        directory=directory,
        project_name="search_a_few",
    )
    # Each search passes verbose=0 on to fit(), which keeps Keras's progress bars quiet,
    # and log=True, which keeps the KerasTuner-style trial log that verbose=0 would silence.
    tuner.search(x_train, y_train, epochs=1, validation_data=(x_val, y_val), verbose=0, log=True)
    print()
    tuner.search_space_summary()
    show_trials(tuner)
    print("best hyperparameters:", tuner.get_best_hyperparameters()[0].values)
    print()

    print("## Fix a few and tune the rest")
    hp = keras_tuner.HyperParameters()
    hp.Fixed("learning_rate", value=1e-4)
    tuner = keras_tuner.RandomSearch(
        build_model,
        hyperparameters=hp,
        tune_new_entries=True,
        objective="val_accuracy",
        max_trials=3,
        overwrite=True,
        directory=directory,
        project_name="fix_a_few",
    )
    tuner.search(x_train, y_train, epochs=1, validation_data=(x_val, y_val), verbose=0, log=True)
    print()
    tuner.search_space_summary()
    show_trials(tuner)
    print()

    print("## Overriding compilation arguments")
    # spacealg warns (on stderr) that optimizer= makes the tuned learning_rate dead.
    tuner = keras_tuner.RandomSearch(
        build_model,
        optimizer=keras.optimizers.Adam(1e-3),
        loss="mse",
        metrics=["sparse_categorical_crossentropy"],
        objective="val_loss",
        max_trials=3,
        overwrite=True,
        directory=directory,
        project_name="override_compile",
    )
    tuner.search(x_train, y_train, epochs=1, validation_data=(x_val, y_val), verbose=0, log=True)
    print()
    show_trials(tuner)
    print("best model's loss:", repr(tuner.get_best_models()[0].loss))
    print()

    print("## Tailor the space of a prebuilt hypermodel")
    hypermodel = keras_tuner.applications.HyperXception(input_shape=(28, 28, 1), classes=10)
    # The declared space is a value: read it without building a model.
    declared = hypermodel.space
    print(f"HyperXception declares {len(declared)} hyperparameters: {', '.join(declared)}")
    hp = keras_tuner.HyperParameters()
    hp.Choice("learning_rate", values=[1e-2, 1e-3, 1e-4])
    tuner = keras_tuner.RandomSearch(
        hypermodel,
        hyperparameters=hp,
        tune_new_entries=False,  # the other hyperparameters keep their defaults
        # HyperXception compiles with categorical_crossentropy; the labels are integers.
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        objective="val_accuracy",
        max_trials=3,
        overwrite=True,
        directory=directory,
        project_name="helloworld",
    )
    tuner.search(x_train, y_train, epochs=1, validation_data=(x_val, y_val), verbose=0, log=True)
    print()
    tuner.search_space_summary()
    show_trials(tuner)


if __name__ == "__main__":
    main()
