"""``SearchCV``: a scikit-learn meta-estimator whose search is spacealg's.

``fit`` resolves the space, fixes the cross-validation splits once, and runs
spacealg's search loop with the ``sklearn`` backend: every trial is one
configuration cross-validated on those splits, recorded in the crash-safe store
under ``directory`` (or in a temporary one removed after ``fit``). Then it lays
the trials out as scikit-learn's ``cv_results_`` and refits the best
configuration on all the data.

As scikit-learn requires of an estimator, ``__init__`` only stores its
arguments; they are checked by ``fit``.
"""

from __future__ import annotations

import numbers
import os
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, MetaEstimatorMixin, is_classifier
from sklearn.exceptions import FitFailedWarning
from sklearn.metrics import check_scoring, get_scorer
from sklearn.model_selection import check_cv
from sklearn.utils import get_tags, indexable

import spacealg as sa
from spacealg.backend import trial_directory, warn_about_tailoring
from spacealg.oracles import as_oracle

from ._backend import (
    FAILED_FOLDS,
    BuildFunction,
    SklearnBackend,
    configured,
    fold_errors,
    handle_for,
    is_estimator,
)
from ._checks import check_folds, check_search, invalid, is_int, scorer_names, wrong_type
from ._delegation import BestEstimatorMethods
from ._errors import FitFailedError
from ._results import cv_results

NEVER_STOP = 2**62
"""``max_consecutive_failed_trials`` when failures do not stop the search (scikit-learn's way)."""

OPERATION = "SearchCV.fit()"


def _invalid(argument: str, value: object, allowed: str) -> sa.errors.SpaceError:
    return invalid(OPERATION, argument, value, allowed)


def _wrong_type(argument: str, value: object, allowed: str) -> sa.errors.SpaceError:
    return wrong_type(OPERATION, argument, value, allowed)


class SearchCV(BestEstimatorMethods, MetaEstimatorMixin, BaseEstimator):  # type: ignore[misc]
    """Cross-validated search over a spacealg space, as a scikit-learn estimator.

    Use it where ``RandomizedSearchCV`` is used: ``fit`` runs one trial per
    configuration the oracle proposes (TPE by default), each a clone of
    ``estimator`` with those parameters cross-validated on the same splits, and
    keeps scikit-learn's results: ``cv_results_``, ``best_params_``,
    ``best_score_``, ``best_index_``, ``best_estimator_`` (refit on all the
    data), ``n_splits_``, ``refit_time_``, ``scorer_``, ``multimetric_``, with
    ``predict``, ``predict_proba``, ``decision_function``, ``transform`` and
    ``score`` delegated to the best estimator.

    Args:
        estimator: the estimator to tune; None with a build function as ``space``.
            A build function here instead takes ``space`` as its tailoring.
        space: a ``Space`` or ``TrialSpace`` whose names are ``estimator``'s
            parameter names (pipeline ``step__param`` names included; an inactive
            conditional name keeps the estimator's own value); or a build function
            ``build(hp)`` returning an unfitted estimator, for spaces where the
            steps themselves change. With a build function as ``estimator``,
            ``space`` (a ``Space``, ``TrialSpace`` or None) tailors its declared
            space as ``spacealg.resolve`` does.
        oracle: a spacealg oracle or its name (``"tpe"``, ``"bayesian"``,
            ``"random"``, ``"grid"``, ...).
        max_trials: how many trials the store holds at the end (None: every
            configuration of a finite space).
        cv: folds, a splitter or an iterable of splits, as ``check_cv`` takes; the
            splits are drawn once, so every trial sees the same folds.
        scoring: a scorer name or callable (None: the estimator's ``score``), or a
            list or dict of them for multi-metric scoring.
        refit: refit the best configuration on all the data; with multi-metric
            scoring, the name of the metric that decides (and that the search
            optimises). ``False`` keeps no ``best_estimator_``. A function
            ``refit(cv_results_) -> index`` picks ``best_index_`` itself, as in
            scikit-learn (no ``best_score_`` then); the search optimises the score
            (the first scorer with several).
        seed: the search's seed; it also seeds NumPy's global generator before
            each trial, for estimators left at ``random_state=None``.
        n_workers: run trials on a pool of this many processes.
        executor: run trials on a ``concurrent.futures.Executor``, a Dask client
            or a scheduler address.
        directory: keep the store under ``<directory>/<project_name>``: a later
            ``fit`` resumes it, never rerunning a finished trial (the store does
            not know your data: ``overwrite=True`` or another ``project_name``
            for new data). None keeps the trials in a temporary store.
        project_name: the store's folder (``"untitled_project"`` when None).
        overwrite: start the stored search afresh.
        error_score: the score of a fold whose fit (or scoring) raises, as in
            scikit-learn: the other folds keep their scores, the trial keeps the
            count in its ``failed_folds`` metric and the tracebacks in its
            directory's ``fold_errors.json``, and ``fit`` warns with a
            ``FitFailedWarning``; a configuration whose folds all raise is a FAILED
            trial with the traceback. ``"raise"`` stops the search at the first
            such fold: its exception is raised when the trial ran in this process,
            else :class:`FitFailedError` with the worker's traceback.
        verbose: 0 is silent; 1 prints the search log.

    Raises (from ``fit``):
        InvalidArgumentError: an argument out of its domain (a multi-metric
            ``refit`` that names no metric, say).
        ArgumentTypeError: an argument of the wrong type.
        UnknownNameError: a name in ``space`` is no parameter of ``estimator``.
        FitFailedError: every fit failed, or one did under ``error_score="raise"``
            (in a worker).

    Examples:
        >>> import spacealg as sa
        >>> from sklearn.datasets import load_iris
        >>> from sklearn.linear_model import LogisticRegression
        >>> X, y = load_iris(return_X_y=True)
        >>> space = sa.Space([sa.Float("C", min_value=1e-3, max_value=10, sampling="log")])
        >>> search = SearchCV(LogisticRegression(max_iter=500), space, max_trials=4, cv=3,
        ...                   seed=0, verbose=0).fit(X, y)
        >>> len(search.cv_results_["params"]), search.best_score_ > 0.9
        (4, True)
    """

    def __init__(
        self,
        estimator: Any,
        space: sa.Space | sa.TrialSpace | BuildFunction | None,
        *,
        oracle: str | sa.Oracle = "tpe",
        max_trials: int | None = 50,
        cv: Any = 5,
        scoring: Any = None,
        refit: bool | str | Callable[[dict[str, Any]], int] = True,
        seed: int | None = None,
        n_workers: int | None = None,
        executor: Executor | str | Any = None,
        directory: str | os.PathLike[str] | None = None,
        project_name: str | None = None,
        overwrite: bool = False,
        error_score: float | str = np.nan,
        verbose: int = 1,
    ) -> None:
        self.estimator = estimator
        self.space = space
        self.oracle = oracle
        self.max_trials = max_trials
        self.cv = cv
        self.scoring = scoring
        self.refit = refit
        self.seed = seed
        self.n_workers = n_workers
        self.executor = executor
        self.directory = directory
        self.project_name = project_name
        self.overwrite = overwrite
        self.error_score = error_score
        self.verbose = verbose

    # -- what fit() checks -------------------------------------------------------

    def _model(self) -> tuple[Any, sa.TrialSpace, Any]:
        """The model the trials run, the trial space, and an estimator that stands for them."""
        estimator, space = self.estimator, self.space
        if estimator is None:
            if not callable(space) or isinstance(space, sa.Space | sa.TrialSpace):
                raise _wrong_type(
                    "space", space, "a build function build(hp) when estimator is None"
                )
            return self._build_form(space, sa.resolve(sa.declare(space)))
        if is_estimator(estimator):
            if isinstance(space, sa.Space):
                trial_space = sa.resolve(space)
            elif isinstance(space, sa.TrialSpace):
                trial_space = space
            else:
                raise _wrong_type(
                    "space", space, "a Space or a TrialSpace of the estimator's parameter names"
                )
            self._check_names(estimator, trial_space)
            return estimator, trial_space, estimator
        if callable(estimator):  # a build function, space its tailoring
            if isinstance(space, sa.TrialSpace):
                return self._build_form(estimator, space)
            if space is None or isinstance(space, sa.Space):
                return self._build_form(estimator, sa.resolve(sa.declare(estimator), space))
            raise _wrong_type(
                "space", space, "a Space, a TrialSpace or None to tailor the build function"
            )
        raise _wrong_type(
            "estimator", estimator, "a scikit-learn estimator, a build function build(hp) or None"
        )

    def _build_form(
        self, build: BuildFunction, trial_space: sa.TrialSpace
    ) -> tuple[Any, sa.TrialSpace, Any]:
        default = build(handle_for(sa.defaults(trial_space.tuned), trial_space))
        if not is_estimator(default):
            raise _wrong_type(
                "space", build, "a build function that returns a scikit-learn estimator"
            )
        return build, trial_space, default

    @staticmethod
    def _check_names(estimator: Any, trial_space: sa.TrialSpace) -> None:
        known = tuple(estimator.get_params(deep=True))
        for name in [*trial_space.tuned, *trial_space.pinned]:
            if name not in known:
                raise sa.errors.UnknownNameError(OPERATION, name, known)

    def _check_arguments(self) -> None:
        check_search(
            OPERATION,
            max_trials=self.max_trials,
            seed=self.seed,
            directory=self.directory,
            project_name=self.project_name,
            overwrite=self.overwrite,
            executor=self.executor,
            n_workers=self.n_workers,
        )
        check_folds(OPERATION, self.cv)
        if not is_int(self.verbose) or self.verbose < 0:
            raise _invalid("verbose", self.verbose, "an int >= 0")
        if not (isinstance(self.refit, bool | str) or callable(self.refit)):
            raise _wrong_type(
                "refit",
                self.refit,
                "True, False, the name of a scorer or a function of cv_results_ "
                "returning the best index",
            )
        number = isinstance(self.error_score, numbers.Real) and not isinstance(
            self.error_score, bool
        )
        if not (number or (isinstance(self.error_score, str) and self.error_score == "raise")):
            raise _wrong_type(
                "error_score", self.error_score, "a number (numpy.nan by default) or 'raise'"
            )

    def _metrics(self) -> tuple[list[str], str, bool]:
        """The metric names, the one the search optimises, and whether there are several."""
        names = scorer_names(OPERATION, self.scoring)
        if names is None:
            if isinstance(self.refit, str):
                raise _invalid(
                    "refit", self.refit, "True, False or a function with a single scorer"
                )
            return ["score"], "score", False
        if callable(self.refit):  # it picks the best; the oracle optimises the first scorer
            return names, names[0], True
        if not isinstance(self.refit, str) or self.refit not in names:
            raise _invalid(
                "refit",
                self.refit,
                f"with several scorers, the name of the one that decides: one of {names}",
            )
        return names, self.refit, True

    # -- fit -------------------------------------------------------------------

    def fit(self, X: Any, y: Any = None, *, groups: Any = None, **fit_params: Any) -> SearchCV:
        """Search: cross-validate each proposed configuration, then refit the best one.

        Args:
            X: the data.
            y: the targets, or None.
            groups: group labels for a group splitter (``GroupKFold``, say).
            **fit_params: passed to every fit (each fold's part of a per-sample one).

        Returns:
            this estimator, fitted.
        """
        self._check_arguments()
        model, trial_space, stand_in = self._model()
        metrics, decides, multimetric = self._metrics()
        chosen = as_oracle(self.oracle, OPERATION)
        if y is None and get_tags(stand_in).target_tags.required:
            raise _invalid(
                "y",
                y,
                f"targets ({type(stand_in).__name__} requires y to be passed, "
                "but the target y is None)",
            )
        X, y, groups = indexable(X, y, groups)
        try:
            splitter = check_cv(self.cv, y, classifier=is_classifier(stand_in))
            splits = list(splitter.split(X, y, groups))
        except ValueError as error:  # more folds than the data allows, groups missing, ...
            raise _invalid("cv", self.cv, f"folds this data allows ({error})") from error
        warn_about_tailoring(trial_space, stacklevel=2)
        backend = SklearnBackend(
            model,
            X,
            y,
            cv=splits,
            # One scorer for the whole search (a multi-metric one returns a dict).
            scoring=check_scoring(stand_in, scoring=self._scoring()),
            fit_params=fit_params,
            seeded=self.seed is not None,
            error_score=self.error_score,
            raised=[],
        )
        study_arguments = {
            "trial_space": trial_space,
            "backend": backend,
            "objective": sa.Objective(f"mean_test_{decides}", "max"),
            "oracle": chosen,
            "project_name": self.project_name or "untitled_project",
            "seed": self.seed,
            "max_consecutive_failed_trials": 1 if self.error_score == "raise" else NEVER_STOP,
        }
        if self.directory is None:
            with tempfile.TemporaryDirectory(prefix="spacealg-sklearn-") as directory:
                result, searched, failures = self._run(
                    study_arguments, Path(directory), overwrite=True, n_splits=len(splits)
                )
        else:
            result, searched, failures = self._run(
                study_arguments,
                Path(self.directory),
                overwrite=self.overwrite,
                n_splits=len(splits),
            )
        trials = [t for t in result.trials if t.state is not sa.TrialState.RUNNING]
        error_score = np.nan if self.error_score == "raise" else float(self.error_score)
        self.search_result_ = result
        self.trial_space_ = searched
        self.cv_results_ = cv_results(trials, metrics, len(splits), error_score)
        self.n_splits_ = len(splits)
        self.multimetric_ = multimetric
        self._judge_failures(trials, failures, len(splits), f"mean_test_{decides}")
        self.best_index_ = self._best_index(decides)
        self.best_params_ = dict(self.cv_results_["params"][self.best_index_])
        if not callable(self.refit):  # scikit-learn keeps no best score for a refit function
            self.best_score_ = float(self.cv_results_[f"mean_test_{decides}"][self.best_index_])
        self.scorer_ = self._scorers(stand_in)
        if self.refit:
            best = trials[self.best_index_]
            estimator = self._estimator_for(model, best.values, searched)
            started = time.perf_counter()
            estimator.fit(X, y, **fit_params)
            self.refit_time_ = time.perf_counter() - started
            self.best_estimator_ = estimator
        return self

    def _best_index(self, decides: str) -> int:
        """The row of the best configuration, as scikit-learn picks it (or ``refit`` does)."""
        if not callable(self.refit):
            return int(np.argmin(self.cv_results_[f"rank_test_{decides}"]))
        index = self.refit(self.cv_results_)
        if not isinstance(index, numbers.Integral) or isinstance(index, bool):
            raise _wrong_type(
                "refit", self.refit, f"a function returning an int index (it returned {index!r})"
            )
        rows = len(self.cv_results_["params"])
        if not 0 <= index < rows:
            raise _invalid(
                "refit",
                self.refit,
                f"a function returning an index 0 <= i < {rows} (it returned {index!r})",
            )
        return int(index)

    def _run(
        self, arguments: dict[str, Any], directory: Path, *, overwrite: bool, n_splits: int
    ) -> tuple[sa.SearchResult, sa.TrialSpace, list[str]]:
        """Run the search; its result, trial space, and the error of every fit that raised."""
        study = sa.Study(directory=directory, **arguments)
        try:
            result = study.run(
                self.max_trials,
                overwrite=overwrite,
                verbose=self.verbose,
                executor=self.executor,
                n_workers=self.n_workers,
            )
        except sa.errors.TooManyFailedTrialsError as error:  # error_score="raise"
            raised = arguments["backend"].raised
            if raised:  # the trial ran in this process: its own exception, as scikit-learn's
                raise raised[-1] from None
            trials = sa.load(directory, arguments["project_name"]).trials
            failed = sum(t.state is sa.TrialState.FAILED for t in trials)
            raise FitFailedError(OPERATION, failed, len(trials), error.last_error) from None
        except OSError as error:  # the store's folder cannot be made (a name too long, say)
            where = str(study.store_path)
            raise sa.errors.StoreError(OPERATION, where, f"cannot be written: {error}") from error
        failures: list[str] = []  # read here: a temporary store is removed after the search
        for trial in result.trials:
            if trial.state is sa.TrialState.FAILED:  # every fold raised (or the build did)
                failures.extend([trial.error or "no traceback"] * n_splits)
            elif FAILED_FOLDS in trial.metrics:
                folder = trial_directory(directory, arguments["project_name"], trial.trial_id)
                failures.extend(fold_errors(folder))
        return result, study.current_trial_space(), failures

    def _judge_failures(
        self, trials: list[sa.TrialRecord], failures: list[str], n_splits: int, decides: str
    ) -> None:
        """Raise when no fit could be scored, warn when some raised: scikit-learn's rules."""
        if not failures:
            return
        if not any(decides in t.metrics for t in trials):
            last = trials[-1].error if trials and trials[-1].error else failures[-1]
            failed = sum(t.state is not sa.TrialState.COMPLETED for t in trials)
            raise FitFailedError(OPERATION, failed, len(trials), last)
        counted = Counter(failures)
        details = "\n".join(
            f"{'-' * 80}\n{count} fits failed with the following error:\n{error}"
            for error, count in counted.items()
        )
        warnings.warn(
            f"{len(failures)} fits failed out of a total of {len(trials) * n_splits}; the "
            f"score on these train-test partitions for these parameters is "
            f"error_score={self.error_score!r} (error_score='raise' stops at the first one). "
            f"The failures:\n{details}",
            FitFailedWarning,
            stacklevel=3,
        )

    @staticmethod
    def _estimator_for(model: Any, values: sa.Values, trial_space: sa.TrialSpace) -> Any:
        if is_estimator(model):
            return configured(model, values)
        return model(handle_for(values, trial_space))

    def _scoring(self) -> Any:
        """``scoring`` as ``check_scoring`` takes it (a list's names checked by ``_metrics``)."""
        return dict(self.scoring) if isinstance(self.scoring, Mapping) else self.scoring

    def _scorers(self, estimator: Any) -> Any:
        if isinstance(self.scoring, Mapping):
            return {
                name: get_scorer(s) if isinstance(s, str) else s for name, s in self.scoring.items()
            }
        names = scorer_names(OPERATION, self.scoring)
        if names is not None:
            return {name: get_scorer(name) for name in names}
        return check_scoring(estimator, scoring=self.scoring)

    def __sklearn_tags__(self) -> Any:
        """The searched estimator's tags, where scikit-learn reads them from a search."""
        tags = super().__sklearn_tags__()
        if self.estimator is None or not is_estimator(self.estimator):
            return tags
        inner = get_tags(self.estimator)
        tags.estimator_type = inner.estimator_type
        tags.classifier_tags = inner.classifier_tags
        tags.regressor_tags = inner.regressor_tags
        tags.target_tags = inner.target_tags
        tags.input_tags.pairwise = inner.input_tags.pairwise
        tags.input_tags.sparse = inner.input_tags.sparse
        return tags
