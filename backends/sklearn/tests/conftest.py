"""Shared data for the scikit-learn backend's tests: small real datasets that scikit-learn ships.

Every test fits real estimators on real data and records real SQLite stores under
``tmp_path``; nothing is mocked. The datasets are cut small (a trial
cross-validates in milliseconds).
"""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_iris


@pytest.fixture(scope="session")
def iris() -> tuple[np.ndarray, np.ndarray]:
    """Iris: 150 samples, 4 features, 3 classes."""
    X, y = load_iris(return_X_y=True)
    return X, y
