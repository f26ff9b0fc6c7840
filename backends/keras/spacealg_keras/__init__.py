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
from . import tuners as tuners
from ._hypermodel import HyperModel as HyperModel
from ._model_based import TPE as TPE
from ._model_based import BayesianOptimization as BayesianOptimization
from ._model_based import Hyperband as Hyperband
from ._runner import KerasBackend as KerasBackend
from ._runner import KerasTrial as KerasTrial
from ._tuner import GridSearch as GridSearch
from ._tuner import RandomSearch as RandomSearch
from ._tuner import Tuner as Tuner


def __getattr__(name: str) -> object:
    # KerasTuner's SklearnTuner lives in the spacealg-sklearn distribution: imported
    # when first asked for, so that importing spacealg_keras never imports scikit-learn.
    # Without spacealg-sklearn it is an AttributeError (hasattr() is False), naming it.
    if name == "SklearnTuner":
        try:
            return tuners.sklearn_tuner(__name__)
        except tuners.MissingBackendError as missing:
            raise AttributeError(
                "spacealg_keras.SklearnTuner needs the spacealg-sklearn distribution: "
                'pip install -e "backends/sklearn" (the scikit-learn backend)'
            ) from missing
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    "tuners",
]
