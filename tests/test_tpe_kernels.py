"""TPE's kernels: per-trial bandwidths from neighbour gaps, draws per entry, rank weights.

The oracle-level properties (inside the space, never twice, determinism) are in
``test_model_oracles``; these tests pin the rules the module's notes state,
on the density itself.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from spacealg import Float, Space, Values
from spacealg._search.encoding import Encoding
from spacealg._search.tpe import _neighbour_gaps, _Parzen, _scott, rank_weights
from spacealg.oracles import Observation, TPEOracle, TrialState

SQUARE = Space([Float("x", min_value=0.0, max_value=1.0), Float("y", min_value=0.0, max_value=1.0)])
"""The unit square: the space of the density and oracle tests below."""

positions = arrays(np.float64, st.integers(1, 40), elements=st.floats(0.0, 1.0, allow_nan=False))


@settings(deadline=None)
@given(positions)
def test_each_gap_is_one_of_the_distances_to_a_neighbour(present):
    """A gap is between 0 and 1, and at least the distance to the nearest other
    position (the prior's 0.5 included)."""
    gaps = _neighbour_gaps(present)
    assert gaps.shape == present.shape
    assert np.all((gaps >= 0.0) & (gaps <= 1.0))
    everything = np.append(present, 0.5)
    for index, value in enumerate(present):
        others = np.delete(everything, index)
        assert gaps[index] >= np.abs(others - value).min() - 1e-12


def test_gaps_on_an_even_grid_are_its_spacing():
    """Positions 0.1 apart around the prior's 0.5: every gap is 0.1, the lowest and
    highest taking the gap on their inner side (not the one to the ends 0 and 1)."""
    present = np.array([0.3, 0.4, 0.6, 0.7, 0.8])
    np.testing.assert_allclose(_neighbour_gaps(present), 0.1)
    lone = np.array([0.9])  # with the prior's centre only: the larger of 0.4 and 0.1
    np.testing.assert_allclose(_neighbour_gaps(lone), 0.4)


def _fitted(units):
    encoding = Encoding.of(SQUARE)
    active = np.ones(units.shape, dtype=bool)
    return encoding, _Parzen.fit(encoding, units, active, completed=50, prior=1.0)


@settings(deadline=None)
@given(arrays(np.float64, st.integers(1, 30), elements=st.floats(0.0, 1.0, allow_nan=False)))
def test_every_bandwidth_lies_between_the_floor_and_scotts_width(x):
    """The rule's bounds, for any positions: a kernel is never wider than Scott's
    width for its group (nor than 1), never narrower than the floor 1/51."""
    units = np.stack([x, x], axis=1)
    _, parzen = _fitted(units)
    widths = parzen.sigma[:, 0]
    assert np.all(widths >= 1 / 51 - 1e-15)
    assert np.all(widths <= max(min(_scott(x, 2), 1.0), 1 / 51) + 1e-15)


def test_a_trial_among_close_ones_gets_a_narrower_kernel_than_an_isolated_one():
    """Three trials crowd near 0.2; one stands alone at 0.9. The two with a close
    neighbour on both sides, or lowest with a close inner one, get their small gap
    (raised to the floor 1/51); the cluster's upper edge (its gap to the prior's 0.5
    is wide) and the lone trial get Scott's width for the group."""
    x = np.array([0.2, 0.21, 0.22, 0.9])
    units = np.stack([x, x], axis=1)
    _, parzen = _fitted(units)
    crowded, edge, lone = parzen.sigma[:2, 0], parzen.sigma[2, 0], parzen.sigma[3, 0]
    np.testing.assert_allclose(crowded, 1 / 51)
    assert edge == lone == _scott(x, 2)
    assert np.all(crowded < lone / 5)


def test_an_isolated_trial_gets_four_fifths_of_scotts_width():
    """Scott's rule for the group, ``max(std, 0.1) * n ** (-1 / (d + 4))``, computed
    here by hand, scaled by 0.8: a lone trial's kernel is that narrow, not wider."""
    x = np.array([0.1, 0.12, 0.6, 0.95])
    units = np.stack([x, x], axis=1)
    _, parzen = _fitted(units)
    scott = max(float(x.std()), 0.1) * len(x) ** (-1 / (2 + 4))
    assert parzen.sigma[3, 0] == pytest.approx(0.8 * scott)


def test_half_the_draws_combine_the_entries_of_different_trials():
    """Trials clustered at (0.1, 0.1) and (0.9, 0.9): a joint draw stays near one
    cluster, a per-entry draw often takes x from one and y from the other. Even rows
    are joint, odd rows per entry."""
    units = np.array([[0.1, 0.1], [0.9, 0.9], [0.1, 0.1], [0.9, 0.9], [0.11, 0.11], [0.89, 0.89]])
    _, parzen = _fitted(units)
    drawn, _ = parzen.sample(4000, np.random.default_rng(0))
    from_trials = np.all((np.abs(drawn - 0.1) < 0.1) | (np.abs(drawn - 0.9) < 0.1), axis=1)
    mixed = from_trials & (np.abs(drawn[:, 0] - drawn[:, 1]) > 0.5)
    joint, alone = mixed[0::2], mixed[1::2]
    assert joint.mean() < 0.03  # only the prior component's uniform draws can mix
    # a per-entry draw mixes when x and y come from trials on different sides,
    # 2 * (3/7)**2 = 0.37 of the odd rows, and both land within 0.1 of their trial
    # (the kernels at a cluster's edge are wide, so not all do)
    assert 0.2 < alone.mean() < 0.37


@given(st.integers(1, 200))
def test_rank_weights_fall_with_rank_and_sum_to_the_count(count):
    """The good group's weights: positive, falling from the best trial on, and summing
    to the count, so the prior keeps the share it has among trials of weight 1."""
    weights = rank_weights(count)
    assert weights.shape == (count,)
    assert np.all(weights > 0.0)
    assert np.all(np.diff(weights) < 0.0)
    assert weights.sum() == pytest.approx(count)


def test_the_best_good_trial_draws_most_proposals():
    """Eleven trials: the good group is the best two, at opposite corners. With equal
    weights (RANK_POWER = 0), 78 of these 200 proposals went near the best and 122 near
    the second; the rank weights (8 to 1) send nearly all of them near the best."""
    points = [(0.15, 0.15, 0.0), (0.85, 0.85, 0.1)]
    points += [(0.1 * k, 0.9 - 0.1 * k, 1.0 + k) for k in range(1, 10)]
    history = [
        Observation(Values({"x": x, "y": y}), TrialState.COMPLETED, score) for x, y, score in points
    ]
    tried = [h.values for h in history]
    near_best = near_second = 0
    for seed in range(200):
        values = TPEOracle().propose(SQUARE, tried, seed=seed, index=11, history=history)
        assert values is not None
        to_best = abs(values["x"] - 0.15) + abs(values["y"] - 0.15)
        to_second = abs(values["x"] - 0.85) + abs(values["y"] - 0.85)
        near_best += to_best < 0.3
        near_second += to_second < 0.3
    assert near_best > 3 * near_second
    assert near_best > 120
