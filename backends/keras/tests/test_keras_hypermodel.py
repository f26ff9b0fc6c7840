"""HyperModel.fit and Tuner.run_trial overrides, as KerasTuner users write them."""

from __future__ import annotations

import math
import warnings

import keras
import numpy as np
import pytest
import spacealg_keras as keras_tuner
from tiny_models import dense

import spacealg as sa


class Batches(keras.callbacks.Callback):
    """Counts the training batches."""

    def __init__(self):
        super().__init__()
        self.count = 0

    def on_train_batch_end(self, batch, logs=None):
        self.count += 1


class TunedFit(keras_tuner.HyperModel):
    """Tunes the batch size in ``fit``, as KerasTuner's guide to tuning fit does.

    With ``declare_in_build`` the batch size is declared in ``build`` too (the
    same declaration, so ``fit`` reads the same value back).
    """

    def __init__(self, *, declare_in_build=False):
        super().__init__()
        self.declare_in_build = declare_in_build
        self.fitted = []

    def batch_size(self, hp):
        return hp.Choice("batch_size", [4, 8, 16], default=16)

    def build(self, hp):
        if self.declare_in_build:
            self.batch_size(hp)
        return dense(hp)

    def fit(self, hp, model, *args, **kwargs):
        batch_size = self.batch_size(hp)
        batches = Batches()
        history = model.fit(
            *args,
            batch_size=batch_size,
            callbacks=[*kwargs.pop("callbacks"), batches],
            **kwargs,
        )
        self.fitted.append((dict(hp.values), batch_size, batches.count))
        return history


def search(tuner, data, **fit_kwargs):
    x, y = data
    fit_kwargs.setdefault("epochs", 1)
    tuner.search(x, y, validation_split=0.25, verbose=0, **fit_kwargs)
    trials = tuner.trials
    assert all(t.state is sa.TrialState.COMPLETED for t in trials), [t.error for t in trials]
    return trials


def test_a_batch_size_declared_in_build_and_read_in_fit_is_tuned(tmp_path, small_data):
    hypermodel = TunedFit(declare_in_build=True)
    tuner = keras_tuner.RandomSearch(
        hypermodel, max_trials=3, seed=3, directory=tmp_path, project_name="fit"
    )
    assert "batch_size" in tuner.trial_space.tuned
    trials = search(tuner, small_data)
    for trial, (values, batch_size, batches) in zip(trials, hypermodel.fitted, strict=True):
        assert values == dict(trial.values)
        assert batch_size == trial.values["batch_size"]
        assert batches == math.ceil(24 / batch_size)  # 32 samples, a quarter for validation
    assert tuner.get_best_hyperparameters()[0].values["batch_size"] in (4, 8, 16)


def test_a_batch_size_declared_only_in_fit_joins_the_space_and_is_tuned(tmp_path, small_data):
    # sa.declare() runs build() only; the first trial's fit() declares the batch size,
    # trains with its default, and the entry joins the space: later trials tune it.
    hypermodel = TunedFit()
    tuner = keras_tuner.RandomSearch(
        hypermodel, max_trials=6, seed=2, directory=tmp_path, project_name="fit_only"
    )
    assert "batch_size" not in hypermodel.space
    assert "batch_size" not in tuner.trial_space.tuned
    trials = search(tuner, small_data)
    sizes = [batch_size for _, batch_size, _ in hypermodel.fitted]
    assert sizes[0] == 16  # the default: nothing knew of it yet
    assert len(set(sizes[1:])) > 1  # tuned from the second trial on
    for trial, (_, batch_size, batches) in zip(trials, hypermodel.fitted, strict=True):
        assert trial.values["batch_size"] == batch_size
        assert batches == math.ceil(24 / batch_size)
    assert list(tuner.trial_space.tuned)[-1] == "batch_size"
    assert "trial 0: declared during the trial" in "; ".join(
        tuner.trial_space.provenance["batch_size"].operations
    )
    assert tuner.declared_space["batch_size"] == sa.Choice(
        "batch_size", values=[4, 8, 16], default=16
    )
    best = tuner.get_best_hyperparameters()[0]
    assert best.values["batch_size"] == trials[0].values["batch_size"] or any(
        t.values["batch_size"] == best.values["batch_size"] for t in trials
    )
    # A new tuner on the stored project sees the joined entry without searching.
    again = keras_tuner.RandomSearch(
        TunedFit(), max_trials=6, directory=tmp_path, project_name="fit_only"
    )
    assert "batch_size" in again.trial_space.tuned


def test_a_batch_size_declared_only_in_fit_stays_pinned_without_tune_new_entries(
    tmp_path, small_data
):
    hp = keras_tuner.HyperParameters()
    hp.Float("learning_rate", 1e-3, 1e-1, sampling="log")
    hypermodel = TunedFit()
    tuner = keras_tuner.RandomSearch(
        hypermodel,
        hyperparameters=hp,
        tune_new_entries=False,
        max_trials=3,
        directory=tmp_path,
        project_name="pinned",
    )
    trials = search(tuner, small_data)
    assert [batch_size for _, batch_size, _ in hypermodel.fitted] == [16, 16, 16]
    assert all(t.values["batch_size"] == 16 for t in trials)
    assert tuner.trial_space.pinned["batch_size"] == 16


def test_a_declaration_in_fit_outside_the_tailoring_fails_without_allow_new_entries(
    tmp_path, small_data
):
    hp = keras_tuner.HyperParameters()
    hp.Float("learning_rate", 1e-3, 1e-1, sampling="log")
    hp.Choice("units", [4, 8])
    hp.Boolean("dropout")
    tuner = keras_tuner.RandomSearch(
        TunedFit(),
        hyperparameters=hp,
        allow_new_entries=False,
        max_trials=1,
        max_consecutive_failed_trials=1,
        directory=tmp_path,
        project_name="not_allowed",
    )
    x, y = small_data
    with pytest.raises(sa.errors.TooManyFailedTrialsError, match="'batch_size' is declared"):
        tuner.search(x, y, epochs=1, verbose=0)


def test_a_batch_size_tailored_for_fit_is_tuned_without_a_false_warning(tmp_path, small_data):
    # The tailoring route reaches fit(): the tailored entry is sampled and fit() reads
    # the trial's value. fit() declares it during the trials, so it is no tailoring-only
    # name and nothing warns.
    hp = keras_tuner.HyperParameters()
    hp.Choice("batch_size", [4, 8])
    hypermodel = TunedFit()
    tuner = keras_tuner.RandomSearch(
        hypermodel, hyperparameters=hp, max_trials=2, directory=tmp_path, project_name="t"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", sa.TailoringWarning)
        trials = search(tuner, small_data)
    for trial, (_, batch_size, batches) in zip(trials, hypermodel.fitted, strict=True):
        assert batch_size == trial.values["batch_size"] in (4, 8)
        assert batches == 24 // batch_size
    assert tuner.trial_space.provenance["batch_size"].status == "tailored"


def test_a_tailored_name_nothing_declares_warns_after_the_search(tmp_path, small_data):
    hp = keras_tuner.HyperParameters()
    hp.Choice("batch_sise", [4, 8])  # a typo: fit() declares batch_size
    tuner = keras_tuner.RandomSearch(
        TunedFit(), hyperparameters=hp, max_trials=1, directory=tmp_path, project_name="typo"
    )
    with pytest.warns(sa.TailoringWarning, match="'batch_sise', which the hypermodel never"):
        search(tuner, small_data)


# -- what fit() and run_trial() return ----------------------------------------------


class Returning(keras_tuner.HyperModel):
    """``fit`` returns the History, a dict of metrics, or one number."""

    def __init__(self, kind):
        super().__init__()
        self.kind = kind
        self.histories = []

    def build(self, hp):
        return dense(hp)

    def fit(self, hp, model, x, y, **kwargs):
        history = model.fit(x, y, **kwargs)
        self.histories.append(history.history)
        if self.kind == "history":
            return history
        if self.kind == "dict":
            return {"val_loss": history.history["val_loss"][-1], "extra": np.float32(0.5)}
        return np.float32(history.history["val_loss"][-1])


@pytest.mark.parametrize("kind", ["history", "dict", "float"])
def test_fit_may_return_a_history_a_dict_or_a_number(tmp_path, small_data, kind):
    hypermodel = Returning(kind)
    tuner = keras_tuner.RandomSearch(
        hypermodel, objective="val_loss", max_trials=2, directory=tmp_path, project_name=kind
    )
    trials = search(tuner, small_data, epochs=2)
    for trial, history in zip(trials, hypermodel.histories, strict=True):
        if kind == "history":
            # Every epoch of every metric is stored; the score is the best epoch's.
            assert dict(trial.metrics) == {k: tuple(v) for k, v in history.items()}
            assert trial.score == min(history["val_loss"])
            assert trial.best_step == int(np.argmin(history["val_loss"]))
        else:
            # A dict is the trial's metrics; a number is the objective's value (as in
            # KerasTuner), recorded under the objective's name.
            assert trial.metrics["val_loss"] == (pytest.approx(history["val_loss"][-1]),)
            assert trial.score == pytest.approx(history["val_loss"][-1])
            assert ("extra" in trial.metrics) == (kind == "dict")


class CustomLoop(keras_tuner.RandomSearch):
    """A ``run_trial`` override: a custom training loop that returns its metrics."""

    def __init__(self, *args, returns, **kwargs):
        super().__init__(*args, **kwargs)
        self.returns = returns
        self.trial_ids = []

    def run_trial(self, trial, x, y, *, epochs, validation_split, verbose):
        self.trial_ids.append(trial.trial_id)
        model = self.hypermodel.build(trial.hyperparameters)
        model.fit(x, y, epochs=epochs, verbose=verbose)
        loss, accuracy = model.evaluate(x, y, verbose=verbose)
        if self.returns == "dict":
            return {"my_loss": loss, "my_accuracy": accuracy}
        return loss


@pytest.mark.parametrize(
    ("returns", "objective"),
    [("dict", "my_loss"), ("dict", sa.Objective("my_accuracy", "max")), ("float", "my_loss")],
)
def test_run_trial_may_be_overridden(tmp_path, small_data, returns, objective):
    tuner = CustomLoop(
        dense,
        returns=returns,
        objective=objective,
        max_trials=2,
        directory=tmp_path,
        project_name="custom",
    )
    trials = search(tuner, small_data)
    assert tuner.trial_ids == ["0", "1"]  # KerasTuner's trial ids are strings
    name = tuner.objective.name
    for trial in trials:
        assert trial.score == trial.metrics[name][0]
        expected = {"my_loss", "my_accuracy"} if returns == "dict" else {"my_loss"}
        assert set(trial.metrics) == expected
    # The custom loop saved no best-epoch checkpoint: its models come back untrained.
    with pytest.warns(UserWarning, match="trial [01] saved no checkpoint"):
        (model,) = tuner.get_best_models()
    assert isinstance(model, keras.Model)


@pytest.mark.parametrize("kind", ["float", "dict", "history"])
def test_without_an_objective_a_custom_fit_is_scored_as_default_objective(
    tmp_path, small_data, kind
):
    # KerasTuner's DefaultObjective: the float a custom fit returns, minimised. A History
    # or a dict without it is scored by its val_loss, as built-in training is.
    hypermodel = Returning(kind)
    tuner = keras_tuner.RandomSearch(
        hypermodel, max_trials=2, directory=tmp_path, project_name=kind
    )
    assert tuner.objective == sa.Objective("default_objective", "min")
    trials = search(tuner, small_data, epochs=2)
    for trial, history in zip(trials, hypermodel.histories, strict=True):
        if kind == "history":
            assert trial.metrics["default_objective"] == tuple(history["val_loss"])
            assert trial.score == min(history["val_loss"])
        else:
            assert trial.metrics["default_objective"] == (pytest.approx(history["val_loss"][-1]),)
            assert trial.score == pytest.approx(history["val_loss"][-1])
        assert ("val_loss" in trial.metrics) == (kind != "float")
    assert tuner.get_best_hyperparameters()[0].values == min(trials, key=lambda t: t.score).values


def test_without_an_objective_a_custom_run_trial_returning_a_float_is_default_objective(
    tmp_path, small_data
):
    tuner = CustomLoop(dense, returns="float", max_trials=1, directory=tmp_path, project_name="c")
    assert tuner.objective.name == "default_objective"
    (trial,) = search(tuner, small_data)
    assert set(trial.metrics) == {"default_objective"}
    assert trial.score == trial.metrics["default_objective"][0]


def test_without_an_objective_built_in_training_minimises_val_loss(tmp_path):
    # KerasTuner refuses a History with no objective; spacealg minimises val_loss.
    tuner = keras_tuner.RandomSearch(dense, max_trials=1, directory=tmp_path, project_name="v")
    assert tuner.objective == sa.Objective("val_loss", "min")


def test_the_space_of_a_hypermodel_is_read_only_and_computed_once():
    built = []

    class Counted(keras_tuner.HyperModel):
        def build(self, hp):
            built.append(hp)
            return dense(hp)

    hypermodel = Counted()
    assert hypermodel.space is hypermodel.space
    assert list(hypermodel.space) == ["units", "dropout", "learning_rate"]
    assert len(built) == 1
    with pytest.raises(AttributeError):
        hypermodel.space = sa.Space()
