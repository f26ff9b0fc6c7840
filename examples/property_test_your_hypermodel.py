"""Property-test your own hypermodel over every point of its space with ``spacealg.testing``.

``sa.declare`` captures the space the build function declares (each conditional
branch included) without training anything; ``values(space)`` draws configurations
of it, inactive entries left out, and hypothesis checks that the model built from
each one has the shape and the layers the configuration asks for. Run as a script it
prints what it checked; under pytest, ``test_every_configuration_builds`` is a test.
Needs the ``testing`` extra: ``pip install "spacealg[testing]"``.
"""

from __future__ import annotations

import keras
from hypothesis import given, settings

import spacealg as sa
from spacealg.testing import values

CLASSES = 3


def build_model(hp: sa.HyperParameters) -> keras.Model:
    """The hypermodel under test: dense layers, an optional dropout, a softmax head."""
    model = keras.Sequential([keras.Input(shape=(8,))])
    model.add(keras.layers.Dense(hp.Int("units", 4, 32, step=4), activation="relu"))
    # An entry declared inside a conditional scope returns None where it is inactive;
    # declared outside a plain `if`, declare() explores it without a trial reaching it.
    hp.Boolean("deep")
    with hp.conditional_scope("deep", [True]):
        deep_units = hp.Int("deep_units", 4, 16, step=4)
    if deep_units is not None:
        model.add(keras.layers.Dense(deep_units, activation="relu"))
    hp.Boolean("dropout")
    with hp.conditional_scope("dropout", [True]):
        rate = hp.Float("rate", 0.1, 0.5, step=0.1)
    if rate is not None:
        model.add(keras.layers.Dropout(rate))
    model.add(keras.layers.Dense(CLASSES, activation="softmax"))
    return model


SPACE = sa.declare(build_model)
CHECKED: list[sa.Values] = []


@settings(max_examples=25, deadline=None)
@given(values(SPACE))
def test_every_configuration_builds(config: sa.Values) -> None:
    model = build_model(sa.HyperParameters(config))
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    dropout = [layer for layer in model.layers if isinstance(layer, keras.layers.Dropout)]
    assert model.output_shape == (None, CLASSES)
    assert dense[0].units == config["units"]
    assert len(dense) == (3 if config["deep"] else 2)
    assert ("deep_units" in config) == config["deep"]  # inactive entries have no value
    assert [layer.rate for layer in dropout] == ([config["rate"]] if config["dropout"] else [])
    CHECKED.append(config)


if __name__ == "__main__":
    print(f"declared: {list(SPACE)}")
    test_every_configuration_builds()
    deep = sum(config["deep"] is True for config in CHECKED)
    with_dropout = sum(config["dropout"] is True for config in CHECKED)
    print(
        f"the property holds for {len(CHECKED)} configurations "
        f"({deep} deep, {with_dropout} with dropout)"
    )
