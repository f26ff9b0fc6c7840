"""Properties of sampling, grids, defaults and the unit-interval mapping.

Hypothesis draws hyperparameters, spaces and configurations from
``spacealg.testing``; the statistical tests at the end use fixed seeds.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

import spacealg as sa
from spacealg._space.scalars import same
from spacealg.testing import hyperparameters, spaces, values

PLAIN = (bool, int, float, str)
MAX_GRID_CHECKED = 500
MAX_CARDINALITY = 2000

seeds = st.integers(0, 2**32 - 1)
units = st.floats(0.0, 1.0, allow_nan=False)
properties = settings(deadline=None)


def _continuous(hp: sa.Hyperparameter) -> bool:
    return hp.grid_values() is None


def _checked_points(grid: Sequence[sa.Scalar]) -> Sequence[sa.Scalar]:
    if len(grid) <= MAX_GRID_CHECKED:
        return grid
    half = MAX_GRID_CHECKED // 2
    return [*grid[:half], *grid[-half:]]


def _scale(hp: sa.Float) -> float:
    return max(abs(hp.min_value), abs(hp.max_value), 1e-300)


def _kind_type(hp: sa.Hyperparameter) -> type:
    if isinstance(hp, sa.Int):
        return int
    if isinstance(hp, sa.Float):
        return float
    if isinstance(hp, sa.Boolean):
        return bool
    return type(hp.default)


# --- sampling --------------------------------------------------------------------------


@properties
@given(spaces(), seeds, st.integers(0, 30))
def test_every_sample_lies_in_its_space(space, seed, n):
    assert sa.contains(space, sa.sample(space, seed))
    many = sa.sample_many(space, n, seed)
    assert len(many) == n
    for configuration in many:
        assert sa.contains(space, configuration)


@properties
@given(spaces(), seeds, st.integers(0, 30))
def test_the_same_seed_gives_the_same_values(space, seed, n):
    assert sa.sample(space, seed) == sa.sample(space, seed)
    assert sa.sample_many(space, n, seed) == sa.sample_many(space, n, seed)
    one, two = np.random.default_rng(seed), np.random.default_rng(seed)
    assert [sa.sample(space, one) for _ in range(3)] == [sa.sample(space, two) for _ in range(3)]
    assert sa.sample_many(space, n, one) == sa.sample_many(space, n, two)


@properties
@given(spaces(), seeds, st.integers(1, 30))
def test_sampled_values_are_plain_python_scalars_of_the_entry_type(space, seed, n):
    for configuration in (sa.sample(space, seed), *sa.sample_many(space, n, seed)):
        assert isinstance(configuration, sa.Values)
        assert list(configuration) == [name for name in space if name in configuration]
        for name, value in configuration.items():
            assert type(value) in PLAIN, (name, type(value))
            assert type(value) is _kind_type(space[name]), (name, value)


@properties
@given(spaces(min_size=1), seeds, st.randoms(use_true_random=False))
def test_sampling_does_not_depend_on_the_declaration_order(space, seed, random):
    entries = list(space.hyperparameters)
    random.shuffle(entries)
    shuffled = sa.Space(entries)
    assert shuffled == space
    assert sa.defaults(shuffled) == sa.defaults(space)
    assert sa.contains(space, sa.sample(shuffled, seed))
    assert sa.contains(shuffled, sa.sample(space, seed))
    for configuration in sa.sample_many(shuffled, 10, seed):
        assert sa.contains(space, configuration)


@properties
@given(st.data(), spaces())
def test_drawn_values_are_configurations(data, space):
    configuration = data.draw(values(space))
    assert isinstance(configuration, sa.Values)
    assert sa.contains(space, configuration)
    assert sa.validate(space, configuration) == configuration


@properties
@given(spaces())
def test_defaults_are_a_configuration(space):
    chosen = sa.defaults(space)
    assert sa.contains(space, chosen)
    for name, value in chosen.items():
        assert same(value, space[name].default)


# --- the unit interval -----------------------------------------------------------------


@properties
@given(hyperparameters())
@example(sa.Float("x", min_value=0, max_value=0.6, step=0.1))
@example(sa.Int("x", min_value=1, max_value=1000, sampling="log"))
@example(sa.Int("x", min_value=1, max_value=1000, sampling="reverse_log"))
@example(sa.Int("x", min_value=3, max_value=3, sampling="log"))
def test_unit_round_trip_on_every_grid_point(hp):
    grid = hp.grid_values()
    assume(grid is not None)
    for value in _checked_points(grid):
        u = hp.to_unit(value)
        assert 0.0 <= u <= 1.0
        back = hp.from_unit(u)
        assert same(back, value), (value, u, back)
        assert type(back) is type(value)


@properties
@given(hyperparameters(kinds=[sa.Float]), st.data())
def test_unit_round_trip_on_continuous_floats(hp, data):
    assume(_continuous(hp))
    x = data.draw(st.floats(hp.min_value, hp.max_value), label="x")
    u = hp.to_unit(x)
    assert 0.0 <= u <= 1.0
    assert math.isclose(hp.from_unit(u), x, rel_tol=1e-9, abs_tol=1e-9 * _scale(hp))


@pytest.mark.parametrize("sampling", ["log", "reverse_log"])
def test_unit_mapping_of_a_log_range_one_ulp_wide(sampling):
    # Regression: the logs of bounds an ulp apart can be equal, and to_unit divided by
    # their difference (ZeroDivisionError).
    low = 367603.8341244675
    hp = sa.Float("x", min_value=low, max_value=math.nextafter(low, math.inf), sampling=sampling)
    for x in (hp.min_value, hp.max_value):
        u = hp.to_unit(x)
        assert 0.0 <= u <= 1.0
        assert math.isclose(hp.from_unit(u), x, rel_tol=1e-12)
        assert hp.contains(hp.from_unit(u))


@properties
@given(hyperparameters(), units)
@example(sa.Float("x", min_value=1e-3, max_value=10, sampling="reverse_log"), 1.0)
@example(sa.Int("x", min_value=1, max_value=7, sampling="log"), 1.0)
@example(sa.Int("x", min_value=1, max_value=7, sampling="reverse_log"), 0.0)
def test_from_unit_is_always_in_the_domain(hp, u):
    value = hp.from_unit(u)
    assert hp.contains(value), (u, value)
    assert type(value) is _kind_type(hp)


def _integer_edges(hp: sa.Int) -> list[float]:
    """The unit positions where an Int without a step moves from one integer to the next."""
    low, high = hp.min_value, hp.max_value + 1
    span = math.log(high / low)
    points = range(low, min(high, low + 200) + 1)
    if hp.sampling == "log":
        return [math.log(v / low) / span for v in points]
    return [1 - math.log((low + high - v) / low) / span for v in points]


def _unit_edges(hp: sa.Hyperparameter) -> list[float]:
    """Unit positions where from_unit changes value, with their neighbours."""
    size = hp.size
    if size is None:
        return []
    if isinstance(hp, sa.Int) and hp.step is None:
        edges = _integer_edges(hp)
    else:
        edges = [k / size for k in range(min(size, 200) + 1)]
    nearby = [math.nextafter(u, side) for u in edges for side in (0.0, 1.0)]
    return [u for u in (*edges, *nearby) if 0.0 <= u <= 1.0]


@properties
@given(hyperparameters(), st.lists(units, max_size=20))
@example(sa.Int("x", min_value=1, max_value=1000, sampling="log"), [])
@example(sa.Int("x", min_value=1, max_value=1000, sampling="reverse_log"), [])
def test_from_unit_array_agrees_with_from_unit(hp, drawn):
    us = [*drawn, *_unit_edges(hp), 0.0, 1.0, math.nextafter(1.0, 0.0)]
    batch = hp.from_unit_array(np.array(us, dtype=np.float64))
    assert isinstance(batch, list)
    assert len(batch) == len(us)
    for u, got in zip(us, batch, strict=True):
        expected = hp.from_unit(u)
        assert type(got) is type(expected), (u, got, expected)
        if _continuous(hp):
            assert math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-9 * _scale(hp))
        else:
            assert same(got, expected), (u, got, expected)


@properties
@given(hyperparameters(kinds=[sa.Int, sa.Float]))
def test_numeric_grids_lie_within_the_bounds_and_start_at_the_minimum(hp):
    grid = hp.grid_values()
    if grid is not None:
        assert grid[0] == hp.min_value
        assert all(hp.min_value <= value <= hp.max_value for value in grid)
        assert all(a < b for a, b in itertools.pairwise(grid))
    kind = type(hp)
    plain = kind(
        hp.name, min_value=hp.min_value, max_value=hp.max_value, step=hp.step, sampling=hp.sampling
    )
    assert plain.default == hp.min_value
    assert type(plain.default) is type(hp.min_value)


def test_float_grids_keep_the_minimum_and_stay_below_the_maximum():
    # Regression: grid points were rounded to 15 digits (tidy) without a clamp, so the
    # first point (and the resolved default) could differ from min_value and the last
    # one could exceed max_value.
    linear = sa.Float("x", min_value=0.12345678901234568, max_value=1.0, step=0.1)
    assert linear.default == linear.min_value == linear.grid_values()[0]
    low = 0.1234567890123457
    log = sa.Float("y", min_value=low, max_value=low * 4, step=2, sampling="log")
    assert log.grid_values()[0] == log.min_value == log.default
    assert log.grid_values()[-1] <= log.max_value
    # tidying still removes accumulated error inside the range
    assert sa.Float("z", min_value=0, max_value=0.6, step=0.1).grid_values()[3] == 0.3


def test_int_from_unit_array_agrees_with_from_unit_at_integer_edges():
    # Regression: numpy's exp and math.exp can differ by an ulp, so at the unit position
    # where a log-sampled Int moves to the next integer the two used to disagree.
    for sampling in ("log", "reverse_log"):
        hp = sa.Int("x", min_value=1, max_value=1000, sampling=sampling)
        us = _unit_edges(hp)
        assert hp.from_unit_array(np.array(us)) == [hp.from_unit(u) for u in us]


# --- grids -----------------------------------------------------------------------------


@properties
@given(spaces(max_size=4), st.randoms(use_true_random=False))
def test_grid_yields_each_configuration_of_a_finite_space_once(space, random):
    size = sa.cardinality(space)
    assume(size is not None and size <= MAX_CARDINALITY)
    entries = list(space.hyperparameters)
    random.shuffle(entries)  # grid walks parents first whatever the declaration order
    space = sa.Space(entries)
    assert sa.cardinality(space) == size
    configurations = list(sa.grid(space))
    assert len(configurations) == size
    assert len(set(configurations)) == size
    for configuration in configurations:
        assert sa.contains(space, configuration)
    assert configurations[0] == sa.defaults(space)


@properties
@given(spaces(max_size=4), st.data())
def test_grid_reaches_every_drawn_configuration(space, data):
    size = sa.cardinality(space)
    assume(size is not None and size <= MAX_CARDINALITY)
    configuration = data.draw(values(space))
    assert configuration in set(sa.grid(space))


@properties
@given(spaces())
def test_grid_of_a_space_with_continuous_entries_names_them(space):
    continuous = [name for name in space if space[name].grid_values() is None]
    assume(continuous)
    assert sa.cardinality(space) is None
    with pytest.raises(sa.errors.ContinuousSpaceError) as raised:
        sa.grid(space)
    for name in continuous:
        assert repr(name) in str(raised.value)


def test_grid_order_is_an_odometer_with_defaults_first():
    space = sa.Space([sa.Choice("x", values=[1, 2, 3], default=2), sa.Boolean("y")])
    assert [tuple(v.values()) for v in sa.grid(space)] == [
        (2, False),
        (2, True),
        (1, False),
        (1, True),
        (3, False),
        (3, True),
    ]


# --- statistics: sample and sample_many draw from the same distribution -----------------

N = 20_000
TOLERANCE = 0.02
DECILES = np.linspace(0.1, 0.9, 9)

MIXED = sa.Space(
    [
        sa.Int("units", min_value=32, max_value=512, step=32, default=64),
        sa.Int("layers", min_value=1, max_value=100, sampling="log"),
        sa.Int("width", min_value=1, max_value=64, sampling="reverse_log"),
        sa.Int("filters", min_value=8, max_value=256, step=2, sampling="log"),
        sa.Float("dropout", min_value=0, max_value=0.5),
        sa.Float("lr", min_value=1e-5, max_value=1e-1, sampling="log"),
        sa.Float("beta", min_value=0.5, max_value=0.999, sampling="reverse_log"),
        sa.Float("rate", min_value=0.1, max_value=0.6, step=0.1),
        sa.Float("decay", min_value=1e-4, max_value=1.0, step=10, sampling="log"),
        sa.Choice("activation", values=["relu", "tanh", "gelu"]),
        sa.Boolean("batch_norm"),
        sa.Fixed("seed", value=7),
    ]
)

CONDITIONAL = sa.Space(
    [
        sa.Choice("optimizer", values=["adam", "sgd", "rmsprop"]),
        sa.Boolean("deep", default=True),
        sa.Float(
            "momentum",
            min_value=1e-3,
            max_value=0.99,
            sampling="log",
            conditions=sa.Condition("optimizer", ["sgd", "rmsprop"]),
        ),
        sa.Boolean("nesterov", conditions=sa.Condition("optimizer", "sgd")),
        sa.Int(
            "restarts",
            min_value=1,
            max_value=4,
            conditions=sa.Condition("nesterov", True),
        ),
        sa.Fixed(
            "warmup",
            value=100,
            conditions=(sa.Condition("optimizer", ["adam", "sgd"]), sa.Condition("deep", True)),
        ),
        sa.Int(
            "layers",
            min_value=2,
            max_value=64,
            sampling="reverse_log",
            conditions=sa.Condition("deep", True),
        ),
    ]
)

ACTIVITY = {
    "optimizer": 1.0,
    "deep": 1.0,
    "momentum": 2 / 3,
    "nesterov": 1 / 3,
    "restarts": 1 / 6,
    "warmup": 1 / 3,
    "layers": 1 / 2,
}


def _draw_both(space: sa.Space, seed: int) -> tuple[list[sa.Values], list[sa.Values]]:
    generator = np.random.default_rng(seed)
    single = [sa.sample(space, generator) for _ in range(N)]
    batched = list(sa.sample_many(space, N, seed + 1))
    return single, batched


def _frequencies(column: list[sa.Scalar], support: Sequence[sa.Scalar]) -> np.ndarray:
    counts = Counter(column)
    assert set(counts) <= set(support)
    return np.array([counts[value] for value in support]) / len(column)


def _expected_frequencies(hp: sa.Hyperparameter) -> np.ndarray:
    """The probability of each grid value, computed from the definition of each sampling."""
    grid = hp.grid_values()
    assert grid is not None
    if not isinstance(hp, sa.Int) or hp.step is not None:
        return np.full(len(grid), 1 / len(grid))
    low, high = hp.min_value, hp.max_value + 1  # each integer v owns [v, v + 1)
    edges = np.arange(low, high + 1, dtype=np.float64)
    if hp.sampling == "log":
        cumulative = np.log(edges / low) / math.log(high / low)
    else:  # reverse_log: mirrored, dense near the maximum
        cumulative = 1 - np.log((low + high - edges) / low) / math.log(high / low)
    return np.diff(cumulative)


def _independent_unit(hp: sa.Float, x: np.ndarray) -> np.ndarray:
    """Where x lies in [min, max] under the sampling, written out here rather than reused."""
    low, high = hp.min_value, hp.max_value
    if hp.sampling == "linear":
        return (x - low) / (high - low)
    span = math.log(high / low)
    if hp.sampling == "log":
        return np.log(x / low) / span
    return 1 - np.log((low + high - x) / low) / span


def _check_marginals(space: sa.Space, seed: int) -> None:
    single, batched = _draw_both(space, seed)
    for name in space:
        hp = space[name]
        present = [[c[name] for c in configs if name in c] for configs in (single, batched)]
        rates = [len(column) / N for column in present]
        assert abs(rates[0] - rates[1]) < TOLERANCE, (name, rates)
        grid = hp.grid_values()
        if grid is not None:
            expected = _expected_frequencies(hp)
            for column in present:
                observed = _frequencies(column, grid)
                assert np.max(np.abs(observed - expected)) < TOLERANCE, (name, observed, expected)
            gap = _frequencies(present[0], grid) - _frequencies(present[1], grid)
            assert np.max(np.abs(gap)) < TOLERANCE, name
            continue
        assert isinstance(hp, sa.Float)
        quantiles = []
        for column in present:
            unit = np.array([hp.to_unit(x) for x in column])
            deciles = np.quantile(unit, DECILES)
            assert np.max(np.abs(deciles - DECILES)) < TOLERANCE, (name, deciles)
            independent = np.quantile(_independent_unit(hp, np.array(column)), DECILES)
            assert np.max(np.abs(independent - DECILES)) < TOLERANCE, (name, independent)
            quantiles.append(deciles)
        assert np.max(np.abs(quantiles[0] - quantiles[1])) < TOLERANCE, name


def test_sample_and_sample_many_have_the_same_marginals():
    _check_marginals(MIXED, seed=20240601)


def test_conditional_marginals_and_activity_rates_match():
    _check_marginals(CONDITIONAL, seed=7)
    single, batched = _draw_both(CONDITIONAL, seed=11)
    for name, rate in ACTIVITY.items():
        for configs in (single, batched):
            observed = sum(name in c for c in configs) / N
            assert abs(observed - rate) < TOLERANCE, (name, observed, rate)


def test_child_values_follow_their_parent_only_when_active():
    single, batched = _draw_both(CONDITIONAL, seed=3)
    for configs in (single, batched):
        for configuration in configs:
            assert ("nesterov" in configuration) == (configuration["optimizer"] == "sgd")
            assert ("restarts" in configuration) == (configuration.get("nesterov") is True)
