"""KerasTuner's "Tailor the search space" guide, on spacealg's core.

The guide's model declares three hyperparameters as it builds. ``declare``
captures that space without training anything; each scenario then tailors it
with a ``HyperParameters`` handle, exactly as the guide writes it, and
``resolve`` gives the trial space a search runs over. For each scenario this
prints the guide's ``search_space_summary()`` text, what was tuned, pinned or
fixed, a few sampled trials (pinned defaults included), the number of
configurations, checks a lossless JSON round trip, and runs the guide's search
of 3 trials on the SQLite trial store, with a deterministic stand-in for
training (``examples/tailor_the_search_space.py`` runs the real Keras models).
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import spacealg as sa


def build_model(hp: sa.HyperParameters) -> dict[str, object]:
    """The guide's model-building function, with a dict standing in for the Keras model."""
    model: dict[str, object] = {"layers": ["Flatten"]}
    model["units"] = hp.Int("units", min_value=32, max_value=128, step=32, default=64)
    if hp.Boolean("dropout"):
        model["dropout"] = 0.25
    model["learning_rate"] = hp.Choice("learning_rate", values=[1e-2, 1e-3, 1e-4])
    return model


def stand_in_training(values: sa.Values) -> dict[str, float]:
    """Build the model with the trial's values and score it without training.

    A deterministic function of the hyperparameters stands in for one epoch of
    ``model.fit``: wider layers and a learning rate near 1e-3 score better.
    """
    model = build_model(sa.HyperParameters(values))
    units = float(model["units"])  # type: ignore[arg-type]
    learning_rate = float(model["learning_rate"])  # type: ignore[arg-type]
    accuracy = 0.1 + units / 1280 - abs(math.log10(learning_rate) + 3) / 20
    accuracy -= 0.01 if "dropout" in model else 0.0
    return {"val_accuracy": accuracy, "val_loss": 1.0 - accuracy}


def search(trial: sa.TrialSpace, directory: Path, project_name: str, objective: str) -> None:
    """The guide's ``tuner.search(...)``: 3 trials, recorded in the trial store."""
    direction = sa.maximize if objective == "val_accuracy" else sa.minimize
    result = direction(
        stand_in_training,
        trial,
        max_trials=3,
        objective=objective,
        seed=7,
        directory=directory,
        project_name=project_name,
        overwrite=True,
    )
    for record in result.trials:
        print(f"tried: {dict(record.values)} -> {objective} {record.score!r}")
    print(f"best: {dict(result.best_values)}")
    print()


def show(title: str, trial: sa.TrialSpace, *, seed: int) -> None:
    """Print a scenario's summary, provenance, three sampled trials and its size."""
    space = trial.tuned
    print(f"## {title}")
    print(sa.summary(space), end="")
    print(sa.explain(trial), end="")
    for number, values in enumerate(sa.sample_many(space, 3, seed), start=1):
        complete = trial.complete(values)
        print(f"trial {number}: {dict(complete)} -> {build_model(sa.HyperParameters(complete))}")
    size = sa.cardinality(space)
    print("configurations:", "continuous" if size is None else size)
    assert sa.from_json(sa.to_json(space)) == space, "JSON round trip must be lossless"
    print()


def main() -> None:
    """Run the guide's scenarios."""
    with tempfile.TemporaryDirectory() as directory:
        scenarios(Path(directory) / "my_dir")


def scenarios(directory: Path) -> None:
    """Each scenario of the guide: tailor, resolve, show, search."""
    declared = sa.declare(build_model)
    print("## The declared space of build_model")
    print(sa.summary(declared), end="")
    print("defaults:", dict(sa.defaults(declared)))
    print()

    # Search a few and fix the rest: tune only learning_rate, now a log-scaled Float;
    # with tune_new_entries=False every other declared entry keeps its default.
    hp = sa.HyperParameters()
    hp.Float("learning_rate", min_value=1e-4, max_value=1e-2, sampling="log")
    search_a_few = sa.resolve(declared, hp, tune_new_entries=False)
    show("Search a few and fix the rest", search_a_few, seed=1)
    search(search_a_few, directory, "search_a_few", "val_accuracy")

    # Fix a few and tune the rest: pin learning_rate, tune every other declared entry.
    hp = sa.HyperParameters()
    hp.Fixed("learning_rate", value=1e-4)
    fix_a_few = sa.resolve(declared, hp, tune_new_entries=True)
    show("Fix a few and tune the rest", fix_a_few, seed=2)
    print("grid order:", [tuple(values.values()) for values in sa.grid(fix_a_few.tuned)])
    print()
    search(fix_a_few, directory, "fix_a_few", "val_accuracy")

    # Overriding compilation arguments leaves the space as declared.
    override_compile = sa.resolve(declared)
    show("Overriding compilation arguments", override_compile, seed=3)
    search(override_compile, directory, "override_compile", "val_loss")

    # A prebuilt hypermodel (HyperXception in the guide): tune only its learning rate.
    # Its other hyperparameters are pinned; here the guide's own model stands in for it.
    hp = sa.HyperParameters()
    hp.Choice("learning_rate", values=[1e-2, 1e-3, 1e-4])
    xception = sa.resolve(declared, hp, tune_new_entries=False)
    show("Tailor the space of a prebuilt hypermodel", xception, seed=4)
    print(
        "every learning rate, default first:", [v["learning_rate"] for v in sa.grid(xception.tuned)]
    )
    search(xception, directory, "helloworld", "val_accuracy")


if __name__ == "__main__":
    main()
