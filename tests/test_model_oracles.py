"""The model-based oracles, TPE and Bayesian optimization.

Both are checked for what every oracle owes (proposals inside the space, never
a configuration twice, exhaustion, determinism given seed and history) on
spaces drawn by ``spacealg.testing``, for how they treat conditional and fixed
entries, and for doing better than random search on a small problem.
"""

from __future__ import annotations

import builtins
import hashlib
import json
import math
import statistics

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import spacealg as sa
from spacealg import (
    BayesianOptimizationOracle,
    Boolean,
    Choice,
    Condition,
    Fixed,
    Float,
    Int,
    Observation,
    RandomSearchOracle,
    Space,
    TPEOracle,
    TrialState,
    Values,
)
from spacealg._search.encoding import Encoding
from spacealg._search.registry import as_oracle
from spacealg.errors import InvalidArgumentError, MissingDependencyError
from spacealg.testing import spaces, values

MAX_POINTS = 24
properties = settings(deadline=None, max_examples=15, suppress_health_check=[HealthCheck.too_slow])
seeds = st.integers(0, 2**63 - 1)

# Small settings keep the property tests fast; the defaults are exercised below.
QUICK = {
    "tpe": TPEOracle(n_startup_trials=2, n_ei_candidates=8),
    "bayesian": BayesianOptimizationOracle(num_initial_points=2, num_candidates=64, restarts=1),
}
ORACLES = pytest.mark.parametrize("oracle", list(QUICK.values()), ids=list(QUICK))

CONDITIONAL = Space(
    [
        Choice("optimizer", values=["adam", "sgd", "rmsprop"]),
        Float("lr", min_value=1e-4, max_value=1e-1, sampling="log"),
        Float("momentum", min_value=0.0, max_value=0.9, conditions=Condition("optimizer", "sgd")),
        Boolean("deep"),
        Int("layers", min_value=2, max_value=6, conditions=Condition("deep", True)),
        Int(
            "width",
            min_value=8,
            max_value=512,
            sampling="log",
            conditions=(Condition("deep", True), Condition("optimizer", ["sgd", "adam"])),
        ),
        Fixed("batch", value=32),
    ]
)


def _score(configuration: Values) -> float:
    """A deterministic, arbitrary score of a configuration."""
    digest = hashlib.sha256(json.dumps(dict(configuration), sort_keys=True).encode()).digest()
    return int.from_bytes(digest[:6], "big") / 2**48


def _run(oracle: sa.Oracle, space: Space, seed: int, limit: int, score=_score) -> list[Observation]:
    history: list[Observation] = []
    for index in range(limit):
        proposed = oracle.propose(
            space, [o.values for o in history], seed=seed, index=index, history=history
        )
        if proposed is None:
            break
        history.append(Observation(proposed, TrialState.COMPLETED, score(proposed)))
    return history


def _finite_spaces() -> st.SearchStrategy[Space]:
    return spaces(max_size=4).filter(
        lambda space: (sa.cardinality(space) or MAX_POINTS + 1) <= MAX_POINTS
    )


# --- what every oracle owes ---------------------------------------------------------------------


@ORACLES
@properties
@given(space=_finite_spaces(), seed=seeds)
def test_never_reproposes_and_ends_at_exhaustion(oracle, space, seed):
    history = _run(oracle, space, seed, limit=10_000)
    tried = [o.values for o in history]
    assert len(tried) == len(set(tried)) == sa.cardinality(space)
    assert all(sa.contains(space, configuration) for configuration in tried)


def _wide(space: Space) -> bool:
    """No continuous Float spans a handful of floats (it would repeat, for every oracle)."""
    return all(
        hp.max_value - hp.min_value > 1e-6 * max(1.0, abs(hp.min_value))
        for hp in space.hyperparameters
        if isinstance(hp, Float) and hp.step is None
    )


@ORACLES
@properties
@given(space=spaces(max_size=5).filter(_wide), seed=seeds)
def test_proposals_lie_in_the_space_and_are_new(oracle, space, seed):
    history = _run(oracle, space, seed, limit=8)
    tried = [o.values for o in history]
    assert len(tried) == len(set(tried))
    assert all(sa.contains(space, configuration) for configuration in tried)


@ORACLES
@properties
@given(data=st.data(), seed=seeds, index=st.integers(0, 30))
def test_a_proposal_depends_only_on_space_history_seed_and_index(oracle, data, seed, index):
    space = data.draw(spaces(max_size=4))
    drawn = data.draw(st.lists(values(space), min_size=3, max_size=8, unique=True))
    states = data.draw(st.lists(st.sampled_from(list(TrialState)), min_size=len(drawn),
                                max_size=len(drawn)))  # fmt: skip
    history = [
        Observation(v, state, _score(v) if state is TrialState.COMPLETED else None)
        for v, state in zip(drawn, states, strict=True)
    ]
    tried = [o.values for o in history]
    first = oracle.propose(space, tried, seed=seed, index=index, history=history)
    again = oracle.propose(space, list(tried), seed=seed, index=index, history=tuple(history))
    assert first == again
    if first is not None:
        assert first not in tried
        assert sa.contains(space, first)


@ORACLES
def test_a_search_replays_from_any_point_of_its_history(oracle):
    whole = _run(oracle, CONDITIONAL, seed=3, limit=10)
    for cut in (3, 8):
        resumed = whole[:cut] + _run_from(oracle, CONDITIONAL, 3, whole[:cut], 10 - cut)
        assert resumed == whole
    assert _run(oracle, CONDITIONAL, seed=4, limit=3) != whole[:3]


def _run_from(oracle, space, seed, history, count):
    history = list(history)
    start = len(history)
    for index in range(start, start + count):
        proposed = oracle.propose(
            space, [o.values for o in history], seed=seed, index=index, history=history
        )
        history.append(Observation(proposed, TrialState.COMPLETED, _score(proposed)))
    return history[start:]


@ORACLES
def test_running_and_failed_trials_count_as_tried(oracle):
    space = Space([Choice("x", values=list(range(6)))])
    history = [
        Observation(Values({"x": 0}), TrialState.COMPLETED, 0.0),
        Observation(Values({"x": 1}), TrialState.COMPLETED, 1.0),
        Observation(Values({"x": 2}), TrialState.COMPLETED, 2.0),
        Observation(Values({"x": 3}), TrialState.RUNNING),
        Observation(Values({"x": 4}), TrialState.FAILED),
    ]
    proposed = oracle.propose(space, [], seed=0, index=5, history=history)
    assert proposed == Values({"x": 5})
    history.append(Observation(Values({"x": 5}), TrialState.INVALID))
    assert oracle.propose(space, [], seed=0, index=6, history=history) is None


@pytest.mark.parametrize("name", ["tpe", "bayesian"])
def test_a_space_of_only_fixed_entries_is_exhausted_after_one_trial(name):
    space = Space([Fixed("units", value=64), Fixed("activation", value="relu")])
    history = _run(as_oracle(name, "test"), space, seed=0, limit=5)
    assert [o.values for o in history] == [Values({"units": 64, "activation": "relu"})]
    history = _run(as_oracle(name, "test"), Space(), seed=0, limit=5)
    assert [o.values for o in history] == [Values()]


@ORACLES
def test_history_from_another_space_is_ignored_by_the_model(oracle):
    space = Space([Int("x", min_value=0, max_value=9)])
    foreign = [Observation(Values({"y": i}), TrialState.COMPLETED, float(i)) for i in range(5)]
    history = foreign + _run(oracle, space, seed=1, limit=4)
    proposed = oracle.propose(space, [], seed=1, index=len(history), history=history)
    assert proposed is not None
    assert sa.contains(space, proposed)


# --- conditional spaces ---------------------------------------------------------------------------


@ORACLES
def test_conditional_spaces_give_valid_configurations(oracle):
    history = _run(oracle, CONDITIONAL, seed=0, limit=16)
    assert all(sa.contains(CONDITIONAL, o.values) for o in history)
    assert len({o.values for o in history}) == 16
    assert {o.values["batch"] for o in history} == {32}
    assert any("momentum" in o.values for o in history)
    assert any("momentum" not in o.values for o in history)


def _branch_score(configuration: Values) -> float:
    # The best region is the sgd branch with momentum near 0.8.
    if configuration["optimizer"] != "sgd":
        return 1.0 + configuration["lr"]
    return abs(float(configuration["momentum"]) - 0.8)


@pytest.mark.parametrize(
    "oracle",
    [
        TPEOracle(n_startup_trials=5),
        BayesianOptimizationOracle(num_initial_points=5, num_candidates=256, restarts=1),
    ],
    ids=["tpe", "bayesian"],
)
def test_the_model_learns_a_conditional_branch(oracle):
    history = _run(oracle, CONDITIONAL, seed=2, limit=20, score=_branch_score)
    later = history[8:]
    assert sum(o.values["optimizer"] == "sgd" for o in later) >= len(later) // 2
    assert min(o.score for o in history) < 0.05


def test_the_bayesian_features_ignore_inactive_values():
    encoding = Encoding.of(CONDITIONAL)
    from spacealg._search.bayesian import _Features

    features = _Features.of(encoding)
    first = Values({"optimizer": "adam", "lr": 0.01, "deep": False, "batch": 32})
    units, active = encoding.encode([first])
    changed = units.copy()
    for name in ("momentum", "layers", "width"):  # inactive: any stored position is ignored
        changed[0, [hp.name for hp in encoding.entries].index(name)] = 0.123
    assert np.array_equal(features(units, active), features(changed, active))
    assert features(units, active).shape[1] == 3 + 1 + 2 + 2 + 2 + 2  # Fixed adds none


# --- quality --------------------------------------------------------------------------------------

QUADRATIC = Space(
    [Float("x", min_value=-5.0, max_value=5.0), Float("y", min_value=-5.0, max_value=5.0)]
)


def _quadratic(configuration: Values) -> float:
    return (float(configuration["x"]) - 1.3) ** 2 + 2 * (float(configuration["y"]) + 0.7) ** 2


@pytest.mark.parametrize(
    "oracle",
    [TPEOracle(), BayesianOptimizationOracle(num_candidates=256, restarts=1)],
    ids=["tpe", "bayesian"],
)
def test_beats_random_search_on_a_quadratic(oracle):
    trials = 20 if isinstance(oracle, BayesianOptimizationOracle) else 30
    best = [min(o.score for o in _run(oracle, QUADRATIC, s, trials, _quadratic)) for s in range(3)]
    randomly = [
        min(o.score for o in _run(RandomSearchOracle(), QUADRATIC, s, trials, _quadratic))
        for s in range(7)
    ]  # random search, 20 trials: medians about 2.1; 30 trials: about 1.6
    assert max(best) < statistics.median(randomly)
    assert statistics.median(best) < statistics.median(randomly) / 4


def test_minimize_and_maximize_by_name():
    def f(configuration: Values) -> float:
        return _quadratic(configuration)

    for name in ("tpe", "bayesian"):
        result = sa.minimize(f, QUADRATIC, max_trials=12, oracle=name, seed=0,
                             directory=_tmp(), verbose=0)  # fmt: skip
        assert len(result.trials) == 12
        flipped = sa.maximize(lambda v: -f(v), QUADRATIC, max_trials=12, oracle=name, seed=0,
                              directory=_tmp(), verbose=0)  # fmt: skip
        assert [t.values for t in flipped.trials] == [t.values for t in result.trials]
        assert flipped.best_score == -result.best_score


def _tmp() -> str:
    import tempfile

    return tempfile.mkdtemp()


# --- arguments and the optional dependency -------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "argument"),
    [
        (lambda: TPEOracle(n_startup_trials=-1), "n_startup_trials"),
        (lambda: TPEOracle(n_ei_candidates=0), "n_ei_candidates"),
        (lambda: TPEOracle(gamma=1.0), "gamma"),
        (lambda: TPEOracle(gamma=True), "gamma"),
        (lambda: TPEOracle(prior_weight=0), "prior_weight"),
        (lambda: TPEOracle(prior_weight=math.inf), "prior_weight"),
        (lambda: BayesianOptimizationOracle(num_initial_points=-1), "num_initial_points"),
        (lambda: BayesianOptimizationOracle(alpha=0.0), "alpha"),
        (lambda: BayesianOptimizationOracle(acquisition="pi"), "acquisition"),
        (lambda: BayesianOptimizationOracle(beta=2.0), "beta"),
        (lambda: BayesianOptimizationOracle(acquisition="ucb", beta=-1.0), "beta"),
        (lambda: BayesianOptimizationOracle(num_candidates=0), "num_candidates"),
        (lambda: BayesianOptimizationOracle(restarts=0), "restarts"),
    ],
)
def test_bad_arguments_are_named(make, argument):
    with pytest.raises(InvalidArgumentError, match=f"{argument}="):
        make()


def test_beta_without_ucb_says_so():
    with pytest.raises(InvalidArgumentError) as raised:
        BayesianOptimizationOracle(beta=2.6)
    assert str(raised.value) == (
        "BayesianOptimizationOracle(): beta=2.6 is not valid; allowed: None unless "
        "acquisition='ucb'"
    )


def test_settings_are_recorded_as_json():
    assert TPEOracle().settings() == {
        "n_startup_trials": 10,
        "n_ei_candidates": 24,
        "gamma": 0.1,
        "prior_weight": 1.0,
        "max_collisions": 20,
    }
    settings = json.loads(json.dumps(BayesianOptimizationOracle().settings()))
    assert (settings["alpha"], settings["num_initial_points"]) == (1e-6, 10)
    assert as_oracle("tpe", "x") == TPEOracle()
    assert as_oracle("bayesian", "x") == BayesianOptimizationOracle()


def test_ucb_proposes_too():
    oracle = BayesianOptimizationOracle(acquisition="ucb", beta=1.0, num_candidates=64)
    history = _run(oracle, QUADRATIC, seed=0, limit=8, score=_quadratic)
    assert len({o.values for o in history}) == 8


def test_without_scipy_the_error_names_the_extra(monkeypatch):
    real_import = builtins.__import__

    def no_scipy(name, *args, **kwargs):
        if name == "scipy" or name.startswith("scipy."):
            raise ImportError(f"No module named {name!r}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_scipy)
    oracle = BayesianOptimizationOracle(num_initial_points=2)
    # the random start needs no scipy
    history = _run(oracle, QUADRATIC, seed=0, limit=2, score=_quadratic)
    with pytest.raises(MissingDependencyError) as raised:
        oracle.propose(QUADRATIC, [], seed=0, index=2, history=history)
    assert isinstance(raised.value, ImportError)
    assert str(raised.value) == (
        "BayesianOptimizationOracle.propose(): needs scipy, which is not installed; "
        "install it with: pip install 'spacealg[bayes]'"
    )


def test_import_spacealg_does_not_import_scipy():
    import subprocess
    import sys

    code = "import sys, spacealg; print(any(m.split('.')[0] == 'scipy' for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, timeout=60)  # fmt: skip
    assert result.stdout.strip() == "False"


# --- n_startup_trials=0: the model from the first proposal ---------------------------------------

STARTUP = Space([Float("x", min_value=-1.0, max_value=1.0), Choice("c", values=["a", "b", "c"])])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_tpe_without_startup_trials_models_from_the_first_proposal(seed):
    random_first = RandomSearchOracle().propose(STARTUP, [], seed=seed, index=0)
    assert TPEOracle(n_startup_trials=1).propose(STARTUP, [], seed=seed, index=0) == random_first
    first = TPEOracle(n_startup_trials=0).propose(STARTUP, [], seed=seed, index=0)
    assert sa.contains(STARTUP, first)
    assert first != random_first  # drawn from the prior by the model, not by random search


def test_tpe_without_startup_trials_steers_away_from_failed_trials():
    failed = [Values({"x": x, "c": "a"}) for x in np.linspace(-1.0, 1.0, 9).tolist()]
    history = [Observation(values, TrialState.FAILED) for values in failed]

    def picks(candidates: int) -> list[str]:
        oracle = TPEOracle(n_startup_trials=0, n_ei_candidates=candidates)
        return [
            oracle.propose(STARTUP, failed, seed=seed, index=len(failed), history=history)["c"]
            for seed in range(30)
        ]

    assert picks(1).count("a") >= 5  # one candidate, drawn from the prior: no choice
    assert picks(64).count("a") == 0  # the best of 64: never like the failed trials


def test_tpe_with_one_completed_trial_uses_the_model_whatever_the_startup():
    history = [Observation(Values({"x": 0.5, "c": "b"}), TrialState.COMPLETED, 0.1)]
    tried = [history[0].values]
    proposals = {
        n: TPEOracle(n_startup_trials=n).propose(STARTUP, tried, seed=3, index=1, history=history)
        for n in (0, 1)
    }
    assert proposals[0] == proposals[1]
    assert proposals[0] != RandomSearchOracle().propose(STARTUP, tried, seed=3, index=1)


# --- num_initial_points=0: the Gaussian process from the first completed trial ------------------


def test_bayesian_without_initial_points_is_random_until_a_trial_completes():
    failed = [Observation(Values({"x": 0.25, "c": "a"}), TrialState.FAILED)]
    random = RandomSearchOracle()
    for history in ([], failed):
        tried = [o.values for o in history]
        proposal = BayesianOptimizationOracle(num_initial_points=0).propose(
            STARTUP, tried, seed=5, index=len(history), history=history
        )
        assert proposal == random.propose(STARTUP, tried, seed=5, index=len(history))


def test_bayesian_without_initial_points_fits_on_the_first_completed_trial():
    history = [Observation(Values({"x": 0.5, "c": "b"}), TrialState.COMPLETED, 0.1)]
    tried = [history[0].values]

    def propose(initial: int) -> Values | None:
        oracle = BayesianOptimizationOracle(num_initial_points=initial, num_candidates=64)
        return oracle.propose(STARTUP, tried, seed=3, index=1, history=history)

    assert propose(0) == propose(1)  # the model, as soon as one trial completed
    assert propose(0) != propose(2)  # propose(2) is still random
    assert propose(2) == RandomSearchOracle().propose(STARTUP, tried, seed=3, index=1)
