"""KerasTuner's "Tailor the search space" guide, on spacealg's core.

The guide's model declares three hyperparameters as it builds. ``declare``
captures that space without training anything; each scenario then tailors it
with a ``HyperParameters`` handle, exactly as the guide writes it, and
``resolve`` gives the trial space a search runs over. For each scenario this
prints the guide's ``search_space_summary()`` text, what was tuned, pinned or
fixed, a few sampled trials (pinned defaults included), the number of
configurations, and checks a lossless JSON round trip.
"""

from __future__ import annotations

import spacealg as sa


def build_model(hp: sa.HyperParameters) -> dict[str, object]:
    """The guide's model-building function, with a dict standing in for the Keras model."""
    model: dict[str, object] = {"layers": ["Flatten"]}
    model["units"] = hp.Int("units", min_value=32, max_value=128, step=32, default=64)
    if hp.Boolean("dropout"):
        model["dropout"] = 0.25
    model["learning_rate"] = hp.Choice("learning_rate", values=[1e-2, 1e-3, 1e-4])
    return model


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
    declared = sa.declare(build_model)
    print("## The declared space of build_model")
    print(sa.summary(declared), end="")
    print("defaults:", dict(sa.defaults(declared)))
    print()

    # Search a few and fix the rest: tune only learning_rate, now a log-scaled Float;
    # with tune_new_entries=False every other declared entry keeps its default.
    hp = sa.HyperParameters()
    hp.Float("learning_rate", min_value=1e-4, max_value=1e-2, sampling="log")
    show(
        "Search a few and fix the rest",
        sa.resolve(declared, hp, tune_new_entries=False),
        seed=1,
    )

    # Fix a few and tune the rest: pin learning_rate, tune every other declared entry.
    hp = sa.HyperParameters()
    hp.Fixed("learning_rate", value=1e-4)
    fix_a_few = sa.resolve(declared, hp, tune_new_entries=True)
    show("Fix a few and tune the rest", fix_a_few, seed=2)
    print("grid order:", [tuple(values.values()) for values in sa.grid(fix_a_few.tuned)])
    print()

    # Overriding compilation arguments leaves the space as declared.
    show("Overriding compilation arguments", sa.resolve(declared), seed=3)

    # A prebuilt hypermodel (HyperXception in the guide): tune only its learning rate.
    # Its other hyperparameters are pinned; here the guide's own model stands in for it.
    hp = sa.HyperParameters()
    hp.Choice("learning_rate", values=[1e-2, 1e-3, 1e-4])
    xception = sa.resolve(declared, hp, tune_new_entries=False)
    show("Tailor the space of a prebuilt hypermodel", xception, seed=4)
    print(
        "every learning rate, default first:", [v["learning_rate"] for v in sa.grid(xception.tuned)]
    )


if __name__ == "__main__":
    main()
