"""KerasTuner's "Tailor the search space" guide, on spacealg's core values.

The guide's model declares three hyperparameters as it builds. Until the
define-by-run ``HyperParameters`` handle and ``resolve`` land, this example
writes that declared space down directly, tailors it the way each scenario
of the guide does, and prints what a search would run over: the guide's
``search_space_summary()`` text, a few sampled trials, the whole grid where it
is finite, and a lossless JSON round trip.
"""

from __future__ import annotations

import spacealg as sa

# What the guide's build_model declares: hp.Int("units", 32, 128, step=32, default=64),
# hp.Boolean("dropout") and hp.Choice("learning_rate", [1e-2, 1e-3, 1e-4]).
DECLARED = sa.Space(
    [
        sa.Int("units", min_value=32, max_value=128, step=32, default=64),
        sa.Boolean("dropout"),
        sa.Choice("learning_rate", values=[1e-2, 1e-3, 1e-4]),
    ]
)


def tune_new_entries(tailoring: sa.Space, declared: sa.Space) -> sa.Space:
    """The tailoring's entries first, then the declared ones it does not name.

    This is what KerasTuner's ``tune_new_entries=True`` searches over.
    """
    rest = [hp for hp in declared.hyperparameters if hp.name not in tailoring]
    return sa.Space([*tailoring.hyperparameters, *rest])


def show(title: str, space: sa.Space, *, seed: int) -> None:
    """Print a scenario's summary, three sampled trials and, when finite, its size."""
    print(f"## {title}")
    print(sa.summary(space), end="")
    for number, values in enumerate(sa.sample_many(space, 3, seed), start=1):
        print(f"trial {number}: {dict(values)}")
    size = sa.cardinality(space)
    print("configurations:", "continuous" if size is None else size)
    assert sa.from_json(sa.to_json(space)) == space, "JSON round trip must be lossless"
    print()


def main() -> None:
    """Run the guide's scenarios."""
    print("## The declared space of build_model")
    print(sa.summary(DECLARED), end="")
    print("defaults:", dict(sa.defaults(DECLARED)))
    print()

    # Search a few and fix the rest: tune only learning_rate, as a log-scaled Float;
    # with tune_new_entries=False the other entries keep their defaults.
    search_a_few = sa.Space(
        [sa.Float("learning_rate", min_value=1e-4, max_value=1e-2, sampling="log")]
    )
    show("Search a few and fix the rest", search_a_few, seed=1)
    pinned = {name: DECLARED[name].default for name in DECLARED if name not in search_a_few}
    print("pinned at their defaults:", pinned)
    print()

    # Fix a few and tune the rest: pin learning_rate, tune every other declared entry.
    fix_a_few = tune_new_entries(sa.Space([sa.Fixed("learning_rate", value=1e-4)]), DECLARED)
    show("Fix a few and tune the rest", fix_a_few, seed=2)
    print("grid order:", [tuple(values.values()) for values in sa.grid(fix_a_few)])
    print()

    # Overriding compilation arguments leaves the space as declared.
    show("Overriding compilation arguments", DECLARED, seed=3)

    # HyperXception: tune only its learning rate, as a Choice of three values.
    xception = sa.Space([sa.Choice("learning_rate", values=[1e-2, 1e-3, 1e-4])])
    show("Tailor the space of a prebuilt hypermodel", xception, seed=4)
    print("every learning rate, default first:", [v["learning_rate"] for v in sa.grid(xception)])


if __name__ == "__main__":
    main()
