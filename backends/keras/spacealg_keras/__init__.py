"""spacealg-keras: KerasTuner's tuners on spacealg's spaces, on TensorFlow or JAX.

``import spacealg_keras as keras_tuner`` runs KerasTuner's "Tailor the search
space" guide unchanged: ``HyperParameters`` and ``Objective`` are spacealg's own
classes, and the tuners take KerasTuner's arguments. The Keras backend is chosen
by ``KERAS_BACKEND``, as for Keras itself. ``keras_tuner.applications`` holds
the prebuilt hypermodels (``HyperXception``, ``HyperResNet``, ...), whose spaces
are values you can read without building a model.
"""

from __future__ import annotations

from spacealg import HyperParameters as HyperParameters
from spacealg import Objective as Objective

from . import applications as applications
from . import errors as errors
from . import oracles as oracles
from ._hypermodel import HyperModel as HyperModel
from ._model_based import TPE as TPE
from ._model_based import BayesianOptimization as BayesianOptimization
from ._model_based import Hyperband as Hyperband
from ._runner import KerasBackend as KerasBackend
from ._runner import KerasTrial as KerasTrial
from ._tuner import GridSearch as GridSearch
from ._tuner import RandomSearch as RandomSearch
from ._tuner import Tuner as Tuner

try:  # KerasTuner's SklearnTuner lives in the spacealg-sklearn distribution
    from spacealg_sklearn import SklearnTuner as SklearnTuner
except ImportError as missing:  # pragma: no cover - exercised without spacealg-sklearn
    if missing.name != "spacealg_sklearn":
        raise

    def __getattr__(name: str) -> object:
        if name == "SklearnTuner":
            raise AttributeError(
                "spacealg_keras.SklearnTuner needs the spacealg-sklearn distribution: "
                'pip install -e "backends/sklearn" (the scikit-learn backend)'
            )
        raise AttributeError(f"module 'spacealg_keras' has no attribute {name!r}")


__version__ = "0.1.0"

__all__ = [  # noqa: RUF022 - plain sorted order, as the public API tests check
    "BayesianOptimization",
    "GridSearch",
    "HyperModel",
    "HyperParameters",
    "Hyperband",
    "KerasBackend",
    "KerasTrial",
    "Objective",
    "RandomSearch",
    "TPE",
    "Tuner",
    "__version__",
    "applications",
    "errors",
    "oracles",
]
