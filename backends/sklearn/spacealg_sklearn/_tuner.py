"""KerasTuner's ``SklearnTuner`` on spacealg: cross-validated search of scikit-learn models.

Code written for ``keras_tuner.SklearnTuner`` runs with the import changed: the
tuner takes KerasTuner's arguments (``oracle``, ``hypermodel``, ``scoring``,
``metrics``, ``cv``, ``directory``, ``project_name``, ...) and offers its
``search(X, y, sample_weight=None, groups=None)``, ``get_best_models()``,
``get_best_hyperparameters()`` and ``results_summary()``. The search loop is
spacealg's: a crash-safe store that resumes, model-based oracles, parallel trials.

Each trial does what KerasTuner's does: for every fold of ``cv`` it builds a
model from the trial's hyperparameters, fits it (with the fold's sample weights,
except for a ``Pipeline``), scores it with ``scoring(model, X, y,
sample_weight=...)`` or ``model.score``, and evaluates each function of
``metrics`` on its predictions; the metrics are the means over the folds, and
the last fold's model is pickled in the trial's directory (what
``get_best_models()`` returns, as in KerasTuner).
"""

from __future__ import annotations

import os
import pickle
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import attrs
import numpy as np
from sklearn.model_selection import KFold
from sklearn.pipeline import Pipeline

import spacealg as sa
from spacealg.backend import Outcome, Trial, trial_directory
from spacealg.oracles import as_oracle

from ._backend import handle_for
from ._checks import check_search

MODEL_FILE = "model.pickle"


def _take(data: Any, indices: np.ndarray) -> Any:
    """Rows ``indices`` of an array, a sparse matrix or a DataFrame."""
    return data.iloc[indices] if hasattr(data, "iloc") else data[indices]


@runtime_checkable
class KerasTunerOracle(Protocol):
    """What ``SklearnTuner`` reads of a KerasTuner oracle object (``oracle=``).

    ``spacealg_keras.oracles``' classes (``RandomSearchOracle``,
    ``BayesianOptimizationOracle``, ...) have this shape; spacealg_sklearn does not
    import them: any object with these attributes is taken, and the tests check
    that the KerasTuner ones have them. The object carries the search's settings
    and the core oracle that proposes (``search``); ``bind(tuner)`` lets it read the
    tuner's trials (``get_best_trials``, ``get_trial``, ``trials``) through the
    tuner's ``directory``, ``project_name``, ``trials`` and ``handle_holding``.
    """

    search: sa.Oracle
    objective: Any
    max_trials: int | None
    seed: int | None
    hyperparameters: Any
    tune_new_entries: bool
    allow_new_entries: bool
    max_retries_per_trial: int
    max_consecutive_failed_trials: int

    def bind(self, tuner: Any) -> None:
        """Read the trials of ``tuner``'s store from now on."""


SETTINGS: dict[str, Any] = {
    "objective": None,
    "max_trials": 10,
    "seed": None,
    "hyperparameters": None,
    "tune_new_entries": True,
    "allow_new_entries": True,
}
"""``SklearnTuner``'s defaults for the settings a KerasTuner oracle object carries."""


@attrs.frozen
class SearchSettings:
    """What a tuner's ``oracle=`` and its keyword arguments settle together.

    Attributes:
        oracle: the core oracle that proposes.
        objective: the objective searched.
        max_trials: how many trials the store holds at the end.
        seed: the search's seed.
        hyperparameters: the tailoring of the hypermodel's space.
        tune_new_entries: tune declared names the tailoring leaves out.
        allow_new_entries: let the hypermodel declare names outside the tailoring.
        max_retries_per_trial: how many times a trial that raises is run again.
        max_consecutive_failed_trials: failures in a row that stop the search.
    """

    oracle: sa.Oracle
    objective: sa.Objective
    max_trials: int | None
    seed: int | None
    hyperparameters: Any
    tune_new_entries: bool
    allow_new_entries: bool
    max_retries_per_trial: int = 0
    max_consecutive_failed_trials: int = 3


def _objective(objective: object, operation: str) -> sa.Objective:
    if objective is None:
        return sa.Objective("score", "max")
    if isinstance(objective, sa.Objective):
        return objective
    if isinstance(objective, str):
        return sa.Objective(objective, "max")  # scikit-learn's scores: greater is better
    raise sa.errors.ArgumentTypeError(
        operation, "", "objective", objective, "None, a metric name or an Objective"
    )


def tuner_oracle(oracle: object, given: dict[str, Any], operation: str) -> SearchSettings:
    """The search settings a tuner's ``oracle=`` and its keyword arguments ``given`` stand for.

    A KerasTuner oracle object (:class:`KerasTunerOracle`) carries the settings,
    as in KerasTuner: a keyword argument of ``given`` left at its default takes the
    oracle's, one given too is refused. Otherwise ``oracle`` is a spacealg oracle
    or its name and the settings are ``given``.

    Raises:
        InvalidArgumentError: a setting given both to the tuner and by the oracle.
        ArgumentTypeError: an objective that is no name nor ``Objective``.
    """
    if isinstance(oracle, KerasTunerOracle):
        for name, value in given.items():
            if value is not SETTINGS[name] and value != SETTINGS[name]:
                raise sa.errors.InvalidArgumentError(
                    operation,
                    "",
                    name,
                    value,
                    f"{SETTINGS[name]!r} with a KerasTuner oracle object (give {name} "
                    "to the oracle, as in KerasTuner)",
                )
        return SearchSettings(
            as_oracle(oracle.search, operation),
            _objective(oracle.objective, operation),
            oracle.max_trials,
            oracle.seed,
            oracle.hyperparameters,
            oracle.tune_new_entries,
            oracle.allow_new_entries,
            oracle.max_retries_per_trial,
            oracle.max_consecutive_failed_trials,
        )
    return SearchSettings(
        as_oracle(oracle, operation),  # type: ignore[arg-type]
        _objective(given["objective"], operation),
        given["max_trials"],
        given["seed"],
        given["hyperparameters"],
        given["tune_new_entries"],
        given["allow_new_entries"],
    )


@attrs.frozen
class _TunerBackend:
    """Runs one trial through ``tuner.run_trial`` with the search's data."""

    tuner: SklearnTuner
    X: Any
    y: Any
    sample_weight: Any = None
    groups: Any = None

    def run_trial(self, trial: Trial) -> Outcome:
        """One trial: KerasTuner's cross-validation loop; the fold means are the outcome."""
        if self.tuner.seed is not None:
            np.random.seed(trial.seed % 2**32)
        handle = handle_for(trial.values, trial.space)
        try:
            return self.tuner.run_trial(
                _TunerTrial(trial.trial_id, handle, trial.directory),
                self.X,
                self.y,
                sample_weight=self.sample_weight,
                groups=self.groups,
            )
        finally:
            trial.declared(handle.space)


@attrs.frozen
class _TunerTrial:
    """A trial as ``SklearnTuner.run_trial`` receives it (KerasTuner's ``trial``)."""

    trial_id: int
    hyperparameters: sa.HyperParameters
    directory: Path


class SklearnTuner:
    """KerasTuner's tuner for scikit-learn models, on spacealg's search loop.

    Args:
        oracle: a KerasTuner oracle object (``spacealg_keras.oracles``'
            ``BayesianOptimizationOracle(objective=..., max_trials=...)``, say), which
            carries the objective, ``max_trials``, ``seed`` and the tailoring as in
            KerasTuner (giving one to the tuner too is refused) and becomes
            ``tuner.oracle``, with its ``get_best_trials()`` and ``get_trial()``; or a
            spacealg oracle or its name (``"random"``, ``"tpe"``, ``"bayesian"``,
            ``"grid"``).
        hypermodel: a build function ``build(hp)`` returning an unfitted estimator,
            or an object with such a ``build`` method.
        scoring: a scorer ``scoring(model, X, y, sample_weight=None)`` (as
            ``sklearn.metrics.make_scorer`` returns), or None for ``model.score``.
        metrics: functions ``metric(y_true, y_pred, sample_weight=None)`` to record
            beside the score, each under its ``__name__``; they do not steer the
            search.
        cv: a scikit-learn splitter; ``KFold(5, shuffle=True, random_state=1)``
            when None, as in KerasTuner.
        objective: the metric to optimise (``Objective("score", "max")`` when None;
            a name is maximised).
        max_trials: how many trials the store holds at the end.
        seed: the search's seed; it also seeds NumPy's global generator per trial.
        hyperparameters: a tailoring of the hypermodel's declared space.
        tune_new_entries: tune declared names the tailoring leaves out.
        allow_new_entries: let the hypermodel declare names outside the tailoring.
        directory: where the project's folder lives (``"."`` when None).
        project_name: the project's folder (``"untitled_project"`` when None).
        overwrite: start the stored search afresh.
        executor: run trials on a ``concurrent.futures.Executor``, a Dask client or
            a scheduler address.
        n_workers: run trials on a pool of this many processes.

    Raises:
        InvalidArgumentError: an argument out of its domain.
        ArgumentTypeError: an argument of the wrong type.

    Examples:
        >>> import tempfile
        >>> from sklearn.datasets import load_iris
        >>> from sklearn.tree import DecisionTreeClassifier
        >>> def build(hp):
        ...     return DecisionTreeClassifier(max_depth=hp.Int("max_depth", 1, 4), random_state=0)
        >>> X, y = load_iris(return_X_y=True)
        >>> workdir = tempfile.TemporaryDirectory()
        >>> tuner = SklearnTuner(oracle="grid", hypermodel=build, max_trials=None,
        ...                      directory=workdir.name, project_name="iris")
        >>> tuner.search(X, y, verbose=0)
        >>> dict(tuner.get_best_hyperparameters()[0].values)
        {'max_depth': 4}
        >>> workdir.cleanup()
    """

    def __init__(
        self,
        oracle: str | sa.Oracle | KerasTunerOracle,
        hypermodel: Any,
        scoring: Callable[..., float] | None = None,
        metrics: Callable[..., float] | Sequence[Callable[..., float]] | None = None,
        cv: Any = None,
        *,
        objective: str | sa.Objective | None = None,
        max_trials: int | None = 10,
        seed: int | None = None,
        hyperparameters: sa.HyperParameters | sa.Space | sa.TrialSpace | None = None,
        tune_new_entries: bool = True,
        allow_new_entries: bool = True,
        directory: str | os.PathLike[str] | None = None,
        project_name: str | None = None,
        overwrite: bool = False,
        executor: Executor | str | Any = None,
        n_workers: int | None = None,
    ) -> None:
        operation = f"{type(self).__name__}()"
        given = {
            "objective": objective,
            "max_trials": max_trials,
            "seed": seed,
            "hyperparameters": hyperparameters,
            "tune_new_entries": tune_new_entries,
            "allow_new_entries": allow_new_entries,
        }
        settings = tuner_oracle(oracle, given, operation)
        self.oracle = oracle if isinstance(oracle, KerasTunerOracle) else settings.oracle
        """The oracle as given: a KerasTuner oracle object (bound to this tuner:
        ``get_best_trials``, ``get_trial``, ``trials``), else the spacealg oracle."""
        self.objective = settings.objective
        self.max_trials = settings.max_trials
        seed, hyperparameters = settings.seed, settings.hyperparameters
        tune_new_entries = settings.tune_new_entries
        allow_new_entries = settings.allow_new_entries
        self._settings = settings
        if not (callable(hypermodel) or callable(getattr(hypermodel, "build", None))):
            raise sa.errors.ArgumentTypeError(
                operation, "", "hypermodel", hypermodel, "a build function or a HyperModel"
            )
        if scoring is not None and not callable(scoring):
            raise sa.errors.ArgumentTypeError(
                operation, "", "scoring", scoring, "None or a scorer (sklearn.metrics.make_scorer)"
            )
        listed = (
            [] if metrics is None else metrics if isinstance(metrics, list | tuple) else [metrics]
        )
        for metric in listed:
            if not callable(metric):
                raise sa.errors.ArgumentTypeError(
                    operation, "", "metrics", metrics, "None, a metric function or a list of them"
                )
        if cv is not None and not callable(getattr(cv, "split", None)):
            raise sa.errors.ArgumentTypeError(
                operation, "", "cv", cv, "None or a scikit-learn splitter (with a split method)"
            )
        check_search(
            operation,
            max_trials=self.max_trials,
            seed=seed,
            directory=directory,
            project_name=project_name,
            overwrite=overwrite,
            executor=executor,
            n_workers=n_workers,
        )
        self.hypermodel = hypermodel
        self.scoring = scoring
        self.metrics = list(listed)
        self.cv = cv if cv is not None else KFold(5, shuffle=True, random_state=1)
        self.seed = seed
        self.directory = Path(directory if directory is not None else ".")
        self.project_name = project_name if project_name is not None else "untitled_project"
        self.executor = executor
        self.n_workers = n_workers
        self._overwrite = overwrite
        if isinstance(hyperparameters, sa.TrialSpace):
            self.trial_space = hyperparameters
        else:
            self.trial_space = sa.resolve(
                sa.declare(hypermodel),
                hyperparameters,
                tune_new_entries=tune_new_entries,
                allow_new_entries=allow_new_entries,
            )
        study = self._study(_TunerBackend(self, None, None))  # checks what the loop will take
        if not overwrite:  # a stored search: with the entries that joined during its trials
            self.trial_space = study.current_trial_space()
        if isinstance(self.oracle, KerasTunerOracle):
            self.oracle.bind(self)

    def _study(self, backend: _TunerBackend) -> sa.Study:
        return sa.Study(
            trial_space=self.trial_space,
            backend=backend,
            objective=self.objective,
            oracle=self._settings.oracle,
            directory=self.directory,
            project_name=self.project_name,
            seed=self.seed,
            max_retries_per_trial=self._settings.max_retries_per_trial,
            max_consecutive_failed_trials=self._settings.max_consecutive_failed_trials,
        )

    @property
    def project_dir(self) -> Path:
        """``<directory>/<project_name>``."""
        return self.directory / self.project_name

    def _build(self, hp: sa.HyperParameters) -> Any:
        build = getattr(self.hypermodel, "build", None)
        return build(hp) if callable(build) else self.hypermodel(hp)

    def search(
        self, X: Any, y: Any, sample_weight: Any = None, groups: Any = None, *, verbose: int = 1
    ) -> None:
        """Run the search: each trial cross-validates one configuration.

        Args:
            X: the data.
            y: the targets.
            sample_weight: per-sample weights for every fit and score, or None.
            groups: group labels for a group splitter (``GroupKFold``, say), or None.
            verbose: 0 silences the search log (not in KerasTuner's signature).
        """
        study = self._study(_TunerBackend(self, X, y, sample_weight, groups))
        try:
            study.run(
                self.max_trials,
                overwrite=self._overwrite,
                verbose=verbose,
                executor=self.executor,
                n_workers=self.n_workers,
            )
        except OSError as error:  # the store's folder cannot be made (a name too long, say)
            where = str(study.store_path)
            operation = f"{type(self).__name__}.search()"
            raise sa.errors.StoreError(operation, where, f"cannot be written: {error}") from error
        finally:
            self._overwrite = False  # a second search() continues the first
            self.trial_space = study.current_trial_space()

    def run_trial(
        self, trial: Any, X: Any, y: Any, sample_weight: Any = None, groups: Any = None
    ) -> dict[str, float]:
        """Cross-validate one trial's model; returns each metric's mean over the folds."""
        folds: dict[str, list[float]] = defaultdict(list)
        split_arguments = {"groups": groups} if groups is not None else {}
        model = None
        for train, test in self.cv.split(X, y, **split_arguments):
            model = self._build(trial.hyperparameters)
            train_weight = None if sample_weight is None else _take(sample_weight, train)
            test_weight = None if sample_weight is None else _take(sample_weight, test)
            if isinstance(model, Pipeline) or train_weight is None:
                model.fit(_take(X, train), _take(y, train))
            else:
                model.fit(_take(X, train), _take(y, train), sample_weight=train_weight)
            x_test, y_test = _take(X, test), _take(y, test)
            if self.scoring is None:
                score = model.score(x_test, y_test, sample_weight=test_weight)
            else:
                score = self.scoring(model, x_test, y_test, sample_weight=test_weight)
            folds["score"].append(float(score))
            if self.metrics:
                predicted = model.predict(x_test)
                for metric in self.metrics:
                    value = metric(y_test, predicted, sample_weight=test_weight)
                    folds[metric.__name__].append(float(value))
        if model is not None:
            self.save_model(trial.trial_id, model)
        return {name: float(np.mean(values)) for name, values in folds.items()}

    def save_model(self, trial_id: int, model: Any, step: int = 0) -> None:
        """Pickle ``model`` in the trial's directory (KerasTuner's ``model.pickle``)."""
        directory = trial_directory(self.directory, self.project_name, trial_id)
        directory.mkdir(parents=True, exist_ok=True)
        (directory / MODEL_FILE).write_bytes(pickle.dumps(model))

    def load_model(self, trial: sa.TrialRecord) -> Any:
        """The model ``save_model`` pickled for ``trial``."""
        path = trial_directory(self.directory, self.project_name, trial.trial_id) / MODEL_FILE
        return pickle.loads(path.read_bytes())  # noqa: S301 - the tuner's own pickle

    # -- results -----------------------------------------------------------------

    def _result(self) -> sa.SearchResult:
        return sa.load(self.directory, self.project_name)

    @property
    def trials(self) -> tuple[sa.TrialRecord, ...]:
        """Every trial in the store, in trial order."""
        return self._result().trials

    def get_best_models(self, num_models: int = 1) -> list[Any]:
        """The best trials' models (each fitted on its last fold, as in KerasTuner), best first."""
        return [self.load_model(t) for t in self._result().completed()[:num_models]]

    def get_best_hyperparameters(self, num_trials: int = 1) -> list[sa.HyperParameters]:
        """Handles holding the best trials' values, best first."""
        best = self._result().completed()[:num_trials]
        return [self.handle_holding(t.values) for t in best]

    def handle_holding(self, values: sa.Values) -> sa.HyperParameters:
        """A handle holding a stored trial's full values, as KerasTuner's trials hold them."""
        space = sa.merge(self.trial_space.declared, self.trial_space.tuned, on_conflict="left")
        return sa.HyperParameters.holding(space, values)

    def search_space_summary(self) -> None:
        """Print KerasTuner's search space summary of the trial space."""
        print(sa.summary(self.trial_space.tuned), end="")  # noqa: T201 - KerasTuner prints it

    def results_summary(self, num_trials: int = 10) -> None:
        """Print KerasTuner's results summary of the best ``num_trials`` trials."""
        text = self._result().results_summary(num_trials, location=str(self.project_dir))
        print(text, end="")  # noqa: T201 - KerasTuner prints it

    def __getstate__(self) -> dict[str, Any]:
        """The tuner as the workers receive it: without the executor (a pool, a client)."""
        state = dict(self.__dict__)
        state["executor"] = None
        return state
