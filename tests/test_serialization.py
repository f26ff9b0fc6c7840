"""Serialization: golden files per schema version, round trips, KerasTuner import, errors.

Golden files (``tests/data/space_v<version>_*.json``) pin the saved format: each
is decoded and compared with the space built here in code, and the code-built
space is encoded and compared with the file, so any change to the format breaks
a test. Once a schema version is released its golden files never change; a new
version adds new files and keeps reading the old ones.

The ``keras_tuner_*.json`` fixtures were written by a real KerasTuner (see
``tests/data/generate_keras_tuner_fixtures.py``); these tests only read them.
"""

from __future__ import annotations

import ast
import copy
import json
import pathlib
import pickle
import re
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings

import spacealg as sa
from spacealg import Boolean, Choice, Condition, Fixed, Float, Int, Space
from spacealg.errors import ArgumentTypeError, InvalidSpaceError, SerializationError
from spacealg.testing import spaces

DATA = pathlib.Path(__file__).parent / "data"


def typed(data: Any) -> Any:
    """``data`` with each scalar paired with its type, so ``1``, ``1.0`` and ``True`` differ."""
    if isinstance(data, dict):
        return {key: typed(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [typed(value) for value in data]
    return (type(data).__name__, data)


def entries(space: Space) -> list[str]:
    """The reprs of the entries in order: names, order, fields and their types."""
    return [repr(hp) for hp in space.hyperparameters]


def assert_same(actual: Space, expected: Space) -> None:
    """Equal, in the same order, with the same types (``==`` alone takes ``True == 1``)."""
    assert actual == expected
    assert entries(actual) == entries(expected)


def load(filename: str) -> Any:
    return json.loads((DATA / filename).read_text(encoding="utf-8"))


# -- golden spaces, built in code ----------------------------------------------------------


def mixed_space() -> Space:
    """Every kind, every sampling, steps and no steps, given and resolved defaults."""
    return Space(
        [
            Int("units", min_value=32, max_value=512, step=32, default=64),
            Int("layers", min_value=1, max_value=5),
            Int("filters", min_value=8, max_value=256, step=2, sampling="log"),
            Int("width", min_value=1, max_value=1000, sampling="log"),
            Int("depth", min_value=1, max_value=100, sampling="reverse_log", default=10),
            Float("dropout", min_value=0, max_value=0.5, step=0.1, default=0.2),
            Float("decay", min_value=0.0, max_value=1.0, default=0.5),
            Float("learning_rate", min_value=1e-5, max_value=1e-2, sampling="log"),
            Float("scale", min_value=1, max_value=1000, step=10, sampling="log"),
            Float("momentum", min_value=0.5, max_value=0.999, sampling="reverse_log"),
            Choice("activation", values=["relu", "tanh", "gelu"], default="tanh"),
            Choice("kernel", values=[3, 5, 7], ordered=False, default=5),
            Choice("batch_size", values=[16, 32, 64]),
            Choice("rate", values=[0.1, 0.25, 0.5], default=0.25),
            Boolean("batch_norm", default=True),
            Boolean("shuffle"),
            Fixed("optimizer", value="adam"),
            Fixed("beta", value=0.9),
            Fixed("seed", value=3),
            Fixed("eager", value=True),
        ]
    )


def conditional_space() -> Space:
    """Nested conditions three deep, multi-value conditions, a child listed before its parent."""
    return Space(
        [
            Choice("model", values=["mlp", "cnn", "rnn"]),
            Int(
                "units",
                min_value=32,
                max_value=128,
                step=32,
                conditions=Condition("model", ["mlp", "rnn"]),
            ),
            Choice("kernel", values=[3, 5], conditions=Condition("model", "cnn")),
            Boolean("dilated", conditions=(Condition("model", "cnn"), Condition("kernel", 5))),
            Boolean("pool", conditions=Condition("model", ["cnn", "rnn"])),
            Choice(
                "pool_size",
                values=[2, 3],
                conditions=(Condition("model", ["cnn", "rnn"]), Condition("pool", True)),
            ),
            Int(
                "pool_stride",
                min_value=1,
                max_value=3,
                conditions=(
                    Condition("model", ["cnn", "rnn"]),
                    Condition("pool", True),
                    Condition("pool_size", [3]),
                ),
            ),
            Int(
                "warmup_steps",
                min_value=0,
                max_value=1000,
                step=100,
                conditions=[Condition("schedule", "cosine")],
            ),
            Choice("schedule", values=["constant", "cosine"]),
            Int("layers", min_value=1, max_value=3),
            Float(
                "rate",
                min_value=0.0,
                max_value=0.5,
                step=0.25,
                conditions=Condition("layers", [2, 3]),
            ),
            Fixed("head", value="dense", conditions=Condition("rate", [0.25, 0.5])),
        ]
    )


def types_space() -> Space:
    """Types that JSON could blur: int vs float steps and values, bools vs ints, tiny floats."""
    return Space(
        [
            Float("ratio", min_value=0, max_value=10, step=1),
            Float("ratio_float_step", min_value=0, max_value=10, step=1.0),
            Float("epsilon", min_value=1e-07, max_value=1e-05, sampling="log", default=1e-06),
            Fixed("tiny", value=1e-05),
            Choice("weight_decay", values=[1e-05, 0.0001, 0.001]),
            Choice("use_bias", values=[True, False]),
            Choice("bias_last", values=[False, True], default=True),
            Choice("int_flag", values=[1, 0]),
            Choice("whole_floats", values=[1.0, 2.0, 4.0]),
            Fixed("fixed_int", value=1),
            Fixed("fixed_float", value=1.0),
            Fixed("fixed_bool", value=True),
            Int("bias_units", min_value=1, max_value=4, conditions=Condition("use_bias", True)),
            Int("flag_units", min_value=1, max_value=4, conditions=Condition("int_flag", 1)),
            Int(
                "float_child",
                min_value=1,
                max_value=2,
                conditions=Condition("whole_floats", [2.0, 4.0]),
            ),
        ]
    )


def constrained_space() -> Space:
    """Schema version 2: constraints (every kind of expression) and a weighted Choice."""
    return sa.constrain(
        Space(
            [
                Int("units", min_value=32, max_value=512, step=32),
                Int("layers", min_value=1, max_value=8),
                Choice("optimizer", values=["adam", "sgd", "rmsprop"], weights=[6, 3, 1]),
                Float(
                    "momentum",
                    min_value=0.0,
                    max_value=0.9,
                    conditions=Condition("optimizer", "sgd"),
                ),
                Float("enc/rate", min_value=1e-4, max_value=1e-1, sampling="log"),
                Boolean("batch_norm"),
                Fixed("budget", value=4096),
            ]
        ),
        "units * layers <= budget",
        "optimizer != 'sgd' or momentum < 0.5",
        "-4 <= log10(name('enc/rate')) < -1 and (batch_norm or layers in [1, 2])",
        "max(units, 2 ** layers) // 32 % 3 != 1 or abs(sqrt(units) - exp(1)) > 0",
    )


GOLDEN: dict[str, Callable[[], Space]] = {
    "space_v1_mixed.json": mixed_space,
    "space_v1_conditional.json": conditional_space,
    "space_v1_types.json": types_space,
    "space_v2_constrained.json": constrained_space,
}


def test_every_golden_file_is_checked() -> None:
    on_disk = {path.name for path in DATA.glob("space_v*.json")}
    assert on_disk == set(GOLDEN)


def test_the_mixed_golden_space_covers_every_kind_and_sampling() -> None:
    space = mixed_space()
    assert {hp.kind for hp in space.values()} == {"int", "float", "choice", "boolean", "fixed"}
    numeric = {
        (hp.kind, hp.sampling, hp.step is None)
        for hp in space.values()
        if isinstance(hp, Int | Float)
    }
    # An Int under linear sampling always has a step (1 when none is given).
    assert numeric == {
        ("int", "linear", False),
        ("int", "log", False),
        ("int", "log", True),
        ("int", "reverse_log", True),
        ("float", "linear", False),
        ("float", "linear", True),
        ("float", "log", False),
        ("float", "log", True),
        ("float", "reverse_log", True),
    }


@pytest.mark.parametrize("filename", sorted(GOLDEN))
def test_golden_file_decodes_to_the_space_built_in_code(filename: str) -> None:
    text = (DATA / filename).read_text(encoding="utf-8")
    assert_same(sa.from_json(text), GOLDEN[filename]())
    assert_same(sa.from_dict(json.loads(text)), GOLDEN[filename]())


@pytest.mark.parametrize("filename", sorted(GOLDEN))
def test_space_built_in_code_encodes_to_the_golden_file(filename: str) -> None:
    saved = load(filename)
    assert saved["format"] == "spacealg.space"
    version = re.match(r"space_v(\d+)_", filename)
    assert version is not None
    assert saved["version"] == int(version[1])
    assert typed(sa.to_dict(GOLDEN[filename]())) == typed(saved)
    assert typed(json.loads(sa.to_json(GOLDEN[filename]()))) == typed(saved)


def test_golden_schema_v1_entry_layout() -> None:
    saved = load("space_v1_conditional.json")
    assert list(saved) == ["format", "version", "hyperparameters"]
    assert saved["hyperparameters"][1] == {
        "kind": "int",
        "name": "units",
        "min_value": 32,
        "max_value": 128,
        "step": 32,
        "sampling": "linear",
        "default": 32,
        "conditions": [{"parent": "model", "values": ["mlp", "rnn"]}],
    }
    kinds = {entry["kind"]: list(entry) for entry in load("space_v1_mixed.json")["hyperparameters"]}
    assert kinds == {
        "int": [
            "kind",
            "name",
            "min_value",
            "max_value",
            "step",
            "sampling",
            "default",
            "conditions",
        ],
        "float": [
            "kind",
            "name",
            "min_value",
            "max_value",
            "step",
            "sampling",
            "default",
            "conditions",
        ],
        "choice": ["kind", "name", "values", "ordered", "default", "conditions"],
        "boolean": ["kind", "name", "default", "conditions"],
        "fixed": ["kind", "name", "value", "conditions"],
    }


# -- round trips -----------------------------------------------------------------------------


@pytest.mark.parametrize("build", GOLDEN.values(), ids=list(GOLDEN))
def test_dict_round_trip_through_json_types(build: Callable[[], Space]) -> None:
    space = build()
    assert_same(sa.from_dict(json.loads(json.dumps(sa.to_dict(space)))), space)
    assert_same(sa.from_dict(sa.to_dict(space)), space)


@pytest.mark.parametrize("build", GOLDEN.values(), ids=list(GOLDEN))
@pytest.mark.parametrize("indent", [None, 2])
def test_json_round_trip(build: Callable[[], Space], indent: int | None) -> None:
    space = build()
    text = sa.to_json(space, indent=indent)
    assert_same(sa.from_json(text), space)
    assert_same(sa.from_json(text.encode()), space)
    assert sa.to_json(sa.from_json(text), indent=indent) == text


@settings(max_examples=200, deadline=None)
@given(spaces())
def test_round_trips_hold_for_any_space(space: Space) -> None:
    assert_same(sa.from_dict(json.loads(json.dumps(sa.to_dict(space)))), space)
    assert_same(sa.from_json(sa.to_json(space)), space)


def test_empty_space_round_trips() -> None:
    assert sa.to_dict(Space()) == {"format": "spacealg.space", "version": 1, "hyperparameters": []}
    assert_same(sa.from_json(sa.to_json(Space())), Space())


def test_order_is_preserved() -> None:
    hps = list(mixed_space().hyperparameters)
    for order in (hps, hps[::-1], hps[1::2] + hps[::2]):
        space = Space(order)
        restored = sa.from_json(sa.to_json(space))
        assert list(restored) == [hp.name for hp in order]
        assert [entry["name"] for entry in sa.to_dict(space)["hyperparameters"]] == list(restored)
    # A child listed before its parent stays before it.
    assert list(sa.from_json(sa.to_json(conditional_space())))[7:9] == [
        "warmup_steps",
        "schedule",
    ]


def test_to_dict_returns_json_types_only() -> None:
    def check(data: Any) -> None:
        if isinstance(data, dict):
            assert all(isinstance(key, str) for key in data)
            for value in data.values():
                check(value)
        elif isinstance(data, list):
            for value in data:
                check(value)
        else:
            assert data is None or type(data) in (bool, int, float, str)

    for build in GOLDEN.values():
        check(sa.to_dict(build()))


def test_to_dict_returns_a_fresh_dict_each_time() -> None:
    space = conditional_space()
    first = sa.to_dict(space)
    first["hyperparameters"][0]["values"].append("gru")
    first["hyperparameters"].clear()
    assert sa.to_dict(space) == load("space_v1_conditional.json")


@pytest.mark.parametrize("build", GOLDEN.values(), ids=list(GOLDEN))
def test_from_dict_does_not_mutate_its_input(build: Callable[[], Space]) -> None:
    data = sa.to_dict(build())
    before = copy.deepcopy(data)
    space = sa.from_dict(data)
    assert typed(data) == typed(before)
    # Nor does the space share anything mutable with it.
    for entry in data["hyperparameters"]:
        for condition in entry["conditions"]:
            condition["values"].clear()
        if "values" in entry:
            entry["values"].clear()
    assert_same(space, build())


def test_from_dict_does_not_mutate_input_that_fails() -> None:
    data = sa.to_dict(conditional_space())
    data["hyperparameters"][3]["conditions"][1]["values"] = [7]
    before = copy.deepcopy(data)
    with pytest.raises(SerializationError):
        sa.from_dict(data)
    assert typed(data) == typed(before)


def test_types_are_preserved() -> None:
    space = sa.from_json(sa.to_json(types_space()))
    assert type(space["ratio"].step) is int
    assert space["ratio"].step == 1
    assert type(space["ratio_float_step"].step) is float
    assert type(space["ratio"].min_value) is float
    assert [type(v) for v in space["weight_decay"].values] == [float, float, float]
    assert space["weight_decay"].values == (1e-05, 0.0001, 0.001)
    assert space["tiny"].value == 1e-05
    assert space["use_bias"].values == (True, False)
    assert [type(v) for v in space["use_bias"].values] == [bool, bool]
    assert type(space["use_bias"].default) is bool
    assert space["use_bias"].ordered is False
    assert type(space["bias_last"].default) is bool
    assert [type(v) for v in space["int_flag"].values] == [int, int]
    assert space["int_flag"].ordered is True
    assert [type(v) for v in space["whole_floats"].values] == [float, float, float]
    assert [type(space[name].value) for name in ("fixed_int", "fixed_float", "fixed_bool")] == [
        int,
        float,
        bool,
    ]
    assert type(space["bias_units"].conditions[0].values[0]) is bool
    assert type(space["flag_units"].conditions[0].values[0]) is int
    assert [type(v) for v in space["float_child"].conditions[0].values] == [float, float]


def test_float_step_int_and_float_print_as_given_after_a_round_trip() -> None:
    space = sa.from_json(sa.to_json(types_space()))
    summary = sa.summary(space)
    assert "'min_value': 0.0, 'max_value': 10.0, 'step': 1, 'sampling'" in summary
    assert "'min_value': 0.0, 'max_value': 10.0, 'step': 1.0, 'sampling'" in summary


def test_saved_data_survives_pickle() -> None:
    data = sa.to_dict(mixed_space())
    assert_same(sa.from_dict(pickle.loads(pickle.dumps(data))), mixed_space())


# -- from_keras_tuner ------------------------------------------------------------------------

GUIDE_UNITS = Int("units", min_value=32, max_value=128, step=32, default=64)
GUIDE_LEARNING_RATE = Choice("learning_rate", values=[1e-2, 1e-3, 1e-4])

KERAS_TUNER_SPACES: dict[str, Space] = {
    "guide_model": Space([GUIDE_UNITS, Boolean("dropout"), GUIDE_LEARNING_RATE]),
    "guide_search_a_few": Space(
        [Float("learning_rate", min_value=1e-4, max_value=1e-2, sampling="log")]
    ),
    "guide_fix_a_few": Space([Fixed("learning_rate", value=1e-4), GUIDE_UNITS, Boolean("dropout")]),
    "guide_choice_only": Space([GUIDE_LEARNING_RATE]),
    "all_kinds": Space(
        [
            Int("layers", min_value=1, max_value=5),
            Int("units", min_value=32, max_value=512, step=32, default=64),
            Int("filters", min_value=8, max_value=256, step=2, sampling="log"),
            Int("width", min_value=1, max_value=1000, sampling="log"),
            Int("depth", min_value=1, max_value=100, sampling="reverse_log"),
            Float("dropout", min_value=0, max_value=0.5, step=0.1),
            Float("lr", min_value=1e-5, max_value=1e-2, sampling="log"),
            Float("momentum", min_value=0.5, max_value=0.999, sampling="reverse_log"),
            Float("scale", min_value=1, max_value=1000, step=10, sampling="log"),
            Float("ratio", min_value=0, max_value=10, step=1),
            Float("decay", min_value=0.0, max_value=1.0, default=0.5),
            Choice("activation", values=["relu", "tanh"]),
            Choice("kernel", values=[3, 5, 7], ordered=False, default=5),
            Choice("batch", values=[16, 32, 64]),
            Choice("use_bias", values=[True, False], default=False),
            Boolean("batch_norm", default=True),
            Fixed("optimizer", value="adam"),
            Fixed("beta", value=0.9),
            Fixed("seed", value=3),
            Fixed("shuffle", value=True),
        ]
    ),
    "boolean_choice": Space(
        [
            Choice("x", values=[True, False]),
            Int("y", min_value=1, max_value=5, conditions=Condition("x", [True])),
        ]
    ),
    "two_values": Space(
        [
            Choice("model", values=["mlp", "cnn", "rnn"]),
            Int(
                "units",
                min_value=32,
                max_value=128,
                step=32,
                conditions=Condition("model", ["mlp", "cnn"]),
            ),
            Float("lr", min_value=1e-4, max_value=1e-2, sampling="log"),
        ]
    ),
    "nested": Space(
        [
            Choice("model", values=["mlp", "cnn", "rnn"]),
            Choice("kernel", values=[3, 5], conditions=Condition("model", "cnn")),
            Boolean("dilated", conditions=(Condition("model", "cnn"), Condition("kernel", 5))),
            Float(
                "rate",
                min_value=1.0,
                max_value=4.0,
                step=1,
                conditions=(Condition("model", "cnn"), Condition("kernel", 5)),
            ),
            Int(
                "stride",
                min_value=1,
                max_value=2,
                conditions=(Condition("model", "cnn"), Condition("kernel", [5, 3])),
            ),
            Float(
                "dropout", min_value=0, max_value=0.5, conditions=Condition("model", ["mlp", "rnn"])
            ),
            Boolean("pool", conditions=Condition("model", ["cnn", "rnn"])),
            Choice(
                "pool_size",
                values=[2, 3],
                conditions=(Condition("model", ["cnn", "rnn"]), Condition("pool", True)),
            ),
        ]
    ),
}


def keras_tuner(name: str) -> dict[str, Any]:
    fixture = load(f"keras_tuner_{name}.json")
    assert fixture["keras_tuner_version"] == "1.4.8"
    return fixture


def test_every_keras_tuner_fixture_is_checked() -> None:
    on_disk = {path.name for path in DATA.glob("keras_tuner_*.json")}
    expected = {f"keras_tuner_{name}.json" for name in KERAS_TUNER_SPACES}
    assert on_disk == expected | {
        "keras_tuner_conflicting.json",
        "keras_tuner_reverse_log_step.json",
    }


@pytest.mark.parametrize("name", sorted(KERAS_TUNER_SPACES))
def test_from_keras_tuner_reads_real_configs(name: str) -> None:
    config = keras_tuner(name)["config"]
    before = copy.deepcopy(config)
    assert_same(sa.from_keras_tuner(config), KERAS_TUNER_SPACES[name])
    assert typed(config) == typed(before)


def test_from_keras_tuner_guide_model() -> None:
    space = sa.from_keras_tuner(keras_tuner("guide_model")["config"])
    assert list(space) == ["units", "dropout", "learning_rate"]
    assert space["units"].default == 64
    assert space["dropout"] == Boolean("dropout", default=False)
    assert space["learning_rate"].values == (0.01, 0.001, 0.0001)


def test_from_keras_tuner_makes_int_choices_booleans_again() -> None:
    config = keras_tuner("boolean_choice")["config"]
    assert config["space"][0]["config"]["values"] == [1, 0]  # what KerasTuner saved
    space = sa.from_keras_tuner(config)
    x = space["x"]
    assert isinstance(x, Choice)
    assert x.values == (True, False)
    assert [type(v) for v in x.values] == [bool, bool]
    assert x.default is True
    assert x.ordered is False
    assert space["y"].conditions == (Condition("x", [True]),)
    assert type(space["y"].conditions[0].values[0]) is bool
    assert space["y"].default == 1  # KerasTuner saved None
    assert sa.defaults(space) == {"x": True, "y": 1}


def test_from_keras_tuner_boolean_choice_with_default_false() -> None:
    config = keras_tuner("all_kinds")["config"]
    use_bias = next(e["config"] for e in config["space"] if e["config"]["name"] == "use_bias")
    assert (use_bias["values"], use_bias["default"]) == ([1, 0], 0)
    hp = sa.from_keras_tuner(config)["use_bias"]
    assert (hp.values, hp.default, hp.ordered) == ((True, False), False, False)
    assert type(hp.default) is bool


def _kt(*entries: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    """A KerasTuner config of ``(class_name, config)`` entries."""
    return {
        "space": [{"class_name": cls, "config": config} for cls, config in entries],
        "values": {},
    }


def _parent(name: str, values: list[Any]) -> dict[str, Any]:
    return {"class_name": "Parent", "config": {"name": name, "values": values}}


def _choice(
    name: str, values: list[Any], *conditions: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    return (
        "Choice",
        {
            "name": name,
            "default": values[0],
            "conditions": list(conditions),
            "values": values,
            "ordered": all(isinstance(v, int | float) for v in values),
        },
    )


def _int(name: str, low: int, high: int, *conditions: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return (
        "Int",
        {
            "name": name,
            "default": None,
            "conditions": list(conditions),
            "min_value": low,
            "max_value": high,
            "step": 1,
            "sampling": "linear",
        },
    )


def test_from_keras_tuner_zero_one_choice_is_boolean_only_when_a_condition_says_so() -> None:
    # KerasTuner saves Choice("x", [False, True]) as [0, 1]; a boolean condition on it tells.
    config = _kt(_choice("x", [0, 1]), _int("y", 1, 2, _parent("x", [True])))
    space = sa.from_keras_tuner(config)
    assert space["x"].values == (False, True)
    assert type(space["x"].default) is bool
    assert space["y"].conditions == (Condition("x", True),)
    # Without one, [0, 1] stays a Choice of ints.
    plain = sa.from_keras_tuner(_kt(_choice("x", [0, 1])))["x"]
    assert [type(v) for v in plain.values] == [int, int]
    assert plain.ordered is True


def test_from_keras_tuner_only_int_lists_become_booleans() -> None:
    space = sa.from_keras_tuner(_kt(_choice("x", [1.0, 0.0]), _choice("y", [1, 0, 2])))
    assert [type(v) for v in space["x"].values] == [float, float]
    assert space["y"].values == (1, 0, 2)


def test_from_keras_tuner_merges_a_name_under_two_values_of_one_parent() -> None:
    config = keras_tuner("two_values")["config"]
    assert [e["config"]["name"] for e in config["space"]] == ["model", "units", "units", "lr"]
    space = sa.from_keras_tuner(config)
    assert list(space) == ["model", "units", "lr"]
    assert space["units"].conditions == (Condition("model", ["mlp", "cnn"]),)


def test_from_keras_tuner_merges_nested_declarations() -> None:
    config = keras_tuner("nested")["config"]
    assert [e["config"]["name"] for e in config["space"]].count("stride") == 2
    stride = sa.from_keras_tuner(config)["stride"]
    assert stride.conditions == (Condition("model", "cnn"), Condition("kernel", [5, 3]))


def test_from_keras_tuner_matches_conditions_in_any_order() -> None:
    a, b = _parent("a", ["x"]), _parent("b", ["u"])
    config = _kt(
        _choice("a", ["x", "y"]),
        _choice("b", ["u", "v"]),
        _int("n", 1, 2, a, b),
        _int("n", 1, 2, b, _parent("a", ["y"])),
        _int("m", 1, 2, a, b),
        _int("m", 1, 2, b, a),
    )
    space = sa.from_keras_tuner(config)
    assert space["n"].conditions == (Condition("a", ["x", "y"]), Condition("b", "u"))
    assert space["m"].conditions == (Condition("a", "x"), Condition("b", "u"))


def test_from_keras_tuner_rejects_a_name_declared_twice_with_different_ranges() -> None:
    with pytest.raises(InvalidSpaceError) as caught:
        sa.from_keras_tuner(keras_tuner("conflicting")["config"])
    assert str(caught.value) == (
        "from_keras_tuner(): 'units' is declared twice with different declarations: "
        "Int(name='units', min_value=32, max_value=128, step=32, sampling='linear', "
        "default=32, conditions=(Condition(parent='model', values=('mlp',)),)) and "
        "Int(name='units', min_value=16, max_value=64, step=16, sampling='linear', "
        "default=16, conditions=(Condition(parent='model', values=('cnn',)),)); "
        "allowed: one declaration per name (use distinct names or a name_scope)"
    )
    assert caught.value.name == "units"


@pytest.mark.parametrize(
    ("config", "message"),
    [
        pytest.param(
            _kt(
                _choice("a", ["x", "y"]),
                _choice("b", ["u", "v"]),
                _int("n", 1, 2, _parent("a", ["x"])),
                _int("n", 1, 2, _parent("b", ["u"])),
            ),
            "from_keras_tuner(): 'n' is declared twice with different declarations: "
            "Int(name='n', min_value=1, max_value=2, step=1, sampling='linear', default=1, "
            "conditions=(Condition(parent='a', values=('x',)),)) and "
            "Int(name='n', min_value=1, max_value=2, step=1, sampling='linear', default=1, "
            "conditions=(Condition(parent='b', values=('u',)),)); "
            "allowed: one declaration per name (use distinct names or a name_scope)",
            id="under different parents",
        ),
        pytest.param(
            _kt(
                _choice("a", ["x", "y"]),
                _choice("b", ["u", "v"]),
                _int("n", 1, 2, _parent("a", ["x"]), _parent("b", ["u"])),
                _int("n", 1, 2, _parent("a", ["y"]), _parent("b", ["v"])),
            ),
            "from_keras_tuner(): 'n' is declared twice with different declarations: "
            "Int(name='n', min_value=1, max_value=2, step=1, sampling='linear', default=1, "
            "conditions=(Condition(parent='a', values=('x',)), "
            "Condition(parent='b', values=('u',)))) and "
            "Int(name='n', min_value=1, max_value=2, step=1, sampling='linear', default=1, "
            "conditions=(Condition(parent='a', values=('y',)), "
            "Condition(parent='b', values=('v',)))); "
            "allowed: one declaration per name (use distinct names or a name_scope)",
            id="two conditions differ",
        ),
        pytest.param(
            _kt(_int("n", 1, 2), ("Float", {"name": "n", "min_value": 1, "max_value": 2})),
            "from_keras_tuner(): 'n' is declared twice with different declarations: "
            "Int(name='n', min_value=1, max_value=2, step=1, sampling='linear', default=1, "
            "conditions=()) and Float(name='n', min_value=1.0, max_value=2.0, step=None, "
            "sampling='linear', default=1.0, conditions=()); "
            "allowed: one declaration per name (use distinct names or a name_scope)",
            id="different kinds",
        ),
    ],
)
def test_from_keras_tuner_rejects_other_repeated_names(
    config: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidSpaceError) as caught:
        sa.from_keras_tuner(config)
    assert str(caught.value) == message


def test_from_keras_tuner_identical_repeats_are_one_entry() -> None:
    space = sa.from_keras_tuner(_kt(_int("n", 1, 2), _int("n", 1, 2), _int("m", 1, 3)))
    assert list(space) == ["n", "m"]


def test_from_keras_tuner_reverse_log_with_a_step_is_a_clear_error() -> None:
    # KerasTuner accepts a step with reverse_log sampling; spacealg has no such grid.
    with pytest.raises(SerializationError) as caught:
        sa.from_keras_tuner(keras_tuner("reverse_log_step")["config"])
    assert str(caught.value) == (
        "from_keras_tuner(): Int(): step=2 is not valid for 'heads'; "
        "allowed: None with sampling='reverse_log' (at space[0].config.step)"
    )


def test_from_keras_tuner_accepts_missing_optional_fields() -> None:
    config = _kt(
        ("Int", {"name": "n", "min_value": 1, "max_value": 4}),
        ("Float", {"name": "f", "min_value": 0, "max_value": 1}),
        ("Choice", {"name": "c", "values": ["a", "b"]}),
        ("Boolean", {"name": "b"}),
        ("Fixed", {"name": "x", "value": 3, "future_field": 1}),
    )
    assert_same(
        sa.from_keras_tuner(config),
        Space(
            [
                Int("n", min_value=1, max_value=4),
                Float("f", min_value=0.0, max_value=1.0),
                Choice("c", values=["a", "b"]),
                Boolean("b"),
                Fixed("x", value=3),
            ]
        ),
    )


# -- summaries agree with KerasTuner's printed search_space_summary() ------------------------

GUIDE_SPACES = ["guide_model", "guide_search_a_few", "guide_fix_a_few", "guide_choice_only"]


@pytest.mark.parametrize("name", GUIDE_SPACES)
def test_summary_equals_keras_tuner_printed_summary_for_the_guide(name: str) -> None:
    fixture = keras_tuner(name)
    assert sa.summary(sa.from_keras_tuner(fixture["config"])) == fixture["summary"]


def test_keras_tuner_printed_the_guide_summaries() -> None:
    assert keras_tuner("guide_fix_a_few")["summary"] == (
        "Search space summary\n"
        "Default search space size: 3\n"
        "learning_rate (Fixed)\n"
        "{'conditions': [], 'value': 0.0001}\n"
        "units (Int)\n"
        "{'default': 64, 'conditions': [], 'min_value': 32, 'max_value': 128, 'step': 32, "
        "'sampling': 'linear'}\n"
        "dropout (Boolean)\n"
        "{'default': False, 'conditions': []}\n"
    )
    assert keras_tuner("guide_search_a_few")["summary"] == (
        "Search space summary\n"
        "Default search space size: 1\n"
        "learning_rate (Float)\n"
        "{'default': 0.0001, 'conditions': [], 'min_value': 0.0001, 'max_value': 0.01, "
        "'step': None, 'sampling': 'log'}\n"
    )


def with_documented_fixes(printed: str) -> tuple[str, int]:
    """KerasTuner's printed summary with spacealg's documented fixes applied.

    An ``Int`` saved without a default shows its resolved default (``min_value``);
    a ``[1, 0]`` boolean Choice shows ``[True, False]``, a bool default and
    ``ordered: False``, and conditions on it list bools. Lines no fix touches are
    kept byte for byte. Returns the text and the number of lines changed.
    """
    lines = printed.splitlines(keepends=True)
    fixed, changed, booleans = lines[:2], 0, set()
    for title, line in zip(lines[2::2], lines[3::2], strict=True):
        match = re.fullmatch(r"(\S+) \((\w+)\)\n", title)
        assert match is not None
        name, kind = match.groups()
        config = ast.literal_eval(line)
        if kind == "Int" and config["default"] is None:
            config["default"] = config["min_value"]
        if kind == "Choice" and [(type(v), v) for v in config["values"]] == [(int, 1), (int, 0)]:
            booleans.add(name)
            config["values"] = [True, False]
            config["default"] = bool(config["default"])
            config["ordered"] = False
        for condition in config["conditions"]:
            if condition["config"]["name"] in booleans:
                condition["config"]["values"] = [bool(v) for v in condition["config"]["values"]]
        text = repr(config) + "\n"
        changed += text != line
        fixed += [title, text]
    return "".join(fixed), changed


@pytest.mark.parametrize(("name", "fixes"), [("all_kinds", 5), ("boolean_choice", 2)])
def test_summary_agrees_with_keras_tuner_up_to_the_documented_fixes(name: str, fixes: int) -> None:
    fixture = keras_tuner(name)
    expected, changed = with_documented_fixes(fixture["summary"])
    assert changed == fixes
    assert sa.summary(sa.from_keras_tuner(fixture["config"])) == expected


@pytest.mark.parametrize("name", GUIDE_SPACES)
def test_documented_fixes_do_not_touch_the_guide_summaries(name: str) -> None:
    summary = keras_tuner(name)["summary"]
    assert with_documented_fixes(summary) == (summary, 0)


# -- errors ------------------------------------------------------------------------------------


def valid() -> dict[str, Any]:
    """A small saved space with one entry of each shape the error cases edit."""
    return sa.to_dict(
        Space(
            [
                Int("units", min_value=32, max_value=128, step=32),
                Choice("model", values=["mlp", "cnn"]),
                Boolean("bn", conditions=Condition("model", "cnn")),
            ]
        )
    )


def edited(change: Callable[[dict[str, Any]], object]) -> dict[str, Any]:
    data = valid()
    change(data)
    return data


def _set(path: str, value: object) -> Callable[[dict[str, Any]], None]:
    """An edit that sets ``path`` (``"hyperparameters.0.min_value"``) to ``value``."""
    *parents, last = path.split(".")

    def change(data: dict[str, Any]) -> None:
        target: Any = data
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        target[int(last) if last.isdigit() else last] = value

    return change


def _delete(path: str) -> Callable[[dict[str, Any]], None]:
    *parents, last = path.split(".")

    def change(data: dict[str, Any]) -> None:
        target: Any = data
        for key in parents:
            target = target[int(key)] if key.isdigit() else target[key]
        del target[last]

    return change


FROM_DICT_ERRORS = [
    # The envelope.
    (
        edited(_set("version", 3)),
        (
            "from_dict(): schema version 3 is newer than this spacealg reads (up to 2); "
            "upgrade spacealg (at version)"
        ),
    ),
    (
        edited(_set("version", 0)),
        "from_dict(): expected a schema version (an int >= 1), got 0 (at version)",
    ),
    (
        edited(_set("version", "1")),
        "from_dict(): expected a schema version (an int >= 1), got '1' (at version)",
    ),
    (
        edited(_set("version", 1.0)),
        "from_dict(): expected a schema version (an int >= 1), got 1.0 (at version)",
    ),
    (
        edited(_set("version", True)),
        "from_dict(): expected a schema version (an int >= 1), got True (at version)",
    ),
    (edited(_delete("version")), "from_dict(): missing field 'version'"),
    (
        edited(_set("format", "keras_tuner")),
        "from_dict(): expected 'spacealg.space', got 'keras_tuner' (at format)",
    ),
    (edited(_delete("format")), "from_dict(): missing field 'format'"),
    (
        {"space": [], "values": {}},
        "from_dict(): missing field 'format'; a KerasTuner config is read by from_keras_tuner()",
    ),
    ([], "from_dict(): expected an object, got an array"),
    (None, "from_dict(): expected an object, got null"),
    (edited(_delete("hyperparameters")), "from_dict(): missing field 'hyperparameters'"),
    (
        edited(_set("hyperparameters", {"units": {}})),
        "from_dict(): expected an array, got an object (at hyperparameters)",
    ),
    (
        edited(_set("comment", "hi")),
        "from_dict(): unknown field 'comment'; known: 'format', 'version' and 'hyperparameters'",
    ),
    (
        edited(_set("hyperparamters", [])),
        "from_dict(): unknown field 'hyperparamters'; did you mean 'hyperparameters'?",
    ),
    # An entry's shape.
    (
        edited(_set("hyperparameters.0", "units")),
        "from_dict(): expected an object, got a string (at hyperparameters[0])",
    ),
    (
        edited(_delete("hyperparameters.0.max_value")),
        "from_dict(): missing field 'max_value' (at hyperparameters[0])",
    ),
    (
        edited(_delete("hyperparameters.0.step")),
        "from_dict(): missing field 'step' (at hyperparameters[0])",
    ),
    (
        edited(_delete("hyperparameters.1.name")),
        "from_dict(): missing field 'name' (at hyperparameters[1])",
    ),
    (
        edited(_delete("hyperparameters.2.conditions")),
        "from_dict(): missing field 'conditions' (at hyperparameters[2])",
    ),
    (
        edited(_delete("hyperparameters.0.kind")),
        "from_dict(): missing field 'kind' (at hyperparameters[0])",
    ),
    (
        edited(_set("hyperparameters.0.maximum", 3)),
        (
            "from_dict(): unknown field 'maximum'; known: 'kind', 'name', 'min_value', "
            "'max_value', 'step', 'sampling', 'default' and 'conditions' (at hyperparameters[0])"
        ),
    ),
    (
        edited(_set("hyperparameters.1.value", "mlp")),
        "from_dict(): unknown field 'value'; did you mean 'values'? (at hyperparameters[1])",
    ),
    (
        edited(_set("hyperparameters.2.conditions.0.parents", "model")),
        (
            "from_dict(): unknown field 'parents'; did you mean 'parent'? "
            "(at hyperparameters[2].conditions[0])"
        ),
    ),
    (
        edited(_delete("hyperparameters.2.conditions.0.values")),
        "from_dict(): missing field 'values' (at hyperparameters[2].conditions[0])",
    ),
    (
        edited(_set("hyperparameters.0.kind", "range")),
        (
            "from_dict(): unknown kind 'range'; known: 'int', 'float', 'choice', 'boolean' "
            "and 'fixed' (at hyperparameters[0].kind)"
        ),
    ),
    (
        edited(_set("hyperparameters.0.kind", "integer")),
        "from_dict(): unknown kind 'integer'; did you mean 'int'? (at hyperparameters[0].kind)",
    ),
    (
        edited(_set("hyperparameters.0.kind", "Int")),
        "from_dict(): unknown kind 'Int'; did you mean 'int'? (at hyperparameters[0].kind)",
    ),
    (
        edited(_set("hyperparameters.0.kind", ["int"])),
        (
            "from_dict(): unknown kind ['int']; known: 'int', 'float', 'choice', 'boolean' "
            "and 'fixed' (at hyperparameters[0].kind)"
        ),
    ),
    # Fields of the wrong type.
    (
        edited(_set("hyperparameters.0.min_value", "abc")),
        (
            "from_dict(): Int(): min_value='abc' is not valid for 'units'; allowed: a finite int "
            "(at hyperparameters[0].min_value)"
        ),
    ),
    (
        edited(_set("hyperparameters.0.step", 1.5)),
        (
            "from_dict(): Int(): step=1.5 is not valid for 'units'; allowed: a finite int or None "
            "(at hyperparameters[0].step)"
        ),
    ),
    (
        edited(_set("hyperparameters.0.sampling", "exp")),
        (
            "from_dict(): Int(): sampling='exp' is not valid for 'units'; "
            "allowed: 'linear', 'log' or 'reverse_log' (at hyperparameters[0].sampling)"
        ),
    ),
    (
        edited(_set("hyperparameters.0.default", 33)),
        (
            "from_dict(): Int(): default=33 is not valid for 'units'; "
            "allowed: an int 32 <= x <= 128 in steps of 32 (at hyperparameters[0].default)"
        ),
    ),
    (
        edited(_set("hyperparameters.1.values", "mlp")),
        "from_dict(): expected an array, got a string (at hyperparameters[1].values)",
    ),
    (
        edited(_set("hyperparameters.1.values", {"mlp": 1})),
        "from_dict(): expected an array, got an object (at hyperparameters[1].values)",
    ),
    (
        edited(_set("hyperparameters.1.values", ["mlp", 1])),
        (
            "from_dict(): Choice(): values=['mlp', 1] is not valid for 'model'; "
            "allowed: values of one type: all int, all float, all str or all bool "
            "(at hyperparameters[1].values)"
        ),
    ),
    (
        edited(_set("hyperparameters.1.ordered", "no")),
        (
            "from_dict(): Choice(): ordered='no' is not valid for 'model'; "
            "allowed: True, False or None (at hyperparameters[1].ordered)"
        ),
    ),
    (
        edited(_set("hyperparameters.2.default", "yes")),
        (
            "from_dict(): Boolean(): default='yes' is not valid for 'bn'; "
            "allowed: True or False (at hyperparameters[2].default)"
        ),
    ),
    (
        edited(_set("hyperparameters.1.name", 7)),
        (
            "from_dict(): Choice(): name=7 is not valid; allowed: a non-empty str "
            "(at hyperparameters[1].name)"
        ),
    ),
    (
        edited(_set("hyperparameters.2.conditions", {"model": "cnn"})),
        "from_dict(): expected an array, got an object (at hyperparameters[2].conditions)",
    ),
    (
        edited(_set("hyperparameters.2.conditions.0.values", "cnn")),
        (
            "from_dict(): expected an array, got a string "
            "(at hyperparameters[2].conditions[0].values)"
        ),
    ),
    (
        edited(_set("hyperparameters.2.conditions.0.values", [])),
        (
            "from_dict(): Condition(): values=[] is not valid for 'model'; "
            "allowed: at least one parent value (at hyperparameters[2].conditions[0].values)"
        ),
    ),
    (
        edited(_set("hyperparameters.2.conditions.0.parent", 3)),
        (
            "from_dict(): Condition(): parent=3 is not valid; allowed: a non-empty str "
            "(at hyperparameters[2].conditions[0].parent)"
        ),
    ),
    # Invalid spaces.
    (
        edited(_set("hyperparameters.2.name", "units")),
        (
            "from_dict(): Space(): 'units' is declared twice; allowed: each name once "
            "(use distinct names or a name_scope) (at hyperparameters[2])"
        ),
    ),
    (
        edited(_set("hyperparameters.2.conditions.0.parent", "arch")),
        (
            "from_dict(): Space(): 'bn' has a condition on 'arch', which is not in the space; "
            "allowed: parents among 'units' and 'model' (at hyperparameters[2])"
        ),
    ),
    (
        edited(_set("hyperparameters.2.conditions.0.values", ["rnn"])),
        (
            "from_dict(): Space(): the condition of 'bn' lists 'rnn' for 'model'; "
            "allowed: values of 'model': one of 'mlp' or 'cnn' (at hyperparameters[2])"
        ),
    ),
    (
        edited(_set("hyperparameters.1.conditions", [{"parent": "bn", "values": [True]}])),
        (
            "from_dict(): Space(): conditions form a cycle: 'model' -> 'bn' -> 'model'; "
            "allowed: parents that do not depend on their children (at hyperparameters[1])"
        ),
    ),
]


@pytest.mark.parametrize(("data", "message"), FROM_DICT_ERRORS)
def test_from_dict_errors(data: Any, message: str) -> None:
    before = copy.deepcopy(data)
    with pytest.raises(SerializationError) as caught:
        sa.from_dict(data)
    assert isinstance(caught.value, ValueError)
    assert str(caught.value) == message
    assert typed(data) == typed(before)
    restored = pickle.loads(pickle.dumps(caught.value))
    assert str(restored) == message


def test_from_dict_error_attributes() -> None:
    with pytest.raises(SerializationError) as caught:
        sa.from_dict(edited(_set("hyperparameters.0.min_value", "abc")))
    error = caught.value
    assert error.operation == "from_dict()"
    assert error.path == "hyperparameters[0].min_value"
    assert error.problem.startswith("Int(): min_value='abc'")
    assert isinstance(error.__cause__, ArgumentTypeError)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "from_json(): invalid JSON: Expecting value at line 1 column 1"),
        ('{"format": ', "from_json(): invalid JSON: Expecting value at line 1 column 12"),
        (
            "{'format': 1}",
            (
                "from_json(): invalid JSON: Expecting property name enclosed in "
                "double quotes at line 1 column 2"
            ),
        ),
        (b'{"a": "\xff"}', "from_json(): invalid JSON: invalid start byte at byte 7"),
        ("[1, 2]", "from_json(): expected an object, got an array"),
        (
            '{"format": "spacealg.space", "version": 9, "hyperparameters": []}',
            (
                "from_json(): schema version 9 is newer than this spacealg reads (up to 2); "
                "upgrade spacealg (at version)"
            ),
        ),
        (
            json.dumps(edited(_set("hyperparameters.0.min_value", float("nan")))),
            (
                "from_json(): Int(): min_value=nan is not valid for 'units'; allowed: a finite int "
                "(at hyperparameters[0].min_value)"
            ),
        ),
    ],
)
def test_from_json_errors(text: str | bytes, message: str) -> None:
    with pytest.raises(SerializationError) as caught:
        sa.from_json(text)
    assert isinstance(caught.value, ValueError)
    assert str(caught.value) == message


def test_from_json_rejects_what_is_not_text() -> None:
    with pytest.raises(ArgumentTypeError) as caught:
        sa.from_json({"format": "spacealg.space"})  # type: ignore[arg-type]
    assert str(caught.value) == (
        "from_json(): text={'format': 'spacealg.space'} is not valid; "
        "allowed: a str or bytes of JSON text"
    )


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"values": {}}, "from_keras_tuner(): missing field 'space'"),
        ([], "from_keras_tuner(): expected an object, got an array"),
        ({"space": {}}, "from_keras_tuner(): expected an array, got an object (at space)"),
        (
            {"space": ["units"]},
            "from_keras_tuner(): expected an object, got a string (at space[0])",
        ),
        (
            {"space": [{"config": {"name": "n"}}]},
            "from_keras_tuner(): missing field 'class_name' (at space[0])",
        ),
        (
            {"space": [{"class_name": "Boolean"}]},
            "from_keras_tuner(): missing field 'config' (at space[0])",
        ),
        (
            _kt(("Integer", {"name": "n"})),
            (
                "from_keras_tuner(): unknown kind 'Integer'; did you mean 'Int'? "
                "(at space[0].class_name)"
            ),
        ),
        (
            _kt(("Parent", {"name": "n"})),
            (
                "from_keras_tuner(): unknown kind 'Parent'; known: 'Int', 'Float', 'Choice', "
                "'Boolean' and 'Fixed' (at space[0].class_name)"
            ),
        ),
        (
            _kt(("Int", {"name": "n", "min_value": 1})),
            "from_keras_tuner(): missing field 'max_value' (at space[0].config)",
        ),
        (
            _kt(("Boolean", {"default": True})),
            "from_keras_tuner(): missing field 'name' (at space[0].config)",
        ),
        (
            _kt(("Boolean", {"name": ["b"]})),
            "from_keras_tuner(): expected a string, got an array (at space[0].config.name)",
        ),
        (
            _kt(("Choice", {"name": "c", "values": "abc"})),
            "from_keras_tuner(): expected an array, got a string (at space[0].config.values)",
        ),
        (
            _kt(("Int", {"name": "n", "min_value": "1", "max_value": 4})),
            (
                "from_keras_tuner(): Int(): min_value='1' is not valid for 'n'; "
                "allowed: a finite int (at space[0].config.min_value)"
            ),
        ),
        (
            _kt(_int("n", 1, 2, {"class_name": "Parent"})),
            "from_keras_tuner(): missing field 'config' (at space[0].config.conditions[0])",
        ),
        (
            _kt(_int("n", 1, 2, {"class_name": "Parent", "config": {"name": "p"}})),
            (
                "from_keras_tuner(): missing field 'values' "
                "(at space[0].config.conditions[0].config)"
            ),
        ),
        (
            _kt(_int("n", 1, 2, _parent("p", []))),
            (
                "from_keras_tuner(): Condition(): values=[] is not valid for 'p'; "
                "allowed: at least one parent value "
                "(at space[0].config.conditions[0].config.values)"
            ),
        ),
        (
            _kt(_int("n", 1, 2, _parent("p", [1]))),
            (
                "from_keras_tuner(): Space(): 'n' has a condition on 'p', which is not in the "
                "space; allowed: a parent in the space (it has no other entry) (at space[0])"
            ),
        ),
    ],
)
def test_from_keras_tuner_errors(config: Any, message: str) -> None:
    before = copy.deepcopy(config)
    with pytest.raises(SerializationError) as caught:
        sa.from_keras_tuner(config)
    assert isinstance(caught.value, ValueError)
    assert str(caught.value) == message
    assert typed(config) == typed(before)
