"""Search a plain Python function with TPE, then resume the search and read it back.

A noise-free stand-in for a training run: a function of a learning rate, a number of
layers and an optimizer whose minimum is known. The search records every trial in
``<directory>/quickstart/trials.db``; running it again with a larger ``max_trials``
continues where it stopped, and ``sa.load`` reads the results back.
"""

from __future__ import annotations

import math
import sys
import tempfile

import spacealg as sa

SPACE = sa.Space(
    [
        sa.Float("learning_rate", min_value=1e-5, max_value=1e-1, sampling="log"),
        sa.Int("layers", min_value=1, max_value=6),
        sa.Choice("optimizer", values=["adam", "sgd"]),
        sa.Float(
            "momentum",
            min_value=0.0,
            max_value=0.99,
            conditions=sa.Condition("optimizer", ["sgd"]),
        ),
    ]
)


def validation_loss(values: sa.Values) -> float:
    """Lowest at learning_rate=1e-3, three layers and Adam."""
    learning_rate, layers = float(values["learning_rate"]), int(values["layers"])
    loss = (math.log10(learning_rate) + 3) ** 2 + 0.1 * (layers - 3) ** 2
    if values["optimizer"] == "sgd":  # momentum is active, hence present, only for sgd
        loss += 0.2 + 0.5 * (float(values["momentum"]) - 0.9) ** 2
    return loss


def main(directory: str) -> None:
    first = sa.minimize(
        validation_loss,
        SPACE,
        max_trials=20,
        oracle="tpe",
        seed=0,
        directory=directory,
        project_name="quickstart",
        verbose=0,
    )
    print(f"after {len(first.trials)} trials: best {first.best_score:.4f}")
    more = sa.minimize(  # the same project: the 20 trials are kept, 20 more are run
        validation_loss,
        SPACE,
        max_trials=40,
        oracle="tpe",
        seed=0,
        directory=directory,
        project_name="quickstart",
        verbose=0,
    )
    print(f"after {len(more.trials)} trials: best {more.best_score:.4f}")
    print(f"best values: {dict(more.best_values)}")
    loaded = sa.load(directory, "quickstart")
    print(f"read back: {len(loaded.trials)} trials, best {loaded.best_score:.4f}")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(sys.argv[1])
    else:
        with tempfile.TemporaryDirectory() as workdir:
            main(workdir)
