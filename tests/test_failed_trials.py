"""Failed trials as KerasTuner handles them: retries, FailedTrialError, FatalError."""

from __future__ import annotations

import pickle
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import spacealg as sa
from spacealg.backend import Trial
from spacealg.errors import (
    FailedTrialError,
    FatalError,
    FatalRuntimeError,
    FatalTypeError,
    FatalValueError,
    SpaceError,
)

SPACE = sa.Space([sa.Int("x", min_value=0, max_value=99)])


@attrs.define
class Flaky:
    """A backend whose trials raise their first ``failures`` attempts; it keeps each seed."""

    failures: int
    error: type[Exception] = ValueError
    seen: dict[int, list[int]] = attrs.field(factory=dict)

    def run_trial(self, trial: Trial) -> float:
        seeds = self.seen.setdefault(trial.trial_id, [])
        seeds.append(trial.seed)
        if len(seeds) <= self.failures:
            raise self.error(f"attempt {len(seeds)} of trial {trial.trial_id}")
        return float(trial.values["x"])


def _study(tmp_path: Path, backend: Any, **kwargs: Any) -> sa.Study:
    return sa.Study(
        trial_space=sa.resolve(SPACE),
        backend=backend,
        objective=sa.Objective("score", "min"),
        directory=tmp_path,
        seed=7,
        **kwargs,
    )


def test_a_trial_that_raises_is_retried_with_fresh_seeds_recorded_in_the_store(tmp_path):
    backend = Flaky(failures=2)
    result = _study(tmp_path, backend, max_retries_per_trial=2).run(3, verbose=0)
    assert [t.state for t in result.trials] == [sa.TrialState.COMPLETED] * 3
    for trial in sa.load(tmp_path, "untitled_project").trials:
        seeds = backend.seen[trial.trial_id]
        assert len(seeds) == 3
        assert len(set(seeds)) == 3  # a fresh seed per retry
        assert trial.meta["retries"] == 2
        assert [trial.meta["retry1/seed"], trial.meta["retry2/seed"]] == seeds[1:]
        assert trial.error is None


def test_the_first_attempt_keeps_the_seed_of_a_search_without_retries(tmp_path):
    plain, retried = Flaky(failures=0), Flaky(failures=0)
    _study(tmp_path / "a", plain).run(2, verbose=0)
    _study(tmp_path / "b", retried, max_retries_per_trial=3).run(2, verbose=0)
    assert plain.seen == retried.seen
    assert all(not t.meta for t in sa.load(tmp_path / "b", "untitled_project").trials)


def test_a_trial_failing_every_retry_is_failed_with_its_last_traceback(tmp_path):
    backend = Flaky(failures=10)
    study = _study(tmp_path, backend, max_retries_per_trial=2, max_consecutive_failed_trials=5)
    result = study.run(2, verbose=0)
    for trial in result.trials:
        assert trial.state is sa.TrialState.FAILED
        assert len(backend.seen[trial.trial_id]) == 3
        assert trial.error is not None
        assert trial.error.startswith("failed 3 times (max_retries_per_trial=2); the last time:")
        assert f"ValueError: attempt 3 of trial {trial.trial_id}" in trial.error
        assert trial.meta["retries"] == 2


def test_failed_trial_error_fails_the_trial_at_once(tmp_path):
    backend = Flaky(failures=10, error=FailedTrialError)
    study = _study(tmp_path, backend, max_retries_per_trial=5, max_consecutive_failed_trials=5)
    result = study.run(2, verbose=0)
    assert [len(seeds) for seeds in backend.seen.values()] == [1, 1]
    assert [t.state for t in result.trials] == [sa.TrialState.FAILED] * 2
    assert all("FailedTrialError: attempt 1" in (t.error or "") for t in result.trials)
    assert all(not t.meta for t in result.trials)


def test_retries_count_as_one_failure_toward_max_consecutive_failed_trials(tmp_path):
    backend = Flaky(failures=10)
    study = _study(tmp_path, backend, max_retries_per_trial=3, max_consecutive_failed_trials=2)
    with pytest.raises(sa.errors.TooManyFailedTrialsError):
        study.run(5, verbose=0)
    assert len(sa.load(tmp_path, "untitled_project").trials) == 2


@pytest.mark.parametrize(
    ("kind", "builtin"),
    [
        (FatalError, Exception),
        (FatalValueError, ValueError),
        (FatalTypeError, TypeError),
        (FatalRuntimeError, RuntimeError),
    ],
)
def test_a_fatal_error_stops_the_search_and_the_store_reruns_its_trial(tmp_path, kind, builtin):
    class Fatal(Flaky):
        def run_trial(self, trial: Trial) -> float:
            if trial.trial_id == 1 and self.failures:
                self.failures -= 1
                raise kind("the data is wrong")
            return float(trial.values["x"])

    backend = Fatal(failures=1)
    study = _study(tmp_path, backend, max_retries_per_trial=3)
    with pytest.raises(kind, match="the data is wrong") as raised:
        study.run(3, verbose=0)
    assert isinstance(raised.value, builtin)
    assert isinstance(raised.value, SpaceError)
    trials = sa.load(tmp_path, "untitled_project").trials
    assert [t.state for t in trials] == [sa.TrialState.COMPLETED, sa.TrialState.RUNNING]
    assert backend.failures == 0  # raised once: a fatal error is never retried
    result = study.run(3, verbose=0)  # resumes: trial 1 reruns, trial 2 is new
    assert [t.state for t in result.trials] == [sa.TrialState.COMPLETED] * 3
    assert result.trials[1].values == trials[1].values


def _fatal_on_three(values: sa.Values) -> float:
    if values["x"] == 3:
        raise FatalValueError("three")
    return float(values["x"])


def test_a_fatal_error_on_a_worker_stops_a_parallel_search(tmp_path):
    space = sa.Space([sa.Int("x", min_value=0, max_value=9)])
    with ThreadPoolExecutor(2) as pool, pytest.raises(FatalValueError, match="three"):
        sa.minimize(
            _fatal_on_three,
            space,
            max_trials=None,
            oracle="grid",
            directory=tmp_path,
            verbose=0,
            executor=pool,
        )
    trials = sa.load(tmp_path, "untitled_project").trials
    assert {t.values["x"] for t in trials if t.state is sa.TrialState.RUNNING} >= {3}
    assert all(t.state in (sa.TrialState.COMPLETED, sa.TrialState.RUNNING) for t in trials)
    done = sa.minimize(
        lambda v: float(v["x"]),
        space,
        max_trials=None,
        oracle="grid",
        directory=tmp_path,
        verbose=0,
    )
    assert sorted(t.values["x"] for t in done.trials) == list(range(10))
    assert all(t.state is sa.TrialState.COMPLETED for t in done.trials)


def test_minimize_takes_max_retries_per_trial(tmp_path):
    attempts: list[int] = []

    def flaky(values: sa.Values) -> float:
        attempts.append(values["x"])
        if len(attempts) % 2:
            raise RuntimeError("out of memory, this time")
        return float(values["x"])

    result = sa.minimize(
        flaky, SPACE, max_trials=3, directory=tmp_path, verbose=0, max_retries_per_trial=1
    )
    assert [t.state for t in result.trials] == [sa.TrialState.COMPLETED] * 3
    assert len(attempts) == 6


@pytest.mark.parametrize("bad", [-1, 1.5, "2", None, True])
def test_max_retries_per_trial_is_a_count(tmp_path, bad):
    with pytest.raises(sa.errors.InvalidArgumentError, match="max_retries_per_trial"):
        sa.minimize(
            lambda v: 0.0, SPACE, max_trials=1, directory=tmp_path, max_retries_per_trial=bad
        )


def test_the_log_shows_a_failed_trials_error_and_a_short_traceback(tmp_path, capsys):
    def broken(values: sa.Values) -> float:
        raise ZeroDivisionError("the learning rate divides by zero")

    sa.minimize(broken, SPACE, max_trials=1, directory=tmp_path, verbose=1)
    log = capsys.readouterr().out
    assert "Trial 1 Failed" in log
    assert "ZeroDivisionError: the learning rate divides by zero" in log
    assert "Traceback (most recent call last):" in log
    assert "^^^" not in log
    between = log.split("Trial 1 Failed", 1)[1].split("Best score So Far", 1)[0]
    assert len(between.strip().splitlines()) <= 9  # the first line, "...", six more, the time


@given(
    text=st.text(max_size=30),
    kind=st.sampled_from(
        [FailedTrialError, FatalError, FatalValueError, FatalTypeError, FatalRuntimeError]
    ),
)
@settings(max_examples=25)
def test_keras_tuner_errors_keep_their_message_and_pickle(text, kind):
    """Each error reads as its message, as KerasTuner's plain exceptions do, and pickles."""
    error = kind(text)
    assert str(error) == text
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is kind
    assert str(copy) == text
