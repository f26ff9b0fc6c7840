"""Tailor the space of a prebuilt hypermodel with the algebra, then search only what is left.

``HyperXception``'s space is a value, read without building a model: the tailoring
operators shrink it (``fix`` pins the architecture small, ``restrict`` narrows the
learning rate, ``select`` keeps the entries the tailoring names) and ``resolve``
turns it into the trial space a tuner runs over (every entry the tailoring leaves
out keeps its default: ``tune_new_entries=False``). ``explain`` says where every entry comes from.
A two-trial search on tiny random images then trains the small Xception.
"""

from __future__ import annotations

import tempfile

import numpy as np
import spacealg_keras as keras_tuner

import spacealg as sa


def main(directory: str) -> None:
    hypermodel = keras_tuner.applications.HyperXception(input_shape=(28, 28, 1), classes=10)
    declared = hypermodel.space
    print(f"declared: {len(declared)} entries, {sa.cardinality(declared)} configurations")

    small = sa.fix(declared, conv2d_num_filters=32, sep_num_filters=128, num_residual_blocks=2)
    narrowed = sa.restrict(small, "learning_rate", values=[1e-3, 1e-4])
    kept = ["conv2d_num_filters", "sep_num_filters", "num_residual_blocks"]
    tailoring = sa.select(narrowed, *kept, "learning_rate", "dropout_rate")
    trial_space = sa.resolve(declared, tailoring, tune_new_entries=False)
    print(f"tuned: {list(trial_space.tuned)}, {sa.cardinality(trial_space.tuned)} configurations")
    print(sa.explain(trial_space))

    tuner = keras_tuner.RandomSearch(
        hypermodel,
        hyperparameters=trial_space,
        loss="sparse_categorical_crossentropy",  # HyperXception compiles for one-hot labels
        metrics=["accuracy"],
        objective="val_accuracy",
        max_trials=2,
        seed=0,
        directory=directory,
        project_name="xception",
    )
    rng = np.random.default_rng(0)
    x, y = rng.random((24, 28, 28, 1)).astype("float32"), rng.integers(0, 10, (24, 1))
    tuner.search(x, y, epochs=1, validation_split=0.25, batch_size=8, verbose=0)
    for trial in tuner.trials:
        print(f"trial {trial.trial_id}: {dict(trial.values)}")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as workdir:
        main(workdir)
