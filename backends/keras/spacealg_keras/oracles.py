"""KerasTuner's ``keras_tuner.oracles``: oracle objects a ``Tuner`` takes as ``oracle=``.

``RandomSearchOracle``, ``GridSearchOracle``, ``BayesianOptimizationOracle`` and
``HyperbandOracle`` take KerasTuner's arguments: the search's settings
(``objective``, ``max_trials``, ``seed``, ``hyperparameters``,
``tune_new_entries``, ``allow_new_entries``, ``max_retries_per_trial``,
``max_consecutive_failed_trials``) and each one's own. A custom tuner passes one
to ``Tuner.__init__`` as KerasTuner's custom-tuner guide does; the tuner takes
those settings from it. Every tuner's ``tuner.oracle`` is such an object, bound
to the tuner's store: ``get_best_trials(n)``, ``get_trial(trial_id)`` and
``trials`` read the trials as KerasTuner's :class:`Trial` objects.

The proposals are spacealg's core oracles' (:mod:`spacealg.oracles`), found as
``oracle.search``; the store, not the oracle object, keeps the search's state.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

import attrs

import spacealg as sa
from spacealg import oracles as core

if TYPE_CHECKING:
    from ._tuner import Tuner

__all__ = [
    "BayesianOptimizationOracle",
    "GridSearchOracle",
    "HyperbandOracle",
    "MetricsTracker",
    "Oracle",
    "RandomSearchOracle",
    "Trial",
]


@attrs.frozen
class MetricsTracker:
    """A trial's metrics as KerasTuner's ``trial.metrics`` reads them.

    Attributes:
        metrics: each metric's value per epoch (step).
    """

    metrics: Mapping[str, tuple[float, ...]]

    def exists(self, name: str) -> bool:
        """Whether the trial recorded ``name``."""
        return name in self.metrics

    def get_history(self, name: str) -> list[float]:
        """``name``'s value at each step (an empty list when it was not recorded)."""
        return list(self.metrics.get(name, ()))

    def get_last_value(self, name: str) -> float | None:
        """``name``'s last value, or None."""
        history = self.get_history(name)
        return history[-1] if history else None

    def get_best_value(self, name: str) -> float | None:
        """``name``'s best value (its direction inferred from the name, else the least)."""
        history = self.get_history(name)
        if not history:
            return None
        direction = core_direction(name)
        return max(history) if direction == "max" else min(history)


def core_direction(name: str) -> Literal["min", "max"]:
    """The direction KerasTuner infers for a metric name (``min`` when it cannot tell)."""
    try:
        return sa.Objective.infer(name).direction
    except sa.errors.InvalidArgumentError:
        return "min"


@attrs.frozen
class Trial:
    """One trial as KerasTuner's ``Trial`` shows it.

    Attributes:
        trial_id: the trial's number, as a string (KerasTuner's type).
        hyperparameters: a handle holding the trial's values (``.values``, ``.get``).
        score: the objective's best value, or None.
        status: ``"COMPLETED"``, ``"FAILED"``, ``"INVALID"`` or ``"RUNNING"``.
        metrics: the trial's metrics per step.
        best_step: the step the score comes from, or None.
        message: the error and traceback of a failed trial, else None.
    """

    trial_id: str
    hyperparameters: sa.HyperParameters
    score: float | None
    status: str
    metrics: MetricsTracker
    best_step: int | None = None
    message: str | None = None


class Oracle:
    """KerasTuner's oracle: a search's settings and proposals, and its trials once bound.

    Args:
        search: the core oracle that proposes (see :mod:`spacealg.oracles`).
        objective: the objective (a name, an ``Objective`` or a list of them).
        max_trials: how many trials the store may hold.
        seed: the search's seed.
        hyperparameters: the tailoring (a handle, a Space or a TrialSpace).
        allow_new_entries: whether the hypermodel may declare names outside it.
        tune_new_entries: whether such names are tuned.
        max_retries_per_trial: how many times a trial that raises is run again.
        max_consecutive_failed_trials: failures in a row that stop the search.
    """

    def __init__(
        self,
        search: sa.Oracle,
        *,
        objective: Any = None,
        max_trials: int | None = 10,
        seed: int | None = None,
        hyperparameters: Any = None,
        allow_new_entries: bool = True,
        tune_new_entries: bool = True,
        max_retries_per_trial: int = 0,
        max_consecutive_failed_trials: int = 3,
    ) -> None:
        self.search = core.as_oracle(search, f"{type(self).__name__}()")
        self.objective = objective
        self.max_trials = max_trials
        self.seed = seed
        self.hyperparameters = hyperparameters
        self.allow_new_entries = allow_new_entries
        self.tune_new_entries = tune_new_entries
        self.max_retries_per_trial = max_retries_per_trial
        self.max_consecutive_failed_trials = max_consecutive_failed_trials
        self._tuner: Tuner | None = None

    @property
    def name(self) -> str:
        """The core oracle's name (``"random"``, ``"hyperband"``, ...)."""
        return self.search.name

    def settings(self) -> dict[str, Any]:
        """The core oracle's settings."""
        return self.search.settings()

    def bind(self, tuner: Tuner) -> None:
        """Read trials from ``tuner``'s store from now on (the tuner calls it)."""
        self._tuner = tuner

    def _bound(self, operation: str) -> Tuner:
        if self._tuner is None:
            raise sa.errors.InvalidArgumentError(
                f"Oracle.{operation}", "", "oracle", self, "an oracle a Tuner was built with"
            )
        return self._tuner

    def _trial(self, record: sa.TrialRecord) -> Trial:
        tuner = self._bound("trials")
        return Trial(
            str(record.trial_id),
            tuner.handle_holding(record.values),
            record.score,
            record.state.value,
            MetricsTracker(record.metrics),
            record.best_step,
            record.error,
        )

    @property
    def trials(self) -> dict[str, Trial]:
        """Every trial in the store, by trial id."""
        records = self._bound("trials").trials
        return {str(record.trial_id): self._trial(record) for record in records}

    def get_best_trials(self, num_trials: int = 1) -> list[Trial]:
        """The best ``num_trials`` completed trials, best first (fewer when fewer completed)."""
        tuner = self._bound("get_best_trials()")
        records = sa.load(tuner.directory, tuner.project_name).completed()
        return [self._trial(record) for record in records[:num_trials]]

    def get_trial(self, trial_id: str | int) -> Trial:
        """The trial with this id (KerasTuner's ids are strings; an int is taken too).

        Raises:
            spacealg.errors.InvalidArgumentError: no trial has this id.
        """
        found = self.trials
        key = str(trial_id)
        if isinstance(trial_id, bool) or key not in found:
            allowed = f"one of {sorted(found, key=int)}" if found else "no trial is stored yet"
            raise sa.errors.InvalidArgumentError(
                "Oracle.get_trial()", "", "trial_id", trial_id, allowed
            )
        return found[key]

    def __repr__(self) -> str:
        return f"{type(self).__name__}(search={self.search!r})"


def _settings(kwargs: dict[str, Any]) -> dict[str, Any]:
    return {key: kwargs[key] for key in _SHARED if key in kwargs}


_SHARED = (
    "objective",
    "max_trials",
    "seed",
    "hyperparameters",
    "allow_new_entries",
    "tune_new_entries",
    "max_retries_per_trial",
    "max_consecutive_failed_trials",
)


class RandomSearchOracle(Oracle):
    """KerasTuner's ``RandomSearchOracle``: random values, never a configuration twice."""

    def __init__(
        self,
        objective: Any = None,
        max_trials: int | None = 10,
        seed: int | None = None,
        hyperparameters: Any = None,
        allow_new_entries: bool = True,
        tune_new_entries: bool = True,
        max_retries_per_trial: int = 0,
        max_consecutive_failed_trials: int = 3,
    ) -> None:
        super().__init__(core.RandomSearchOracle(), **_settings(locals()))


class GridSearchOracle(Oracle):
    """KerasTuner's ``GridSearchOracle``: every configuration once, in grid order."""

    def __init__(
        self,
        objective: Any = None,
        max_trials: int | None = None,
        seed: int | None = None,
        hyperparameters: Any = None,
        allow_new_entries: bool = True,
        tune_new_entries: bool = True,
        max_retries_per_trial: int = 0,
        max_consecutive_failed_trials: int = 3,
    ) -> None:
        super().__init__(core.GridSearchOracle(), **_settings(locals()))


class BayesianOptimizationOracle(Oracle):
    """KerasTuner's ``BayesianOptimizationOracle``: a Gaussian process over the values.

    As the ``BayesianOptimization`` tuner: expected improvement unless
    ``acquisition="ucb"`` (KerasTuner's upper confidence bound, ``beta`` its width;
    KerasTuner's ``beta=2.6`` is given explicitly with it).
    """

    def __init__(
        self,
        objective: Any = None,
        max_trials: int | None = 10,
        num_initial_points: int | None = None,
        alpha: float = 1e-4,
        beta: float | None = None,
        seed: int | None = None,
        hyperparameters: Any = None,
        allow_new_entries: bool = True,
        tune_new_entries: bool = True,
        max_retries_per_trial: int = 0,
        max_consecutive_failed_trials: int = 3,
        *,
        acquisition: Literal["ei", "ucb"] = "ei",
    ) -> None:
        search = core.BayesianOptimizationOracle(
            num_initial_points=num_initial_points, alpha=alpha, beta=beta, acquisition=acquisition
        )
        super().__init__(search, **_settings(locals()))


class HyperbandOracle(Oracle):
    """KerasTuner's ``HyperbandOracle``: successive halving over epochs, in brackets."""

    def __init__(
        self,
        objective: Any = None,
        max_epochs: int = 100,
        factor: int = 3,
        hyperband_iterations: int = 1,
        seed: int | None = None,
        hyperparameters: Any = None,
        allow_new_entries: bool = True,
        tune_new_entries: bool = True,
        max_retries_per_trial: int = 0,
        max_consecutive_failed_trials: int = 3,
    ) -> None:
        search = core.HyperbandOracle(
            max_epochs=max_epochs, factor=factor, hyperband_iterations=hyperband_iterations
        )
        super().__init__(search, max_trials=None, **_settings(locals()))  # the schedule ends it
