"""The ``sklearn`` backend: one trial is one cross-validated configuration.

A trial builds its estimator (a clone of the searched estimator with the
trial's values set, or what a define-by-run ``build(hp)`` returns for them),
cross-validates it as scikit-learn's :func:`~sklearn.model_selection.cross_validate`
does (scikit-learn's clones, scorers and splits; the loop in ``_folds``), and
returns each metric's mean, standard deviation and per-fold values, with the fit
and score times. A fold that raises scores ``error_score`` (or fails the trial
under ``"raise"``); a trial whose folds all raise fails: the search loop records
it FAILED with its traceback.
"""

from __future__ import annotations

import json
import numbers
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs
import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.model_selection import check_cv

import spacealg as sa
from spacealg.backend import Outcome, Trial

from ._folds import Split, cross_validate_folds

FAILED_FOLDS = "failed_folds"
"""The metric counting a trial's folds whose fit or scoring raised (absent when none did)."""

FOLD_ERRORS = "fold_errors.json"
"""The file in a trial's directory that keeps its folds that raised: a JSON list of
``{"fold": k, "error": traceback}``."""

BuildFunction = Callable[[sa.HyperParameters], Any]
"""A define-by-run build function: ``build(hp)`` returns an unfitted estimator."""


def is_estimator(obj: object) -> bool:
    """Whether ``obj`` is a scikit-learn estimator (it has ``fit`` and ``get_params``)."""
    return callable(getattr(obj, "fit", None)) and callable(getattr(obj, "get_params", None))


def handle_for(values: Mapping[str, sa.Scalar], trial_space: sa.TrialSpace) -> sa.HyperParameters:
    """The handle a build function runs with: it serves ``values`` and checks redeclarations."""
    return sa.HyperParameters(
        values,
        tailoring=trial_space.tuned,
        declared=trial_space.declared,
        allow_new_entries=trial_space.allow_new_entries,
    )


def configured(model: Any, values: Mapping[str, sa.Scalar]) -> Any:
    """A clone of the estimator ``model`` with ``values`` set as its parameters."""
    return clone(model).set_params(**dict(values))


def fold_errors(directory: Path) -> list[str]:
    """The tracebacks of a trial's folds that raised, kept in its directory (``directory``)."""
    path = directory / FOLD_ERRORS
    if not path.is_file():
        return []
    return [entry["error"] for entry in json.loads(path.read_text(encoding="utf-8"))]


def cv_metrics(results: Mapping[str, Any]) -> dict[str, float]:
    """:func:`cross_validate`'s arrays as a trial's metrics, named as ``cv_results_`` names them.

    ``test_<m>`` becomes ``mean_test_<m>``, ``std_test_<m>`` and ``split<k>_test_<m>``;
    ``fit_time`` and ``score_time`` become ``mean_``, ``std_`` and ``split<k>_`` of them.
    """
    metrics: dict[str, float] = {}
    for key, folds in results.items():
        if key in ("fit_time", "score_time"):
            kind, name = key, ""
        elif key.startswith("test_"):
            kind, name = "test", key.removeprefix("test_")
        else:
            continue
        array = np.asarray(folds, dtype=float)
        suffix = f"_{name}" if name else ""
        metrics[f"mean_{kind}{suffix}"] = float(np.mean(array))
        metrics[f"std_{kind}{suffix}"] = float(np.std(array))
        for fold, value in enumerate(array):
            metrics[f"split{fold}_{kind}{suffix}"] = float(value)
    return metrics


def _model(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not (is_estimator(value) or callable(value)):
        raise sa.errors.ArgumentTypeError(
            "SklearnBackend()",
            "",
            "model",
            value,
            "a scikit-learn estimator or a build function build(hp)",
        )


def _fit_params(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, Mapping) or not all(isinstance(key, str) for key in value):
        raise sa.errors.ArgumentTypeError(
            "SklearnBackend()", "", "fit_params", value, "a mapping of argument names to values"
        )


def _seeded(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, bool):
        raise sa.errors.ArgumentTypeError("SklearnBackend()", "", "seeded", value, "True or False")


def _error_score(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    number = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if not (number or (isinstance(value, str) and value == "raise")):
        raise sa.errors.ArgumentTypeError(
            "SklearnBackend()", "", "error_score", value, "a number or 'raise'"
        )


def _raised(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, list):
        raise sa.errors.ArgumentTypeError("SklearnBackend()", "", "raised", value, "None or a list")


@attrs.frozen
class SklearnBackend:
    """spacealg's ``sklearn`` backend: each trial cross-validates one configuration.

    The trial's objective is ``mean_test_score`` for one scorer (``scoring`` None,
    a name or a callable), ``mean_test_<name>`` for each scorer of a list or a dict;
    every fold's score and the mean and spread of the fit and score times are
    metrics too. The estimator's own ``n_jobs`` is left as the user set it.

    Attributes:
        model: an unfitted estimator whose parameters the trial's values name
            (pipeline ``step__param`` names included), or a build function
            ``build(hp)`` returning an unfitted estimator.
        X: the data.
        y: the targets, or None.
        cv: what :func:`~sklearn.model_selection.cross_validate` takes: a fold
            count, a splitter or the list of ``(train, test)`` index pairs (fixed
            splits: every trial is scored on the same folds).
        scoring: a scorer name, a callable, a list or a dict of them, or None (the
            estimator's ``score``).
        groups: group labels for a group splitter, or None.
        fit_params: keyword arguments for every fit (``sample_weight``, say).
        seeded: seed NumPy's global random generator from the trial's seed before
            each trial, for estimators left at ``random_state=None``.
        error_score: what a fold whose fit or scoring raises scores (its
            traceback kept in the trial's ``FOLD_ERRORS`` file, the count in its
            ``failed_folds`` metric), as scikit-learn scores it; ``"raise"`` (the
            default) fails the trial at the first such fold. A trial whose folds
            all raise fails, with the first one's traceback.
        raised: when given, a trial's exception is appended to it before it
            propagates (the search records the trial FAILED either way): the list
            is the caller's own when trials run in its process, so a caller can
            raise the original exception, as ``SearchCV(error_score="raise")`` does.

    Examples:
        >>> from pathlib import Path
        >>> from sklearn.datasets import load_iris
        >>> from sklearn.tree import DecisionTreeClassifier
        >>> X, y = load_iris(return_X_y=True)
        >>> backend = SklearnBackend(DecisionTreeClassifier(random_state=0), X, y, cv=3)
        >>> trial = Trial(0, sa.Values({"max_depth": 1}), 0, 0, Path("."), lambda s, m: None)
        >>> round(backend.run_trial(trial)["mean_test_score"], 3)
        0.66
    """

    model: Any = attrs.field(validator=_model)
    X: Any
    y: Any = None
    cv: Any = 5
    scoring: Any = None
    groups: Any = None
    fit_params: Mapping[str, Any] = attrs.field(factory=dict, validator=_fit_params)
    seeded: bool = attrs.field(default=False, validator=_seeded)
    error_score: float | str = attrs.field(default="raise", validator=_error_score)
    raised: list[BaseException] | None = attrs.field(
        default=None, eq=False, repr=False, validator=_raised
    )

    def estimator_for(self, trial: Trial) -> Any:
        """The unfitted estimator of ``trial``; a build function's declarations are reported."""
        if is_estimator(self.model):
            return configured(self.model, trial.values)
        handle = handle_for(trial.values, trial.space)
        try:
            return self.model(handle)
        finally:
            # Names only a trial reaches join the space (docs/backends.md).
            trial.declared(handle.space)

    def splits(self, estimator: Any) -> list[Split]:
        """The ``(train, test)`` pairs: ``cv`` itself when it lists them, else its split."""
        if isinstance(self.cv, list | tuple):
            return list(self.cv)
        splitter = check_cv(self.cv, self.y, classifier=is_classifier(estimator))
        return list(splitter.split(self.X, self.y, self.groups))

    def run_trial(self, trial: Trial) -> Outcome:
        """Cross-validate the trial's configuration; its metrics are the outcome.

        Folds that raised are counted in the metric ``failed_folds`` and their
        tracebacks written to ``FOLD_ERRORS`` in the trial's directory.
        """
        if self.seeded:
            # Estimators left at random_state=None draw from NumPy's global generator.
            np.random.seed(trial.seed % 2**32)
        try:
            estimator = self.estimator_for(trial)
            folds = cross_validate_folds(
                estimator,
                self.X,
                self.y,
                self.splits(estimator),
                scoring=self.scoring,
                params=self.fit_params,
                error_score=self.error_score,
                owned=is_estimator(self.model),
            )
        except Exception as error:
            if self.raised is not None:
                self.raised.append(error)
            raise
        metrics = cv_metrics(folds.results)
        if folds.failures:
            metrics[FAILED_FOLDS] = float(len(folds.failures))
            trial.directory.mkdir(parents=True, exist_ok=True)
            text = json.dumps([{"fold": f.fold, "error": f.text} for f in folds.failures])
            (trial.directory / FOLD_ERRORS).write_text(text, encoding="utf-8")
        return metrics
