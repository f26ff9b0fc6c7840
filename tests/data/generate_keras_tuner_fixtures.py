"""Regenerate the ``keras_tuner_*.json`` fixtures with a real KerasTuner.

The tests read the fixtures and never import keras_tuner. Run this script by
hand, with a Python that has keras-tuner and keras installed::

    KERAS_BACKEND=jax python tests/data/generate_keras_tuner_fixtures.py

Each fixture holds the declaring code (``source``), KerasTuner's
``HyperParameters.get_config()`` (``config``) and, for the cases run through a
tuner, the text its ``search_space_summary()`` printed (``summary``).
Everything is imported inside ``main`` so that pytest's doctest collection can
import this module without KerasTuner.
"""

from __future__ import annotations

import contextlib
import inspect
import io
import json
import pathlib
import sys
import tempfile
from typing import Any

HERE = pathlib.Path(__file__).parent


# Declarations, one function per fixture. Each takes a KerasTuner HyperParameters.


def guide_model(hp: Any) -> None:
    # The guide's build_model, without the layers.
    hp.Int("units", min_value=32, max_value=128, step=32, default=64)
    hp.Boolean("dropout")
    hp.Choice("learning_rate", values=[1e-2, 1e-3, 1e-4])


def search_a_few(hp: Any) -> None:
    # The guide's tailoring: tune only learning_rate, as a log Float.
    hp.Float("learning_rate", min_value=1e-4, max_value=1e-2, sampling="log")


def fix_a_few(hp: Any) -> None:
    # The guide's tailoring: pin learning_rate, tune the rest.
    hp.Fixed("learning_rate", value=1e-4)


def choice_only(hp: Any) -> None:
    # The guide's pre-built hypermodel tailoring, applied to build_model.
    hp.Choice("learning_rate", values=[1e-2, 1e-3, 1e-4])


def all_kinds(hp: Any) -> None:
    hp.Int("layers", 1, 5)  # no default: KerasTuner saves None
    hp.Int("units", 32, 512, step=32, default=64)
    hp.Int("filters", 8, 256, step=2, sampling="log")
    hp.Int("width", 1, 1000, sampling="log")
    hp.Int("depth", 1, 100, sampling="reverse_log")
    hp.Float("dropout", 0, 0.5, step=0.1)
    hp.Float("lr", 1e-5, 1e-2, sampling="log")
    hp.Float("momentum", 0.5, 0.999, sampling="reverse_log")
    hp.Float("scale", 1, 1000, step=10, sampling="log")
    hp.Float("ratio", 0, 10, step=1)
    hp.Float("decay", 0.0, 1.0, default=0.5)
    hp.Choice("activation", ["relu", "tanh"])
    hp.Choice("kernel", [3, 5, 7], ordered=False, default=5)
    hp.Choice("batch", [16, 32, 64])
    hp.Choice("use_bias", [True, False], default=False)
    hp.Boolean("batch_norm", default=True)
    hp.Fixed("optimizer", "adam")
    hp.Fixed("beta", 0.9)
    hp.Fixed("seed", 3)
    hp.Fixed("shuffle", value=True)


def boolean_choice(hp: Any) -> None:
    hp.Choice("x", [True, False])
    with hp.conditional_scope("x", [True]):
        hp.Int("y", 1, 5)


def two_values(hp: Any) -> None:
    hp.Choice("model", ["mlp", "cnn", "rnn"])
    with hp.conditional_scope("model", ["mlp"]):
        hp.Int("units", 32, 128, step=32)
    with hp.conditional_scope("model", ["cnn"]):
        hp.Int("units", 32, 128, step=32)
    hp.Float("lr", 1e-4, 1e-2, sampling="log")


def conflicting(hp: Any) -> None:
    hp.Choice("model", ["mlp", "cnn"])
    with hp.conditional_scope("model", ["mlp"]):
        hp.Int("units", 32, 128, step=32)
    with hp.conditional_scope("model", ["cnn"]):
        hp.Int("units", 16, 64, step=16)


def nested(hp: Any) -> None:
    hp.Choice("model", ["mlp", "cnn", "rnn"])
    with hp.conditional_scope("model", ["cnn"]):
        hp.Choice("kernel", [3, 5])
        with hp.conditional_scope("kernel", [5]):
            hp.Boolean("dilated")
            hp.Float("rate", 1.0, 4.0, step=1)
            hp.Int("stride", 1, 2)
        with hp.conditional_scope("kernel", [3]):
            hp.Int("stride", 1, 2)
    with hp.conditional_scope("model", ["mlp", "rnn"]):
        hp.Float("dropout", 0, 0.5)
    with hp.conditional_scope("model", ["cnn", "rnn"]):
        hp.Boolean("pool")
        with hp.conditional_scope("pool", [True]):
            hp.Choice("pool_size", [2, 3])


def reverse_log_step(hp: Any) -> None:
    # KerasTuner accepts a step with reverse_log sampling; spacealg does not.
    hp.Int("heads", 2, 16, step=2, sampling="reverse_log")


# name -> (declaration, how to run it): "tailoring" runs build_model in a tuner with
# the declaration as hyperparameters=, "model" runs the declaration as the hypermodel,
# "config" only records HyperParameters.get_config().
CASES = {
    "guide_model": (guide_model, "model", {}),
    "guide_search_a_few": (search_a_few, "tailoring", {"tune_new_entries": False}),
    "guide_fix_a_few": (fix_a_few, "tailoring", {"tune_new_entries": True}),
    "guide_choice_only": (choice_only, "tailoring", {"tune_new_entries": False}),
    "all_kinds": (all_kinds, "model", {}),
    "boolean_choice": (boolean_choice, "model", {}),
    "two_values": (two_values, "config", {}),
    "conflicting": (conflicting, "config", {}),
    "nested": (nested, "config", {}),
    "reverse_log_step": (reverse_log_step, "config", {}),
}


def main() -> None:
    import keras
    import keras_tuner as kt
    from keras import layers

    def build_model(hp: Any) -> Any:
        # The guide's build_model, verbatim.
        model = keras.Sequential()
        model.add(layers.Flatten())
        model.add(
            layers.Dense(units=hp.Int("units", min_value=32, max_value=128, step=32, default=64))
        )
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

    def declaring_model(declare: Any) -> Any:
        def build(hp: Any) -> Any:
            declare(hp)
            model = keras.Sequential([layers.Dense(1)])
            model.compile(loss="mse")
            return model

        return build

    for name, (declare, how, options) in CASES.items():
        fixture: dict[str, Any] = {
            "generated_by": "tests/data/generate_keras_tuner_fixtures.py",
            "keras_tuner_version": kt.__version__,
            "keras_version": keras.__version__,
            "source": inspect.getsource(declare).splitlines(),
        }
        if how == "config":
            hp = kt.HyperParameters()
            declare(hp)
            fixture["config"] = hp.get_config()
        else:
            with tempfile.TemporaryDirectory() as directory:
                if how == "tailoring":
                    hp = kt.HyperParameters()
                    declare(hp)
                    tuner = kt.RandomSearch(
                        build_model,
                        hyperparameters=hp,
                        objective="val_accuracy",
                        max_trials=3,
                        overwrite=True,
                        directory=directory,
                        project_name=name,
                        **options,
                    )
                    fixture["tune_new_entries"] = options["tune_new_entries"]
                else:
                    hypermodel = build_model if name == "guide_model" else declaring_model(declare)
                    tuner = kt.RandomSearch(
                        hypermodel,
                        objective="val_loss",
                        max_trials=3,
                        overwrite=True,
                        directory=directory,
                        project_name=name,
                    )
                printed = io.StringIO()
                with contextlib.redirect_stdout(printed):
                    tuner.search_space_summary()
                fixture["config"] = tuner.oracle.get_space().get_config()
                fixture["summary"] = printed.getvalue()
        path = HERE / f"keras_tuner_{name}.json"
        path.write_text(json.dumps(fixture, indent=1) + "\n", encoding="utf-8")
        sys.stdout.write(f"wrote {path.name}\n")


if __name__ == "__main__":
    main()
