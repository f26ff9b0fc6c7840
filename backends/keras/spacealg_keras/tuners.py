"""KerasTuner's ``keras_tuner.tuners``: the tuners, where KerasTuner users import them from.

``keras_tuner.tuners.RandomSearch`` and the rest are the same classes as
``spacealg_keras.RandomSearch``. ``SklearnTuner`` lives in the scikit-learn
backend, the ``spacealg-sklearn`` distribution: it is imported from there when
first asked for (so that ``import spacealg_keras`` itself never imports
scikit-learn); without that distribution, asking for it raises
:class:`MissingBackendError`, which names it.

Examples:
    >>> import spacealg_keras as keras_tuner
    >>> keras_tuner.tuners.Hyperband is keras_tuner.Hyperband
    True
    >>> sorted(keras_tuner.tuners.__all__)
    ['BayesianOptimization', 'GridSearch', 'Hyperband', 'RandomSearch', 'TPE']
"""

from __future__ import annotations

import spacealg as sa

from ._model_based import TPE, BayesianOptimization, Hyperband
from ._tuner import GridSearch, RandomSearch


class MissingBackendError(sa.errors.MissingDependencyError):
    """A name needs another spacealg backend, a distribution of its own, not installed.

    ``package`` is the distribution (``spacealg-sklearn``), ``extra`` its folder
    under ``backends/`` (``sklearn``).
    """

    def __str__(self) -> str:
        return (
            f"{self.operation}: needs the {self.package} distribution, which is not installed; "
            f'install it with: pip install -e "backends/{self.extra}"'
        )


def sklearn_tuner(owner: str) -> type:
    """``spacealg_sklearn.SklearnTuner``, imported now.

    Raises:
        MissingBackendError: spacealg-sklearn is not installed (a
            ``spacealg.errors.MissingDependencyError``, an ``ImportError``, so that
            ``from spacealg_keras.tuners import SklearnTuner`` shows why).
    """
    try:
        from spacealg_sklearn import SklearnTuner  # noqa: PLC0415 - scikit-learn only when asked
    except ImportError as missing:
        if missing.name != "spacealg_sklearn":
            raise
        raise MissingBackendError(f"{owner}.SklearnTuner", "spacealg-sklearn", "sklearn") from None
    tuner: type = SklearnTuner
    return tuner


def __getattr__(name: str) -> object:
    if name == "SklearnTuner":
        return sklearn_tuner(__name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [  # noqa: RUF022 - plain sorted order, as the public API tests check
    "BayesianOptimization",
    "GridSearch",
    "Hyperband",
    "RandomSearch",
    "TPE",
]
