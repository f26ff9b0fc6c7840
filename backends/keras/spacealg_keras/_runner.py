"""The trial runner: one Keras trial as spacealg's search loop runs it.

For each trial: a fresh Keras session, a seed derived from the search's seed
and the trial, a ``HyperParameters`` handle holding the trial's values, then the
tuner's ``run_trial`` (build, compile overrides, fit with the user's callbacks
and a best-epoch checkpoint). Each epoch's metrics are reported to the store.
"""

from __future__ import annotations

import contextlib
import copy
import gc
import json
import math
import numbers
import random
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import keras
import numpy as np

# Keras's own weight saving, with objects_to_skip: weights without the optimizer's state.
from keras.src.saving import saving_lib

import spacealg as sa
from spacealg.backend import Outcome, Trial

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


class BestEpochCheckpoint(keras.callbacks.Callback):  # type: ignore[misc]
    """Saves the model's weights whenever the objective improves."""

    def __init__(self, objective: sa.Objective, path: Path) -> None:
        super().__init__()
        self._objective = objective
        self._path = path
        self._best: float | None = None

    def on_epoch_end(self, epoch: int, logs: Mapping[str, Any] | None = None) -> None:
        """Save the weights if this epoch's objective value is the best so far."""
        value = (logs or {}).get(self._objective.name)
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
    saving_lib.load_weights_only(model, checkpoint, objects_to_skip=_optimizer(model))
    return model


def save_weights(model: Any, path: Path) -> None:
    """Save the model's weights to ``path``, without its optimizer's state.

    A best model is returned for inference or to train afresh, so the optimizer's
    slots (two more copies of every weight under Adam) are not worth the disk.
    """
    saving_lib.save_weights_only(model, path, objects_to_skip=_optimizer(model))


def _optimizer(model: Any) -> list[Any] | None:
    optimizer = getattr(model, "optimizer", None)
    return None if optimizer is None else [optimizer]


def _shape(saved: Any) -> Any:
    """JSON lists back to the tuples Keras expects (nested for several inputs)."""
    if isinstance(saved, list) and saved and isinstance(saved[0], list):
        return [tuple(item) for item in saved]
    return tuple(saved)


def seed_everything(seed: int) -> None:
    """``keras.utils.set_random_seed``, without importing TensorFlow under another backend.

    Keras's own function imports TensorFlow whenever it is installed, to seed
    ``tf.data``; under JAX that costs seconds and memory for nothing. The
    non-TensorFlow path repeats its steps (Python, NumPy, Keras's global seed).
    """
    if keras.backend.backend() == "tensorflow" or "tensorflow" in sys.modules:
        keras.utils.set_random_seed(seed)
        return
    from keras.src.backend.common import global_state  # noqa: PLC0415 - see above
    from keras.src.random import seed_generator  # noqa: PLC0415

    global_state.set_global_attribute("global_random_seed", seed)
    global_state.set_global_attribute(seed_generator.GLOBAL_SEED_GENERATOR, None)
    random.seed(seed)
    np.random.seed(seed)


_USER_SETTINGS = (
    "dtype_policy",
    "interactive_logging",
    "traceback_filtering",
    "flash_attention",
    "nnx_enabled",
)
"""Keras global attributes a user sets through ``keras.config`` (or
``keras.mixed_precision``); ``clear_session`` forgets them with the rest."""


def fresh_session() -> None:
    """``keras.backend.clear_session(free_memory=False)``, keeping the user's Keras settings.

    ``clear_session`` resets all of Keras's global state, which also holds settings
    such as a mixed-precision policy: without this, every trial but a search's
    first would train in float32 after ``keras.mixed_precision.set_global_policy``.
    """
    from keras.src.backend.common import global_state  # noqa: PLC0415 - see seed_everything

    kept = {name: global_state.get_global_attribute(name) for name in _USER_SETTINGS}
    keras.backend.clear_session(free_memory=False)
    for name, value in kept.items():
        if value is not None:
            global_state.set_global_attribute(name, value)


@contextlib.contextmanager
def releasing_custom_gradients() -> Iterator[None]:
    """Unregister the custom gradients TensorFlow registers while the block runs.

    In graph mode ``tf.custom_gradient`` registers each gradient function in
    TensorFlow's global gradient registry and never removes it (tensorflow issue
    97697); Keras's TensorFlow optimizer uses one in every traced train step
    (``all_reduce`` in ``apply_gradients``). The function's closure keeps the
    traced graph alive and, through its captures, the model's and optimizer's
    variables: without this, every trial leaks its model's weights three times
    over (about 15 MB a trial for a million parameters with Adam), whatever
    ``clear_session`` does. The names are ``CustomGradient-<uid>``, unique per
    registration; only those registered inside the block are removed, once the
    trial's model is done with. A no-op under other Keras backends.
    """
    registry = _gradient_registry()
    before = set(registry) if registry is not None else set()
    try:
        yield
    finally:
        if registry is not None:
            for name in [n for n in registry if n not in before]:
                if name.startswith("CustomGradient-"):
                    del registry[name]


@contextlib.contextmanager
def freezing_older_objects() -> Iterator[None]:
    """Freeze every object older than the block, so a full collection inside it is cheap.

    A dead Keras model is cyclic garbage: only a full collection frees it, and
    Python runs one rarely, so without one per trial resident memory climbs
    by about a model and its optimizer state a trial until it runs (under JAX,
    80 MB over 30 trials of a million-parameter model). A full collection of
    the whole process costs 0.1 s (JAX) to 0.25 s (TensorFlow) a trial. With
    the objects that existed before the search frozen (``gc.freeze``), the
    collection at the start of each trial traverses only what the search made
    since, in milliseconds. Objects are unfrozen when the block ends; nothing
    is done when the collector is disabled or something else froze objects.
    """
    if not gc.isenabled() or gc.get_freeze_count():
        yield
        return
    gc.freeze()
    _Freezing.searches += 1
    try:
        yield
    finally:
        _Freezing.searches -= 1
        gc.unfreeze()


class _Freezing:
    """How many searches have frozen the older objects (``freezing_older_objects``) right now.

    ``gc.get_freeze_count()`` walks every frozen object (30 ms a call with TensorFlow
    imported, 15 ms with JAX): a trial asks this first.
    """

    searches = 0


def _gradient_registry() -> dict[str, Any] | None:
    """TensorFlow's registry of gradient functions, under the TensorFlow backend (else None)."""
    if keras.backend.backend() != "tensorflow":
        return None
    from tensorflow.python.framework import ops  # noqa: PLC0415 - TensorFlow backend only

    registry = getattr(getattr(ops, "gradient_registry", None), "_registry", None)
    return registry if isinstance(registry, dict) else None


def with_callbacks(kwargs: dict[str, Any], *extra: Any) -> dict[str, Any]:
    """``fit`` keyword arguments with the user's callbacks copied for this trial, plus ``extra``."""
    callbacks = [copy.deepcopy(callback) for callback in kwargs.get("callbacks") or []]
    return {**kwargs, "callbacks": [*callbacks, *extra]}


def report_result(trial: Trial, result: Any, objective: str) -> Outcome:
    """Report a History epoch by epoch; a dict is returned as the outcome.

    A number is the value of the ``objective`` metric, as in KerasTuner.
    """
    if isinstance(result, keras.callbacks.History):
        for name, series in result.history.items():
            for step, value in enumerate(series):
                trial.report(step, {name: float(value)})
        return None
    if isinstance(result, Mapping):
        return {name: float(value) for name, value in result.items()}
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
        fresh_session()
        if gc.isenabled() and (_Freezing.searches or gc.get_freeze_count()):
            gc.collect()  # cheap while older objects are frozen: see freezing_older_objects()
        if self.tuner.seed is not None:
            seed_everything(trial.seed)
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
            with releasing_custom_gradients():
                result = self.tuner.run_trial(keras_trial, *self.fit_args, **dict(self.fit_kwargs))
        finally:
            # Names declared in fit() or a custom run_trial(), or only reachable on non-default
            # values, join the space: docs/semantics.md#entries-that-join-during-trials.
            trial.declared(handle.space)
        return report_result(trial, result, self.tuner.objective.name)
