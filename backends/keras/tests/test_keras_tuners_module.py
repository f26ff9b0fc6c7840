"""``keras_tuner.tuners``: where KerasTuner users import the tuners (and SklearnTuner) from."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys

import pytest
import spacealg_keras as keras_tuner
from spacealg_keras.tuners import MissingBackendError

import spacealg as sa


def test_the_tuners_module_holds_the_same_classes():
    for name in keras_tuner.tuners.__all__:
        assert getattr(keras_tuner.tuners, name) is getattr(keras_tuner, name)


def test_sklearn_tuner_is_the_scikit_learn_backends():
    sklearn_backend = pytest.importorskip("spacealg_sklearn")
    assert keras_tuner.tuners.SklearnTuner is sklearn_backend.SklearnTuner
    assert keras_tuner.SklearnTuner is sklearn_backend.SklearnTuner


MISSING = """
import sys
sys.modules["spacealg_sklearn"] = None  # as if spacealg-sklearn were not installed
import spacealg_keras
print(hasattr(spacealg_keras, "SklearnTuner"))
try:
    from spacealg_keras.tuners import SklearnTuner
except ImportError as error:
    print(type(error).__name__)
    print(error)
"""


def test_without_spacealg_sklearn_the_error_names_the_distribution():
    env = {**os.environ, "KERAS_BACKEND": os.environ.get("KERAS_BACKEND", "jax")}
    completed = subprocess.run(
        [sys.executable, "-c", MISSING], capture_output=True, text=True, env=env, check=True
    )
    assert completed.stdout.splitlines() == [
        "False",
        "MissingBackendError",
        (
            "spacealg_keras.tuners.SklearnTuner: needs the spacealg-sklearn distribution, "
            'which is not installed; install it with: pip install -e "backends/sklearn"'
        ),
    ]


def test_the_missing_backend_error_is_a_missing_dependency_error_and_pickles():
    error = MissingBackendError("spacealg_keras.tuners.SklearnTuner", "spacealg-sklearn", "sklearn")
    assert isinstance(error, sa.errors.MissingDependencyError)
    assert isinstance(error, ImportError)
    assert str(pickle.loads(pickle.dumps(error))) == str(error)


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="has no attribute 'SklearnTuners'"):
        _ = keras_tuner.tuners.SklearnTuners
