"""TensorBoard logs per trial with HParams data, read back with TensorBoard's own HParams plugin.

Each search trains real, tiny Keras models (one epoch) under the current
``KERAS_BACKEND``, with a ``keras.callbacks.TensorBoard`` callback; the written
event files are then read by the same code TensorBoard's HParams dashboard runs
(its event multiplexer, data provider and the plugin's request handlers).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import keras
import numpy as np
import pytest
import spacealg_keras as keras_tuner
from tensorboard import context
from tensorboard.backend.event_processing import data_provider, plugin_event_multiplexer
from tensorboard.plugins import base_plugin
from tensorboard.plugins.hparams import (
    api_pb2,
    backend_context,
    get_experiment,
    list_session_groups,
)
from tiny_models import dense

import spacealg as sa

ALL_STATUSES = [
    api_pb2.STATUS_SUCCESS,
    api_pb2.STATUS_FAILURE,
    api_pb2.STATUS_RUNNING,
    api_pb2.STATUS_UNKNOWN,
]


def dashboard(log_dir: Path) -> tuple[Any, Any]:
    """The experiment and the session groups, as TensorBoard's HParams dashboard asks for them."""
    multiplexer = plugin_event_multiplexer.EventMultiplexer()
    multiplexer.AddRunsFromDirectory(str(log_dir))
    multiplexer.Reload()
    provider = data_provider.MultiplexerDataProvider(multiplexer, str(log_dir))
    tb_context = base_plugin.TBContext(
        logdir=str(log_dir), multiplexer=multiplexer, data_provider=provider
    )
    hparams_context = backend_context.Context(tb_context)
    request_context = context.RequestContext()
    experiment = get_experiment.Handler(
        request_context, hparams_context, "", api_pb2.GetExperimentRequest()
    ).run()
    request = api_pb2.ListSessionGroupsRequest(
        start_index=0, slice_size=100, allowed_statuses=ALL_STATUSES
    )
    groups = list_session_groups.Handler(request_context, hparams_context, "", request).run()
    return experiment, groups.session_groups


def _hparams(group: Any) -> dict[str, object]:
    found: dict[str, object] = {}
    for name, value in group.hparams.items():
        kind = value.WhichOneof("kind")
        found[name] = getattr(value, kind)
    return found


def _metrics(session: Any) -> dict[str, float]:
    return {metric.name.tag: metric.value for metric in session.metric_values}


def _search(tmp_path: Path, data: Any, callback: Any, **tuner_kwargs: Any) -> Any:
    x, y = data
    tuner = keras_tuner.RandomSearch(
        dense,
        objective="val_loss",
        directory=tmp_path,
        project_name="tb",
        seed=2,
        **{"max_trials": 2, **tuner_kwargs},
    )
    tuner.search(x, y, validation_split=0.25, epochs=1, callbacks=[callback], verbose=0)
    return tuner


def test_each_trial_logs_into_its_own_folder_with_its_hparams_and_metrics(tmp_path, small_data):
    log_dir = tmp_path / "logs"
    callback = keras.callbacks.TensorBoard(log_dir=str(log_dir))
    tuner = _search(tmp_path, small_data, callback)

    assert callback.log_dir == str(log_dir)  # the user's callback is copied, never changed
    trials = {str(record.trial_id): record for record in tuner.trials}
    assert sorted(trials) == ["0", "1"]
    for trial_id in trials:  # KerasTuner's layout, with Keras's own train/validation logs
        execution = log_dir / trial_id / "execution0"
        assert (execution / "train").is_dir()
        assert (execution / "validation").is_dir()
    assert not (log_dir / "train").exists()

    experiment, groups = dashboard(log_dir)
    infos = {info.name: info for info in experiment.hparam_infos}
    assert sorted(infos) == ["dropout", "learning_rate", "units"]
    assert [v.number_value for v in infos["units"].domain_discrete.values] == [4, 8]
    assert infos["learning_rate"].domain_interval.min_value == pytest.approx(1e-3)
    assert infos["learning_rate"].domain_interval.max_value == pytest.approx(1e-1)
    assert {info.name.tag for info in experiment.metric_infos} >= {"loss", "val_loss"}

    assert sorted(group.name for group in groups) == ["0", "1"]
    for group in groups:
        record = trials[group.name]
        assert _hparams(group) == pytest.approx(dict(record.values))
        (session,) = group.sessions
        assert session.name == f"{group.name}/execution0"
        assert session.status == api_pb2.STATUS_SUCCESS
        assert _metrics(session)["val_loss"] == pytest.approx(record.metrics["val_loss"][-1])
        assert _metrics(session)["val_loss"] == pytest.approx(record.score)


def test_each_execution_is_a_session_of_its_trial_group(tmp_path, small_data):
    log_dir = tmp_path / "logs"
    callback = keras.callbacks.TensorBoard(log_dir=str(log_dir))
    _search(tmp_path, small_data, callback, max_trials=1, executions_per_trial=2)

    assert sorted(path.name for path in (log_dir / "0").iterdir()) == ["execution0", "execution1"]
    _, groups = dashboard(log_dir)
    (group,) = groups
    assert sorted(session.name for session in group.sessions) == [
        "0/execution0",
        "0/execution1",
    ]


class _Raises(keras.callbacks.Callback):
    def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
        raise RuntimeError("a failing epoch")


def test_a_failed_execution_ends_its_session_as_failed(tmp_path, small_data):
    x, y = small_data
    log_dir = tmp_path / "logs"
    tuner = keras_tuner.RandomSearch(
        dense, objective="val_loss", max_trials=1, directory=tmp_path, project_name="tb", seed=2
    )
    callbacks = [keras.callbacks.TensorBoard(log_dir=str(log_dir)), _Raises()]
    tuner.search(x, y, validation_split=0.25, epochs=1, callbacks=callbacks, verbose=0)

    (record,) = tuner.trials
    assert record.state is sa.TrialState.FAILED
    _, groups = dashboard(log_dir)
    (group,) = groups
    (session,) = group.sessions
    assert session.status == api_pb2.STATUS_FAILURE


def test_a_second_search_replaces_the_experiment_and_adds_its_trials(tmp_path, small_data):
    log_dir = tmp_path / "logs"
    callback = keras.callbacks.TensorBoard(log_dir=str(log_dir))
    tuner = _search(tmp_path, small_data, callback, max_trials=1)
    tuner.max_trials = 2
    x, y = small_data
    tuner.search(x, y, validation_split=0.25, epochs=1, callbacks=[callback], verbose=0)

    assert len(list(log_dir.glob("events.out.tfevents.*"))) == 1  # the experiment, rewritten
    _, groups = dashboard(log_dir)
    assert sorted(group.name for group in groups) == ["0", "1"]


def test_without_a_tensorboard_callback_nothing_is_logged(tmp_path, small_data):
    x, y = small_data
    tuner = keras_tuner.RandomSearch(
        dense, objective="val_loss", max_trials=1, directory=tmp_path, project_name="tb", seed=2
    )
    tuner.search(x, y, validation_split=0.25, epochs=1, verbose=0)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["tb"]
    assert not list(tmp_path.rglob("events.out.tfevents.*"))


def test_the_numbers_logged_are_the_trial_values_as_python_scalars(tmp_path):
    from spacealg_keras._tensorboard import HParamsLogger

    logger = HParamsLogger(
        tmp_path, "7", {"units": np.int64(8), "rate": np.float32(0.5), "off": None, "act": "relu"}
    )
    assert logger.values == {"units": 8, "rate": 0.5, "act": "relu"}
    assert type(logger.values["units"]) is int


class _TunedBatch(keras_tuner.HyperModel):
    def build(self, hp):
        return dense(hp)

    def fit(self, hp, model, *args, **kwargs):
        return model.fit(*args, batch_size=hp.Choice("batch_size", [8, 16]), **kwargs)


def test_a_name_fit_declares_is_among_the_hparams(tmp_path, small_data):
    x, y = small_data
    log_dir = tmp_path / "logs"
    tuner = keras_tuner.RandomSearch(
        _TunedBatch(), objective="val_loss", max_trials=1, directory=tmp_path, seed=2
    )
    callback = keras.callbacks.TensorBoard(log_dir=str(log_dir))
    tuner.search(x, y, validation_split=0.25, epochs=1, callbacks=[callback], verbose=0)
    (record,) = tuner.trials
    experiment, (group,) = dashboard(log_dir)
    assert _hparams(group) == pytest.approx(dict(record.values))
    assert "batch_size" in _hparams(group)
    assert "batch_size" in {info.name for info in experiment.hparam_infos}
