"""The Keras backend's names called with hostile arguments (the core's suite is
``tests/test_bad_input.py``; this one lives here so the core suite never imports Keras).

Every tuner is constructed, never searched: a constructor must refuse a bad
argument before anything heavy happens, so no model is ever trained here. A call
either succeeds or raises a ``SpaceError`` naming the call and the argument, and
the error pickles. A public name of ``spacealg_keras`` without a recipe fails
:func:`test_every_public_name_has_a_recipe`.
"""

from __future__ import annotations

import contextlib
import math
import pickle
import re
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import keras
import numpy as np
import pytest
import spacealg_keras as kt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import spacealg as sa
from spacealg.errors import SpaceError, UnknownNameError

_SCRATCH = Path(tempfile.mkdtemp(prefix="spacealg-keras-bad-input-"))
A_FILE = _SCRATCH / "a_file"
A_FILE.write_text("not a folder\n")

HOSTILE = st.one_of(
    st.sampled_from(
        [
            None,
            True,
            0,
            -1,
            10**30,
            math.nan,
            math.inf,
            "",
            "x",
            b"bytes",
            [],
            [1, 2],
            {},
            {"a": 1},
            np.int64(3),
            np.float32(0.5),
            np.array([1, 2]),
            "[" * 5000 + "]" * 5000,
            A_FILE,
            object(),
        ]
    ),
    st.integers(),
    st.floats(),
    st.text(max_size=6),
)


def _build(hp: sa.HyperParameters) -> Any:
    """A one-layer model: a tuner builds it once to declare its space, never trains it."""
    return keras.Sequential([keras.Input((2,)), keras.layers.Dense(hp.Choice("units", [1, 2]))])


def _folder() -> Path:
    return Path(tempfile.mkdtemp(dir=_SCRATCH))


_TUNER_ARGS: dict[str, Callable[[], Any]] = {
    "hypermodel": lambda: _build,
    "objective": lambda: "val_loss",
    "max_trials": lambda: 2,
    "seed": lambda: 0,
    "hyperparameters": lambda: None,
    "tune_new_entries": lambda: True,
    "allow_new_entries": lambda: True,
    "executions_per_trial": lambda: 1,
    "max_consecutive_failed_trials": lambda: 3,
    "max_retries_per_trial": lambda: 0,
    "distribution_strategy": lambda: None,
    "overwrite": lambda: False,
    "directory": _folder,
    "project_name": lambda: "p",
    "executor": lambda: None,
    "n_workers": lambda: None,
    "devices": lambda: (),
}


def _tuner_args(*, without: tuple[str, ...] = (), **more: Callable[[], Any]) -> dict[str, Any]:
    return {k: v for k, v in _TUNER_ARGS.items() if k not in without} | more


RECIPES: dict[str, tuple[str, Callable[..., Any], dict[str, Callable[[], Any]]]] = {
    "Tuner": ("Tuner()", kt.Tuner, _tuner_args(oracle=lambda: "random")),
    "RandomSearch": ("RandomSearch()", kt.RandomSearch, _tuner_args()),
    "GridSearch": ("GridSearch()", kt.GridSearch, _tuner_args()),
    "TPE": ("TPE()", kt.TPE, _tuner_args(n_startup_trials=lambda: 2)),
    "BayesianOptimization": (
        "BayesianOptimization()",
        kt.BayesianOptimization,
        _tuner_args(num_initial_points=lambda: 2, alpha=lambda: 1e-4, beta=lambda: None),
    ),
    "Hyperband": (
        "Hyperband()",
        kt.Hyperband,
        _tuner_args(
            without=("max_trials",),
            max_epochs=lambda: 3,
            factor=lambda: 3,
            hyperband_iterations=lambda: 1,
        ),
    ),
    "HyperModel": ("HyperModel()", kt.HyperModel, {"name": lambda: None, "tunable": lambda: True}),
    "HyperParameters": ("HyperParameters()", kt.HyperParameters, {"values": lambda: None}),
    "Objective": (
        "Objective()",
        kt.Objective,
        {"name": lambda: "loss", "direction": lambda: "min"},
    ),
    "KerasBackend": (
        "KerasBackend()",
        kt.KerasBackend,
        {"tuner": lambda: kt.RandomSearch(_build, objective="val_loss", directory=_folder())},
    ),
    "KerasTrial": (
        "KerasTrial()",
        kt.KerasTrial,
        {
            "trial_id": lambda: "0",
            "hyperparameters": kt.HyperParameters,
            "directory": _folder,
            "execution": lambda: 0,
            "seed": lambda: 0,
        },
    ),
}

NOT_CALLED = {
    "__version__": "a string",
    "applications": "a module of ready-made hypermodels (test_keras_applications.py)",
    "errors": "a module of error classes (test_keras_failed_trials.py)",
    "oracles": "a module of oracle objects (test_keras_oracles.py)",
    "tuners": "a module of the same tuner classes (test_keras_tuners_module.py)",
}

KNOWN_GAPS: dict[tuple[str, str], str] = {}
"""Arguments the hostile draws skip, each with what is left to do."""


def test_every_public_name_has_a_recipe() -> None:
    missing = sorted(set(kt.__all__) - RECIPES.keys() - NOT_CALLED.keys())
    assert not missing, f"public names without a recipe: {missing}"
    assert not (RECIPES.keys() | NOT_CALLED.keys()) - set(kt.__all__)


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_each_recipe_succeeds_with_its_valid_arguments(name: str) -> None:
    _, call, valid = RECIPES[name]
    call(**{argument: make() for argument, make in valid.items()})


_INNER = re.compile(
    r"(Tuner|resolve|Objective|Objective\.infer|Study|Study\.current_trial_space"
    r"|TrialStore\.open|\w+Oracle)\(\): "
)
"""A tuner's checks are those of what it builds: the tuner, its trial space, objective,
oracle and study; their errors name those calls."""


def _names(message: str, error: SpaceError, operation: str, argument: str, value: object) -> bool:
    if not (message.startswith(operation) or _INNER.match(message)):
        return False
    if re.search(rf"\b{re.escape(argument)}\b", message) or isinstance(error, UnknownNameError):
        return True
    return repr(value)[:40] in message or (isinstance(value, str | Path) and str(value) in message)


@pytest.mark.parametrize("name", sorted(RECIPES))
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_hostile_argument_succeeds_or_raises_a_space_error(
    name: str, data: st.DataObject
) -> None:
    operation, call, valid = RECIPES[name]
    arguments = sorted(a for a in valid if (name, a) not in KNOWN_GAPS)
    argument = data.draw(st.sampled_from(arguments), label="argument")
    value = data.draw(HOSTILE, label="value")
    given: Mapping[str, Any] = {k: make() for k, make in valid.items()} | {argument: value}
    try:
        with contextlib.chdir(_SCRATCH):  # a relative directory drawn lands in the scratch folder
            call(**given)
    except SpaceError as raised:
        error = raised
    else:
        return
    message = str(error)
    assert _names(message, error, operation, argument, value), message
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == message
