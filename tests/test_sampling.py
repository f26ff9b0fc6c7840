"""Examples for sampling, grids, cardinality, defaults, contains and validate."""

from __future__ import annotations

import itertools
import math
from collections import Counter

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import spacealg as sa
from spacealg._space.counting import uniform_configuration
from spacealg.errors import (
    ActivityError,
    ContinuousSpaceError,
    InvalidValueError,
    UnknownNameError,
)
from spacealg.testing import spaces

# Two branches on ``optimizer``; a chain a -> b -> c where an inactive parent deactivates
# its child whatever the child's condition says.
OPTIMIZERS = sa.Space(
    [
        sa.Choice("optimizer", values=["adam", "sgd"]),
        sa.Float(
            "momentum", min_value=0, max_value=0.9, conditions=sa.Condition("optimizer", "sgd")
        ),
        sa.Float(
            "beta_1", min_value=0.8, max_value=0.999, conditions=sa.Condition("optimizer", "adam")
        ),
        sa.Int("units", min_value=32, max_value=128, step=32),
    ]
)
CHAIN = sa.Space(
    [
        sa.Int("c", min_value=1, max_value=3, conditions=sa.Condition("b", "p")),
        sa.Choice("b", values=["p", "q"], conditions=sa.Condition("a", "x")),
        sa.Choice("a", values=["x", "y"]),
        sa.Boolean("free"),
    ]
)
CONTINUOUS = sa.Space(
    [
        sa.Float("lr", min_value=1e-4, max_value=1e-2, sampling="log"),
        sa.Float("x", min_value=0, max_value=1),
    ]
)


def _expected_names_optimizers(values):
    branch = "momentum" if values["optimizer"] == "sgd" else "beta_1"
    return [name for name in OPTIMIZERS if name in ("optimizer", branch, "units")]


def _expected_names_chain(values):
    names = {"a", "free"}
    if values["a"] == "x":
        names.add("b")
        if values["b"] == "p":
            names.add("c")
    return [name for name in CHAIN if name in names]


# --- sample and sample_many ----------------------------------------------------------------


def test_sample_drops_inactive_names():
    seen = set()
    for seed in range(60):
        values = sa.sample(OPTIMIZERS, seed)
        assert list(values) == _expected_names_optimizers(values)
        assert sa.contains(OPTIMIZERS, values)
        seen.add(values["optimizer"])
    assert seen == {"adam", "sgd"}


def test_sample_many_drops_inactive_names():
    draws = sa.sample_many(OPTIMIZERS, 300, 0)
    assert len(draws) == 300
    assert all(type(values) is sa.Values for values in draws)
    for values in draws:
        assert list(values) == _expected_names_optimizers(values)
        assert sa.contains(OPTIMIZERS, values)
    assert {values["optimizer"] for values in draws} == {"adam", "sgd"}


def test_sample_honours_chained_conditions_declared_child_first():
    draws = [sa.sample(CHAIN, seed) for seed in range(200)]
    for values in draws:
        assert list(values) == _expected_names_chain(values)
    assert {tuple(values) for values in draws} == {
        ("a", "free"),
        ("b", "a", "free"),
        ("c", "b", "a", "free"),
    }


def test_sample_many_honours_chained_conditions_declared_child_first():
    draws = sa.sample_many(CHAIN, 400, 1)
    for values in draws:
        assert list(values) == _expected_names_chain(values)
        assert sa.contains(CHAIN, values)
    assert {tuple(values) for values in draws} == {
        ("a", "free"),
        ("b", "a", "free"),
        ("c", "b", "a", "free"),
    }


def test_sample_values_are_python_scalars():
    values = sa.sample(OPTIMIZERS, 3)
    many = sa.sample_many(OPTIMIZERS, 5, 3)
    for drawn in (values, *many):
        assert {type(v) for v in drawn.values()} <= {int, float, str}
        assert type(drawn["units"]) is int


def test_int_seed_gives_the_same_values():
    assert sa.sample(CONTINUOUS, 7) == sa.sample(CONTINUOUS, 7)
    assert sa.sample_many(CONTINUOUS, 10, 7) == sa.sample_many(CONTINUOUS, 10, 7)


def test_different_seeds_give_different_values():
    assert sa.sample(CONTINUOUS, 7) != sa.sample(CONTINUOUS, 8)
    assert sa.sample_many(CONTINUOUS, 10, 7) != sa.sample_many(CONTINUOUS, 10, 8)


def test_int_seed_is_a_fresh_generator_with_that_seed():
    assert sa.sample(CONTINUOUS, 7) == sa.sample(CONTINUOUS, np.random.default_rng(7))
    assert sa.sample_many(CONTINUOUS, 4, 7) == sa.sample_many(
        CONTINUOUS, 4, np.random.default_rng(7)
    )


def test_numpy_integer_seed_works_like_an_int():
    assert sa.sample(CONTINUOUS, np.int64(7)) == sa.sample(CONTINUOUS, 7)


def test_a_generator_is_advanced_by_sample():
    rng = np.random.default_rng(0)
    first = sa.sample(CONTINUOUS, rng)
    second = sa.sample(CONTINUOUS, rng)
    assert first != second
    # The same sequence again from a generator in the same state.
    replay = np.random.default_rng(0)
    assert [sa.sample(CONTINUOUS, replay), sa.sample(CONTINUOUS, replay)] == [first, second]


def test_a_generator_is_advanced_by_sample_many():
    rng = np.random.default_rng(0)
    first = sa.sample_many(CONTINUOUS, 3, rng)
    second = sa.sample_many(CONTINUOUS, 3, rng)
    assert first != second
    assert len(set(first) | set(second)) == 6


def test_sample_many_of_zero_is_empty():
    assert sa.sample_many(OPTIMIZERS, 0, np.random.default_rng(0)) == ()
    assert sa.sample_many(sa.Space(), 0, 0) == ()


def test_sample_of_an_empty_space_is_empty_values():
    values = sa.sample(sa.Space(), 0)
    assert type(values) is sa.Values
    assert values == sa.Values({})
    assert sa.sample_many(sa.Space(), 3, 0) == (sa.Values({}),) * 3


def test_sample_stays_in_each_domain():
    space = sa.Space(
        [
            sa.Int("filters", min_value=32, max_value=512, step=2, sampling="log"),
            sa.Float("dropout", min_value=0, max_value=0.6, step=0.1),
            sa.Float("lr", min_value=1e-4, max_value=1e-1, step=10, sampling="log"),
            sa.Choice("use_bn", values=[True, False]),
            sa.Fixed("batch", value=32),
        ]
    )
    draws = sa.sample_many(space, 500, 0)
    assert {v["filters"] for v in draws} == {32, 64, 128, 256, 512}
    assert {v["dropout"] for v in draws} == {0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6}
    assert {v["lr"] for v in draws} == {0.0001, 0.001, 0.01, 0.1}
    assert {v["use_bn"] for v in draws} == {True, False}
    assert all(type(v["use_bn"]) is bool for v in draws)
    assert {v["batch"] for v in draws} == {32}


def test_sample_many_is_roughly_uniform_over_a_choice():
    draws = sa.sample_many(sa.Space([sa.Choice("x", values=["a", "b", "c", "d"])]), 4000, 0)
    counts = [sum(v["x"] == value for v in draws) for value in "abcd"]
    assert all(900 < count < 1100 for count in counts)


# --- grid ----------------------------------------------------------------------------------


def test_grid_order_as_in_the_issue():
    space = sa.Space([sa.Choice("x", values=[1, 2, 3], default=2), sa.Boolean("y")])
    assert [tuple(values.items()) for values in sa.grid(space)] == [
        (("x", 2), ("y", False)),
        (("x", 2), ("y", True)),
        (("x", 1), ("y", False)),
        (("x", 1), ("y", True)),
        (("x", 3), ("y", False)),
        (("x", 3), ("y", True)),
    ]


def test_grid_lists_the_default_first_then_grid_order():
    space = sa.Space([sa.Int("units", min_value=32, max_value=128, step=32, default=96)])
    assert [v["units"] for v in sa.grid(space)] == [96, 32, 64, 128]


def test_grid_yields_values():
    space = sa.Space([sa.Boolean("y")])
    assert all(type(values) is sa.Values for values in sa.grid(space))


def test_grid_of_a_conditional_space_with_parents_after_children():
    space = sa.Space(
        [
            sa.Int("layers", min_value=1, max_value=2, conditions=sa.Condition("deep", True)),
            sa.Boolean("deep"),
            sa.Choice("act", values=["relu", "tanh"]),
        ]
    )
    assert [dict(values) for values in sa.grid(space)] == [
        {"deep": False, "act": "relu"},
        {"deep": False, "act": "tanh"},
        {"layers": 1, "deep": True, "act": "relu"},
        {"layers": 1, "deep": True, "act": "tanh"},
        {"layers": 2, "deep": True, "act": "relu"},
        {"layers": 2, "deep": True, "act": "tanh"},
    ]
    # Each configuration lists its names in space order.
    assert [list(values) for values in sa.grid(space)][2] == ["layers", "deep", "act"]


def test_grid_of_a_chain_declared_backwards():
    configurations = list(sa.grid(CHAIN))
    assert [dict(values) for values in configurations] == [
        {"c": 1, "b": "p", "a": "x", "free": False},
        {"c": 1, "b": "p", "a": "x", "free": True},
        {"c": 2, "b": "p", "a": "x", "free": False},
        {"c": 2, "b": "p", "a": "x", "free": True},
        {"c": 3, "b": "p", "a": "x", "free": False},
        {"c": 3, "b": "p", "a": "x", "free": True},
        {"b": "q", "a": "x", "free": False},
        {"b": "q", "a": "x", "free": True},
        {"a": "y", "free": False},
        {"a": "y", "free": True},
    ]
    assert all(list(values) == _expected_names_chain(values) for values in configurations)


def test_grid_yields_distinct_contained_configurations():
    configurations = list(sa.grid(CHAIN))
    assert len(set(configurations)) == len(configurations)
    assert all(sa.contains(CHAIN, values) for values in configurations)


@pytest.mark.parametrize("sampling", ["linear", "log", "reverse_log"])
def test_grid_of_an_int_without_step_enumerates_every_integer(sampling):
    space = sa.Space([sa.Int("n", min_value=3, max_value=9, sampling=sampling, default=5)])
    assert [v["n"] for v in sa.grid(space)] == [5, 3, 4, 6, 7, 8, 9]


def test_grid_of_log_grids():
    space = sa.Space(
        [
            sa.Int("filters", min_value=32, max_value=512, step=2, sampling="log"),
            sa.Float("lr", min_value=1e-4, max_value=1e-1, step=10, sampling="log", default=1e-3),
        ]
    )
    configurations = [tuple(v.values()) for v in sa.grid(space)]
    filters = [32, 64, 128, 256, 512]
    rates = [0.001, 0.0001, 0.01, 0.1]
    assert configurations == list(itertools.product(filters, rates))


def test_grid_of_an_empty_space_is_one_empty_configuration():
    assert list(sa.grid(sa.Space())) == [sa.Values({})]


def test_grid_rejects_continuous_entries_and_names_them():
    space = sa.Space(
        [
            sa.Float("lr", min_value=1e-4, max_value=1e-2, sampling="log"),
            sa.Boolean("flag"),
            sa.Float("x", min_value=0, max_value=1),
        ]
    )
    with pytest.raises(ContinuousSpaceError) as excinfo:
        sa.grid(space)
    assert excinfo.value.names == ("lr", "x")


# --- cardinality ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("space", "size"),
    [
        (sa.Space(), 1),
        (sa.Space([sa.Boolean("b")]), 2),
        (sa.Space([sa.Int("a", min_value=1, max_value=5), sa.Boolean("b")]), 10),
        (
            sa.Space([sa.Float("x", min_value=0, max_value=0.6, step=0.1), sa.Fixed("f", value=1)]),
            7,
        ),
        (sa.Space([sa.Int("a", min_value=1, max_value=100, sampling="log")]), 100),
        (sa.Space([sa.Int("a", min_value=32, max_value=512, step=2, sampling="log")]), 5),
        (CHAIN, 10),
    ],
    ids=["empty", "boolean", "int-boolean", "float-fixed", "int-log", "int-log-step", "chain"],
)
def test_cardinality(space, size):
    assert sa.cardinality(space) == size
    assert len(list(sa.grid(space))) == size


def test_cardinality_counts_conditional_entries_only_where_active():
    space = sa.Space(
        [
            sa.Boolean("deep"),
            sa.Int("layers", min_value=2, max_value=4, conditions=sa.Condition("deep", True)),
            sa.Choice("act", values=["relu", "tanh"]),
        ]
    )
    # deep=False: 2 activations; deep=True: 3 depths x 2 activations.
    assert sa.cardinality(space) == 2 + 6


def test_cardinality_of_a_continuous_space_is_none():
    assert sa.cardinality(CONTINUOUS) is None
    assert sa.cardinality(OPTIMIZERS) is None


def _brute_force_count(space: sa.Space) -> int:
    """Every assignment of a value or nothing to each entry, kept when it is a configuration."""
    options = [[*space[name].grid_values(), None] for name in space]
    return sum(
        sa.contains(space, {n: v for n, v in zip(space, row, strict=True) if v is not None})
        for row in itertools.product(*options)
    )


def _assignments(space: sa.Space) -> int:
    return math.prod(len(space[name].grid_values() or ()) + 1 for name in space)


@given(spaces(max_size=4))
def test_cardinality_equals_brute_force_enumeration(space):
    """On small finite spaces, cardinality counts what trying every assignment finds."""
    assume(all(space[name].grid_values() is not None for name in space))
    assume(_assignments(space) <= 3000)
    assert sa.cardinality(space) == _brute_force_count(space)


@st.composite
def _wide_parents(draw: st.DrawFn) -> sa.Space:
    """An Int parent over a wide range, a Choice one, and conditional children, some nested."""
    top = draw(st.integers(0, 60))
    wide = sa.Int("wide", min_value=0, max_value=top)
    pick = sa.Choice("pick", values=["a", "b", "c"])
    named = st.lists(st.integers(0, top), min_size=1, max_size=3, unique=True)
    letters = st.lists(st.sampled_from(["a", "b", "c"]), min_size=1, max_size=2, unique=True)
    child = sa.Boolean(
        "child",
        conditions=[sa.Condition("wide", draw(named))]
        + ([sa.Condition("pick", draw(letters))] if draw(st.booleans()) else []),
    )
    entries = [wide, pick, child]
    if draw(st.booleans()):
        entries.append(
            sa.Int("grand", min_value=1, max_value=3, conditions=sa.Condition("child", True))
        )
    if draw(st.booleans()):
        entries.append(
            sa.Choice("other", values=[1, 2], conditions=sa.Condition("wide", draw(named)))
        )
    return sa.Space(draw(st.permutations(entries)))


@given(_wide_parents())
def test_cardinality_of_wide_parents_with_conditional_children_equals_brute_force(space):
    assert sa.cardinality(space) == _brute_force_count(space)


@pytest.mark.parametrize(
    ("parent", "values", "rest"),
    [
        (sa.Int("offset", min_value=0, max_value=2**53), [0], 2**53),
        (sa.Int("offset", min_value=0, max_value=2**53), [0, 7, 2**53], 2**53 - 2),
        (sa.Int("offset", min_value=1, max_value=2**53, sampling="log"), [1], 2**53 - 1),
        (sa.Int("offset", min_value=0, max_value=2**53, step=2), [2], 2**52),
    ],
    ids=["one-value", "three-values", "log", "step"],
)
def test_cardinality_of_a_huge_parent_with_a_conditional_child_counts_by_groups(
    parent, values, rest
):
    """Counting costs in proportion to the conditions: a 2**53-value parent returns at once."""
    space = sa.Space([parent, sa.Boolean("warm", conditions=sa.Condition("offset", values))])
    assert sa.cardinality(space) == rest + 2 * len(values)


def test_cardinality_of_nested_huge_parents():
    space = sa.Space(
        [
            sa.Int("a", min_value=0, max_value=2**53),
            sa.Int("b", min_value=0, max_value=10**12, conditions=sa.Condition("a", [1, 2])),
            sa.Boolean("c", conditions=[sa.Condition("a", 2), sa.Condition("b", 5)]),
        ]
    )
    # a not in {1, 2}: 2**53 - 1; a == 1: every b; a == 2: every b, and c twice when b == 5.
    assert sa.cardinality(space) == (2**53 - 1) + (10**12 + 1) + (10**12 + 1) + 1


def test_a_random_search_over_a_wide_parent_with_a_conditional_child_runs(tmp_path):
    space = sa.Space(
        [
            sa.Int("offset", min_value=0, max_value=2**53),
            sa.Boolean("warm", conditions=sa.Condition("offset", 0)),
        ]
    )
    result = sa.minimize(
        lambda v: float(v["offset"]), space, max_trials=3, seed=0, directory=tmp_path, verbose=0
    )
    assert len(result.trials) == 3
    assert all(sa.contains(space, trial.values) for trial in result.trials)


@given(spaces(max_size=4), st.integers(0, 2**32))
def test_a_uniform_configuration_is_a_configuration(space, seed):
    assume(sa.cardinality(space) is not None)
    drawn = uniform_configuration(space, np.random.default_rng(seed))
    assert sa.contains(space, drawn)
    assert list(drawn) == [name for name in space if name in drawn]


def test_uniform_configurations_are_uniform_over_the_configurations():
    # 'b' alone is one configuration; 'a' with each of 10 units is ten: sample() gives 'b'
    # half the time, uniform_configuration one time in eleven.
    space = sa.Space(
        [
            sa.Choice("kind", values=["a", "b"]),
            sa.Int("units", min_value=0, max_value=9, conditions=sa.Condition("kind", "a")),
        ]
    )
    rng = np.random.default_rng(0)
    counts = Counter(uniform_configuration(space, rng) for _ in range(11_000))
    assert set(counts) == set(sa.grid(space))
    assert all(850 <= n <= 1150 for n in counts.values()), counts


def test_a_uniform_configuration_under_a_huge_parent():
    space = sa.Space(
        [
            sa.Int("a", min_value=0, max_value=2**53),
            sa.Int("b", min_value=0, max_value=2**53, conditions=sa.Condition("a", [0, 1])),
            sa.Choice("c", values=["x", "y"], conditions=sa.Condition("b", 3)),
        ]
    )
    rng = np.random.default_rng(1)
    drawn = [uniform_configuration(space, rng) for _ in range(200)]
    assert all(sa.contains(space, values) for values in drawn)
    # a in {0, 1} holds about 2/3 of the configurations.
    assert 100 <= sum(values["a"] in (0, 1) for values in drawn) <= 170
    assert all(values["a"] not in (0, 1) for values in drawn if "b" not in values)


# --- defaults ------------------------------------------------------------------------------


def test_defaults_in_space_order():
    space = sa.Space(
        [
            sa.Int("units", min_value=32, max_value=128, step=32, default=64),
            sa.Boolean("dropout"),
            sa.Choice("learning_rate", values=[1e-2, 1e-3, 1e-4]),
            sa.Float("x", min_value=0, max_value=1),
        ]
    )
    values = sa.defaults(space)
    assert type(values) is sa.Values
    assert list(values.items()) == [
        ("units", 64),
        ("dropout", False),
        ("learning_rate", 0.01),
        ("x", 0.0),
    ]


def test_defaults_leave_out_entries_inactive_under_the_defaults():
    assert dict(sa.defaults(CHAIN)) == {"c": 1, "b": "p", "a": "x", "free": False}
    assert dict(sa.defaults(OPTIMIZERS)) == {"optimizer": "adam", "beta_1": 0.8, "units": 32}
    space = sa.Space(
        [
            sa.Int("layers", min_value=2, max_value=8, conditions=sa.Condition("deep", True)),
            sa.Boolean("deep"),
        ]
    )
    assert sa.defaults(space) == {"deep": False}


def test_defaults_of_an_empty_space():
    assert sa.defaults(sa.Space()) == sa.Values({})


# --- contains and validate -----------------------------------------------------------------


def test_contains_accepts_configurations():
    assert sa.contains(OPTIMIZERS, {"optimizer": "sgd", "momentum": 0.5, "units": 64})
    assert sa.contains(OPTIMIZERS, {"optimizer": "adam", "beta_1": 0.9, "units": 128})
    assert sa.contains(CHAIN, {"a": "y", "free": True})
    assert sa.contains(sa.Space(), {})


@pytest.mark.parametrize(
    "values",
    [
        {"optimizer": "sgd", "units": 64},
        {"optimizer": "sgd", "momentum": 0.5, "beta_1": 0.9, "units": 64},
        {"optimizer": "sgd", "momentum": 0.95, "units": 64},
        {"optimizer": "sgd", "momentum": 0.5, "units": 65},
        {"optimizer": "sgd", "momentum": 0.5, "units": 64, "extra": 1},
        {"optimizer": "nadam", "units": 64},
        {"optimizer": "sgd", "momentum": 0.5, "units": True},
        {"optimizer": "sgd", "momentum": 0.5},
        {},
    ],
    ids=[
        "active-missing",
        "inactive-given",
        "out-of-range",
        "off-grid",
        "unknown-name",
        "unknown-choice",
        "bool-for-int",
        "missing-unconditional",
        "empty",
    ],
)
def test_contains_rejects(values):
    assert not sa.contains(OPTIMIZERS, values)


def test_contains_rejects_a_non_mapping():
    assert not sa.contains(OPTIMIZERS, [("optimizer", "adam")])


def test_validate_returns_values_in_space_order():
    values = sa.validate(OPTIMIZERS, {"units": 64, "momentum": 0.5, "optimizer": "sgd"})
    assert type(values) is sa.Values
    assert list(values.items()) == [("optimizer", "sgd"), ("momentum", 0.5), ("units", 64)]


def test_validate_converts_numpy_scalars():
    values = sa.validate(
        OPTIMIZERS,
        {"optimizer": np.str_("sgd"), "momentum": np.float64(0.5), "units": np.int64(64)},
    )
    assert values == {"optimizer": "sgd", "momentum": 0.5, "units": 64}
    assert [type(v) for v in values.values()] == [str, float, int]


def test_validate_accepts_its_own_samples():
    for values in sa.sample_many(CHAIN, 50, 0):
        assert sa.validate(CHAIN, values) == values


@pytest.mark.parametrize(
    ("values", "error", "name"),
    [
        ({"optimizer": "sgd", "units": 64}, ActivityError, "momentum"),
        (
            {"optimizer": "adam", "momentum": 0.5, "beta_1": 0.9, "units": 64},
            ActivityError,
            "momentum",
        ),
        ({"optimizer": "sgd", "momentum": 0.95, "units": 64}, InvalidValueError, "momentum"),
        ({"optimizer": "sgd", "momentum": 0.5, "units": 64, "unit": 1}, UnknownNameError, "unit"),
    ],
    ids=["active-missing", "inactive-given", "out-of-range", "unknown-name"],
)
def test_validate_raises_a_clear_error(values, error, name):
    with pytest.raises(error) as excinfo:
        sa.validate(OPTIMIZERS, values)
    assert excinfo.value.name == name
    assert name in str(excinfo.value)
