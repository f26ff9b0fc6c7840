"""What a fitted search offers through its best estimator: ``predict``, ``score`` and the rest.

A method is offered where the best estimator (or, before ``fit``, the searched
estimator) has it, as scikit-learn's searches offer theirs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from ._backend import is_estimator


def _delegates(method: str) -> Callable[[Any], bool]:
    """Whether ``SearchCV`` offers ``method``: its best (or searched) estimator has it."""

    def check(search: Any) -> bool:
        if hasattr(search, "best_estimator_"):
            return hasattr(search.best_estimator_, method)
        if search.estimator is not None and is_estimator(search.estimator):
            return hasattr(search.estimator, method)
        return True  # a build function: known once fitted

    return check


_Method = TypeVar("_Method", bound=Callable[..., Any])


def _offered_if_best_has(method: str) -> Callable[[_Method], _Method]:
    """scikit-learn's ``available_if``, typed: the method exists where the best estimator's does."""
    decorator: Callable[[_Method], _Method] = available_if(_delegates(method))
    return decorator


class BestEstimatorMethods:
    """The methods ``SearchCV`` delegates to its ``best_estimator_``."""

    estimator: Any
    refit: bool | str | Callable[[dict[str, Any]], int]
    multimetric_: bool
    scorer_: Any
    best_estimator_: Any

    def _best(self) -> Any:
        check_is_fitted(self)
        if not self.refit:
            raise AttributeError(
                "this SearchCV was fitted with refit=False: it keeps no best_estimator_ "
                "to predict with"
            )
        return self.best_estimator_

    def score(self, X: Any, y: Any = None, **params: Any) -> float:
        """The best estimator's score on ``X``, by the scorer that decided the search."""
        best = self._best()
        if self.multimetric_:  # the metric that decides; a refit function's: the first
            scorer = self.scorer_[
                self.refit if isinstance(self.refit, str) else next(iter(self.scorer_))
            ]
        else:
            scorer = self.scorer_
        return float(scorer(best, X, y, **params))

    @_offered_if_best_has("predict")
    def predict(self, X: Any) -> Any:
        """The best estimator's ``predict``."""
        return self._best().predict(X)

    @_offered_if_best_has("predict_proba")
    def predict_proba(self, X: Any) -> Any:
        """The best estimator's ``predict_proba``."""
        return self._best().predict_proba(X)

    @_offered_if_best_has("predict_log_proba")
    def predict_log_proba(self, X: Any) -> Any:
        """The best estimator's ``predict_log_proba``."""
        return self._best().predict_log_proba(X)

    @_offered_if_best_has("decision_function")
    def decision_function(self, X: Any) -> Any:
        """The best estimator's ``decision_function``."""
        return self._best().decision_function(X)

    @_offered_if_best_has("score_samples")
    def score_samples(self, X: Any) -> Any:
        """The best estimator's ``score_samples``."""
        return self._best().score_samples(X)

    @_offered_if_best_has("transform")
    def transform(self, X: Any) -> Any:
        """The best estimator's ``transform``."""
        return self._best().transform(X)

    @_offered_if_best_has("inverse_transform")
    def inverse_transform(self, X: Any) -> Any:
        """The best estimator's ``inverse_transform``."""
        return self._best().inverse_transform(X)

    @property
    def classes_(self) -> Any:
        """The best estimator's classes."""
        return self._best().classes_

    @property
    def n_features_in_(self) -> int:
        """How many features the best estimator was fitted with."""
        try:
            check_is_fitted(self)
        except Exception as error:
            raise AttributeError(f"{type(self).__name__} is not fitted yet") from error
        return int(self.best_estimator_.n_features_in_)
