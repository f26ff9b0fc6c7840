"""Priors on choices: ``Choice(..., weights=[...])``."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import spacealg as sa
from spacealg.errors import ArgumentTypeError, InvalidArgumentError


def _optimizer(**kwargs) -> sa.Choice:
    return sa.Choice("optimizer", values=["adam", "sgd", "rmsprop"], weights=[6, 3, 1], **kwargs)


def _chi_square(observed: list[int], probabilities: list[float]) -> float:
    expected = np.array(probabilities) * sum(observed)
    return float(((np.array(observed) - expected) ** 2 / expected).sum())


CRITICAL_2_DOF = 13.8  # chi-square, 2 degrees of freedom, p = 0.001


def test_weights_are_normalised_and_equal_weights_are_none():
    choice = _optimizer()
    assert choice.weights == (0.6, 0.3, 0.1)
    assert sa.Choice("x", values=[1, 2], weights=[5, 5]) == sa.Choice("x", values=[1, 2])
    assert sa.Choice("x", values=[1, 2], weights=[5, 5]).weights is None
    assert choice == sa.Choice(
        "optimizer", values=["adam", "sgd", "rmsprop"], weights=[0.6, 0.3, 0.1]
    )
    assert repr(choice).endswith("conditions=(), weights=(0.6, 0.3, 0.1))")
    assert "weights" not in repr(sa.Choice("x", values=[1, 2]))


@pytest.mark.parametrize(
    ("weights", "error", "message"),
    [
        (
            [1, 2],
            InvalidArgumentError,
            (
                "Choice(): weights=[1, 2] is not valid for 'optimizer'; allowed: one non-negative "
                "finite number per value, not all zero (3 values)"
            ),
        ),
        (
            [1, -1, 1],
            InvalidArgumentError,
            (
                "Choice(): weights=[1, -1, 1] is not valid for 'optimizer'; allowed: one "
                "non-negative finite number per value, not all zero (3 values)"
            ),
        ),
        (
            [0, 0, 0],
            InvalidArgumentError,
            (
                "Choice(): weights=[0, 0, 0] is not valid for 'optimizer'; allowed: one "
                "non-negative finite number per value, not all zero (3 values)"
            ),
        ),
        (
            [1, float("nan"), 1],
            InvalidArgumentError,
            (
                "Choice(): weights=[1, nan, 1] is not valid for 'optimizer'; allowed: one "
                "non-negative finite number per value, not all zero (3 values)"
            ),
        ),
        (
            [1, "a", 1],
            ArgumentTypeError,
            (
                "Choice(): weights=[1, 'a', 1] is not valid for 'optimizer'; allowed: one "
                "non-negative finite number per value, not all zero"
            ),
        ),
        (
            "abc",
            ArgumentTypeError,
            (
                "Choice(): weights='abc' is not valid for 'optimizer'; allowed: one "
                "non-negative finite number per value, not all zero"
            ),
        ),
    ],
)
def test_bad_weights_are_refused_by_name(weights, error, message):
    with pytest.raises(error) as caught:
        sa.Choice("optimizer", values=["adam", "sgd", "rmsprop"], weights=weights)
    assert type(caught.value) is error
    assert str(caught.value) == message


def test_sample_many_draws_by_the_weights():
    space = sa.Space([_optimizer(), sa.Boolean("b")])
    drawn = sa.sample_many(space, 6000, 1234)
    observed = [sum(v["optimizer"] == name for v in drawn) for name in ("adam", "sgd", "rmsprop")]
    assert _chi_square(observed, [0.6, 0.3, 0.1]) < CRITICAL_2_DOF
    # the unweighted entry is still uniform
    assert (
        _chi_square([sum(v["b"] for v in drawn), sum(not v["b"] for v in drawn)], [0.5, 0.5]) < 10.8
    )


def test_sample_draws_by_the_weights():
    space = sa.Space([_optimizer()])
    rng = np.random.default_rng(99)
    drawn = [sa.sample(space, rng)["optimizer"] for _ in range(3000)]
    observed = [drawn.count(name) for name in ("adam", "sgd", "rmsprop")]
    assert _chi_square(observed, [0.6, 0.3, 0.1]) < CRITICAL_2_DOF


def test_a_value_of_weight_zero_is_never_drawn_but_stays_in_the_domain():
    space = sa.Space([sa.Choice("x", values=[1, 2, 3], weights=[1, 0, 1])])
    assert {v["x"] for v in sa.sample_many(space, 2000, 0)} == {1, 3}
    assert [v["x"] for v in sa.grid(space)] == [1, 2, 3]
    assert sa.contains(space, {"x": 2})
    assert sa.fix(space, x=2)["x"] == sa.Fixed("x", value=2)


def test_summary_and_describe_show_the_weights():
    text = sa.summary(sa.Space([_optimizer()]))
    assert text.splitlines()[-1] == (
        "{'default': 'adam', 'conditions': [], 'values': ['adam', 'sgd', 'rmsprop'], "
        "'ordered': False, 'weights': [0.6, 0.3, 0.1]}"
    )
    assert _optimizer().describe() == (
        "one of 'adam' (weight 0.6), 'sgd' (weight 0.3) or 'rmsprop' (weight 0.1)"
    )
    explained = sa.explain(sa.resolve(sa.Space([_optimizer()])))
    assert "'adam' (weight 0.6)" in explained


def test_restrict_renormalises_and_fix_drops_the_weights():
    space = sa.Space([_optimizer()])
    restricted = sa.restrict(space, "optimizer", values=["sgd", "rmsprop"])
    assert restricted["optimizer"].weights == pytest.approx((0.75, 0.25))
    assert restricted["optimizer"].values == ("sgd", "rmsprop")
    assert sa.fix(space, optimizer="sgd")["optimizer"] == sa.Fixed("optimizer", value="sgd")
    zero = sa.Space([sa.Choice("x", values=[1, 2, 3], weights=[1, 0, 0])])
    with pytest.raises(InvalidArgumentError) as caught:
        sa.restrict(zero, "x", values=[2, 3])
    assert str(caught.value) == (
        "restrict(): values=[2, 3] is not valid for 'x'; allowed: values of which one has a "
        "weight above 0; weights: one of 1 (weight 1), 2 (weight 0) or 3 (weight 0)"
    )


def test_weights_are_saved_in_schema_version_2_and_only_when_given():
    space = sa.Space([_optimizer(), sa.Choice("plain", values=[1, 2])])
    saved = sa.to_dict(space)
    assert saved["version"] == 2
    assert saved["hyperparameters"][0]["weights"] == [0.6, 0.3, 0.1]
    assert "weights" not in saved["hyperparameters"][1]
    assert sa.from_json(sa.to_json(space)) == space
    v1 = sa.to_dict(sa.Space([sa.Choice("plain", values=[1, 2])]))
    assert v1["version"] == 1
    with pytest.raises(sa.errors.SerializationError, match="unknown field 'weights'"):
        sa.from_dict({**v1, "hyperparameters": [{**v1["hyperparameters"][0], "weights": [1, 2]}]})


@settings(deadline=None, max_examples=50)
@given(
    st.lists(st.floats(0, 100, allow_nan=False), min_size=2, max_size=6).filter(
        lambda w: sum(w) > 0
    )
)
def test_weights_round_trip_and_stay_normalised(weights):
    choice = sa.Choice("x", values=list(range(len(weights))), weights=weights)
    if choice.weights is not None:
        assert sum(choice.weights) == pytest.approx(1.0)
        assert all(w >= 0 for w in choice.weights)
    space = sa.Space([choice])
    assert sa.from_dict(sa.to_dict(space)) == space


def _first_proposals(oracle: sa.Oracle, space: sa.Space, seeds: int) -> list[str]:
    return [oracle.propose(space, [], seed=seed, index=0)["optimizer"] for seed in range(seeds)]


@pytest.mark.parametrize(
    "oracle",
    [
        sa.TPEOracle(n_startup_trials=0),
        sa.RandomSearchOracle(),
    ],
    ids=["tpe", "random"],
)
def test_model_oracles_take_the_weights_as_their_prior(oracle):
    space = sa.Space([_optimizer(), sa.Float("lr", min_value=0.0, max_value=1.0)])
    proposals = _first_proposals(oracle, space, 600)
    observed = [proposals.count(name) for name in ("adam", "sgd", "rmsprop")]
    assert _chi_square(observed, [0.6, 0.3, 0.1]) < CRITICAL_2_DOF


def test_bayesian_candidates_follow_the_weights():
    from spacealg._search.encoding import Encoding

    space = sa.Space([_optimizer(), sa.Float("lr", min_value=0.0, max_value=1.0)])
    encoding = Encoding.of(space)
    units, active = encoding.random(6000, np.random.default_rng(5))
    drawn = [encoding.decode(units[i], active[i])["optimizer"] for i in range(len(units))]
    observed = [drawn.count(name) for name in ("adam", "sgd", "rmsprop")]
    assert _chi_square(observed, [0.6, 0.3, 0.1]) < CRITICAL_2_DOF


def test_tpe_density_uses_the_weights_as_prior():
    from spacealg._search.encoding import Encoding
    from spacealg._search.tpe import _Parzen

    space = sa.Space([_optimizer()])
    encoding = Encoding.of(space)
    empty = np.zeros((0, 1))
    parzen = _Parzen.fit(encoding, empty, empty.astype(bool), completed=0, prior=1.0)
    units, active = encoding.encode(
        [sa.Values({"optimizer": v}) for v in ("adam", "sgd", "rmsprop")]
    )
    assert np.exp(parzen.log_pdf(units, active)) == pytest.approx([0.6, 0.3, 0.1])
