"""KerasTuner's "Handling failed trials" guide, called as the guide calls it, on tiny data.

Each search trains real Keras models (one epoch on 16 random samples) under the
current ``KERAS_BACKEND``.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
import spacealg_keras as keras_tuner
from keras import layers

import spacealg as sa


@pytest.fixture
def data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    return rng.random((16, 20)).astype("float32"), rng.random((16, 1)).astype("float32")


def _model(hp: keras_tuner.HyperParameters) -> keras.Model:
    units_1 = hp.Int("units_1", 10, 40, step=10)
    units_2 = hp.Int("units_2", 10, 30, step=10)
    return keras.Sequential(
        [
            keras.Input((20,)),
            layers.Dense(units=units_1),
            layers.Dense(units=units_2),
            layers.Dense(units=1),
        ]
    )


def test_retries_and_failed_trial_error_as_in_the_guide(tmp_path, data):
    x, y = data
    attempts: dict[tuple[int, int], int] = {}
    armed = {"yes": False}

    def build_model(hp):
        model = _model(hp)
        if not armed["yes"]:  # the tuner builds once to read the space
            return model
        key = (hp.get("units_1"), hp.get("units_2"))
        attempts[key] = attempts.get(key, 0) + 1
        num_params = model.count_params()
        if num_params > 1200:
            raise keras_tuner.errors.FailedTrialError(
                f"Model too large! It contains {num_params} params."
            )
        if attempts[key] == 1:  # every model that fits fails its first attempt
            raise RuntimeError("a flaky accelerator")
        model.compile(loss="mse")
        return model

    tuner = keras_tuner.GridSearch(
        hypermodel=build_model,
        objective="val_loss",
        overwrite=True,
        max_retries_per_trial=3,
        max_consecutive_failed_trials=8,
        directory=tmp_path,
    )
    armed["yes"] = True
    tuner.search(x, y, epochs=1, validation_data=(x, y), verbose=0)
    trials = tuner.trials
    assert len(trials) == 12
    for trial in trials:
        key = (trial.values["units_1"], trial.values["units_2"])
        if trial.state is sa.TrialState.FAILED:
            assert "Model too large! It contains" in (trial.error or "")
            assert attempts[key] == 1  # not retried
        else:
            assert trial.state is sa.TrialState.COMPLETED, trial.error
            assert attempts[key] == 2
            assert trial.meta["retries"] == 1
            assert isinstance(trial.meta["retry1/seed"], int)
    assert {t.state for t in trials} == {sa.TrialState.FAILED, sa.TrialState.COMPLETED}
    tuner.results_summary()


def test_a_fatal_error_stops_the_search_and_search_resumes(tmp_path, data):
    x, y = data
    broken = {"yes": True}

    def build_model(hp):
        model = _model(hp)
        if broken["yes"] and hp.get("units_1") == 20:
            raise keras_tuner.errors.FatalError("Set units_1 to 10 or 30.")
        model.compile(loss="mse")
        return model

    tuner = keras_tuner.GridSearch(
        hypermodel=build_model,
        objective="val_loss",
        overwrite=True,
        max_retries_per_trial=3,
        max_trials=5,
        directory=tmp_path,
    )
    caught = None
    try:
        tuner.search(x, y, epochs=1, validation_data=(x, y), verbose=0)
    except keras_tuner.errors.FatalError as error:
        caught = error
    assert str(caught) == "Set units_1 to 10 or 30."
    states = [t.state for t in tuner.trials]
    assert states == [sa.TrialState.COMPLETED] * 3 + [sa.TrialState.RUNNING]
    broken["yes"] = False
    tuner.search(x, y, epochs=1, validation_data=(x, y), verbose=0)
    assert [t.state for t in tuner.trials] == [sa.TrialState.COMPLETED] * 5


@pytest.mark.parametrize(
    "kind",
    [
        keras_tuner.errors.FatalValueError,
        keras_tuner.errors.FatalTypeError,
        keras_tuner.errors.FatalRuntimeError,
    ],
)
def test_each_fatal_kind_is_caught_as_fatal_error_and_as_its_builtin(tmp_path, data, kind):
    x, y = data

    armed = {"yes": False}

    def build_model(hp):
        if armed["yes"]:
            raise kind("stop")
        return _model(hp)

    tuner = keras_tuner.RandomSearch(build_model, objective="val_loss", directory=tmp_path)
    armed["yes"] = True
    builtin = kind.__mro__[2]
    with pytest.raises(builtin, match=r"^stop$"):
        tuner.search(x, y, epochs=1, validation_data=(x, y), verbose=0)
    assert [t.state for t in tuner.trials] == [sa.TrialState.RUNNING]


def test_a_failed_trials_log_shows_its_error(tmp_path, data, capsys):
    x, y = data

    class Broken(keras_tuner.HyperModel):
        def build(self, hp):
            model = _model(hp)
            model.compile(loss="mse")
            return model

        def fit(self, hp, model, *args, **kwargs):
            raise ZeroDivisionError("no_such_loss")

    tuner = keras_tuner.RandomSearch(
        Broken(), objective="val_loss", directory=tmp_path, max_trials=1
    )
    tuner.search(x, y, epochs=1, validation_data=(x, y), verbose=1)
    log = capsys.readouterr().out
    assert "Trial 1 Failed" in log
    assert "no_such_loss" in log.split("Trial 1 Failed", 1)[1]
    assert "Traceback (most recent call last):" in log


def test_too_many_failures_in_a_row_stop_the_search_as_a_runtime_error(tmp_path, data):
    x, y = data

    armed = {"yes": False}

    def build_model(hp):
        if armed["yes"]:
            raise ValueError("always")
        return _model(hp)

    tuner = keras_tuner.RandomSearch(
        build_model,
        objective="val_loss",
        directory=tmp_path,
        max_retries_per_trial=1,
        max_consecutive_failed_trials=2,
    )
    armed["yes"] = True
    with pytest.raises(RuntimeError, match="2 trials failed in a row"):
        tuner.search(x, y, epochs=1, validation_data=(x, y), verbose=0)
    assert [t.state for t in tuner.trials] == [sa.TrialState.FAILED] * 2


def test_max_retries_per_trial_is_checked_when_the_tuner_is_built(tmp_path):
    with pytest.raises(sa.errors.InvalidArgumentError, match="max_retries_per_trial"):
        keras_tuner.RandomSearch(_model, directory=tmp_path, max_retries_per_trial=-1)
