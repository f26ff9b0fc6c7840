"""spacealg-sklearn: scikit-learn models tuned with spacealg's spaces, oracles and store.

``SearchCV`` is a meta-estimator in the style of ``RandomizedSearchCV`` whose
search is spacealg's: model-based oracles, conditional spaces, define-by-run
pipelines whose steps change, a crash-safe store that resumes, and parallel
trials. ``SklearnTuner`` is KerasTuner's tuner of the same name. The backend
itself is ``SklearnBackend``, the ``sklearn`` entry point of the
``spacealg.backends`` group.
"""

from __future__ import annotations

from ._backend import SklearnBackend as SklearnBackend
from ._errors import FitFailedError as FitFailedError
from ._search_cv import SearchCV as SearchCV
from ._tuner import SklearnTuner as SklearnTuner

__version__ = "0.1.0"

__all__ = [
    "FitFailedError",
    "SearchCV",
    "SklearnBackend",
    "SklearnTuner",
    "__version__",
]
