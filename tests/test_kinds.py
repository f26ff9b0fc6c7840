"""Examples for each hyperparameter kind: defaults, types, domains, grids, configs, units."""

from __future__ import annotations

import math
import pickle
from decimal import Decimal

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import spacealg as sa
from spacealg.errors import ArgumentTypeError, InvalidArgumentError

# One example of every kind, with steps, log scales and conditions among them.
EXAMPLES = [
    sa.Int("units", min_value=32, max_value=128, step=32, default=64),
    sa.Int("layers", min_value=1, max_value=5),
    sa.Int("filters", min_value=32, max_value=512, step=2, sampling="log"),
    sa.Int("width", min_value=1, max_value=100, sampling="log"),
    sa.Int("depth", min_value=1, max_value=10, sampling="reverse_log"),
    sa.Float("dropout", min_value=0, max_value=0.6, step=0.1),
    sa.Float("ratio", min_value=0, max_value=1),
    sa.Float("learning_rate", min_value=1e-4, max_value=1e-2, sampling="log"),
    sa.Float("decay", min_value=1e-4, max_value=1e-1, step=10, sampling="log"),
    sa.Float("momentum", min_value=0.1, max_value=0.999, sampling="reverse_log"),
    sa.Choice("optimizer", values=["adam", "sgd", "rmsprop"]),
    sa.Choice("rate", values=[1e-2, 1e-3, 1e-4]),
    sa.Choice("use_bn", values=[True, False]),
    sa.Boolean("dropout_on", conditions=sa.Condition("optimizer", "adam")),
    sa.Fixed("batch_size", value=32),
]


def _ids(hp: sa.Hyperparameter) -> str:
    return f"{type(hp).__name__}-{hp.name}"


# --- resolved defaults and stored types ----------------------------------------------------


def test_int_default_is_min_value_when_not_given():
    hp = sa.Int("units", min_value=32, max_value=128, step=32)
    assert hp.default == 32
    assert type(hp.default) is int


def test_int_keeps_a_given_default():
    assert sa.Int("units", min_value=32, max_value=128, step=32, default=64).default == 64


def test_int_linear_without_step_resolves_step_to_one():
    assert sa.Int("a", min_value=1, max_value=5).step == 1


@pytest.mark.parametrize("sampling", ["log", "reverse_log"])
def test_int_log_without_step_keeps_step_none(sampling):
    assert sa.Int("a", min_value=1, max_value=5, sampling=sampling).step is None


def test_int_integral_float_bounds_are_stored_as_ints():
    hp = sa.Int("units", min_value=32.0, max_value=128.0, step=32.0, default=64.0)
    assert (hp.min_value, hp.max_value, hp.step, hp.default) == (32, 128, 32, 64)
    for value in (hp.min_value, hp.max_value, hp.step, hp.default):
        assert type(value) is int
    assert hp == sa.Int("units", min_value=32, max_value=128, step=32, default=64)


def test_int_numpy_bounds_are_stored_as_python_ints():
    hp = sa.Int("units", min_value=np.int64(1), max_value=np.int32(8))
    assert type(hp.min_value) is int
    assert type(hp.max_value) is int


def test_float_bounds_are_stored_as_floats():
    hp = sa.Float("x", min_value=0, max_value=1)
    assert type(hp.min_value) is float
    assert type(hp.max_value) is float
    assert repr(hp.min_value) == "0.0"
    assert repr(hp.max_value) == "1.0"


def test_float_default_is_min_value_as_float():
    hp = sa.Float("x", min_value=0, max_value=1)
    assert hp.default == 0.0
    assert type(hp.default) is float


def test_float_int_default_is_stored_as_float():
    hp = sa.Float("x", min_value=0, max_value=10, default=3)
    assert type(hp.default) is float
    assert repr(hp.default) == "3.0"


@pytest.mark.parametrize(("step", "printed"), [(1, "1"), (1.0, "1.0"), (0.25, "0.25")])
def test_float_step_is_kept_as_given(step, printed):
    hp = sa.Float("x", min_value=0, max_value=1, step=step)
    assert type(hp.step) is type(step)
    assert repr(hp.step) == printed
    assert repr(hp.config()["step"]) == printed


def test_float_grid_default_is_snapped_to_the_tidy_grid_value():
    hp = sa.Float("x", min_value=0, max_value=0.6, step=0.1, default=0.1 * 3)
    assert repr(hp.default) == "0.3"


def test_choice_default_is_first_value():
    assert sa.Choice("x", values=["b", "a"]).default == "b"
    assert sa.Choice("x", values=["b", "a"], default="a").default == "a"


def test_choice_values_are_a_tuple_of_python_scalars():
    hp = sa.Choice("x", values=np.array([3, 1, 2]))
    assert hp.values == (3, 1, 2)
    assert all(type(value) is int for value in hp.values)


def test_boolean_default_is_false():
    assert sa.Boolean("flag").default is False
    assert sa.Boolean("flag", default=True).default is True


def test_boolean_numpy_default_is_a_python_bool():
    assert sa.Boolean("flag", default=np.bool_(True)).default is True


def test_fixed_default_is_its_value():
    hp = sa.Fixed("learning_rate", value=1e-4)
    assert hp.default == 1e-4
    assert hp.value == 1e-4


def test_fixed_numpy_value_is_a_python_scalar():
    hp = sa.Fixed("n", value=np.int64(3))
    assert type(hp.value) is int


@pytest.mark.parametrize("hp", EXAMPLES, ids=_ids)
def test_default_is_in_the_domain(hp):
    assert hp.contains(hp.default)


def test_conditions_accept_one_condition_or_several():
    one = sa.Condition("a", 1)
    two = sa.Condition("b", ["x", "y"])
    assert sa.Boolean("c", conditions=one).conditions == (one,)
    assert sa.Boolean("c", conditions=[one, two]).conditions == (one, two)
    assert sa.Boolean("c").conditions == ()


def test_condition_values_accept_one_value_or_several():
    assert sa.Condition("p", "adam").values == ("adam",)
    assert sa.Condition("p", ["adam", "sgd"]).values == ("adam", "sgd")
    assert sa.Condition("p", np.array([1, 2])).values == (1, 2)
    assert all(type(v) is int for v in sa.Condition("p", np.array([1, 2])).values)


def test_condition_holds_only_when_parent_has_a_listed_value():
    condition = sa.Condition("optimizer", ["adam", "sgd"])
    assert condition.holds({"optimizer": "sgd"})
    assert not condition.holds({"optimizer": "rmsprop"})
    assert not condition.holds({})


def test_condition_keeps_bools_apart_from_ints():
    assert not sa.Condition("flag", True).holds({"flag": 1})
    assert not sa.Condition("n", 1).holds({"n": True})


# --- contains ------------------------------------------------------------------------------


def test_int_contains_grid_points_only():
    hp = sa.Int("units", min_value=32, max_value=128, step=32)
    assert [v for v in range(200) if hp.contains(v)] == [32, 64, 96, 128]


def test_int_contains_is_type_strict():
    hp = sa.Int("a", min_value=0, max_value=5)
    assert hp.contains(1)
    assert not hp.contains(True)
    assert not hp.contains(False)
    assert not hp.contains(1.0)
    assert not hp.contains("1")
    assert not hp.contains(None)


def test_int_contains_numpy_integers():
    hp = sa.Int("a", min_value=0, max_value=5)
    assert hp.contains(np.int64(3))
    assert not hp.contains(np.int64(9))
    assert not hp.contains(np.bool_(True))


def test_float_contains_ints_and_floats_in_range():
    hp = sa.Float("x", min_value=0, max_value=1)
    assert hp.contains(0)
    assert hp.contains(1)
    assert hp.contains(0.5)
    assert not hp.contains(1.0000001)
    assert not hp.contains(-0.1)


def test_float_contains_numpy_floats():
    hp = sa.Float("x", min_value=0, max_value=1)
    assert hp.contains(np.float64(0.5))
    assert hp.contains(np.float32(0.5))
    assert not hp.contains(np.float32(1.5))


def test_float_contains_is_type_strict():
    hp = sa.Float("x", min_value=0, max_value=1)
    assert not hp.contains(True)
    assert not hp.contains(False)
    assert not hp.contains("0.5")
    assert not hp.contains(math.nan)
    assert not hp.contains(None)


def test_float_with_step_contains_grid_points_only():
    hp = sa.Float("x", min_value=0, max_value=0.6, step=0.1)
    assert hp.contains(0.3)
    assert hp.contains(0.1 * 3)
    assert hp.contains(0.6)
    assert hp.contains(0)
    assert not hp.contains(0.35)
    assert not hp.contains(0.7)


def test_log_grid_contains_its_powers_only():
    hp = sa.Int("filters", min_value=32, max_value=512, step=2, sampling="log")
    assert [v for v in range(600) if hp.contains(v)] == [32, 64, 128, 256, 512]


def test_int_log_without_step_contains_every_integer_in_range():
    hp = sa.Int("width", min_value=3, max_value=9, sampling="log")
    assert [v for v in range(12) if hp.contains(v)] == [3, 4, 5, 6, 7, 8, 9]


def test_choice_contains_is_type_strict():
    ints = sa.Choice("x", values=[0, 1, 2])
    assert ints.contains(1)
    assert not ints.contains(True)
    assert not ints.contains(False)
    bools = sa.Choice("b", values=[True, False])
    assert bools.contains(True)
    assert not bools.contains(1)
    assert not bools.contains(0)


def test_choice_contains_numpy_scalars():
    assert sa.Choice("x", values=["a", "b"]).contains(np.str_("a"))
    assert sa.Choice("x", values=[1, 2]).contains(np.int64(2))


def test_boolean_contains_only_bools():
    hp = sa.Boolean("flag")
    assert hp.contains(True)
    assert hp.contains(False)
    assert hp.contains(np.bool_(False))
    assert not hp.contains(1)
    assert not hp.contains(0)
    assert not hp.contains("True")


def test_fixed_contains_only_its_value():
    hp = sa.Fixed("n", value=3)
    assert hp.contains(3)
    assert not hp.contains(4)
    assert not sa.Fixed("flag", value=True).contains(1)


# --- grids ---------------------------------------------------------------------------------


def test_float_grid_reaches_the_maximum_without_accumulated_error():
    hp = sa.Float("dropout", min_value=0, max_value=0.6, step=0.1)
    values = hp.grid_values()
    assert values == (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6)
    assert [repr(v) for v in values] == ["0.0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6"]
    assert hp.size == 7


def test_float_grid_stops_below_a_maximum_off_the_grid():
    hp = sa.Float("x", min_value=0, max_value=1, step=0.3)
    assert hp.grid_values() == (0.0, 0.3, 0.6, 0.9)
    assert not hp.contains(1.0)


def test_float_grid_over_negative_values():
    assert sa.Float("x", min_value=-1, max_value=1, step=0.5).grid_values() == (
        -1.0,
        -0.5,
        0.0,
        0.5,
        1.0,
    )


def test_float_without_step_has_no_grid():
    hp = sa.Float("x", min_value=0, max_value=1)
    assert hp.grid_values() is None
    assert hp.size is None


def test_int_grid_is_additive():
    hp = sa.Int("units", min_value=32, max_value=128, step=32)
    assert list(hp.grid_values()) == [32, 64, 96, 128]
    assert hp.size == 4


def test_int_log_grid_is_multiplicative():
    hp = sa.Int("filters", min_value=32, max_value=512, step=2, sampling="log")
    assert list(hp.grid_values()) == [32, 64, 128, 256, 512]


def test_int_log_grid_stops_below_a_maximum_off_the_grid():
    hp = sa.Int("filters", min_value=32, max_value=500, step=2, sampling="log")
    assert list(hp.grid_values()) == [32, 64, 128, 256]


def test_float_log_grid_is_multiplicative_and_exact():
    hp = sa.Float("lr", min_value=1e-4, max_value=1e-1, step=10, sampling="log")
    values = hp.grid_values()
    assert values == (0.0001, 0.001, 0.01, 0.1)
    assert [repr(v) for v in values] == ["0.0001", "0.001", "0.01", "0.1"]


def test_int_without_step_grid_lists_every_integer():
    assert list(sa.Int("a", min_value=1, max_value=5).grid_values()) == [1, 2, 3, 4, 5]
    assert list(sa.Int("a", min_value=1, max_value=5, sampling="log").grid_values()) == [
        1,
        2,
        3,
        4,
        5,
    ]


def test_discrete_grids():
    assert sa.Choice("x", values=["b", "a"]).grid_values() == ("b", "a")
    assert sa.Boolean("flag", default=True).grid_values() == (False, True)
    assert sa.Fixed("n", value=3).grid_values() == (3,)


# --- booleans stay booleans ----------------------------------------------------------------


def test_boolean_choice_keeps_booleans():
    hp = sa.Choice("use_bn", values=[True, False])
    assert hp.values == (True, False)
    assert all(type(v) is bool for v in hp.values)
    assert repr(hp.config()["values"]) == "[True, False]"
    assert hp.default is True
    assert {type(hp.from_unit(u)) for u in (0.0, 0.99)} == {bool}


def test_boolean_choice_from_numpy_keeps_booleans():
    hp = sa.Choice("use_bn", values=np.array([False, True]))
    assert all(type(v) is bool for v in hp.values)


# --- ordered -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "ordered"),
    [([1, 2, 3], True), ([0.1, 0.01], True), (["a", "b"], False), ([True, False], False)],
)
def test_choice_ordered_defaults_to_whether_values_are_numbers(values, ordered):
    assert sa.Choice("x", values=values).ordered is ordered


def test_choice_ordered_can_be_turned_off_for_numbers():
    assert sa.Choice("x", values=[1, 2, 3], ordered=False).ordered is False


# --- config (KerasTuner's key order: docs/semantics.md#search-space-summary) -----------------


def test_int_config_matches_keras_tuner_with_resolved_default():
    config = sa.Int("a", min_value=1, max_value=5).config()
    assert list(config) == ["default", "conditions", "min_value", "max_value", "step", "sampling"]
    assert repr(config) == (
        "{'default': 1, 'conditions': [], 'min_value': 1, 'max_value': 5, "
        "'step': 1, 'sampling': 'linear'}"
    )


def test_int_config_as_the_guide_prints_it():
    hp = sa.Int("units", min_value=32, max_value=128, step=32, default=64)
    assert repr(hp.config()) == (
        "{'default': 64, 'conditions': [], 'min_value': 32, 'max_value': 128, "
        "'step': 32, 'sampling': 'linear'}"
    )


def test_int_log_without_step_config_has_step_none():
    config = sa.Int("a", min_value=1, max_value=64, sampling="log").config()
    assert config["step"] is None
    assert config["sampling"] == "log"


def test_float_config_as_the_guide_prints_it():
    hp = sa.Float("learning_rate", min_value=1e-4, max_value=1e-2, sampling="log")
    assert list(hp.config()) == [
        "default",
        "conditions",
        "min_value",
        "max_value",
        "step",
        "sampling",
    ]
    assert repr(hp.config()) == (
        "{'default': 0.0001, 'conditions': [], 'min_value': 0.0001, 'max_value': 0.01, "
        "'step': None, 'sampling': 'log'}"
    )


def test_float_config_prints_float_bounds_and_step_as_given():
    assert repr(sa.Float("x", min_value=0, max_value=1, step=1).config()) == (
        "{'default': 0.0, 'conditions': [], 'min_value': 0.0, 'max_value': 1.0, "
        "'step': 1, 'sampling': 'linear'}"
    )


def test_choice_config_as_the_guide_prints_it():
    hp = sa.Choice("learning_rate", values=[1e-2, 1e-3, 1e-4])
    assert list(hp.config()) == ["default", "conditions", "values", "ordered"]
    assert repr(hp.config()) == (
        "{'default': 0.01, 'conditions': [], 'values': [0.01, 0.001, 0.0001], 'ordered': True}"
    )


def test_boolean_config_as_the_guide_prints_it():
    assert repr(sa.Boolean("dropout").config()) == "{'default': False, 'conditions': []}"


def test_fixed_config_as_the_guide_prints_it():
    assert repr(sa.Fixed("learning_rate", value=1e-4).config()) == (
        "{'conditions': [], 'value': 0.0001}"
    )


def test_config_conditions_in_keras_tuner_form():
    hp = sa.Int(
        "layers",
        min_value=1,
        max_value=3,
        conditions=[sa.Condition("deep", True), sa.Condition("optimizer", ["adam", "sgd"])],
    )
    assert hp.config()["conditions"] == [
        {"class_name": "Parent", "config": {"name": "deep", "values": [True]}},
        {"class_name": "Parent", "config": {"name": "optimizer", "values": ["adam", "sgd"]}},
    ]


def test_config_is_a_fresh_dict_each_time():
    hp = sa.Choice("x", values=[1, 2])
    hp.config()["values"].append(3)
    assert hp.config()["values"] == [1, 2]
    assert hp.values == (1, 2)


# --- describe ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hp", "text"),
    [
        (sa.Int("a", min_value=1, max_value=5), "an int 1 <= x <= 5"),
        (
            sa.Int("a", min_value=32, max_value=128, step=32),
            "an int 32 <= x <= 128 in steps of 32",
        ),
        (
            sa.Int("a", min_value=32, max_value=512, step=2, sampling="log"),
            "an int 32 <= x <= 512 in factors of 2",
        ),
        (sa.Int("a", min_value=1, max_value=64, sampling="log"), "an int 1 <= x <= 64"),
        (sa.Float("x", min_value=0, max_value=0.5), "a float 0.0 <= x <= 0.5"),
        (
            sa.Float("x", min_value=0, max_value=0.6, step=0.1),
            "a float 0.0 <= x <= 0.6 in steps of 0.1",
        ),
        (sa.Choice("x", values=[1, 2, 3]), "one of 1, 2 or 3"),
        (sa.Choice("x", values=["adam", "sgd"]), "one of 'adam' or 'sgd'"),
        (sa.Choice("x", values=["adam"]), "exactly 'adam'"),
        (sa.Boolean("b"), "True or False"),
        (sa.Fixed("n", value=3), "exactly 3"),
    ],
    ids=lambda p: p if isinstance(p, str) else _ids(p),
)
def test_describe(hp, text):
    assert hp.describe() == text


# --- unit interval -------------------------------------------------------------------------


@pytest.mark.parametrize("hp", EXAMPLES, ids=_ids)
def test_from_unit_endpoints_are_the_domain_ends(hp):
    values = hp.grid_values()
    low, high = (values[0], values[-1]) if values is not None else (hp.min_value, hp.max_value)
    assert hp.from_unit(0.0) == low
    assert hp.from_unit(1.0) == high
    assert hp.from_unit_array(np.array([0.0, 1.0])) == [low, high]


@pytest.mark.parametrize("sampling", ["linear", "log", "reverse_log"])
@pytest.mark.parametrize(("low", "high"), [(1e-4, 1e-3), (0.1, 0.7), (3, 1000), (0.3, 2.5)])
def test_float_from_unit_endpoints_are_exact(sampling, low, high):
    hp = sa.Float("x", min_value=low, max_value=high, sampling=sampling)
    assert hp.from_unit(0.0) == low
    assert hp.from_unit(1.0) == high
    assert hp.from_unit_array(np.array([0.0, 1.0])) == [low, high]


@pytest.mark.parametrize("sampling", ["linear", "log", "reverse_log"])
def test_int_from_unit_endpoints_without_step(sampling):
    hp = sa.Int("a", min_value=3, max_value=1000, sampling=sampling)
    assert hp.from_unit(0.0) == 3
    assert hp.from_unit(1.0) == 1000


def test_from_unit_of_a_log_grid_off_its_maximum_ends_at_the_last_grid_point():
    hp = sa.Int("filters", min_value=32, max_value=500, step=2, sampling="log")
    assert hp.from_unit(1.0) == 256


@pytest.mark.parametrize("hp", EXAMPLES, ids=_ids)
def test_from_unit_lands_in_the_domain(hp):
    u = np.linspace(0.0, 1.0, 101)
    scalars = [hp.from_unit(x) for x in u.tolist()]
    assert all(hp.contains(value) for value in scalars)
    if hp.grid_values() is None:  # math and numpy may differ in the last bit
        assert hp.from_unit_array(u) == pytest.approx(scalars, rel=1e-12)
    else:
        assert hp.from_unit_array(u) == scalars


@pytest.mark.parametrize("hp", EXAMPLES, ids=_ids)
def test_from_unit_gives_python_scalars(hp):
    values = [hp.from_unit(0.3), *hp.from_unit_array(np.array([0.3, 0.7]))]
    assert {type(v) for v in values} <= {bool, int, float, str}
    assert {type(v) for v in values} == {type(hp.default)}


@pytest.mark.parametrize("hp", EXAMPLES, ids=_ids)
def test_to_unit_round_trips_every_grid_point(hp):
    values = hp.grid_values()
    if values is None:
        values = [hp.min_value, hp.default, hp.max_value]
    for value in values:
        u = hp.to_unit(value)
        assert 0.0 <= u <= 1.0
        back = hp.from_unit(u)
        if hp.grid_values() is None:
            assert back == pytest.approx(value, rel=1e-9)
        else:
            assert back == value


def test_discrete_kinds_spread_values_over_equal_cells():
    hp = sa.Choice("x", values=["a", "b", "c", "d"])
    u = (np.arange(400) + 0.5) / 400
    picked = hp.from_unit_array(u)
    assert [picked.count(v) for v in hp.values] == [100, 100, 100, 100]


def _fraction_below(values, threshold):
    return sum(value < threshold for value in values) / len(values)


def test_log_sampling_is_dense_near_the_minimum():
    u = (np.arange(10_000) + 0.5) / 10_000
    linear = sa.Float("x", min_value=1, max_value=1000).from_unit_array(u)
    log = sa.Float("x", min_value=1, max_value=1000, sampling="log").from_unit_array(u)
    # Linear: 10% of the mass lies below 100.9; log: two thirds lies below 100.
    assert _fraction_below(linear, 100) == pytest.approx(0.099, abs=0.002)
    assert _fraction_below(log, 100) == pytest.approx(2 / 3, abs=0.002)
    # The geometric middle splits log samples in half.
    assert _fraction_below(log, math.sqrt(1000)) == pytest.approx(0.5, abs=0.002)


def test_reverse_log_sampling_is_dense_near_the_maximum():
    u = (np.arange(10_000) + 0.5) / 10_000
    reverse = sa.Float("x", min_value=1, max_value=1000, sampling="reverse_log").from_unit_array(u)
    above = 1 - _fraction_below(reverse, 1001 - 100)
    assert above == pytest.approx(2 / 3, abs=0.002)
    assert _fraction_below(reverse, 1001 - math.sqrt(1000)) == pytest.approx(0.5, abs=0.002)


def test_int_log_sampling_is_dense_near_the_minimum():
    draws = sa.Int("n", min_value=1, max_value=1000, sampling="log").from_unit_array(
        np.random.default_rng(0).random(20_000)
    )
    assert _fraction_below(draws, 32) > 0.45
    reverse = sa.Int("n", min_value=1, max_value=1000, sampling="reverse_log").from_unit_array(
        np.random.default_rng(0).random(20_000)
    )
    assert _fraction_below(reverse, 1001 - 32) < 0.55
    assert 1 - _fraction_below(reverse, 1001 - 32) > 0.45


# --- equality, hashing, pickling, evolve ---------------------------------------------------


def test_equal_declarations_are_equal_and_hash_alike():
    first = sa.Int("units", min_value=32, max_value=128, step=32)
    second = sa.Int("units", min_value=32.0, max_value=128, step=32, default=32)
    assert first == second
    assert hash(first) == hash(second)
    assert len({first, second}) == 1


def test_float_equality_ignores_int_or_float_bounds():
    assert sa.Float("x", min_value=0, max_value=1) == sa.Float("x", min_value=0.0, max_value=1.0)


@pytest.mark.parametrize(
    "other",
    [
        sa.Int("units", min_value=32, max_value=128, step=32, default=64),
        sa.Int("units", min_value=32, max_value=128, step=16),
        sa.Int("units", min_value=32, max_value=96, step=32),
        sa.Int("unit", min_value=32, max_value=128, step=32),
        sa.Int("units", min_value=32, max_value=128, step=32, conditions=sa.Condition("a", 1)),
        sa.Choice("units", values=[32, 64, 96, 128]),
    ],
    ids=["default", "step", "max", "name", "conditions", "kind"],
)
def test_declarations_that_differ_are_not_equal(other):
    assert sa.Int("units", min_value=32, max_value=128, step=32) != other


def test_kinds_with_the_same_domain_are_not_equal():
    assert sa.Boolean("x") != sa.Choice("x", values=[False, True])
    assert sa.Fixed("x", value=1) != sa.Choice("x", values=[1])


@pytest.mark.parametrize("hp", EXAMPLES, ids=_ids)
def test_pickle_round_trip(hp):
    back = pickle.loads(pickle.dumps(hp))
    assert back == hp
    assert hash(back) == hash(hp)
    assert back.grid_values() == hp.grid_values()
    assert back.config() == hp.config()


def test_condition_pickles_and_hashes():
    condition = sa.Condition("optimizer", ["adam", "sgd"])
    assert pickle.loads(pickle.dumps(condition)) == condition
    assert hash(condition) == hash(sa.Condition("optimizer", ("adam", "sgd")))


@pytest.mark.parametrize("hp", EXAMPLES, ids=_ids)
def test_kinds_are_frozen(hp):
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        hp.name = "other"


def test_evolve_builds_a_new_valid_value():
    hp = sa.Float("x", min_value=0, max_value=1, step=0.5)
    wider = attrs.evolve(hp, max_value=2.0)
    assert wider.grid_values() == (0.0, 0.5, 1.0, 1.5, 2.0)
    assert hp.grid_values() == (0.0, 0.5, 1.0)
    assert attrs.evolve(sa.Int("a", min_value=1, max_value=5), max_value=9).contains(9)


@pytest.mark.parametrize(
    ("hp", "changes", "error"),
    [
        (sa.Int("a", min_value=1, max_value=5), {"min_value": 9}, InvalidArgumentError),
        (sa.Int("a", min_value=1, max_value=5), {"default": 99}, InvalidArgumentError),
        (sa.Float("x", min_value=0, max_value=1), {"sampling": "log"}, InvalidArgumentError),
        (sa.Float("x", min_value=0, max_value=1, step=0.5), {"default": 0.3}, InvalidArgumentError),
        (sa.Choice("x", values=[1, 2]), {"values": (1, "a")}, ArgumentTypeError),
        (sa.Choice("x", values=[1, 2]), {"default": 3}, InvalidArgumentError),
        (sa.Boolean("b"), {"default": 1}, ArgumentTypeError),
        (sa.Fixed("n", value=1), {"value": None}, ArgumentTypeError),
        (sa.Boolean("b"), {"name": ""}, ArgumentTypeError),
    ],
)
def test_evolve_revalidates(hp, changes, error):
    with pytest.raises(error):
        attrs.evolve(hp, **changes)


def test_evolve_with_conditions_accepts_one_condition():
    hp = attrs.evolve(sa.Boolean("b"), conditions=sa.Condition("a", 1))
    assert hp.conditions == (sa.Condition("a", 1),)


def test_is_active_needs_every_condition():
    hp = sa.Boolean("b", conditions=[sa.Condition("x", 1), sa.Condition("y", "on")])
    assert hp.is_active({"x": 1, "y": "on"})
    assert not hp.is_active({"x": 1, "y": "off"})
    assert not hp.is_active({"x": 1})
    assert sa.Boolean("free").is_active({})


# --- Issue 13 item 2: linear Float grids hold the decimal points the declaration reads ----------


@pytest.mark.parametrize(
    ("low", "high", "step"), [(-0.3, 0.3, 0.1), (-0.9, 0.9, 0.3), (-2, 2, 0.1), (-1, 1, 0.25)]
)
def test_float_grids_through_zero_hold_zero_exactly(low, high, step):
    grid = sa.Float("shift", min_value=low, max_value=high, step=step).grid_values()
    assert 0.0 in grid
    assert all(v == 0.0 or abs(v) >= step / 2 for v in grid)


def test_a_child_conditioned_on_zero_is_reachable():
    space = sa.Space(
        [
            sa.Float("shift", min_value=-0.3, max_value=0.3, step=0.1),
            sa.Boolean("flag", conditions=sa.Condition("shift", 0.0)),
        ]
    )
    assert sa.cardinality(space) == 8
    assert sum("flag" in values for values in sa.grid(space)) == 2


def test_float_grid_points_are_the_decimal_points():
    assert sa.Float("x", min_value=-2, max_value=2, step=0.1).grid_values() == tuple(
        k / 10 for k in range(-20, 21)
    )
    assert sa.Float("x", min_value=0.7, max_value=1.0, step=0.1).grid_values() == (
        0.7,
        0.8,
        0.9,
        1.0,
    )


def _short_decimals(places: int, low: int, high: int) -> st.SearchStrategy[Decimal]:
    return st.integers(low, high).map(lambda n: Decimal(n).scaleb(-places))


@settings(max_examples=300, deadline=None)
@given(
    places=st.integers(0, 4),
    data=st.data(),
)
def test_linear_float_grid_points_are_the_decimals_min_plus_k_step(places, data):
    """Every point of a linear Float grid is float(Decimal(min) + k * Decimal(step))."""
    low = data.draw(_short_decimals(places, -(10**5), 10**5), label="min")
    step = data.draw(_short_decimals(places, 1, 10**4), label="step")
    count = data.draw(st.integers(1, 60), label="count")
    high = low + (count - 1) * step + data.draw(_short_decimals(places, 0, 10**4)) % step
    hp = sa.Float("x", min_value=float(low), max_value=float(high), step=float(step))
    grid = hp.grid_values()
    assert grid == tuple(float(low + k * step) for k in range(count))
    assert all(hp.contains(v) and hp.canonical(v) == v for v in grid)


# --- Issue 13 item 3: a value within tolerance of a grid point is that grid point ---------------


def test_float_canonical_snaps_to_the_grid_point():
    drop = sa.Float("drop", min_value=0, max_value=0.6, step=0.1)
    assert repr(drop.canonical(0.1 * 3)) == "0.3"
    assert repr(drop.canonical(np.float64(0.1 * 3))) == "0.3"
    assert drop.canonical(0.35) == 0.35  # not in the domain: unchanged, for contains to refuse
    assert drop.canonical("a") == "a"
    assert repr(sa.Float("r", min_value=0, max_value=1).canonical(1)) == "1.0"
    assert sa.Int("n", min_value=0, max_value=3).canonical(np.int64(2)) == 2
    assert type(sa.Int("n", min_value=0, max_value=3).canonical(np.int64(2))) is int
    assert sa.Choice("c", values=["a", "b"]).canonical("a") == "a"


def test_float_step_far_beyond_the_range_has_one_grid_point():
    # A step above 2**63 once overflowed numpy's int64 on the fast path of the grid.
    x = sa.Float("x", min_value=0.0, max_value=1.0, step=10**30)
    assert tuple(x.grid_values() or ()) == (0.0,)
    assert [v["x"] for v in sa.grid(sa.Space([x]))] == [0.0]
    assert x.contains(0.0)
    assert not x.contains(1.0)
