"""The Keras backend passes spacealg's backend contract, with a tiny real Keras model."""

from __future__ import annotations

import keras
import numpy as np
import spacealg_keras as keras_tuner
from keras import layers

import spacealg as sa
from spacealg.testing import BackendContract

RNG = np.random.default_rng(2)
X = RNG.random((24, 8)).astype("float32")
Y = RNG.integers(0, 3, (24,))
FIT = {"epochs": 2, "batch_size": 8, "verbose": 0}


class TestKerasBackend(BackendContract):
    """Each trial builds, compiles and fits a Dense model for two epochs, on either backend.

    The space has a conditional entry (``momentum`` only for SGD); every epoch's
    metrics are reported (``reports_steps``) and the objective is the training ``loss``
    (no validation: one compiled step less per trial).
    """

    reports_steps = True

    def build(self, hp):
        optimizer = hp.Choice("optimizer", ["adam", "sgd"])
        learning_rate = hp.Float("learning_rate", 1e-3, 1e-1, sampling="log")
        with hp.conditional_scope("optimizer", ["sgd"]):
            momentum = hp.Float("momentum", 0.0, 0.9, step=0.3)
        units = hp.Int("units", 4, 8, step=4)
        self.record_values(hp.values)
        model = keras.Sequential(
            [
                keras.Input((8,)),
                layers.Dense(units, activation="relu"),
                layers.Dense(3, activation="softmax"),
            ]
        )
        if optimizer == "sgd":
            chosen = keras.optimizers.SGD(learning_rate, momentum=momentum)
        else:
            chosen = keras.optimizers.Adam(learning_rate)
        model.compile(chosen, "sparse_categorical_crossentropy")
        return model

    def tuner(self, hypermodel):
        return keras_tuner.Tuner(hypermodel, objective=self.objective(), seed=self.seed)

    def make_backend(self):
        return keras_tuner.KerasBackend(self.tuner(self.build), (X, Y), FIT)

    def space(self):
        return sa.Space(
            [
                sa.Choice("optimizer", values=["adam", "sgd"]),
                sa.Float("learning_rate", min_value=1e-3, max_value=1e-1, sampling="log"),
                sa.Float(
                    "momentum",
                    min_value=0.0,
                    max_value=0.9,
                    step=0.3,
                    conditions=sa.Condition("optimizer", ["sgd"]),
                ),
                sa.Int("units", min_value=4, max_value=8, step=4),
            ]
        )

    def objective(self):
        return sa.Objective("loss", "min")

    def failing_backend(self):
        contract = self

        class Failing(keras_tuner.HyperModel):
            def build(self, hp):
                return contract.build(hp)

            def fit(self, hp, model, *args, **kwargs):
                raise RuntimeError("the fit failed")

        return keras_tuner.KerasBackend(self.tuner(Failing()), (X, Y), FIT)

    def skipping_backend(self):
        contract = self

        class Skipping(keras_tuner.HyperModel):
            # Raised from fit(): raised from build(), sa.declare() would meet it first.
            def build(self, hp):
                return contract.build(hp)

            def fit(self, hp, model, *args, **kwargs):
                raise sa.SkipTrial("an invalid combination")

        return keras_tuner.KerasBackend(self.tuner(Skipping()), (X, Y), FIT)


def test_the_contract_space_is_the_declared_one():
    assert sa.declare(TestKerasBackend().build) == TestKerasBackend().space()
