"""``Objective``: direction inference from metric names, ``best_of``.

The rules: docs/semantics.md#objectives.
"""

from __future__ import annotations

import math
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import spacealg as sa
from spacealg import Objective
from spacealg._search.objective import infer_direction
from spacealg.errors import ArgumentTypeError, InvalidArgumentError, SpaceError

NAN = math.nan

MINIMISED = [
    "loss",
    "val_loss",
    "weighted_loss",
    "val_weighted_loss",
    "binary_crossentropy",
    "val_sparse_categorical_crossentropy",
    "mean_squared_error",
    "val_mean_absolute_percentage_error",
    "reconstruction_loss",
    "mse",
    "mae",
    "mape",
    "msle",
    "rmse",
    "hinge",
    "squared_hinge",
    "logcosh",
    "huber",
    "kld",
    "kl_divergence",
    "poisson",
    "val_mse",
    "val_weighted_mae",
    "weighted_poisson",
]

MAXIMISED = [
    "accuracy",
    "acc",
    "auc",
    "precision",
    "recall",
    "f1_score",
    "r2_score",
    "val_accuracy",
    "val_acc",
    "val_auc",
    "weighted_precision",
    "val_weighted_recall",
    "val_f1_score",
    "val_r2_score",
    "categorical_accuracy",
    "val_sparse_categorical_accuracy",
]

UNKNOWN = ["speed", "val_speed", "throughput", "score", "val_", "weighted_", "auc_roc_custom"]


@pytest.mark.parametrize("name", MINIMISED)
def test_names_that_minimise(name):
    assert infer_direction(name) == "min"
    assert Objective.infer(name) == Objective(name, "min")


@pytest.mark.parametrize("name", MAXIMISED)
def test_names_that_maximise(name):
    assert infer_direction(name) == "max"
    assert Objective.infer(name) == Objective(name, "max")


@pytest.mark.parametrize("name", UNKNOWN)
def test_unknown_names_ask_for_an_explicit_objective(name):
    assert infer_direction(name) is None
    with pytest.raises(InvalidArgumentError) as raised:
        Objective.infer(name)
    message = str(raised.value)
    assert repr(name) in message
    assert f"Objective({name!r}, 'min' or 'max')" in message
    assert isinstance(raised.value, ValueError)
    assert isinstance(raised.value, SpaceError)


def test_val_is_stripped_before_weighted_and_only_once_each():
    # "weighted_val_accuracy" strips neither prefix in the stated order: the base
    # "weighted_val_accuracy" still ends with "_accuracy".
    assert infer_direction("val_weighted_accuracy") == "max"
    # Only a prefix is stripped: "val_" inside the name is kept.
    assert infer_direction("my_val_mse") is None
    # Stripping "val_" twice is not done: "val_val_mse" has base "val_mse".
    assert infer_direction("val_val_mse") is None


def test_loss_like_parts_anywhere_in_the_name_minimise():
    for name in ("total_loss_v2", "my_crossentropy_metric", "val_error_rate"):
        assert infer_direction(name) == "min"


def test_the_direction_must_be_min_or_max():
    with pytest.raises(InvalidArgumentError, match="'min' or 'max'"):
        Objective("loss", "minimize")  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["", 3, None])
def test_the_name_must_be_a_non_empty_str(name):
    with pytest.raises(ArgumentTypeError) as raised:
        Objective(name, "min")
    assert str(raised.value) == f"Objective(): name={name!r} is not valid; allowed: a non-empty str"


def test_objective_is_a_frozen_value():
    objective = Objective("val_loss", "min")
    assert objective == Objective("val_loss", "min")
    assert hash(objective) == hash(Objective("val_loss", "min"))
    assert objective != Objective("val_loss", "max")
    assert pickle.loads(pickle.dumps(objective)) == objective
    with pytest.raises(AttributeError):
        objective.name = "loss"  # type: ignore[misc]
    assert sa.Objective is Objective


def test_better_is_strict_in_the_direction():
    low, high = Objective("loss", "min"), Objective("accuracy", "max")
    assert low.better(0.1, 0.2)
    assert not low.better(0.2, 0.1)
    assert not low.better(0.2, 0.2)
    assert high.better(0.9, 0.8)
    assert not high.better(0.8, 0.9)
    assert not high.better(0.8, 0.8)


def test_best_of_ignores_nan():
    assert Objective("loss", "min").best_of([NAN, 0.5, NAN, 0.2, 0.3]) == (3, 0.2)
    assert Objective("acc", "max").best_of([0.5, NAN, 0.9, NAN]) == (2, 0.9)
    assert Objective("acc", "max").best_of([NAN, 0.1]) == (1, 0.1)


def test_best_of_has_no_best_without_a_number():
    assert Objective("loss", "min").best_of([]) is None
    assert Objective("loss", "min").best_of([NAN, NAN]) is None


def test_best_of_keeps_the_first_of_equal_scores():
    assert Objective("loss", "min").best_of([0.3, 0.1, 0.1]) == (1, 0.1)
    assert Objective("acc", "max").best_of([0.3, 0.3]) == (0, 0.3)


def test_best_of_handles_infinities():
    assert Objective("loss", "min").best_of([math.inf, 1.0, -math.inf]) == (2, -math.inf)
    assert Objective("acc", "max").best_of([-math.inf, math.inf]) == (1, math.inf)


finite = st.floats(allow_nan=False)
series = st.lists(finite | st.just(NAN), max_size=20)


@settings(deadline=None)
@given(series, st.sampled_from(["min", "max"]))
def test_best_of_is_the_extreme_of_the_numbers(scores, direction):
    best = Objective("m", direction).best_of(scores)
    numbers = [s for s in scores if not math.isnan(s)]
    if not numbers:
        assert best is None
        return
    assert best is not None
    step, value = best
    assert scores[step] == value
    assert value == (min(numbers) if direction == "min" else max(numbers))
    assert step == scores.index(value)
