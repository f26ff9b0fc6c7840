"""The subprocess side of ``test_keras_processes.py``: ``python keras_worker.py CHECK DIRECTORY``.

Prints one JSON line with what it measured. Imported (not run) when pytest
collects doctests, so nothing happens at import.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from pathlib import Path
from typing import Any


def resident_memory() -> int:
    """This process's resident memory, in bytes (VmRSS)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def memory(directory: Path) -> dict[str, Any]:
    """40 trials of a Dense model of about a million parameters on 32 samples, 1 epoch."""
    import keras
    import numpy as np
    import spacealg_keras as keras_tuner

    def build(hp):
        model = keras.Sequential(
            [
                keras.Input((1000,)),
                keras.layers.Dense(1000, activation="relu"),
                keras.layers.Dense(1),
            ]
        )
        learning_rate = hp.Float("learning_rate", 1e-4, 1e-2, sampling="log")
        model.compile(keras.optimizers.Adam(learning_rate), "mse")
        return model

    class Measuring(keras_tuner.RandomSearch):
        rss: list[int] = []  # noqa: RUF012 - one tuner per process

        def run_trial(self, trial, *args, **kwargs):
            history = super().run_trial(trial, *args, **kwargs)
            self.rss.append(resident_memory())
            return history

    rng = np.random.default_rng(0)
    x = rng.random((32, 1000)).astype("float32")
    y = rng.random((32, 1)).astype("float32")
    tuner = Measuring(build, objective="loss", max_trials=40, seed=0, directory=directory)
    tuner.search(x, y, epochs=1, verbose=0)
    return {
        "rss": Measuring.rss,
        "completed": sum(t.state.value == "COMPLETED" for t in tuner.trials),
        "parameters": build(keras_tuner.HyperParameters()).count_params(),
    }


def jax(directory: Path) -> dict[str, Any]:
    """A seeded search with compile overrides under JAX; which TensorFlow modules got imported."""
    import keras
    import numpy as np
    import spacealg_keras as keras_tuner

    def build(hp):
        model = keras.Sequential(
            [
                keras.Input((4, 4, 1)),
                keras.layers.Flatten(),
                keras.layers.Dense(hp.Int("units", 4, 16, step=4), activation="relu"),
                keras.layers.Dense(3, activation="softmax"),
            ]
        )
        model.compile(
            keras.optimizers.Adam(hp.Float("learning_rate", 1e-3, 1e-1, sampling="log")),
            "sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
        return model

    rng = np.random.default_rng(0)
    x = rng.random((32, 4, 4, 1)).astype("float32")
    y = rng.integers(0, 3, (32, 1))  # mse broadcasts it against the 3 outputs, as in the guide
    hp = keras_tuner.HyperParameters()
    hp.Int("units", 4, 16, step=4)
    tuner = keras_tuner.RandomSearch(
        build,
        hyperparameters=hp,
        tune_new_entries=False,
        optimizer=keras.optimizers.Adam(1e-2),  # cloned per model, from its config
        loss="mse",
        metrics=["accuracy"],
        objective="val_loss",
        max_trials=3,
        seed=0,
        directory=directory,
        project_name="jax",
    )
    tuner.search(x, y, epochs=2, validation_split=0.25, verbose=0)
    best = tuner.get_best_models(2)
    tuner.get_best_hyperparameters()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        tuner.results_summary()
        tuner.search_space_summary()
    return {
        "backend": keras.backend.backend(),
        "completed": sum(t.state.value == "COMPLETED" for t in tuner.trials),
        "loss": best[0].loss,
        "summary": out.getvalue(),
        "tensorflow": sorted(name for name in sys.modules if name.split(".")[0] == "tensorflow"),
    }


if __name__ == "__main__":
    check, directory = sys.argv[1], Path(sys.argv[2])
    result = {"memory": memory, "jax": jax}[check](directory)
    print(json.dumps(result))  # noqa: T201 - the report the test reads
