"""The backend contract suite: the function backend passes it, broken backends fail it."""

from __future__ import annotations

import math
import random
import unittest
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import pytest

import spacealg as sa
from spacealg._running.function_backend import FunctionBackend
from spacealg._testing.backend_contract import BackendContract
from spacealg.backend import Outcome, Trial

SPACE = sa.Space(
    [
        sa.Int("units", min_value=8, max_value=64, step=8),
        sa.Float("learning_rate", min_value=1e-4, max_value=1e-1, sampling="log"),
        sa.Choice("optimizer", values=["adam", "sgd"]),
        sa.Float(
            "momentum",
            min_value=0.0,
            max_value=0.9,
            step=0.1,
            conditions=sa.Condition("optimizer", "sgd"),
        ),
        sa.Boolean("dropout"),
    ]
)


def loss(values: Mapping[str, Any]) -> float:
    return (
        (values.get("units", 40) - 40) ** 2 / 1000
        + abs(math.log10(values.get("learning_rate", 0.01)) + 2)
        + values.get("momentum", 0.0)
        + 0.5 * values["dropout"]
    )


def fail(values: Mapping[str, Any]) -> float:
    raise RuntimeError(f"cannot run {dict(values)}")


def skip(values: Mapping[str, Any]) -> float:
    raise sa.SkipTrial("an invalid combination")


class TestFunctionBackend(BackendContract):
    """A function returning a float: the metric ``score``."""

    def make_backend(self) -> FunctionBackend:
        def fn(values: sa.Values) -> float:
            self.record_values(values)
            return loss(values)

        return FunctionBackend(fn)

    def space(self) -> sa.Space:
        return SPACE

    def failing_backend(self) -> FunctionBackend:
        return FunctionBackend(fail)

    def skipping_backend(self) -> FunctionBackend:
        return FunctionBackend(skip)


class TestFunctionBackendMetrics(TestFunctionBackend):
    """A function returning a dict of metrics, one of them the objective."""

    max_trials = 4

    def make_backend(self) -> FunctionBackend:
        def fn(values: sa.Values) -> dict[str, float]:
            self.record_values(values)
            return {"val_loss": loss(values), "val_accuracy": 1 / (1 + loss(values))}

        return FunctionBackend(fn)

    def objective(self) -> sa.Objective:
        return sa.Objective("val_accuracy", "max")


@attrs.frozen
class EpochBackend:
    """A backend that trains for some epochs, reports each, and saves a checkpoint."""

    fn: Any
    epochs: int = 3
    first_epoch: int = 0

    def run_trial(self, trial: Trial) -> Outcome:
        value = self.fn(trial.values)
        rng = random.Random(trial.seed)
        for epoch in range(self.epochs):
            noise = rng.random() / 10
            trial.report(
                epoch + self.first_epoch,
                {"loss": value / (epoch + 1) + noise, "epoch_time": 0.1 * (epoch + 1)},
            )
        trial.directory.mkdir(parents=True, exist_ok=True)
        (trial.directory / "checkpoint.txt").write_text(f"{trial.execution}\n")
        return None


class TestEpochBackend(BackendContract):
    """A backend that reports per-step metrics, as a Keras backend reports epochs."""

    reports_steps = True

    def make_backend(self) -> Any:
        def fn(values: sa.Values) -> float:
            self.record_values(values)
            return loss(values)

        return EpochBackend(fn)

    def space(self) -> sa.Space:
        return SPACE

    def objective(self) -> sa.Objective:
        return sa.Objective("loss", "min")

    def failing_backend(self) -> Any:
        return EpochBackend(fail)

    def skipping_backend(self) -> Any:
        return EpochBackend(skip)


class TestSmallFiniteSpace(TestFunctionBackend):
    """A space of two configurations, smaller than ``max_trials``."""

    def space(self) -> sa.Space:
        return sa.Space([sa.Boolean("dropout")])


def test_optional_hooks_left_out_skip_their_checks(tmp_path: Path) -> None:
    class Minimal(TestFunctionBackend):
        def failing_backend(self) -> None:
            return None

        def skipping_backend(self) -> None:
            return None

    with pytest.raises(unittest.SkipTest, match="failing_backend"):
        Minimal().test_failures_are_recorded(tmp_path)
    with pytest.raises(unittest.SkipTest, match="skipping_backend"):
        Minimal().test_skip_trial_is_invalid(tmp_path)


def test_required_hooks_are_named(tmp_path: Path) -> None:
    with pytest.raises(NotImplementedError, match="make_backend"):
        BackendContract().make_backend()
    with pytest.raises(NotImplementedError, match="space"):
        BackendContract().space()


# -- broken backends: each fails at least one check --------------------------------


class IgnoresValues(TestFunctionBackend):
    """Runs the function with the space's defaults, whatever the trial's values."""

    def make_backend(self) -> Any:
        def fn(values: sa.Values) -> float:
            self.record_values(values)
            return loss(values)

        return FunctionBackend(lambda values: fn(sa.defaults(SPACE)))


class DropsPinnedValues(TestFunctionBackend):
    """Passes on the tuned values only, without the pinned defaults."""

    def make_backend(self) -> Any:
        def fn(values: sa.Values) -> float:
            self.record_values({k: v for k, v in values.items() if k != "dropout"})
            return loss(values)

        return FunctionBackend(fn)


class FloatsEveryValue(TestFunctionBackend):
    """Turns every number into a float (1 becomes 1.0, True becomes 1.0)."""

    def make_backend(self) -> Any:
        def fn(values: sa.Values) -> float:
            converted = {k: float(v) if not isinstance(v, str) else v for k, v in values.items()}
            self.record_values(converted)
            return loss(converted)

        return FunctionBackend(fn)


class OneBasedEpochs(TestEpochBackend):
    """Reports epochs counting from 1."""

    def make_backend(self) -> Any:
        return attrs.evolve(super().make_backend(), first_epoch=1)


class SwallowsErrors(TestFunctionBackend):
    """Turns an exception into a NaN score instead of letting it out."""

    def failing_backend(self) -> Any:
        def fn(values: sa.Values) -> float:
            try:
                return fail(values)
            except RuntimeError:
                return math.nan

        return FunctionBackend(fn)


class WrapsSkipTrial(TestFunctionBackend):
    """Wraps every exception, SkipTrial included, in its own error."""

    def skipping_backend(self) -> Any:
        def fn(values: sa.Values) -> float:
            try:
                return skip(values)
            except Exception as error:
                raise RuntimeError("the trial failed") from error

        return FunctionBackend(fn)


class UnseededNoise(TestFunctionBackend):
    """Adds noise from an unseeded random generator."""

    def make_backend(self) -> Any:
        def fn(values: sa.Values) -> float:
            self.record_values(values)
            return loss(values) + random.random()

        return FunctionBackend(fn)


@attrs.frozen
class SharedCheckpoint:
    """Saves every trial's checkpoint to one file in the project directory."""

    inner: Any

    def run_trial(self, trial: Trial) -> Outcome:
        (trial.directory.parent.parent / "checkpoint.txt").write_text(str(trial.trial_id))
        return self.inner.run_trial(trial)


class WritesOutsideTrialDirectory(TestFunctionBackend):
    def make_backend(self) -> Any:
        return SharedCheckpoint(super().make_backend())


@attrs.frozen
class RenamesMetrics:
    """Returns its metrics under other names than it reports them."""

    inner: Any

    def run_trial(self, trial: Trial) -> Outcome:
        score = self.inner.run_trial(trial)
        return {"loss": score, "score": "0.5"}


class ReturnsStrings(TestFunctionBackend):
    def make_backend(self) -> Any:
        return RenamesMetrics(super().make_backend())


@pytest.mark.parametrize(
    ("broken", "check"),
    [
        (IgnoresValues, "test_values_reach_the_backend"),
        (DropsPinnedValues, "test_values_reach_the_backend"),
        (FloatsEveryValue, "test_values_reach_the_backend"),
        (OneBasedEpochs, "test_metrics_are_stored_per_step"),
        (SwallowsErrors, "test_failures_are_recorded"),
        (WrapsSkipTrial, "test_skip_trial_is_invalid"),
        (UnseededNoise, "test_same_seed_same_trials"),
        (WritesOutsideTrialDirectory, "test_trial_directory"),
        # A string metric fails each trial in the loop itself, so the check's search stops.
        (ReturnsStrings, "test_outcome_is_recorded"),
    ],
)
def test_a_broken_backend_fails_a_check(
    broken: type[BackendContract], check: str, tmp_path: Path
) -> None:
    with pytest.raises((AssertionError, sa.errors.TooManyFailedTrialsError)):
        getattr(broken(), check)(tmp_path)
