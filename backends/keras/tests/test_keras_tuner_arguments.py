"""The tuners' arguments: compile overrides, the warnings KerasTuner lacks, rejected arguments."""

from __future__ import annotations

import math

import keras
import pytest
import spacealg_keras as keras_tuner
from tiny_models import dense, learning_rate_of, uncompiled

import spacealg as sa


class Recording(keras_tuner.HyperModel):
    """A hypermodel that notes the model each trial trains."""

    def __init__(self, build):
        super().__init__()
        self._build = build
        self.trained = []

    def build(self, hp):
        return self._build(hp)

    def fit(self, hp, model, *args, **kwargs):
        self.trained.append(model)
        return model.fit(*args, **kwargs)


def search(tuner, data, **fit_kwargs):
    x, y = data
    tuner.search(x, y, epochs=1, validation_split=0.25, verbose=0, **fit_kwargs)
    return tuner.trials


# -- compile overrides ------------------------------------------------------------


def test_an_uncompiled_hypermodel_trains_with_the_overrides(tmp_path, small_data):
    hypermodel = Recording(uncompiled)
    optimizer = keras.optimizers.Adam(0.02)
    tuner = keras_tuner.RandomSearch(
        hypermodel,
        optimizer=optimizer,
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        objective="val_accuracy",
        max_trials=2,
        directory=tmp_path,
        project_name="uncompiled",
    )
    trials = search(tuner, small_data)
    assert [t.state for t in trials] == [sa.TrialState.COMPLETED] * 2
    assert {"loss", "accuracy", "val_loss", "val_accuracy"} == set(trials[0].metrics)

    # Each model got its own optimizer, cloned from the instance given: same class and
    # configuration, never the instance itself, never shared between trials.
    first, second = (model.optimizer for model in hypermodel.trained)
    assert first is not second
    for model in hypermodel.trained:
        assert type(model.optimizer) is keras.optimizers.Adam
        assert model.optimizer is not optimizer
        assert math.isclose(learning_rate_of(model), 0.02, rel_tol=1e-6)
        assert model.loss == "sparse_categorical_crossentropy"
    assert int(optimizer.iterations.numpy()) == 0

    (best,) = tuner.get_best_models()
    assert best.optimizer is not optimizer
    assert best.loss == "sparse_categorical_crossentropy"


def test_an_uncompiled_hypermodel_without_a_loss_fails_clearly(tmp_path, small_data):
    hypermodel = Recording(uncompiled)
    tuner = keras_tuner.RandomSearch(
        hypermodel,
        optimizer="adam",
        max_trials=3,
        max_consecutive_failed_trials=1,
        directory=tmp_path,
        project_name="no_loss",
    )
    with pytest.raises(sa.errors.TooManyFailedTrialsError) as raised:
        search(tuner, small_data)
    message = str(raised.value)
    assert "loss=None is not valid" in message
    assert "a loss= override, or a hypermodel that compiles its model" in message
    (trial,) = tuner.trials
    assert trial.state is sa.TrialState.FAILED
    assert "InvalidArgumentError" in trial.error
    assert hypermodel.trained == []  # it failed before any training


def test_overrides_keep_what_they_do_not_replace(tmp_path, small_data):
    # Only loss= is given: each model keeps its own optimizer, learning rate and metrics.
    hypermodel = Recording(dense)
    tuner = keras_tuner.RandomSearch(
        hypermodel,
        loss=keras.losses.SparseCategoricalCrossentropy(),
        objective="val_accuracy",
        max_trials=1,
        directory=tmp_path,
        project_name="loss_only",
    )
    (trial,) = search(tuner, small_data)
    (model,) = hypermodel.trained
    assert isinstance(model.loss, keras.losses.SparseCategoricalCrossentropy)
    assert math.isclose(learning_rate_of(model), trial.values["learning_rate"], rel_tol=1e-6)
    assert "val_accuracy" in trial.metrics


def with_settings(hp):
    model = dense(hp, compiled=False)
    model.compile(
        optimizer=keras.optimizers.Adam(hp.Float("learning_rate", 1e-3, 1e-1, sampling="log")),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        steps_per_execution=2,
        jit_compile=False,
    )
    return model


def test_overrides_keep_the_models_other_compile_settings(tmp_path, small_data):
    hypermodel = Recording(with_settings)
    tuner = keras_tuner.RandomSearch(
        hypermodel,
        metrics=["sparse_categorical_accuracy"],
        objective="val_sparse_categorical_accuracy",
        max_trials=1,
        directory=tmp_path,
        project_name="settings",
    )
    (trial,) = search(tuner, small_data)
    (model,) = hypermodel.trained
    assert model.steps_per_execution == 2
    assert model.jit_compile is False
    assert model.loss == "sparse_categorical_crossentropy"
    assert "val_sparse_categorical_accuracy" in trial.metrics
    assert "accuracy" not in trial.metrics


def test_a_tuned_learning_rate_made_dead_by_optimizer_warns(tmp_path, small_data):
    tuner = keras_tuner.RandomSearch(
        dense,
        optimizer=keras.optimizers.SGD(0.1),
        max_trials=1,
        directory=tmp_path,
        project_name="dead",
    )
    with pytest.warns(sa.TailoringWarning, match=r"optimizer= .*'learning_rate'.*no longer"):
        search(tuner, small_data)


def test_a_pinned_learning_rate_is_not_dead(tmp_path, small_data):
    # tune_new_entries=False pins learning_rate at its default: nothing is tuned in vain,
    # so no warning (warnings are errors here).
    hp = keras_tuner.HyperParameters()
    hp.Choice("units", [4, 8])
    tuner = keras_tuner.RandomSearch(
        dense,
        hyperparameters=hp,
        tune_new_entries=False,
        optimizer=keras.optimizers.SGD(0.1),
        max_trials=1,
        directory=tmp_path,
        project_name="pinned",
    )
    (trial,) = search(tuner, small_data)
    assert trial.values["learning_rate"] == 1e-3


def test_tailoring_only_names_warn(tmp_path, small_data):
    hp = keras_tuner.HyperParameters()
    hp.Int("unheard_of", min_value=1, max_value=3)
    tuner = keras_tuner.RandomSearch(
        dense, hyperparameters=hp, max_trials=1, directory=tmp_path, project_name="only"
    )
    with pytest.warns(sa.TailoringWarning, match=r"'unheard_of', which the hypermodel never"):
        (trial,) = search(tuner, small_data)
    assert trial.state is sa.TrialState.COMPLETED
    assert 1 <= trial.values["unheard_of"] <= 3  # sampled and recorded, though nothing reads it


def conditional(hp):
    model = dense(hp)
    with hp.conditional_scope("dropout", [True]):
        if hp["dropout"]:
            hp.Float("rate", 0.1, 0.5)
    return model


def test_tailored_entries_that_pinned_values_make_inactive_warn(tmp_path, small_data):
    # dropout is pinned at its default, False, which leaves the tailored 'rate' inactive.
    hp = keras_tuner.HyperParameters()
    hp.Float("rate", 0.2, 0.4)
    tuner = keras_tuner.RandomSearch(
        conditional,
        hyperparameters=hp,
        tune_new_entries=False,
        max_trials=1,
        directory=tmp_path,
        project_name="inactive",
    )
    with pytest.warns(sa.TailoringWarning, match=r"'rate' can never be active"):
        (trial,) = search(tuner, small_data)
    assert "rate" not in trial.values


# -- KerasTuner's other arguments -----------------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("max_model_size", 10),
        ("tuner_id", "x"),
        ("logger", object()),
    ],
)
@pytest.mark.parametrize("tuner_class", [keras_tuner.RandomSearch, keras_tuner.GridSearch])
def test_kerastuner_only_arguments_raise_naming_the_argument(tmp_path, tuner_class, name, value):
    with pytest.raises(
        sa.errors.InvalidArgumentError, match=rf"^{tuner_class.__name__}\(\): {name}="
    ):
        tuner_class(dense, directory=tmp_path, **{name: value})


def test_kerastuner_only_arguments_at_their_neutral_values_are_accepted(tmp_path):
    tuner = keras_tuner.RandomSearch(
        dense,
        directory=tmp_path,
        max_retries_per_trial=0,
        max_model_size=None,
        tuner_id=None,
        logger=None,
    )
    assert list(tuner.trial_space.tuned) == ["units", "dropout", "learning_rate"]


@pytest.mark.parametrize("tuner_class", [keras_tuner.RandomSearch, keras_tuner.GridSearch])
def test_unknown_arguments_raise_type_error(tmp_path, tuner_class):
    with pytest.raises(TypeError, match=r"unexpected argument 'max_trails'"):
        tuner_class(dense, directory=tmp_path, max_trails=3)
