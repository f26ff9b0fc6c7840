"""Tiny hypermodels the Keras backend's tests share."""

from __future__ import annotations

from typing import Any

import keras
from keras import layers

import spacealg as sa


def guide_build_model(hp: sa.HyperParameters) -> keras.Model:
    """The model-building function of KerasTuner's "Tailor the search space" guide, verbatim."""
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


def dense(hp: sa.HyperParameters, *, compiled: bool = True) -> keras.Model:
    """Dense on 8 features, 3 classes: ``units`` (4 or 8), ``dropout`` and ``learning_rate``."""
    model = keras.Sequential(
        [
            keras.Input((8,)),
            layers.Dense(hp.Choice("units", [4, 8]), activation="relu"),
            layers.Dropout(0.5 if hp.Boolean("dropout") else 0.0),
            layers.Dense(3, activation="softmax"),
        ]
    )
    if compiled:
        learning_rate = hp.Float("learning_rate", 1e-3, 1e-1, sampling="log")
        model.compile(
            optimizer=keras.optimizers.Adam(learning_rate),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
    return model


def uncompiled(hp: sa.HyperParameters) -> keras.Model:
    """:func:`dense` left uncompiled (no ``learning_rate`` then)."""
    return dense(hp, compiled=False)


def learning_rate_of(model: Any) -> float:
    """The learning rate of a compiled model's optimizer, as a Python float."""
    return float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))
