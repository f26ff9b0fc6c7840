"""The trial runner: one Keras trial as spacealg's search loop runs it.

For each trial: a fresh Keras session, a seed derived from the search's seed
and the trial, a ``HyperParameters`` handle holding the trial's values, then the
tuner's ``run_trial`` (build, compile overrides, fit with the user's callbacks
and a best-epoch checkpoint). Each epoch's metrics are reported to the store.
"""

from __future__ import annotations

import copy
import json
import math
import numbers
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import keras

import spacealg as sa
from spacealg.backend import Outcome, Trial

from . import _compat

if TYPE_CHECKING:
    from ._tuner import Tuner

CHECKPOINT = "best.weights.h5"


@attrs.frozen
class KerasTrial:
    """A trial as ``Tuner.run_trial`` receives it (KerasTuner's ``trial``).

    Attributes:
        trial_id: the trial's number, as a string (KerasTuner's type).
        hyperparameters: the handle to build with; it holds the trial's values.
        directory: where the trial's artifacts go.
        execution: which execution of the trial this is.
        seed: the trial's seed.
        meta: the oracle's metadata: under Hyperband ``tuner/epochs`` (train up to),
            ``tuner/initial_epoch`` (start from) and, for a promoted trial,
            ``tuner/trial_id`` (whose best weights to start from); else empty.
    """

    trial_id: str
    hyperparameters: sa.HyperParameters
    directory: Path
    execution: int
    seed: int
    meta: Mapping[str, int] = attrs.field(factory=dict, kw_only=True)

    @property
    def checkpoint(self) -> Path:
        """Where the best epoch's weights are saved."""
        return self.directory / CHECKPOINT


MULTI_OBJECTIVE = "multi_objective"
"""The metric several objectives make (KerasTuner's ``MultiObjective``'s name)."""

DEFAULT_OBJECTIVE = "default_objective"
"""The objective's name when none is given and the trials train themselves (KerasTuner's
``DefaultObjective``): the float a custom ``fit`` or ``run_trial`` returns."""


def with_default_objective(metrics: Mapping[str, float], objective: str) -> dict[str, float]:
    """``metrics`` plus ``default_objective``, taken from ``val_loss``, when that is the objective.

    A custom loop that returns a History or a dict without ``default_objective`` is
    scored by its ``val_loss``, as a tuner with no objective scores built-in training.

    Examples:
        >>> with_default_objective({"val_loss": 0.5}, "default_objective")
        {'val_loss': 0.5, 'default_objective': 0.5}
        >>> with_default_objective({"val_loss": 0.5}, "val_loss")
        {'val_loss': 0.5}
    """
    found = dict(metrics)
    if objective == DEFAULT_OBJECTIVE and DEFAULT_OBJECTIVE not in found and "val_loss" in found:
        found[DEFAULT_OBJECTIVE] = found["val_loss"]
    return found


def with_objective_sum(
    metrics: Mapping[str, float], parts: tuple[sa.Objective, ...]
) -> dict[str, float]:
    """``metrics`` plus, for several objectives, their sum as KerasTuner scores it.

    KerasTuner's ``MultiObjective`` minimises the sum of the minimised metrics minus
    the sum of the maximised ones; the sum is added under ``multi_objective`` when
    every part is among ``metrics``.

    Examples:
        >>> parts = (sa.Objective("val_loss", "min"), sa.Objective("val_accuracy", "max"))
        >>> with_objective_sum({"val_loss": 0.5, "val_accuracy": 0.75}, parts)
        {'val_loss': 0.5, 'val_accuracy': 0.75, 'multi_objective': -0.25}
    """
    found = dict(metrics)
    if parts and all(part.name in found for part in parts):
        found[MULTI_OBJECTIVE] = sum(
            float(found[p.name]) * (1.0 if p.direction == "min" else -1.0) for p in parts
        )
    return found


class BestEpochCheckpoint(keras.callbacks.Callback):  # type: ignore[misc]
    """Saves the model's weights whenever the objective improves."""

    def __init__(
        self, objective: sa.Objective, path: Path, parts: tuple[sa.Objective, ...] = ()
    ) -> None:
        super().__init__()
        self._objective = objective
        self._parts = parts
        self._path = path
        self._best: float | None = None

    def on_epoch_end(self, epoch: int, logs: Mapping[str, Any] | None = None) -> None:
        """Save the weights if this epoch's objective value is the best so far."""
        logs = with_default_objective(logs or {}, self._objective.name)
        value = with_objective_sum(logs, self._parts).get(self._objective.name)
        if value is None or math.isnan(float(value)):
            return
        if self._best is None or self._objective.better(float(value), self._best):
            self._best = float(value)
            self._path.parent.mkdir(parents=True, exist_ok=True)
            save_weights(self.model, self._path)
            shape = getattr(self.model, "input_shape", None)
            if shape is not None:
                input_shape_file(self._path).write_text(json.dumps(shape))


def input_shape_file(checkpoint: Path) -> Path:
    """Where a checkpoint's model input shape is kept, to build the model before loading."""
    return checkpoint.with_name("input_shape.json")


def load_checkpoint(model: Any, checkpoint: Path) -> Any:
    """Load a best-epoch checkpoint into ``model``, building it first when needed."""
    shapes = input_shape_file(checkpoint)
    if not model.built and shapes.exists():
        model.build(_shape(json.loads(shapes.read_text())))
    _compat.load_weights_only(model, checkpoint, skip=_optimizer(model))
    return model


def save_weights(model: Any, path: Path) -> None:
    """Save the model's weights to ``path``, without its optimizer's state.

    A best model is returned for inference or to train afresh, so the optimizer's
    slots (two more copies of every weight under Adam) are not worth the disk.
    """
    _compat.save_weights_only(model, path, skip=_optimizer(model))


def _optimizer(model: Any) -> list[Any] | None:
    optimizer = getattr(model, "optimizer", None)
    return None if optimizer is None else [optimizer]


def _shape(saved: Any) -> Any:
    """JSON lists back to the tuples Keras expects (nested for several inputs)."""
    if isinstance(saved, list) and saved and isinstance(saved[0], list):
        return [tuple(item) for item in saved]
    return tuple(saved)


def with_callbacks(kwargs: dict[str, Any], *extra: Any) -> dict[str, Any]:
    """``fit`` keyword arguments with the user's callbacks copied for this trial, plus ``extra``."""
    callbacks = [copy.deepcopy(callback) for callback in kwargs.get("callbacks") or []]
    return {**kwargs, "callbacks": [*callbacks, *extra]}


def report_result(
    trial: Trial, result: Any, objective: str, parts: tuple[sa.Objective, ...] = ()
) -> Outcome:
    """Report a History epoch by epoch; a dict is returned as the outcome.

    A number is the value of the ``objective`` metric, as in KerasTuner
    (``default_objective`` when none was given). With
    several objectives (``parts``), each step also reports their sum
    (:func:`with_objective_sum`).
    """
    if isinstance(result, keras.callbacks.History):
        steps = max((len(series) for series in result.history.values()), default=0)
        for step in range(steps):
            logs = {
                name: float(series[step])
                for name, series in result.history.items()
                if step < len(series)
            }
            trial.report(step, with_objective_sum(with_default_objective(logs, objective), parts))
        return None
    if isinstance(result, Mapping):
        found = {name: float(value) for name, value in result.items()}
        return with_objective_sum(with_default_objective(found, objective), parts)
    if isinstance(result, numbers.Real) and not isinstance(result, bool):
        return {objective: float(result)}
    raise sa.errors.ArgumentTypeError(
        "Tuner.run_trial()",
        "",
        "result",
        result,
        "a keras History, a dict of metric values or a float",
    )


@attrs.frozen
class KerasBackend:
    """spacealg's ``keras`` backend: runs each trial through a tuner's ``run_trial``."""

    tuner: Tuner
    fit_args: tuple[Any, ...] = ()
    fit_kwargs: Mapping[str, Any] = attrs.field(factory=dict)

    def run_trial(self, trial: Trial) -> Outcome:
        """Run one execution of one trial."""
        _compat.clear_session_keeping_settings()
        _compat.collect_trial_garbage()  # cheap while the tuner freezes older objects
        if self.tuner.seed is not None:
            _compat.set_random_seed(trial.seed)
        handle = self.tuner.handle_for(trial.values, trial.space)
        keras_trial = KerasTrial(
            str(trial.trial_id),
            handle,
            trial.directory,
            trial.execution,
            trial.seed,
            meta=trial.meta,
        )
        try:
            with _compat.releasing_custom_gradients(), self.tuner.strategy_scope():
                result = self.tuner.run_trial(keras_trial, *self.fit_args, **dict(self.fit_kwargs))
        finally:
            # Names declared in fit() or a custom run_trial(), or only reachable on non-default
            # values, join the space: docs/semantics.md#entries-that-join-during-trials.
            trial.declared(handle.space)
        return report_result(trial, result, self.tuner.objective.name, self.tuner.objectives)
