"""Oracles: pure, replayable proposals (random and grid search): see
docs/semantics.md#duplicates-and-exhaustion and #seeds-and-determinism.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import spacealg as sa
from spacealg import (
    Boolean,
    Choice,
    Condition,
    Float,
    GridSearchOracle,
    Int,
    RandomSearchOracle,
    Space,
    Values,
)
from spacealg._search.oracle_helpers import trial_rng
from spacealg._search.registry import as_oracle
from spacealg.errors import ArgumentTypeError, InvalidArgumentError
from spacealg.testing import spaces

MAX_POINTS = 40
properties = settings(deadline=None, max_examples=60)
seeds = st.integers(0, 2**63 - 1)

SPACE = Space(
    [
        Int("units", min_value=32, max_value=128, step=32, default=64),
        Choice("activation", values=["relu", "tanh"]),
        Boolean("dropout"),
        Float(
            "rate", min_value=0.1, max_value=0.3, step=0.1, conditions=Condition("dropout", True)
        ),
    ]
)
CONTINUOUS = Space([Float("lr", min_value=1e-4, max_value=1e-1, sampling="log"), Boolean("b")])


def _finite_spaces() -> st.SearchStrategy[Space]:
    return spaces(max_size=4).filter(
        lambda space: (sa.cardinality(space) or MAX_POINTS + 1) <= MAX_POINTS
    )


def _run(oracle: sa.Oracle, space: Space, seed: int, limit: int = 10_000) -> list[Values]:
    tried: list[Values] = []
    for index in range(limit):
        values = oracle.propose(space, tried, seed=seed, index=index)
        if values is None:
            break
        tried.append(values)
    return tried


# --- randomness from (seed, index) ----------------------------------------------------------------


def test_trial_rng_depends_only_on_seed_and_index():
    assert trial_rng(3, 5).random(4).tolist() == trial_rng(3, 5).random(4).tolist()
    assert trial_rng(3, 5).random(4).tolist() != trial_rng(3, 6).random(4).tolist()
    assert trial_rng(3, 5).random(4).tolist() != trial_rng(4, 5).random(4).tolist()


@properties
@given(seeds, st.integers(0, 50))
def test_random_proposals_are_determined_by_seed_index_and_history(seed, index):
    oracle = RandomSearchOracle()
    history = [sa.sample(SPACE, i) for i in range(3)]
    first = oracle.propose(SPACE, history, seed=seed, index=index)
    again = oracle.propose(SPACE, list(history), seed=seed, index=index)
    assert first == again
    assert first is not None
    assert sa.contains(SPACE, first)


def test_random_proposals_differ_across_indices_and_seeds():
    oracle = RandomSearchOracle()
    by_index = {oracle.propose(CONTINUOUS, [], seed=7, index=i) for i in range(20)}
    by_seed = {oracle.propose(CONTINUOUS, [], seed=s, index=0) for s in range(20)}
    assert len(by_index) == 20
    assert len(by_seed) == 20


def test_seed_zero_is_a_seed():
    oracle = RandomSearchOracle()
    zero = [oracle.propose(CONTINUOUS, [], seed=0, index=i) for i in range(5)]
    assert zero == [oracle.propose(CONTINUOUS, [], seed=0, index=i) for i in range(5)]
    assert zero != [oracle.propose(CONTINUOUS, [], seed=1, index=i) for i in range(5)]


def test_the_same_seed_replays_a_whole_search():
    oracle = RandomSearchOracle()
    assert _run(oracle, SPACE, seed=11) == _run(oracle, SPACE, seed=11)
    assert _run(oracle, SPACE, seed=11) != _run(oracle, SPACE, seed=12)


def test_a_search_resumed_from_its_history_proposes_what_an_uninterrupted_one_would():
    oracle = RandomSearchOracle()
    whole = _run(oracle, SPACE, seed=5)
    for cut in (0, 1, 5, len(whole) - 1):
        tried = list(whole[:cut])
        rest = _run_from(oracle, SPACE, seed=5, tried=tried)
        assert tried + rest == whole


def _run_from(oracle: sa.Oracle, space: Space, seed: int, tried: list[Values]) -> list[Values]:
    history = list(tried)
    proposed = []
    while (values := oracle.propose(space, history, seed=seed, index=len(history))) is not None:
        history.append(values)
        proposed.append(values)
    return proposed


# --- random search never repeats and ends at exhaustion -------------------------------------------


@properties
@given(_finite_spaces(), seeds)
def test_random_search_never_reproposes_and_ends_at_exhaustion(space, seed):
    tried = _run(RandomSearchOracle(), space, seed)
    assert len(tried) == len(set(tried)) == sa.cardinality(space)
    assert set(tried) == set(sa.grid(space))
    assert all(sa.contains(space, values) for values in tried)


@properties
@given(_finite_spaces(), seeds, st.integers(1, 3))
def test_random_search_with_few_collisions_still_covers_the_space(space, seed, collisions):
    tried = _run(RandomSearchOracle(max_collisions=collisions), space, seed)
    assert len(tried) == len(set(tried)) == sa.cardinality(space)


@properties
@given(_finite_spaces(), st.data())
def test_random_search_skips_whatever_was_tried(space, data):
    grid = list(sa.grid(space))
    tried = data.draw(st.lists(st.sampled_from(grid), unique=True, max_size=len(grid)))
    proposed = RandomSearchOracle().propose(space, tried, seed=0, index=len(tried))
    if len(tried) == len(grid):
        assert proposed is None
    else:
        assert proposed is not None
        assert proposed not in tried
        assert proposed in grid


def test_random_search_on_a_one_point_space():
    space = Space([Choice("x", values=["only"])])
    oracle = RandomSearchOracle()
    assert _run(oracle, space, seed=0) == [Values({"x": "only"})]


def test_random_search_on_the_empty_space_proposes_the_empty_configuration_once():
    assert _run(RandomSearchOracle(), Space(), seed=0) == [Values()]


def test_random_search_on_a_continuous_space_never_ends_by_itself():
    tried = _run(RandomSearchOracle(), CONTINUOUS, seed=0, limit=200)
    assert len(tried) == 200
    assert len(set(tried)) == 200


def test_max_collisions_must_be_a_positive_int():
    for bad in (0, -1, 1.5, True):
        with pytest.raises(InvalidArgumentError, match="max_collisions"):
            RandomSearchOracle(max_collisions=bad)  # type: ignore[arg-type]
    assert RandomSearchOracle().settings() == {"max_collisions": 20}
    assert RandomSearchOracle(max_collisions=3).settings() == {"max_collisions": 3}


# --- grid search ----------------------------------------------------------------------------------


@properties
@given(_finite_spaces(), seeds)
def test_grid_search_visits_every_point_once_in_grid_order(space, seed):
    assert _run(GridSearchOracle(), space, seed) == list(sa.grid(space))


def test_grid_search_order_is_the_grid_order_of_a_conditional_space():
    visited = _run(GridSearchOracle(), SPACE, seed=0)
    assert visited == list(sa.grid(SPACE))
    assert len(visited) == sa.cardinality(SPACE) == 4 * 2 * (1 + 3)
    assert visited[0] == sa.defaults(SPACE)


def test_grid_search_ignores_the_seed_and_skips_tried_points():
    oracle = GridSearchOracle()
    grid = list(sa.grid(SPACE))
    assert oracle.propose(SPACE, [], seed=0, index=0) == grid[0]
    assert oracle.propose(SPACE, [], seed=99, index=7) == grid[0]
    assert oracle.propose(SPACE, [grid[0], grid[2]], seed=0, index=2) == grid[1]
    assert oracle.propose(SPACE, grid[:-1], seed=0, index=0) == grid[-1]
    assert oracle.propose(SPACE, grid, seed=0, index=0) is None
    assert oracle.settings() == {}


@pytest.mark.parametrize(
    "hp",
    [
        Int("x", min_value=-3, max_value=4),
        Int("x", min_value=1, max_value=12, sampling="log"),
        Int("x", min_value=1, max_value=12, sampling="reverse_log"),
    ],
    ids=["linear", "log", "reverse_log"],
)
def test_an_int_without_a_step_enumerates_every_integer(hp):
    visited = [values["x"] for values in _run(GridSearchOracle(), Space([hp]), seed=0)]
    assert sorted(visited) == list(range(hp.min_value, hp.max_value + 1))
    assert visited[0] == hp.default
    randomly = [values["x"] for values in _run(RandomSearchOracle(), Space([hp]), seed=0)]
    assert sorted(randomly) == list(range(hp.min_value, hp.max_value + 1))


def test_an_int_with_a_step_visits_its_grid():
    space = Space([Int("x", min_value=0, max_value=10, step=5)])
    assert [v["x"] for v in _run(GridSearchOracle(), space, seed=0)] == [0, 5, 10]


def test_a_float_grid_includes_its_max():
    space = Space([Float("rate", min_value=0.0, max_value=0.6, step=0.1)])
    visited = [v["rate"] for v in _run(GridSearchOracle(), space, seed=0)]
    assert visited == [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6]
    randomly = sorted(v["rate"] for v in _run(RandomSearchOracle(), space, seed=3))
    assert randomly == visited


def test_grid_search_of_a_continuous_space_is_an_error():
    with pytest.raises(sa.errors.ContinuousSpaceError, match="lr"):
        GridSearchOracle().propose(CONTINUOUS, [], seed=0, index=0)


# --- exhaustion under both tune_new_entries modes -------------------------------------------------

DECLARED = Space(
    [
        Int("units", min_value=32, max_value=128, step=32, default=64),
        Choice("activation", values=["relu", "tanh"]),
        Boolean("dropout"),
        Float("lr", min_value=1e-4, max_value=1e-2, sampling="log"),
    ]
)
TAILORING = Space([Choice("activation", values=["relu", "tanh", "gelu"]), Boolean("dropout")])


@pytest.mark.parametrize("oracle", [RandomSearchOracle(), GridSearchOracle()])
def test_tune_new_entries_false_exhausts_the_tailored_space(oracle):
    trial_space = sa.resolve(DECLARED, TAILORING, tune_new_entries=False)
    assert trial_space.pinned == {"units": 64, "lr": 1e-4}
    tried = _run(oracle, trial_space.tuned, seed=2)
    assert len(tried) == len(set(tried)) == 6
    assert {trial_space.complete(v) for v in tried} == {
        Values({"activation": a, "dropout": d, "units": 64, "lr": 1e-4})
        for a, d in itertools.product(["relu", "tanh", "gelu"], [False, True])
    }


def test_tune_new_entries_true_with_fixed_continuous_entries_is_finite():
    declared = sa.fix(DECLARED, lr=1e-3)
    trial_space = sa.resolve(declared, TAILORING, tune_new_entries=True)
    assert sa.cardinality(trial_space.tuned) == 3 * 2 * 4
    tried = _run(RandomSearchOracle(), trial_space.tuned, seed=4)
    assert len(tried) == len(set(tried)) == 24


# --- choosing an oracle ---------------------------------------------------------------------------


def test_as_oracle_takes_names_and_values():
    assert as_oracle("random", "minimize()") == RandomSearchOracle()
    assert as_oracle("grid", "minimize()") == GridSearchOracle()
    custom = RandomSearchOracle(max_collisions=2)
    assert as_oracle(custom, "minimize()") is custom


def test_as_oracle_rejects_unknown_names_listing_the_known_ones():
    with pytest.raises(InvalidArgumentError) as raised:
        as_oracle("annealing", "minimize()")
    assert str(raised.value) == (
        "minimize(): oracle='annealing' is not valid; allowed: one of 'random', 'grid', "
        "'tpe', 'bayesian', 'hyperband'"
    )


def test_as_oracle_rejects_values_without_propose():
    with pytest.raises(ArgumentTypeError, match="propose"):
        as_oracle(42, "minimize()")  # type: ignore[arg-type]


def test_oracles_are_frozen_values():
    assert RandomSearchOracle() == RandomSearchOracle()
    assert RandomSearchOracle() != RandomSearchOracle(max_collisions=5)
    assert RandomSearchOracle.name == "random"
    assert GridSearchOracle.name == "grid"
    with pytest.raises(AttributeError):
        RandomSearchOracle().max_collisions = 2  # type: ignore[misc]


# --- a history from another space (a resumed search whose space changed) --------------------------


@pytest.mark.parametrize("oracle", [RandomSearchOracle(), GridSearchOracle()])
def test_configurations_tried_in_another_space_do_not_exhaust_this_one(oracle):
    old = [Values({"x": i}) for i in range(10)]
    new = Space([Int("x", min_value=10, max_value=14)])
    proposed = _run_from(oracle, new, seed=0, tried=old)
    assert sorted(v["x"] for v in proposed) == [10, 11, 12, 13, 14]


@pytest.mark.parametrize("oracle", [RandomSearchOracle(), GridSearchOracle()])
def test_configurations_tried_in_an_overlapping_space_are_not_proposed_again(oracle):
    old = [Values({"x": i}) for i in range(10)]
    new = Space([Int("x", min_value=8, max_value=12)])
    proposed = _run_from(oracle, new, seed=0, tried=old)
    assert sorted(v["x"] for v in proposed) == [10, 11, 12]


@properties
@given(_finite_spaces(), _finite_spaces(), seeds)
def test_a_foreign_history_never_hides_an_untried_point(space, other, seed):
    history = list(sa.grid(other))
    proposed = _run_from(RandomSearchOracle(), space, seed=seed, tried=history)
    assert len(proposed) == len(set(proposed))
    assert set(proposed) == set(sa.grid(space)) - set(history)


@pytest.mark.parametrize("oracle", [RandomSearchOracle(), GridSearchOracle()])
def test_a_point_a_few_ulps_away_does_not_stand_in_for_a_grid_point(oracle):
    # The wider range's grid ends near 15.7359982052276, which the narrower space
    # accepts as a value, but its own grid point 15.735998205227588 was never tried.
    low = 1.5735998205227588
    narrow = Float("x", min_value=low, max_value=15.735998205227588, step=10, sampling="log")
    wide = Float("x", min_value=low, max_value=86.54799012875174, step=10, sampling="log")
    tried = list(sa.grid(Space([wide])))
    assert all(sa.contains(Space([narrow]), values) for values in tried)
    proposed = _run_from(oracle, Space([narrow]), seed=0, tried=tried)
    assert proposed == [Values({"x": 15.735998205227588})]
