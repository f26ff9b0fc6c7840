"""Searching: the grid, resuming from the store, and seeds."""

from __future__ import annotations

import itertools

import keras
import numpy as np
import pytest
import spacealg_keras as keras_tuner
from keras import layers
from tiny_models import dense

import spacealg as sa


class Counting(keras_tuner.HyperModel):
    """Builds :func:`finite` models and counts the ones trained (``declare`` builds too)."""

    def __init__(self):
        super().__init__()
        self.trained = 0

    def build(self, hp):
        return finite(hp)

    def fit(self, hp, model, *args, **kwargs):
        self.trained += 1
        return model.fit(*args, **kwargs)


def finite(hp):
    """A model with a finite space: 2 units x 2 activations = 4 configurations."""
    model = keras.Sequential(
        [
            keras.Input((8,)),
            layers.Dense(hp.Choice("units", [4, 8]), activation=hp.Choice("act", ["relu", "tanh"])),
            layers.Dense(3, activation="softmax"),
        ]
    )
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def search(tuner, data, **fit_kwargs):
    x, y = data
    fit_kwargs.setdefault("epochs", 1)
    tuner.search(x, y, validation_split=0.25, verbose=0, **fit_kwargs)
    return tuner.trials


def configurations(trials):
    return [(t.values["units"], t.values["act"]) for t in trials]


def test_grid_search_visits_every_configuration_once(tmp_path, small_data):
    hypermodel = Counting()
    tuner = keras_tuner.GridSearch(hypermodel, directory=tmp_path, project_name="grid")
    assert tuner.max_trials is None  # KerasTuner's default: until the grid is exhausted
    trials = search(tuner, small_data)
    assert all(t.state is sa.TrialState.COMPLETED for t in trials)
    assert sorted(configurations(trials)) == sorted(itertools.product([4, 8], ["relu", "tanh"]))
    assert hypermodel.trained == 4

    # Searching again finds the grid exhausted and trains nothing.
    search(tuner, small_data)
    assert hypermodel.trained == 4
    assert len(tuner.trials) == 4


class Noting(keras.callbacks.Callback):
    """Notes which instance trained, and for how many epochs."""

    def __init__(self, note):
        super().__init__()
        self.note = note  # a function: deepcopy shares it
        self.epochs = 0

    def on_epoch_end(self, epoch, logs=None):
        self.epochs += 1
        # The instance itself, not its id(): a freed copy's id can be reused by the next
        # trial's copy, so ids could count two instances as one.
        self.note((self, self.epochs))


def test_random_search_ends_when_a_finite_space_is_exhausted(tmp_path, small_data):
    tuner = keras_tuner.RandomSearch(
        finite, max_trials=10, seed=1, directory=tmp_path, project_name="exhausted"
    )
    seen = []

    def note(instance_epochs):
        # A function: deepcopy shares it (it would copy seen.append's list).
        seen.append(instance_epochs)

    callback = Noting(note)
    trials = search(tuner, small_data, epochs=2, callbacks=[callback])
    assert len(trials) == 4
    assert len(set(configurations(trials))) == 4

    # The user's callbacks are copied for each trial: four fresh instances, each counting
    # its own two epochs; the one given is never used.
    assert callback.epochs == 0
    assert len({id(instance) for instance, _ in seen}) == 4
    assert [epochs for _, epochs in seen] == [1, 2] * 4


def test_every_execution_gets_its_own_copy_of_the_callbacks(tmp_path, small_data):
    seen = []

    def note(instance_epochs):
        seen.append(instance_epochs)

    callback = Noting(note)
    tuner = keras_tuner.RandomSearch(
        finite,
        max_trials=1,
        executions_per_trial=2,
        directory=tmp_path,
        project_name="executions",
    )
    (trial,) = search(tuner, small_data, callbacks=[callback])
    assert callback.epochs == 0
    assert len({id(instance) for instance, _ in seen}) == 2
    assert [epochs for _, epochs in seen] == [1, 1]
    assert len(trial.metrics["loss"]) == 1  # the two executions' epochs, averaged


def test_a_second_tuner_resumes_the_stored_search(tmp_path, small_data):
    def tuner(hypermodel, max_trials):
        return keras_tuner.RandomSearch(
            hypermodel,
            objective="val_loss",
            max_trials=max_trials,
            overwrite=False,
            directory=tmp_path,
            project_name="resume",
        )

    first = Counting()
    before = search(tuner(first, 2), small_data)
    assert first.trained == 2

    # Same directory and project, the same max_trials: nothing new runs.
    again = Counting()
    resumed = tuner(again, 2)
    assert search(resumed, small_data) == before
    assert again.trained == 0
    assert resumed.get_best_hyperparameters()[0].values in [dict(t.values) for t in before]

    # A larger max_trials runs the difference only, after the stored trials.
    more = Counting()
    after = search(tuner(more, 3), small_data)
    assert more.trained == 1
    assert after[:2] == before
    assert [t.trial_id for t in after] == [0, 1, 2]
    assert configurations(after)[2] not in configurations(before)


def test_overwrite_starts_afresh(tmp_path, small_data):
    def tuner(max_trials, overwrite):
        return keras_tuner.RandomSearch(
            finite,
            max_trials=max_trials,
            overwrite=overwrite,
            directory=tmp_path,
            project_name="overwrite",
        )

    search(tuner(2, overwrite=False), small_data)
    assert [t.trial_id for t in search(tuner(1, overwrite=True), small_data)] == [0]


def seeded(hp):
    # Dropout and the shuffled batches draw random numbers too, not only the initializers.
    model = keras.Sequential(
        [
            keras.Input((8,)),
            layers.Dense(hp.Choice("units", [4, 8]), activation="relu"),
            layers.Dropout(hp.Float("dropout", 0.1, 0.5)),
            layers.Dense(3, activation="softmax"),
        ]
    )
    model.compile(
        keras.optimizers.Adam(hp.Float("learning_rate", 1e-3, 1e-1, sampling="log")),
        "sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def test_a_seed_repeats_a_search_exactly(tmp_path, small_data):
    runs = []
    for project in ("first", "second"):
        tuner = keras_tuner.RandomSearch(
            seeded, max_trials=2, seed=0, directory=tmp_path, project_name=project
        )
        trials = search(tuner, small_data, epochs=2, batch_size=8)
        assert all(t.state is sa.TrialState.COMPLETED for t in trials)
        runs.append([(dict(t.values), dict(t.metrics), t.score) for t in trials])
    # seed=0 is a seed: the same values, and the same metrics at every epoch, exactly.
    assert runs[0] == runs[1]
    assert all(len(metrics["loss"]) == 2 for _, metrics, _ in runs[0])


class Partly(keras_tuner.HyperModel):
    """Skips one configuration from build() (SkipTrial) and fails another in fit()."""

    def build(self, hp):
        model = finite(hp)
        if (hp["units"], hp["act"]) == (8, "tanh"):
            raise sa.SkipTrial("8 tanh units make no sense")
        return model

    def fit(self, hp, model, *args, **kwargs):
        if (hp["units"], hp["act"]) == (4, "tanh"):
            raise RuntimeError("out of luck")
        return model.fit(*args, **kwargs)


def test_invalid_and_failed_trials_are_never_the_best(tmp_path, small_data):
    tuner = keras_tuner.GridSearch(Partly(), directory=tmp_path, project_name="partly")
    trials = search(tuner, small_data)
    states = {(t.values["units"], t.values["act"]): t for t in trials}
    assert states[8, "tanh"].state is sa.TrialState.INVALID
    assert states[8, "tanh"].error == "skipped: 8 tanh units make no sense"
    assert states[4, "tanh"].state is sa.TrialState.FAILED
    assert "RuntimeError: out of luck" in states[4, "tanh"].error
    best = tuner.get_best_hyperparameters(4)
    assert sorted(hp.values["units"] for hp in best) == [4, 8]
    assert all(hp.values["act"] == "relu" for hp in best)
    assert len(tuner.get_best_models(4)) == 2


def test_a_build_that_skips_its_defaults_still_makes_a_tuner(tmp_path, small_data):
    def picky(hp):
        units = hp.Choice("units", [4, 8])
        if units == 4:  # the default
            raise sa.SkipTrial("4 units are too few")
        return dense(hp)

    tuner = keras_tuner.RandomSearch(
        picky, max_trials=4, seed=0, directory=tmp_path, project_name="picky"
    )
    assert list(tuner.trial_space.tuned) == ["units"]
    x, y = small_data
    tuner.search(x, y, epochs=1, validation_split=0.25, verbose=0)
    states = {(t.values["units"], t.state) for t in tuner.trials}
    assert states == {(4, sa.TrialState.INVALID), (8, sa.TrialState.COMPLETED)}
    # The entries after the raise joined during the trial with 8 units.
    assert {"dropout", "learning_rate"} <= set(tuner.trial_space.tuned)


def test_every_trial_keeps_the_users_dtype_policy(tmp_path, small_data):
    policies = []

    def recording(hp):
        model = dense(hp)
        policies.append(model.layers[0].dtype_policy.name)
        return model

    keras.config.set_dtype_policy("mixed_bfloat16")
    try:
        tuner = keras_tuner.RandomSearch(
            recording, max_trials=3, directory=tmp_path, project_name="policy"
        )
        search(tuner, small_data)
        assert keras.config.dtype_policy().name == "mixed_bfloat16"
    finally:
        keras.config.set_dtype_policy("float32")
    assert policies[-3:] == ["mixed_bfloat16"] * 3


class EpochWeights(keras.callbacks.Callback):
    """Passes each epoch's objective value and a copy of the model's weights to ``note``.

    (A function: the tuner deep-copies callbacks for each trial, but not functions.)
    """

    def __init__(self, note):
        super().__init__()
        self.note = note

    def on_epoch_end(self, epoch, logs=None):
        self.note((logs["val_loss"], [w.copy() for w in self.model.get_weights()]))


def test_the_best_model_has_its_best_epochs_weights_and_no_optimizer_state(tmp_path, small_data):
    import h5py

    seen = []
    tuner = keras_tuner.RandomSearch(
        dense, max_trials=1, seed=4, directory=tmp_path, project_name="best_epoch"
    )
    x, y = small_data

    def note(pair):
        seen.append(pair)

    tuner.search(
        x,
        y,
        epochs=4,
        validation_split=0.25,
        verbose=0,
        callbacks=[EpochWeights(note)],
    )
    (trial,) = tuner.trials
    assert len(seen) == 4
    best_loss, best_weights = min(seen, key=lambda pair: pair[0])
    assert trial.score == pytest.approx(best_loss)
    (model,) = tuner.get_best_models()
    for loaded, recorded in zip(model.get_weights(), best_weights, strict=True):
        np.testing.assert_array_equal(loaded, recorded)
    checkpoint = tmp_path / "best_epoch" / "trials" / "0" / "best.weights.h5"
    with h5py.File(checkpoint) as saved:
        names = []
        saved.visit(names.append)
    assert names
    assert not [name for name in names if "optimizer" in name]


def _shown(value):
    """A value as the trial log's table shows it (KerasTuner's: 5 significant digits)."""
    return (
        f"{value:.5g}"
        if isinstance(value, int | float) and not isinstance(value, bool)
        else str(value)
    )


def test_verbose_1_prints_kerastuner_s_table_of_each_trials_values(tmp_path, small_data, capsys):
    x, y = small_data
    tuner = keras_tuner.RandomSearch(
        dense, objective="val_loss", max_trials=2, seed=4, directory=tmp_path, project_name="t"
    )
    tuner.search(x, y, epochs=1, validation_split=0.25, verbose=1)
    out = capsys.readouterr().out
    first, second = tuner.trials
    header = "Value             |Best Value So Far |Hyperparameter"
    assert out.count(header) == 2
    lines = out.splitlines()
    start = lines.index(header)
    assert lines[start - 2 : start] == ["Search: Running Trial #1", ""]
    assert lines[start + 1 : start + 5] == [
        *(f"{_shown(value):<18}|{'?':<18}|{name}" for name, value in first.values.items()),
        "",
    ]
    start = lines.index(header, start + 1)
    assert lines[start + 1 : start + 1 + len(second.values)] == [
        f"{_shown(value):<18}|{_shown(first.values[name]):<18}|{name}"
        for name, value in second.values.items()
    ]
    assert "Trial 2 Complete [" in out
    assert f"Best val_loss So Far: {min(first.score, second.score)!r}" in out
