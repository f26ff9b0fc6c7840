"""The search loop: ``minimize``/``maximize``/``Study.run``, resume, failures, results, output.

Every search records to a real SQLite store under ``tmp_path``. The rules are
those of docs/semantics.md: #resuming-a-search, #printed-formats, #objectives and
#seeds-and-determinism.
"""

from __future__ import annotations

import io
import math
import re
import tempfile
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import attrs
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import spacealg as sa
from spacealg import (
    Boolean,
    Choice,
    Condition,
    Fixed,
    Float,
    Int,
    Objective,
    SearchResult,
    SkipTrial,
    Space,
    Study,
    TrialRecord,
    TrialState,
    Values,
)
from spacealg._running.function_backend import FunctionBackend
from spacealg._store.trial_store import TrialStore
from spacealg.backend import Trial, load_backend
from spacealg.errors import (
    ArgumentTypeError,
    InvalidArgumentError,
    NoCompletedTrialError,
    SpaceError,
    TooManyFailedTrialsError,
)
from spacealg.testing import spaces

FINITE = Space(
    [
        Int("units", min_value=32, max_value=128, step=32, default=64),
        Choice("activation", values=["relu", "tanh"]),
        Boolean("dropout"),
    ]
)
CONTINUOUS = Space([Float("lr", min_value=1e-4, max_value=1e-1, sampling="log"), Boolean("b")])
SMALL = Space([Int("x", min_value=0, max_value=9)])
CLOCK = re.compile(r"\[\d\dh \d\dm \d\ds\]|\d\dh \d\dm \d\ds$")


def _units(values: Values) -> float:
    return float(values["units"]) + (0.5 if values["dropout"] else 0.0)


def _search(
    tmp_path: Path,
    fn: Callable[[Values], object] = _units,
    space: object = FINITE,
    *,
    maximize: bool = False,
    **options: object,
) -> SearchResult:
    options = {"max_trials": 4, "seed": 0, "verbose": 0, "project_name": "p", **options}
    search = sa.maximize if maximize else sa.minimize
    return search(fn, space, directory=tmp_path, **options)  # type: ignore[arg-type]


def _stored_seed(tmp_path: Path, project: str = "p") -> int:
    store = TrialStore.open_readonly(TrialStore.location(tmp_path, project))
    try:
        study = store.study()
    finally:
        store.close()
    assert study is not None
    return study.seed


def _values(result: SearchResult) -> list[Values]:
    return [trial.values for trial in result.trials]


class Scripted:
    """An objective whose n-th call does the n-th thing of a script, then returns ``x``."""

    def __init__(self, script: Iterable[str]) -> None:
        self.script = list(script)
        self.calls: list[Values] = []

    def __call__(self, values: Values) -> float:
        self.calls.append(values)
        step = self.script[len(self.calls) - 1] if len(self.calls) <= len(self.script) else "ok"
        if step == "fail":
            raise ValueError(f"boom {len(self.calls)}")
        if step == "skip":
            raise SkipTrial("not this one")
        if step == "nan":
            return math.nan
        if step == "interrupt":
            raise KeyboardInterrupt
        return float(len(self.calls))


# --- outcomes and objectives ----------------------------------------------------------------------


def test_minimize_a_float_outcome(tmp_path):
    result = _search(tmp_path, lambda v: (v["x"] - 3) ** 2, SMALL, max_trials=None)
    assert result.best_values == Values({"x": 3})
    assert result.best_score == 0.0
    assert len(result.trials) == 10
    assert result.objective == Objective("score", "min")
    assert result.best_trial is not None
    assert result.best_trial.metrics == {"score": (0.0,)}


def test_maximize_a_float_outcome(tmp_path):
    result = _search(tmp_path, lambda v: (v["x"] - 3) ** 2, SMALL, max_trials=None, maximize=True)
    assert result.best_values == Values({"x": 9})
    assert result.best_score == 36.0
    assert result.objective == Objective("score", "max")


def test_an_int_outcome_is_a_float_score(tmp_path):
    result = _search(tmp_path, lambda v: v["x"], SMALL, max_trials=2)
    assert all(isinstance(t.score, float) for t in result.trials)


def test_dict_outcomes_with_a_named_objective(tmp_path):
    def fn(values: Values) -> dict[str, float]:
        return {"val_accuracy": values["x"] / 10, "val_loss": 1 - values["x"] / 10}

    best = _search(tmp_path, fn, SMALL, max_trials=None, objective="val_accuracy", maximize=True)
    assert best.best_values == Values({"x": 9})
    assert best.best_score == 0.9
    assert best.objective == Objective("val_accuracy", "max")
    assert best.best_trial is not None
    assert best.best_trial.metrics == {"val_accuracy": (0.9,), "val_loss": (1 - 0.9,)}
    low = _search(tmp_path, fn, SMALL, max_trials=None, objective="val_loss", project_name="q")
    assert low.best_values == Values({"x": 9})
    assert low.objective == Objective("val_loss", "min")


def test_the_function_called_sets_the_direction_of_a_named_objective(tmp_path):
    # The name says "max", the function called says "min": the function wins.
    result = _search(tmp_path, lambda v: {"acc": v["x"]}, SMALL, max_trials=None, objective="acc")
    assert result.objective == Objective("acc", "min")
    assert result.best_values == Values({"x": 0})


def test_an_objective_value_that_agrees_is_used(tmp_path):
    objective = Objective("val_accuracy", "max")
    result = _search(
        tmp_path,
        lambda v: {"val_accuracy": v["x"]},
        SMALL,
        max_trials=3,
        objective=objective,
        maximize=True,
    )
    assert result.objective is objective


@pytest.mark.parametrize(("maximize", "direction"), [(False, "max"), (True, "min")])
def test_an_objective_contradicting_the_function_is_an_error(tmp_path, maximize, direction):
    objective = Objective("m", direction)
    with pytest.raises(InvalidArgumentError) as raised:
        _search(tmp_path, lambda v: {"m": 1.0}, SMALL, objective=objective, maximize=maximize)
    other = "minimize()" if maximize else "maximize()"
    assert f"or call {other}" in str(raised.value)
    assert str(raised.value).startswith("maximize():" if maximize else "minimize():")
    assert not (tmp_path / "p").exists()


def test_a_metric_missing_from_the_outcome_fails_the_trial_with_a_hint(tmp_path):
    with pytest.raises(TooManyFailedTrialsError):
        _search(tmp_path, lambda v: {"loss": 1.0}, SMALL, max_trials=5)
    trials = sa.load(tmp_path, "p").trials
    assert [t.state for t in trials] == [TrialState.FAILED] * 3
    assert trials[0].error == (
        "the objective 'score' is not among the trial's metrics ('loss'); "
        "pass objective= naming one of them"
    )
    assert trials[0].metrics == {"loss": (1.0,)}


@pytest.mark.parametrize("objective", [3, ["loss"]])
def test_an_objective_of_the_wrong_type_is_an_error(tmp_path, objective):
    with pytest.raises(ArgumentTypeError, match="a metric name or an Objective"):
        _search(tmp_path, objective=objective)


def test_fn_must_be_callable(tmp_path):
    with pytest.raises(ArgumentTypeError, match="a function of the trial's values"):
        _search(tmp_path, 3)  # type: ignore[arg-type]


def test_space_must_be_a_space(tmp_path):
    with pytest.raises(ArgumentTypeError, match="a Space, a TrialSpace or a HyperParameters"):
        _search(tmp_path, space=[Int("x", min_value=0, max_value=3)])


def test_a_hyperparameters_handle_is_a_space(tmp_path):
    hp = sa.HyperParameters()
    hp.Int("x", min_value=0, max_value=3)
    hp.Boolean("flag")
    result = _search(tmp_path, lambda v: v["x"] - v["flag"], hp, max_trials=None)
    assert len(result.trials) == 8
    assert result.best_values == Values({"x": 0, "flag": True})


def test_the_function_receives_values(tmp_path):
    seen: list[object] = []
    _search(tmp_path, lambda v: seen.append(v) or 0.0, max_trials=2)
    assert all(type(v) is Values for v in seen)


def test_unknown_oracle_name(tmp_path):
    with pytest.raises(InvalidArgumentError) as raised:
        _search(tmp_path, oracle="annealing")
    assert str(raised.value) == (
        "minimize(): oracle='annealing' is not valid; allowed: one of 'random', 'grid', "
        "'tpe', 'bayesian', 'hyperband'"
    )
    assert not (tmp_path / "p").exists()


def test_an_oracle_value_with_settings(tmp_path):
    result = _search(tmp_path, oracle=sa.RandomSearchOracle(max_collisions=1), max_trials=None)
    assert len(result.trials) == sa.cardinality(FINITE) == 16


def test_grid_oracle_runs_the_grid_in_order(tmp_path):
    result = _search(tmp_path, oracle="grid", max_trials=None)
    assert _values(result) == list(sa.grid(FINITE))


def test_max_trials_none_on_a_continuous_space_is_an_error(tmp_path):
    with pytest.raises(InvalidArgumentError, match="max_trials=None") as raised:
        _search(tmp_path, space=CONTINUOUS, max_trials=None)
    assert "continuous" in str(raised.value)
    assert not (tmp_path / "p").exists()


def test_max_trials_none_runs_a_finite_space_to_exhaustion(tmp_path):
    result = _search(tmp_path, max_trials=None)
    assert len(result.trials) == len(set(_values(result))) == 16


@pytest.mark.parametrize("tune_new_entries", [True, False])
@pytest.mark.parametrize("oracle", ["random", "grid"])
def test_a_finite_search_ends_at_exhaustion_in_both_modes(tmp_path, tune_new_entries, oracle):
    declared = Space(
        [
            Int("units", min_value=32, max_value=128, step=32, default=64),
            Choice("activation", values=["relu", "tanh"]),
            Float("lr", min_value=1e-4, max_value=1e-2, sampling="log"),
        ]
    )
    tailoring = Space([Boolean("dropout"), Fixed("lr", value=1e-3)])
    if tune_new_entries:
        trial_space = sa.resolve(declared, tailoring)
    else:
        trial_space = sa.resolve(declared, tailoring, tune_new_entries=False)
    size = sa.cardinality(trial_space.tuned)
    assert size == (4 * 2 * 2 if tune_new_entries else 2)
    with pytest.warns(sa.TailoringWarning, match="'dropout'"):
        result = _search(tmp_path, lambda v: 0.0, trial_space, max_trials=None, oracle=oracle)
    assert len(result.trials) == len(set(_values(result))) == size
    pinned = {} if tune_new_entries else {"units": 64, "activation": "relu"}
    for values in _values(result):
        assert values["lr"] == 1e-3
        assert {name: values[name] for name in pinned} == pinned


@settings(deadline=None, max_examples=15, suppress_health_check=[HealthCheck.too_slow])
@given(spaces(max_size=3).filter(lambda s: (sa.cardinality(s) or 99) <= 12), st.integers(0, 9))
def test_a_search_over_any_finite_space_tries_each_configuration_once(space, seed):
    with tempfile.TemporaryDirectory() as directory:
        result = sa.minimize(
            lambda v: 0.0, space, max_trials=None, seed=seed, directory=directory, verbose=0
        )
        assert sa.load(directory, "untitled_project") == result
    assert sorted(map(repr, _values(result))) == sorted(map(repr, sa.grid(space)))
    assert [t.trial_id for t in result.trials] == list(range(sa.cardinality(space) or 0))


def test_max_trials_beyond_the_space_stops_at_exhaustion(tmp_path):
    result = _search(tmp_path, max_trials=100)
    assert len(result.trials) == 16


@pytest.mark.parametrize("max_trials", [0, -1, 2.5, True, "3"])
def test_max_trials_must_be_a_positive_int_or_none(tmp_path, max_trials):
    with pytest.raises(InvalidArgumentError, match="max_trials"):
        _search(tmp_path, max_trials=max_trials)


@pytest.mark.parametrize("seed", [-1, 2**63, 1.5, True, "0"])
def test_seed_must_be_a_non_negative_int_or_none(tmp_path, seed):
    with pytest.raises(InvalidArgumentError, match="seed"):
        _search(tmp_path, seed=seed)


@pytest.mark.parametrize(
    ("argument", "value"),
    [("executions_per_trial", 0), ("max_consecutive_failed_trials", 0)],
)
def test_counts_must_be_positive(tmp_path, argument, value):
    with pytest.raises(InvalidArgumentError, match=argument):
        _search(tmp_path, **{argument: value})


# --- max_trials, overwrite, resume ----------------------------------------------------------------


def test_max_trials_counts_every_trial_in_the_store(tmp_path):
    first = Scripted([])
    assert len(_search(tmp_path, first, max_trials=3).trials) == 3
    again = Scripted([])
    assert len(_search(tmp_path, again, max_trials=3).trials) == 3
    assert again.calls == []
    more = Scripted([])
    result = _search(tmp_path, more, max_trials=5)
    assert [t.trial_id for t in result.trials] == [0, 1, 2, 3, 4]
    assert more.calls == [t.values for t in result.trials[3:]]
    fewer = Scripted([])
    assert len(_search(tmp_path, fewer, max_trials=2).trials) == 5
    assert fewer.calls == []


def test_resume_keeps_completed_trials_and_never_reruns_them(tmp_path):
    first = _search(tmp_path, max_trials=4)
    calls = Scripted([])
    resumed = _search(tmp_path, calls, max_trials=9)
    assert resumed.trials[:4] == first.trials
    assert not set(calls.calls) & set(_values(first))
    assert len(set(_values(resumed))) == 9


def _files(directory: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``directory``: its bytes and modification time, by relative path."""
    return {
        str(path.relative_to(directory)): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def _metrics(values: Values) -> dict[str, float]:
    return {"loss": float(values["x"]), "acc": -float(values["x"])}


@pytest.mark.parametrize(
    ("maximize", "objective"),
    [(True, "acc"), (True, "loss"), (False, "acc")],
    ids=["other-metric-and-direction", "other-direction", "other-metric"],
)
def test_resuming_with_another_objective_is_refused_and_the_store_left_as_it_was(
    tmp_path, maximize, objective
):
    first = _search(tmp_path, _metrics, SMALL, max_trials=3, objective="loss")
    artifact = tmp_path / "p" / "trials" / "0" / "notes.txt"
    artifact.parent.mkdir(parents=True)
    artifact.write_text("mine")
    before = _files(tmp_path)
    calls = Scripted([])
    with pytest.raises(InvalidArgumentError) as raised:
        _search(tmp_path, calls, SMALL, max_trials=4, objective=objective, maximize=maximize)
    direction = "max" if maximize else "min"
    assert str(raised.value) == (
        f"Study.run(): objective=Objective(name={objective!r}, direction={direction!r}) is not "
        "valid; allowed: the stored study's Objective(name='loss', direction='min'), which "
        "scored its 3 trials; overwrite=True or another project_name starts a new search"
    )
    assert calls.calls == []
    assert _files(tmp_path) == before
    loaded = sa.load(tmp_path, "p")
    assert loaded == first
    assert loaded.objective == Objective("loss", "min")
    assert loaded.best_values == first.best_values == Values({"x": 0})


def test_study_run_refuses_another_objective_on_resume(tmp_path):
    _search(tmp_path, _metrics, SMALL, max_trials=3, objective="loss")
    before = _files(tmp_path)
    study = Study(
        trial_space=sa.resolve(SMALL),
        backend=FunctionBackend(_metrics),
        objective=Objective("acc", "max"),
        directory=tmp_path,
        project_name="p",
        seed=0,
    )
    with pytest.raises(InvalidArgumentError, match=r"the stored study's Objective\(name='loss'"):
        study.run(4, verbose=0)
    assert _files(tmp_path) == before
    assert sa.load(tmp_path, "p").objective == Objective("loss", "min")


def test_the_same_objective_resumes_and_overwrite_starts_a_new_search_with_another(tmp_path):
    _search(tmp_path, _metrics, SMALL, max_trials=3, objective="loss")
    resumed = _search(tmp_path, _metrics, SMALL, max_trials=4, objective=Objective("loss", "min"))
    assert len(resumed.trials) == 4
    fresh = _search(
        tmp_path, _metrics, SMALL, max_trials=3, objective="acc", maximize=True, overwrite=True
    )
    assert [t.score for t in fresh.trials] == [-t.values["x"] for t in fresh.trials]
    assert fresh.best_values == Values({"x": 0})
    assert sa.load(tmp_path, "p").objective == Objective("acc", "max")


def test_a_new_project_in_the_same_directory_takes_another_objective(tmp_path):
    _search(tmp_path, _metrics, SMALL, max_trials=3, objective="loss")
    other = _search(
        tmp_path, _metrics, SMALL, max_trials=3, objective="acc", maximize=True, project_name="q"
    )
    assert other.objective == Objective("acc", "max")
    assert sa.load(tmp_path, "p").objective == Objective("loss", "min")


def test_overwrite_starts_clean(tmp_path):
    _search(tmp_path, max_trials=6)
    calls = Scripted([])
    result = _search(tmp_path, calls, max_trials=2, overwrite=True)
    assert [t.trial_id for t in result.trials] == [0, 1]
    assert len(calls.calls) == 2
    assert sa.load(tmp_path, "p") == result


def test_overwrite_deletes_the_projects_artifacts(tmp_path):
    _search(tmp_path, max_trials=1)
    artifact = tmp_path / "p" / "trials" / "0" / "weights.bin"
    artifact.parent.mkdir(parents=True)
    artifact.write_bytes(b"\x00")
    _search(tmp_path, max_trials=1, overwrite=True)
    assert not (tmp_path / "p" / "trials").exists()


@pytest.mark.parametrize("oracle", ["random", "grid"])
@pytest.mark.parametrize("cut", [1, 3, 7])
def test_resumed_proposals_equal_an_uninterrupted_runs(tmp_path, oracle, cut):
    whole = _search(tmp_path / "whole", oracle=oracle, max_trials=12, seed=42)
    _search(tmp_path / "parts", oracle=oracle, max_trials=cut, seed=42)
    resumed = _search(tmp_path / "parts", oracle=oracle, max_trials=12, seed=42)
    assert _values(resumed) == _values(whole)


def test_resume_on_a_continuous_space_equals_an_uninterrupted_run(tmp_path):
    def fn(v: Values) -> float:
        return math.log(v["lr"])

    whole = _search(tmp_path / "whole", fn, CONTINUOUS, max_trials=10, seed=5)
    _search(tmp_path / "parts", fn, CONTINUOUS, max_trials=4, seed=5)
    resumed = _search(tmp_path / "parts", fn, CONTINUOUS, max_trials=10, seed=5)
    assert _values(resumed) == _values(whole)


def test_seed_none_draws_and_records_a_seed_and_reuses_it_on_resume(tmp_path):
    _search(tmp_path / "a", space=CONTINUOUS, fn=lambda v: v["lr"], seed=None, max_trials=3)
    seed = _stored_seed(tmp_path / "a")
    assert isinstance(seed, int)
    assert 0 <= seed < 2**63
    resumed = _search(
        tmp_path / "a", space=CONTINUOUS, fn=lambda v: v["lr"], seed=None, max_trials=7
    )
    assert _stored_seed(tmp_path / "a") == seed
    replay = _search(
        tmp_path / "b", space=CONTINUOUS, fn=lambda v: v["lr"], seed=seed, max_trials=7
    )
    assert _values(resumed) == _values(replay)


def test_seed_none_draws_a_fresh_seed_for_each_new_study(tmp_path):
    for project in ("a", "b"):
        _search(tmp_path, space=CONTINUOUS, fn=lambda v: v["lr"], seed=None, project_name=project)
    assert _stored_seed(tmp_path, "a") != _stored_seed(tmp_path, "b")


def test_seed_zero_is_a_seed(tmp_path):
    first = _search(tmp_path / "a", space=CONTINUOUS, fn=lambda v: v["lr"], seed=0)
    again = _search(tmp_path / "b", space=CONTINUOUS, fn=lambda v: v["lr"], seed=0)
    other = _search(tmp_path / "c", space=CONTINUOUS, fn=lambda v: v["lr"], seed=1)
    assert _stored_seed(tmp_path / "a") == 0
    assert _values(first) == _values(again)
    assert _values(first) != _values(other)


def test_a_different_seed_on_resume_is_used_with_a_one_line_notice(tmp_path, capsys):
    _search(tmp_path, seed=3, max_trials=2)
    capsys.readouterr()
    _search(tmp_path, seed=5, max_trials=2, verbose=1)
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["Using seed 5; the stored study was started with seed 3."]
    assert _stored_seed(tmp_path) == 5


def test_the_same_or_no_seed_on_resume_prints_no_notice(tmp_path, capsys):
    _search(tmp_path, seed=3, max_trials=2)
    _search(tmp_path, seed=3, max_trials=2, verbose=1)
    _search(tmp_path, seed=None, max_trials=2, verbose=1)
    assert capsys.readouterr().out == ""
    assert _stored_seed(tmp_path) == 3


def test_a_changed_space_on_resume_is_used_and_named_in_one_line(tmp_path, capsys):
    old = Space([Int("x", min_value=0, max_value=9), Boolean("gone")])
    new = Space([Int("x", min_value=10, max_value=12), Choice("flag", values=["a", "b"])])
    _search(tmp_path, lambda v: v["x"], old, max_trials=6)
    capsys.readouterr()
    result = _search(tmp_path, lambda v: v["x"], new, max_trials=None, verbose=1)
    first_line, *rest = capsys.readouterr().out.splitlines()
    assert first_line == (
        "The trial space differs from the stored study's: 'x' min 0 -> 10, max 9 -> 12, "
        "default 0 -> 10; added 'flag'; removed 'gone'"
    )
    assert not any("differs" in line for line in rest)
    assert len(result.trials) == 6 + 6
    assert all(sa.contains(new, values) for values in _values(result)[6:])
    assert set(_values(result)[6:]) == set(sa.grid(new))
    # The given space is recorded: resuming with it again reports no change.
    _search(tmp_path, lambda v: v["x"], new, max_trials=None, verbose=1)
    assert "differs" not in capsys.readouterr().out


def test_a_grown_space_on_resume_runs_only_its_untried_points(tmp_path):
    _search(tmp_path, lambda v: v["x"], SMALL, max_trials=None, oracle="grid")
    larger = Space([Int("x", min_value=0, max_value=12)])
    result = _search(tmp_path, lambda v: v["x"], larger, max_trials=None)
    assert sorted(v["x"] for v in _values(result)[10:]) == [10, 11, 12]


def test_an_exhausted_study_resumed_over_a_new_space_searches_it(tmp_path):
    _search(tmp_path, lambda v: v["x"], SMALL, max_trials=None)
    moved = Space([Int("x", min_value=20, max_value=24)])
    result = _search(tmp_path, lambda v: v["x"], moved, max_trials=None)
    assert sorted(v["x"] for v in _values(result)[10:]) == [20, 21, 22, 23, 24]


@pytest.mark.parametrize("oracle", ["random", "grid"])
def test_true_tried_in_a_boolean_space_is_not_1_in_a_choice_space(tmp_path, oracle):
    _search(tmp_path, lambda v: 0.0, Space([Boolean("x")]), max_trials=2, oracle=oracle)
    ints = Space([Choice("x", values=[0, 1])])
    result = _search(tmp_path, lambda v: 0.0, ints, max_trials=4, oracle=oracle)
    assert [type(v["x"]) for v in _values(result)] == [bool, bool, int, int]
    assert sorted(v["x"] for v in _values(result)[2:]) == [0, 1]


def test_the_oracle_helpers_tell_true_from_1():
    from spacealg._search.oracle_helpers import exhausted, random_untried, tried_in, tried_set

    ints = Space([Choice("x", values=[0, 1])])
    bools = [Values({"x": True}), Values({"x": False})]
    assert tried_set(bools, ()) == set(bools)
    assert not tried_set(bools, ()) & {Values({"x": 1}), Values({"x": 0})}
    assert tried_in(ints, bools) == 0
    assert not exhausted(ints, bools)
    untried = random_untried(ints, bools, np.random.default_rng(0), max_collisions=4)
    assert untried is not None
    assert type(untried["x"]) is int


RARE_BRANCH = Space(
    [
        Choice("mode", values=[f"m{i}" for i in range(20)]),
        Int("n", min_value=0, max_value=2**53, conditions=Condition("mode", "m0")),
    ]
)


def test_a_random_search_over_a_rare_branch_under_a_wide_parent_runs(tmp_path):
    # Once the 19 single configurations are tried, 20 random draws often all collide;
    # the fallback then draws among 2**53 configurations instead of listing them.
    result = _search(tmp_path, lambda v: 0.0, RARE_BRANCH, max_trials=40)
    assert len(set(_values(result))) == 40
    assert {v["mode"] for v in _values(result)} == {f"m{i}" for i in range(20)}


def test_random_untried_picks_an_untried_configuration_without_listing_the_grid():
    from spacealg._search.oracle_helpers import random_untried

    tried = {Values({"mode": f"m{i}"}) for i in range(1, 20)}
    for seed in range(5):
        values = random_untried(RARE_BRANCH, tried, np.random.default_rng(seed), max_collisions=1)
        assert values is not None
        assert values["mode"] == "m0"
        assert sa.contains(RARE_BRANCH, values)


def test_a_changed_pinned_value_on_resume_is_named(tmp_path, capsys):
    declared = Space([Int("units", min_value=32, max_value=64, step=32), Boolean("b")])
    tailoring = Space([Boolean("b")])
    _search(tmp_path, lambda v: v["units"], sa.resolve(declared, tailoring, tune_new_entries=False))
    capsys.readouterr()
    moved = sa.override(declared, Int("units", min_value=32, max_value=64, step=32, default=64))
    result = _search(
        tmp_path,
        lambda v: v["units"],
        sa.resolve(moved, tailoring, tune_new_entries=False),
        verbose=1,
    )
    assert capsys.readouterr().out.splitlines()[0] == (
        "The trial space differs from the stored study's: changed pinned values"
    )
    assert [t.values["units"] for t in result.trials] == [32, 32]


def test_a_reordered_space_on_resume_is_named(tmp_path, capsys):
    _search(tmp_path, max_trials=1)
    capsys.readouterr()
    reordered = Space([FINITE["dropout"], FINITE["units"], FINITE["activation"]])
    assert list(reordered) == ["dropout", "units", "activation"]
    _search(tmp_path, space=reordered, max_trials=1, verbose=1)
    assert capsys.readouterr().out.splitlines() == [
        "The trial space differs from the stored study's: reordered entries"
    ]


# --- executions and per-step metrics --------------------------------------------------------------


def test_executions_per_trial_average_the_metrics(tmp_path):
    outcomes = iter([1.0, 3.0, 10.0, 20.0])
    result = _search(tmp_path, lambda v: next(outcomes), max_trials=2, executions_per_trial=2)
    assert [t.score for t in result.trials] == [2.0, 15.0]
    assert result.trials[0].metrics == {"score": (2.0,)}


def test_executions_per_trial_average_dict_metrics(tmp_path):
    outcomes = iter([{"loss": 1.0, "acc": 0.5}, {"loss": 2.0, "acc": 0.7}])
    result = _search(
        tmp_path, lambda v: next(outcomes), max_trials=1, executions_per_trial=2, objective="loss"
    )
    assert result.trials[0].metrics == {"loss": (1.5,), "acc": (0.6,)}
    assert result.trials[0].score == 1.5


@attrs.frozen
class Stepping:
    """A backend that reports per-step metrics and remembers what it was given."""

    series: Mapping[int, list[float]]
    seen: list[Trial] = attrs.field(factory=list)

    def run_trial(self, trial: Trial) -> None:
        self.seen.append(trial)
        for step, loss in enumerate(self.series[trial.execution]):
            trial.report(step, {"loss": loss, "step": float(step)})


def _study(tmp_path: Path, backend: object, **options: object) -> Study:
    options = {"seed": 0, "directory": tmp_path, "project_name": "p", **options}
    return Study(
        trial_space=sa.resolve(SMALL),
        backend=backend,  # type: ignore[arg-type]
        objective=Objective("loss", "min"),
        **options,  # type: ignore[arg-type]
    )


def test_per_step_metrics_and_the_best_step(tmp_path):
    backend = Stepping({0: [0.5, math.nan, 0.2, 0.3]})
    result = _study(tmp_path, backend).run(2, verbose=0)
    trial = result.trials[0]
    assert trial.score == 0.2
    assert trial.best_step == 2
    assert trial.metrics["step"] == (0.0, 1.0, 2.0, 3.0)
    loss = trial.metrics["loss"]
    assert (loss[0], loss[2], loss[3]) == (0.5, 0.2, 0.3)
    assert math.isnan(loss[1])
    assert sa.load(tmp_path, "p").trials[0].metrics["step"] == (0.0, 1.0, 2.0, 3.0)


def test_per_step_metrics_are_averaged_per_step_over_executions(tmp_path):
    backend = Stepping({0: [1.0, 0.5, 0.25], 1: [3.0, 0.5]})
    result = _study(tmp_path, backend, executions_per_trial=2).run(1, verbose=0)
    assert result.trials[0].metrics["loss"] == (2.0, 0.5)
    assert result.trials[0].score == 0.5
    assert result.trials[0].best_step == 1
    assert [t.execution for t in backend.seen] == [0, 1]


def test_the_backend_gets_the_trial_its_values_a_seed_and_a_directory(tmp_path):
    backend = Stepping({0: [1.0]})
    _study(tmp_path, backend).run(3, verbose=0)
    assert [t.trial_id for t in backend.seen] == [0, 1, 2]
    assert len({t.seed for t in backend.seen}) == 3
    assert all(t.directory == tmp_path / "p" / "trials" / str(t.trial_id) for t in backend.seen)
    again = Stepping({0: [1.0]})
    _study(tmp_path / "again", again).run(3, verbose=0)
    assert [t.seed for t in again.seen] == [t.seed for t in backend.seen]
    assert [t.values for t in again.seen] == [t.values for t in backend.seen]


def test_the_function_backend_is_registered():
    assert load_backend("function") is FunctionBackend
    assert "function" in sa.backend.installed_backends()


def test_an_unknown_backend_lists_the_installed_ones():
    with pytest.raises(InvalidArgumentError) as raised:
        load_backend("nope")
    message = str(raised.value)
    assert "'function'" in message
    # how a plugin registers, and no invented package name to install
    assert "in the 'spacealg.backends' entry-point group" in message
    assert "install spacealg" not in message
    assert "spacealg-nope" not in message
    assert message.startswith("load_backend(): name='nope' is not valid")


# --- failures, skips, NaN, interrupts -------------------------------------------------------------


def test_a_raising_trial_is_recorded_failed_and_the_search_goes_on(tmp_path):
    fn = Scripted(["ok", "fail", "ok", "fail", "fail", "ok"])
    result = _search(tmp_path, fn, max_trials=6)
    assert [t.state for t in result.trials] == [
        TrialState.COMPLETED,
        TrialState.FAILED,
        TrialState.COMPLETED,
        TrialState.FAILED,
        TrialState.FAILED,
        TrialState.COMPLETED,
    ]
    failed = result.trials[1]
    assert failed.score is None
    assert failed.best_step is None
    assert failed.metrics == {}
    assert failed.error is not None
    assert failed.error.startswith("Traceback (most recent call last):")
    assert failed.error.rstrip().endswith("ValueError: boom 2")
    assert failed.ended is not None


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_too_many_failures_in_a_row_stop_the_search(tmp_path, limit):
    fn = Scripted(["fail"] * 10)
    with pytest.raises(TooManyFailedTrialsError) as raised:
        _search(tmp_path, fn, max_trials=10, max_consecutive_failed_trials=limit)
    error = raised.value
    assert isinstance(error, RuntimeError)
    assert isinstance(error, SpaceError)
    assert error.limit == limit
    message = str(error)
    assert f"{limit} trials failed in a row (max_consecutive_failed_trials={limit})" in message
    assert "Traceback (most recent call last):" in message
    assert f"ValueError: boom {limit}" in message
    trials = sa.load(tmp_path, "p").trials
    assert [t.state for t in trials] == [TrialState.FAILED] * limit
    assert trials[-1].error is not None
    assert trials[-1].error in message


def test_the_default_limit_is_three(tmp_path):
    with pytest.raises(TooManyFailedTrialsError, match="max_consecutive_failed_trials=3"):
        _search(tmp_path, Scripted(["fail"] * 5), max_trials=5)


def test_a_completed_trial_resets_the_streak(tmp_path):
    fn = Scripted(["fail", "fail", "ok", "fail", "fail", "ok", "fail", "fail"])
    result = _search(tmp_path, fn, max_trials=8)
    assert Counter(t.state for t in result.trials) == {
        TrialState.FAILED: 6,
        TrialState.COMPLETED: 2,
    }


def test_a_nan_score_is_invalid_and_counts_as_a_failure(tmp_path):
    fn = Scripted(["nan", "fail", "nan"])
    with pytest.raises(TooManyFailedTrialsError) as raised:
        _search(tmp_path, fn, max_trials=5)
    assert "trial 2: the score is NaN" in str(raised.value)
    trials = sa.load(tmp_path, "p").trials
    assert [t.state for t in trials] == [
        TrialState.INVALID,
        TrialState.FAILED,
        TrialState.INVALID,
    ]
    assert trials[0].score is None
    assert trials[0].error is None
    assert math.isnan(trials[0].metrics["score"][0])


def test_a_skipped_trial_is_invalid_and_leaves_the_streak_unchanged(tmp_path):
    fn = Scripted(["fail", "fail", "skip", "skip", "fail"])
    with pytest.raises(TooManyFailedTrialsError):
        _search(tmp_path, fn, max_trials=8)
    trials = sa.load(tmp_path, "p").trials
    assert [t.state for t in trials] == [
        TrialState.FAILED,
        TrialState.FAILED,
        TrialState.INVALID,
        TrialState.INVALID,
        TrialState.FAILED,
    ]
    assert trials[2].error == "skipped: not this one"
    assert trials[2].score is None


def test_skips_alone_never_stop_the_search(tmp_path):
    def skip(values: Values) -> float:
        raise SkipTrial

    result = _search(tmp_path, skip, max_trials=6)
    assert [t.state for t in result.trials] == [TrialState.INVALID] * 6
    assert result.trials[0].error == "skipped"
    assert result.best_trial is None


def test_skip_trial_is_a_public_exception():
    assert issubclass(SkipTrial, Exception)
    assert not issubclass(SkipTrial, SpaceError)


def test_the_failure_streak_counts_the_current_run_only(tmp_path):
    _search(tmp_path, Scripted(["fail", "fail"]), max_trials=2)
    result = _search(tmp_path, Scripted(["fail", "fail"]), max_trials=4)
    assert [t.state for t in result.trials] == [TrialState.FAILED] * 4
    with pytest.raises(TooManyFailedTrialsError):
        _search(tmp_path, Scripted(["fail"] * 5), max_trials=9)
    assert len(sa.load(tmp_path, "p").trials) == 7


def test_a_keyboard_interrupt_leaves_the_store_consistent_and_reraises(tmp_path):
    fn = Scripted(["ok", "ok", "interrupt"])
    with pytest.raises(KeyboardInterrupt):
        _search(tmp_path, fn, max_trials=6)
    interrupted = sa.load(tmp_path, "p").trials
    assert [t.state for t in interrupted] == [
        TrialState.COMPLETED,
        TrialState.COMPLETED,
        TrialState.RUNNING,
    ]
    assert interrupted[2].values == fn.calls[2]
    assert interrupted[2].score is None
    assert interrupted[2].ended is None

    rerun = Scripted([])
    result = _search(tmp_path, rerun, max_trials=6)
    assert rerun.calls[0] == interrupted[2].values
    assert result.trials[2].trial_id == 2
    assert result.trials[2].values == interrupted[2].values
    assert result.trials[2].state is TrialState.COMPLETED
    assert result.trials[:2] == interrupted[:2]
    assert len(rerun.calls) == 4
    assert len(set(_values(result))) == 6
    assert _values(result) == _values(_search(tmp_path / "whole", max_trials=6))


def test_a_keyboard_interrupt_in_a_later_execution_reruns_the_whole_trial(tmp_path):
    fn = Scripted(["ok", "interrupt"])
    with pytest.raises(KeyboardInterrupt):
        _search(tmp_path, fn, max_trials=2, executions_per_trial=2)
    rerun = Scripted([])
    result = _search(tmp_path, rerun, max_trials=2, executions_per_trial=2)
    assert rerun.calls[:2] == fn.calls[:1] * 2
    assert result.trials[0].metrics == {"score": (1.5,)}


# --- records and results --------------------------------------------------------------------------

DECLARED = Space(
    [
        Int("units", min_value=32, max_value=128, step=32, default=64),
        Boolean("dropout"),
        Float("rate", min_value=0.1, max_value=0.5, conditions=Condition("dropout", True)),
        Choice("activation", values=["relu", "tanh"]),
    ]
)


def test_trial_records_hold_every_field(tmp_path):
    trial_space = sa.resolve(
        DECLARED,
        Space([Choice("activation", values=["relu", "tanh", "gelu"])]),
        tune_new_entries=False,
    )
    seen: list[Values] = []

    def fn(values: Values) -> float:
        seen.append(values)
        return {"relu": 1.0, "tanh": 2.0, "gelu": 3.0}[values["activation"]]

    result = _search(tmp_path, fn, trial_space, max_trials=None)
    assert [t.trial_id for t in result.trials] == [0, 1, 2]
    assert seen == [t.values for t in result.trials]
    for trial in result.trials:
        assert isinstance(trial, TrialRecord)
        # Tuned values plus the active pinned defaults; "rate" is inactive (dropout=False).
        assert dict(trial.values) == {
            "activation": trial.values["activation"],
            "units": 64,
            "dropout": False,
        }
        assert trial.state is TrialState.COMPLETED
        assert trial.score == fn(trial.values)
        assert trial.metrics == {"score": (trial.score,)}
        assert trial.best_step == 0
        assert trial.error is None
        assert trial.started is not None
        assert trial.ended is not None
        assert trial.started <= trial.ended
    assert result.best_values == Values({"activation": "relu", "units": 64, "dropout": False})


def test_active_pinned_defaults_follow_their_conditions(tmp_path):
    declared = sa.override(DECLARED, Boolean("dropout", default=True))
    tailoring = Space([Choice("activation", values=["relu", "tanh"])])
    trial_space = sa.resolve(declared, tailoring, tune_new_entries=False)
    result = _search(tmp_path, lambda v: 0.0, trial_space, oracle="grid", max_trials=None)
    assert _values(result) == [
        Values({"activation": "relu", "units": 64, "dropout": True, "rate": 0.1}),
        Values({"activation": "tanh", "units": 64, "dropout": True, "rate": 0.1}),
    ]


def test_trial_state_is_a_str_enum():
    assert [state.value for state in TrialState] == ["RUNNING", "COMPLETED", "FAILED", "INVALID"]
    assert TrialState.COMPLETED == "COMPLETED"
    assert isinstance(TrialState.FAILED, str)


def test_search_result_best_is_among_completed_trials_only(tmp_path):
    fn = Scripted(["ok", "fail", "nan", "skip", "ok"])
    result = _search(tmp_path, fn, max_trials=5, max_consecutive_failed_trials=5)
    assert [t.trial_id for t in result.completed()] == [0, 4]
    assert result.best_trial == result.trials[0]
    assert result.best_score == 1.0
    assert result.best_values == result.trials[0].values
    # The same trials read as maximised (a store refuses another objective on resume).
    best_max = attrs.evolve(result, objective=Objective("score", "max"))
    assert best_max.best_trial == result.trials[4]
    assert best_max.best_score == 5.0


def test_ties_keep_trial_order(tmp_path):
    result = _search(tmp_path, lambda v: 1.0, max_trials=4)
    assert [t.trial_id for t in result.completed()] == [0, 1, 2, 3]
    assert result.best_trial is result.trials[0]


def test_no_completed_trial(tmp_path):
    fn = Scripted(["fail", "skip", "fail"])
    result = _search(tmp_path, fn, max_trials=3)
    assert result.best_trial is None
    assert result.completed() == ()
    for attribute in ("best_values", "best_score"):
        with pytest.raises(NoCompletedTrialError) as raised:
            getattr(result, attribute)
        assert isinstance(raised.value, LookupError)
        assert isinstance(raised.value, SpaceError)
        assert str(raised.value) == (
            f"SearchResult.{attribute}: no trial completed (2 FAILED, 1 INVALID); "
            "the last failed trial's error: ValueError: boom 3; "
            "allowed: a search with at least one COMPLETED trial"
        )


def test_to_records_flattens_each_trial(tmp_path):
    fn = Scripted(["ok", "fail"])
    result = _search(tmp_path, fn, oracle="grid", max_trials=2)
    assert result.to_records() == [
        {
            "trial_id": 0,
            "state": "COMPLETED",
            "score": 1.0,
            "best_step": 0,
            "units": 64,
            "activation": "relu",
            "dropout": False,
        },
        {
            "trial_id": 1,
            "state": "FAILED",
            "score": None,
            "best_step": None,
            "units": 64,
            "activation": "relu",
            "dropout": True,
        },
    ]


def test_results_summary_in_keras_tuners_layout(tmp_path):
    space = Space([Int("units", min_value=1, max_value=3), Choice("act", values=["relu", "tanh"])])
    result = _search(
        tmp_path, lambda v: v["units"] / 10, space, oracle="grid", max_trials=4, maximize=True
    )
    assert result.results_summary(2) == (
        "Results summary\n"
        "Results in the trial store\n"
        "Showing 2 best trials\n"
        'Objective(name="score", direction="max")\n'
        "\n"
        "Trial 2 summary\n"
        "Hyperparameters:\n"
        "units: 2\n"
        "act: relu\n"
        "Score: 0.2\n"
        "\n"
        "Trial 3 summary\n"
        "Hyperparameters:\n"
        "units: 2\n"
        "act: tanh\n"
        "Score: 0.2\n"
    )
    assert result.results_summary(location="./p").splitlines()[1] == "Results in ./p"
    assert result.results_summary().count("summary\n") == 1 + 4


def test_results_summary_of_the_empty_space_says_default_configuration(tmp_path):
    result = _search(tmp_path, lambda v: 1.0, Space(), max_trials=None)
    assert result.results_summary().splitlines()[-3:] == [
        "Hyperparameters:",
        "default configuration",
        "Score: 1.0",
    ]


def test_search_results_are_frozen_and_compare_by_value(tmp_path):
    result = _search(tmp_path, max_trials=2)
    assert result == sa.load(tmp_path, "p")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        result.trials = ()  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        result.trials[0].score = 3.0  # type: ignore[misc]


# --- printed output -------------------------------------------------------------------------------


def _normalised(text: str) -> list[str]:
    return [CLOCK.sub("<clock>", line) for line in text.splitlines()]


def test_the_per_trial_lines_match_keras_tuner(tmp_path, capsys):
    """KerasTuner's lines, with its table of the trial's values next to the best trial's."""
    outcomes = iter([np.float32(0.2), 0.25, 0.1 + 0.2])
    _search(
        tmp_path,
        lambda v: {"val_accuracy": next(outcomes)},
        max_trials=3,
        objective="val_accuracy",
        maximize=True,
        verbose=1,
    )
    out = capsys.readouterr().out
    assert _normalised(out) == [
        "",
        "Search: Running Trial #1",
        "",
        "Value             |Best Value So Far |Hyperparameter",
        "96                |?                 |units",
        "relu              |?                 |activation",
        "False             |?                 |dropout",
        "",
        "Trial 1 Complete <clock>",
        "val_accuracy: 0.20000000298023224",
        "",
        "Best val_accuracy So Far: 0.20000000298023224",
        "Total elapsed time: <clock>",
        "",
        "Search: Running Trial #2",
        "",
        "Value             |Best Value So Far |Hyperparameter",
        "128               |96                |units",
        "tanh              |relu              |activation",
        "True              |False             |dropout",
        "",
        "Trial 2 Complete <clock>",
        "val_accuracy: 0.25",
        "",
        "Best val_accuracy So Far: 0.25",
        "Total elapsed time: <clock>",
        "",
        "Search: Running Trial #3",
        "",
        "Value             |Best Value So Far |Hyperparameter",
        "32                |128               |units",
        "relu              |tanh              |activation",
        "True              |True              |dropout",
        "",
        "Trial 3 Complete <clock>",
        "val_accuracy: 0.30000000000000004",
        "",
        "Best val_accuracy So Far: 0.30000000000000004",
        "Total elapsed time: <clock>",
    ]
    assert re.search(r"^Trial 1 Complete \[00h 00m 0\ds\]$", out, re.MULTILINE)
    assert re.search(r"^Total elapsed time: 00h 00m 0\ds$", out, re.MULTILINE)


def test_failed_and_invalid_trials_print_no_objective_line(tmp_path, capsys):
    """A failed trial's lines show its error, ending in a short traceback (issue 14)."""
    _search(tmp_path, Scripted(["fail", "nan", "ok"]), max_trials=3, verbose=1)
    lines = _normalised(capsys.readouterr().out)
    start = lines.index("Trial 1 Failed <clock>") + 1
    end = lines.index("", start)
    error = lines[start:end]
    assert error[0] == "Traceback (most recent call last):"
    assert error[-1] == "ValueError: boom 1"
    assert len(error) <= 8
    assert lines[:start] + lines[end:] == [
        "",
        "Search: Running Trial #1",
        "",
        "Value             |Best Value So Far |Hyperparameter",
        "96                |?                 |units",
        "relu              |?                 |activation",
        "False             |?                 |dropout",
        "",
        "Trial 1 Failed <clock>",
        "",
        "Best score So Far: None",
        "Total elapsed time: <clock>",
        "",
        "Search: Running Trial #2",
        "",
        "Value             |Best Value So Far |Hyperparameter",
        "128               |?                 |units",
        "tanh              |?                 |activation",
        "True              |?                 |dropout",
        "",
        "Trial 2 Invalid <clock>",
        "",
        "Best score So Far: None",
        "Total elapsed time: <clock>",
        "",
        "Search: Running Trial #3",
        "",
        "Value             |Best Value So Far |Hyperparameter",
        "32                |?                 |units",
        "relu              |?                 |activation",
        "True              |?                 |dropout",
        "",
        "Trial 3 Complete <clock>",
        "score: 3.0",
        "",
        "Best score So Far: 3.0",
        "Total elapsed time: <clock>",
    ]


def test_the_best_so_far_includes_the_resumed_trials(tmp_path, capsys):
    _search(tmp_path, lambda v: -100.0, max_trials=1)
    _search(tmp_path, lambda v: 5.0, max_trials=2, verbose=1)
    assert "Best score So Far: -100.0" in capsys.readouterr().out.splitlines()


def test_verbose_zero_prints_nothing(tmp_path, capsys):
    _search(tmp_path, Scripted(["fail", "ok"]), max_trials=3, verbose=0)
    _search(tmp_path, max_trials=4, seed=9, space=sa.select(FINITE, "units"), verbose=0)
    assert capsys.readouterr() == ("", "")


def test_study_run_writes_to_the_given_stream(tmp_path, capsys):
    stream = io.StringIO()
    _study(tmp_path, Stepping({0: [1.0]})).run(1, verbose=1, out=stream)
    assert capsys.readouterr().out == ""
    assert "Trial 1 Complete" in stream.getvalue()


# --- tailoring warnings ---------------------------------------------------------------------------

TAILORED_DECLARED = Space(
    [
        Boolean("deep"),
        Int("layers", min_value=2, max_value=4, conditions=Condition("deep", True)),
        Int("units", min_value=32, max_value=64, step=32),
    ]
)


def test_resolve_never_warns():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sa.resolve(TAILORED_DECLARED, Space([Boolean("typo")]))
        sa.resolve(
            TAILORED_DECLARED,
            Space([Int("layers", min_value=2, max_value=3)]),
            tune_new_entries=False,
        )


@pytest.mark.parametrize("tune_new_entries", [True, False])
def test_a_tailoring_only_name_warns_once(tmp_path, tune_new_entries):
    trial_space = sa.resolve(
        TAILORED_DECLARED, Space([Boolean("typo")]), tune_new_entries=tune_new_entries
    )
    with pytest.warns(sa.TailoringWarning) as record:
        _search(tmp_path, lambda v: 0.0, trial_space, max_trials=2)
    assert len(record) == 1
    assert str(record[0].message) == (
        "the tailoring lists 'typo', which the hypermodel never declares; "
        "they are sampled but nothing reads them"
    )
    assert record[0].filename == __file__


def test_a_tailored_entry_pinned_inactive_warns_once(tmp_path):
    trial_space = sa.resolve(
        TAILORED_DECLARED,
        Space([Int("layers", min_value=2, max_value=3)]),
        tune_new_entries=False,
    )
    with pytest.warns(sa.TailoringWarning, match="'layers' can never be active") as record:
        _search(tmp_path, lambda v: 0.0, trial_space, max_trials=2, maximize=True)
    assert len(record) == 1


def test_no_tailoring_no_warning(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _search(tmp_path, lambda v: 0.0, sa.resolve(TAILORED_DECLARED), max_trials=2)
        _search(tmp_path, lambda v: 0.0, TAILORED_DECLARED, max_trials=2, project_name="q")


def test_a_fixed_tailoring_entry_pins_and_keeps_tuning_the_rest(tmp_path):
    trial_space = sa.resolve(TAILORED_DECLARED, Space([Fixed("units", value=64)]))
    result = _search(tmp_path, lambda v: v["units"], trial_space, max_trials=None)
    assert {v["units"] for v in _values(result)} == {64}
    assert len(result.trials) == sa.cardinality(trial_space.tuned) == 4


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_a_live_progress_line(tmp_path):
    space = sa.Space([sa.Int("x", min_value=0, max_value=9)])
    terminal = _Terminal()
    study = sa.Study(
        trial_space=sa.resolve(space),
        backend=FunctionBackend(lambda v: float(v["x"])),
        objective=sa.Objective("score", "min"),
        directory=tmp_path,
        seed=0,
    )
    study.run(3, out=terminal)
    text = terminal.getvalue()
    assert "\r[" + "#" * 8 + "." * 16 + "] 1/3 trials | best score: " in text
    assert "] 3/3 trials | best score: " in text
    assert text.endswith("\r\x1b[K")


def test_a_file_gets_no_progress_line(tmp_path):
    out = io.StringIO()
    sa.Study(
        trial_space=sa.resolve(sa.Space([sa.Int("x", min_value=0, max_value=9)])),
        backend=FunctionBackend(lambda v: float(v["x"])),
        objective=sa.Objective("score", "min"),
        directory=tmp_path,
        seed=0,
    ).run(3, out=out)
    assert "\r" not in out.getvalue()
    assert out.getvalue().count("Complete [") == 3
