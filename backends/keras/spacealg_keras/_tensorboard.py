"""TensorBoard logs per trial, with the HParams data TensorBoard's HParams dashboard reads.

When a ``keras.callbacks.TensorBoard`` callback is among ``search()``'s callbacks,
each execution of each trial gets its own copy of it, logging into
``<log_dir>/<trial_id>/execution<k>`` (KerasTuner's layout), and an
:class:`HParamsLogger` beside it that writes, into the same folder, the session
start (the trial's values, grouped by trial), each epoch's metrics as scalars and
the session end (its status). After a search, the experiment (every tuned
hyperparameter with its domain, every metric) is written into ``<log_dir>``.

Everything is written with the ``tensorboard`` package's pure-Python pieces (its
event file writer and HParams protobuf builders), never ``tf.summary``, so the
same files are written on the TensorFlow and the JAX backend.
"""

from __future__ import annotations

import numbers
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import keras

import spacealg as sa

EXPERIMENT_SUFFIX = ".spacealg-hparams"
"""The suffix of the event file holding the experiment, so that a later search replaces it."""

SUCCESS = "success"
FAILURE = "failure"


def trial_log_dir(log_dir: str | Path, trial_id: str, execution: int) -> Path:
    """Where one execution of one trial logs: ``<log_dir>/<trial_id>/execution<k>``.

    Examples:
        >>> trial_log_dir("logs", "3", 0).as_posix()
        'logs/3/execution0'
    """
    return Path(log_dir) / str(trial_id) / f"execution{execution}"


def tensorboard_log_dirs(callbacks: Iterable[Any]) -> tuple[Path, ...]:
    """The ``log_dir`` of every ``keras.callbacks.TensorBoard`` among ``callbacks``."""
    return tuple(
        Path(callback.log_dir)
        for callback in callbacks
        if isinstance(callback, keras.callbacks.TensorBoard)
    )


def _hparam_value(value: object) -> bool | int | float | str | None:
    """A trial's value as HParams stores it: a bool, a number or a string (None: left out)."""
    if value is None:
        return None
    if isinstance(value, bool | str):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    return str(value)


class HParamsLogger(keras.callbacks.Callback):  # type: ignore[misc]
    """Writes one execution's HParams session into its log folder.

    ``on_train_begin`` writes the session start (the trial's values as the build
    function and ``fit`` declared them, its group
    named after the trial, so that a trial's executions form one row of the
    dashboard), ``on_epoch_end`` each epoch's numeric metrics as scalars (step:
    the epoch), and ``on_train_end`` the session end. An execution that raises is
    ended with :meth:`end` and ``"failure"`` by the tuner.
    """

    def __init__(self, log_dir: str | Path, trial_id: str, values: Mapping[str, object]) -> None:
        super().__init__()
        self.log_dir = Path(log_dir)
        self.trial_id = str(trial_id)
        self._values = values
        self._writer: Any = None

    @property
    def values(self) -> dict[str, bool | int | float | str]:
        """The trial's values as HParams records them, read when training begins.

        ``values`` may be the handle's live view: a name ``HyperModel.fit`` declares
        before it trains (a batch size) is then among them.
        """
        return {
            name: shown
            for name, value in self._values.items()
            if (shown := _hparam_value(value)) is not None
        }

    def on_train_begin(self, logs: Mapping[str, Any] | None = None) -> None:
        """Open the execution's event file and write the session start."""
        from tensorboard.plugins.hparams import summary_v2  # noqa: PLC0415 - only with TensorBoard
        from tensorboard.summary.writer.event_file_writer import (  # noqa: PLC0415
            EventFileWriter,
        )

        self.log_dir.mkdir(parents=True, exist_ok=True)
        self._writer = EventFileWriter(str(self.log_dir))
        self._write(summary_v2.hparams_pb(self.values, trial_id=self.trial_id), step=0)

    def on_epoch_end(self, epoch: int, logs: Mapping[str, Any] | None = None) -> None:
        """Write the epoch's numeric metrics as scalars at step ``epoch``."""
        from tensorboard.plugins.scalar import summary_v2 as scalars  # noqa: PLC0415

        if self._writer is None:
            return
        for name, value in (logs or {}).items():
            if isinstance(value, numbers.Real) or hasattr(value, "__float__"):
                self._write(scalars.scalar_pb(name, float(value)), step=epoch)
        self._writer.flush()

    def on_train_end(self, logs: Mapping[str, Any] | None = None) -> None:
        """Write the session end: the execution succeeded."""
        self.end(SUCCESS)

    def end(self, status: str) -> None:
        """Write the session end with ``status`` (``"success"`` or ``"failure"``) and close.

        Nothing happens once the session has ended, or if it never started.
        """
        if self._writer is None:
            return
        from tensorboard.plugins.hparams import (  # noqa: PLC0415
            api_pb2,
            metadata,
            plugin_data_pb2,
        )

        code = api_pb2.STATUS_SUCCESS if status == SUCCESS else api_pb2.STATUS_FAILURE
        info = plugin_data_pb2.SessionEndInfo(status=code, end_time_secs=time.time())
        data = plugin_data_pb2.HParamsPluginData(session_end_info=info)
        self._write(_plugin_summary(metadata.SESSION_END_INFO_TAG, data), step=0)
        self._writer.close()
        self._writer = None

    def _write(self, summary: Any, *, step: int) -> None:
        from tensorboard.compat.proto import event_pb2  # noqa: PLC0415

        self._writer.add_event(event_pb2.Event(wall_time=time.time(), step=step, summary=summary))

    def __deepcopy__(self, memo: dict[int, Any]) -> HParamsLogger:
        """A logger is made per execution; a copy is a fresh logger for the same session."""
        return HParamsLogger(self.log_dir, self.trial_id, self._values)


def _plugin_summary(tag: str, data: Any) -> Any:
    """A summary holding HParams plugin data under ``tag``, as TensorBoard's reader expects."""
    from tensorboard.compat.proto import summary_pb2  # noqa: PLC0415
    from tensorboard.plugins.hparams import metadata  # noqa: PLC0415

    summary = summary_pb2.Summary()
    summary.value.add(
        tag=tag,
        metadata=metadata.create_summary_metadata(data),
        tensor=metadata.NULL_TENSOR,
    )
    return summary


def with_trial_logs(
    callbacks: Sequence[Any], trial_id: str, execution: int, values: Mapping[str, object]
) -> tuple[list[Any], list[HParamsLogger]]:
    """``callbacks`` (already copied for this execution) logging per trial, and the loggers added.

    Each ``keras.callbacks.TensorBoard`` among them is pointed at
    :func:`trial_log_dir` and gets an :class:`HParamsLogger` for that folder.
    """
    loggers = []
    for callback in callbacks:
        if isinstance(callback, keras.callbacks.TensorBoard):
            callback.log_dir = str(trial_log_dir(callback.log_dir, trial_id, execution))
            loggers.append(HParamsLogger(callback.log_dir, trial_id, values))
    return [*callbacks, *loggers], loggers


def _domain(hyperparameter: sa.Hyperparameter, summary_v2: Any) -> Any:
    """The HParams domain of a hyperparameter: its values, or its interval."""
    grid = hyperparameter.grid_values()
    if hyperparameter.kind == "int" and getattr(hyperparameter, "step", None) in (None, 1):
        return summary_v2.IntInterval(hyperparameter.min_value, hyperparameter.max_value)  # type: ignore[union-attr]
    if grid is not None:
        shown = [_hparam_value(value) for value in grid]
        if len({type(value) for value in shown}) == 1:
            return summary_v2.Discrete(shown)
        return None  # mixed types: TensorBoard's Discrete refuses them
    return summary_v2.RealInterval(
        float(hyperparameter.min_value),  # type: ignore[union-attr]
        float(hyperparameter.max_value),  # type: ignore[union-attr]
    )


def write_experiment(
    log_dir: str | Path, trial_space: sa.TrialSpace, metrics: Iterable[str]
) -> None:
    """Write the experiment (hyperparameters with their domains, metrics) into ``log_dir``.

    The tuned hyperparameters come with their domains, the pinned ones with their
    single value; ``metrics`` are the scalar names :class:`HParamsLogger` writes.
    The file replaces the one an earlier search wrote, so the dashboard reads
    the latest experiment.
    """
    from tensorboard.plugins.hparams import summary_v2  # noqa: PLC0415
    from tensorboard.summary.writer.event_file_writer import (  # noqa: PLC0415
        EventFileWriter,
    )

    hparams = [
        summary_v2.HParam(name, _domain(trial_space.tuned[name], summary_v2))
        for name in trial_space.tuned
    ]
    hparams += [
        summary_v2.HParam(name, summary_v2.Discrete([shown]))
        for name, value in trial_space.pinned.items()
        if (shown := _hparam_value(value)) is not None
    ]
    summary = summary_v2.hparams_config_pb(
        hparams, [summary_v2.Metric(name) for name in sorted(set(metrics))]
    )
    folder = Path(log_dir)
    folder.mkdir(parents=True, exist_ok=True)
    for earlier in folder.glob(f"events.out.tfevents.*{EXPERIMENT_SUFFIX}"):
        earlier.unlink()
    from tensorboard.compat.proto import event_pb2  # noqa: PLC0415

    writer = EventFileWriter(str(folder), filename_suffix=EXPERIMENT_SUFFIX)
    writer.add_event(event_pb2.Event(wall_time=time.time(), step=0, summary=summary))
    writer.close()
