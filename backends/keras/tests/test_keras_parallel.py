"""Keras trials on worker processes: two spawned workers, devices, checkpoints.

Run under each Keras backend (``KERAS_BACKEND``); the spawned workers inherit
it. The device test fakes a GPU list: each worker sets ``CUDA_VISIBLE_DEVICES``
to its own id before the trial imports Keras, which then simply finds no GPU.
"""

from __future__ import annotations

import logging
import os

import numpy as np
import pytest
import spacealg_keras as keras_tuner
from parallel_tuners import WhereTuner
from spacealg_keras._devices import visible_devices
from tiny_models import dense

import spacealg as sa


def _search(tmp_path, data, project, **kwargs):
    x, y = data
    tuner = keras_tuner.RandomSearch(
        dense, objective="val_loss", max_trials=4, seed=7, directory=tmp_path,
        project_name=project, **kwargs,
    )  # fmt: skip
    tuner.search(x, y, validation_data=(x, y), epochs=2, batch_size=16, verbose=0)
    return tuner


def test_two_workers_search_a_tiny_dense_model(tmp_path, small_data):
    tuner = _search(tmp_path, small_data, "parallel", n_workers=2, devices=[])
    trials = tuner.trials
    assert [t.state for t in trials] == [sa.TrialState.COMPLETED] * 4
    assert all(len(t.metrics["val_loss"]) == 2 for t in trials)  # each epoch was reported
    # A sequential run proposes the same configurations; it need not train to show it.
    sequential = sa.minimize(
        lambda values: 0.0, tuner.trial_space, max_trials=4, seed=7, directory=tmp_path,
        project_name="sequential", verbose=0,
    ).trials  # fmt: skip
    assert {t.values for t in trials} == {t.values for t in sequential}
    for trial in trials:  # checkpoints in the shared project directory
        assert (tmp_path / "parallel" / "trials" / str(trial.trial_id) / "best.weights.h5").exists()
    (best,) = tuner.get_best_models(1)
    x, _ = small_data
    assert np.all(np.isfinite(best.predict(x, verbose=0)))


def test_each_worker_gets_its_own_device_and_the_keras_backend(tmp_path):
    tuner = WhereTuner(
        oracle="grid", max_trials=None, directory=tmp_path, project_name="where",
        hyperparameters=sa.Space([sa.Choice("units", values=[4, 8, 16, 32])]),
        n_workers=2, devices=["4", "5"],
    )  # fmt: skip
    tuner.search()
    trials = tuner.trials
    assert len(trials) == 4
    assert all(t.metrics["same_backend"] == (1.0,) for t in trials)
    device_of = {}
    for t in trials:
        device_of.setdefault(t.metrics["pid"][0], set()).add(t.metrics["device"][0])
    assert all(len(devices) == 1 for devices in device_of.values())  # one device per worker
    assert set().union(*device_of.values()) <= {4.0, 5.0}
    assert os.getpid() not in device_of


def test_visible_devices_reads_cuda_visible_devices(monkeypatch):
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "1, 3")
    assert visible_devices() == ("1", "3")
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "-1")
    assert visible_devices() == ()
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "")
    assert visible_devices() == ()


def test_bad_parallel_arguments_fail_at_construction(tmp_path):
    with pytest.raises(sa.errors.InvalidArgumentError, match="n_workers=0"):
        keras_tuner.RandomSearch(dense, directory=tmp_path, n_workers=0)
    with pytest.raises(sa.errors.ArgumentTypeError, match="executor=3"):
        keras_tuner.RandomSearch(dense, directory=tmp_path, executor=3)


def test_a_dask_cluster_searches_a_tiny_dense_model(tmp_path, small_data):
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0",
            silence_logs=logging.CRITICAL,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):  # fmt: skip
        tuner = _search(tmp_path, small_data, "dask", executor=client)
    trials = tuner.trials
    assert [t.state for t in trials] == [sa.TrialState.COMPLETED] * 4
    assert all(len(t.metrics["val_loss"]) == 2 for t in trials)
    sequential = sa.minimize(
        lambda values: 0.0, tuner.trial_space, max_trials=4, seed=7, directory=tmp_path,
        project_name="sequential", verbose=0,
    ).trials  # fmt: skip
    assert {t.values for t in trials} == {t.values for t in sequential}
    for trial in trials:
        assert (tmp_path / "dask" / "trials" / str(trial.trial_id) / "best.weights.h5").exists()


def test_asynchronous_hyperband_promotes_on_workers(tmp_path, small_data):
    x, y = small_data
    tuner = keras_tuner.Hyperband(
        dense, objective="val_loss", max_epochs=3, factor=3, seed=7, asynchronous=True,
        max_trials=5, directory=tmp_path, project_name="asha", n_workers=2, devices=[],
    )  # fmt: skip
    tuner.search(x, y, validation_data=(x, y), batch_size=16, verbose=0)
    trials = tuner.trials
    assert [t.state for t in trials] == [sa.TrialState.COMPLETED] * 5
    promoted = [t for t in trials if "tuner/trial_id" in t.meta]
    assert promoted
    for trial in promoted:  # it starts from its parent's weights, in the shared directory
        parent = tmp_path / "asha" / "trials" / str(trial.meta["tuner/trial_id"])
        assert (parent / "best.weights.h5").exists()
        epochs = trial.meta["tuner/epochs"] - trial.meta["tuner/initial_epoch"]
        assert len(trial.metrics["val_loss"]) == epochs
