"""Shared data for the Keras backend's tests.

The suite runs once per Keras backend (``KERAS_BACKEND=tensorflow``, then
``jax``), each in its own processes; every test here trains real, tiny Keras
models and records them in real SQLite stores under ``tmp_path``.

Warnings are errors (the root ``pyproject.toml``); the one Keras warning that
cannot be avoided, ``Variable.__array__`` under NumPy 2 on every
``save_weights()``, is ignored there, by its exact message.
"""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture
def guide_data() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The guide's random data: 100 training and 20 validation images of 28x28x1, 10 classes."""
    rng = np.random.default_rng(0)
    x_train = rng.random((100, 28, 28, 1))
    y_train = rng.integers(0, 10, (100, 1))
    x_val = rng.random((20, 28, 28, 1))
    y_val = rng.integers(0, 10, (20, 1))
    return x_train, y_train, x_val, y_val


@pytest.fixture
def small_data() -> tuple[np.ndarray, np.ndarray]:
    """32 samples of 8 features and 3 classes: a trial trains in well under a second."""
    rng = np.random.default_rng(1)
    return rng.random((32, 8)).astype("float32"), rng.integers(0, 3, (32,))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the subprocess checks first: they take longest, and xdist hands tests out in order."""
    first = [item for item in items if item.path.name == "test_keras_processes.py"]
    items[:] = first + [item for item in items if item.path.name != "test_keras_processes.py"]
