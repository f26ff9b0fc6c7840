"""The tuners: KerasTuner's ``Tuner``, ``RandomSearch`` and ``GridSearch`` on spacealg.

A tuner resolves the hypermodel's declared space against ``hyperparameters=``
(KerasTuner's tailoring) once, at construction, then runs spacealg's search
loop with the Keras backend: every trial recorded in the SQLite store at
``<directory>/<project_name>/trials.db``, resumable, never rerunning a
finished trial.
"""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

import keras

import spacealg as sa
from spacealg.backend import (
    CONTINUES,
    EPOCHS,
    INITIAL_EPOCH,
    TailoringWarning,
    quoted,
    runs_in_parallel,
    trial_directory,
    warn_about_tailoring,
)
from spacealg.oracles import as_oracle

from ._compat import clear_session_keeping_settings, freezing_older_objects
from ._compile import CompileOverrides
from ._devices import visible_devices
from ._hypermodel import HyperModel, as_hypermodel
from ._runner import (
    CHECKPOINT,
    DEFAULT_OBJECTIVE,
    MULTI_OBJECTIVE,
    BestEpochCheckpoint,
    KerasBackend,
    KerasTrial,
    load_checkpoint,
    with_callbacks,
)
from ._tensorboard import FAILURE, tensorboard_log_dirs, with_trial_logs, write_experiment
from .oracles import Oracle

_ORACLE_SETTINGS: dict[str, Any] = {
    "objective": None,
    "max_trials": 10,
    "seed": None,
    "hyperparameters": None,
    "tune_new_entries": True,
    "allow_new_entries": True,
    "max_retries_per_trial": 0,
    "max_consecutive_failed_trials": 3,
}
"""Tuner's defaults for the settings a KerasTuner oracle object carries."""

_UNSUPPORTED = {
    "max_model_size": (None, "no model-size limit is implemented"),
    "logger": (None, "the trial store replaces KerasTuner's logger"),
    "tuner_id": (None, "trials are owned by process, not by tuner id"),
}


def _objectives(
    objective: str | sa.Objective | Sequence[Any] | None,
) -> tuple[sa.Objective, tuple[sa.Objective, ...]]:
    """The objective to search, and the parts of a list of objectives (else ``()``).

    A list is KerasTuner's multi-objective: its ``multi_objective`` is minimised,
    the sum of the minimised parts minus the sum of the maximised ones.
    """
    if objective is None:
        return sa.Objective("val_loss", "min"), ()
    if isinstance(objective, sa.Objective):
        return objective, ()
    if isinstance(objective, str):
        return sa.Objective.infer(objective), ()
    if isinstance(objective, list | tuple) and objective:
        parts = tuple(_objectives(item)[0] for item in objective if item is not None)
        names = [part.name for part in parts]
        if len(parts) == len(objective) and len(set(names)) == len(names):
            if len(parts) == 1:
                return parts[0], ()
            return sa.Objective(MULTI_OBJECTIVE, "min"), parts
    raise sa.errors.ArgumentTypeError(
        "Tuner()",
        "",
        "objective",
        objective,
        "a metric name, an Objective, or a non-empty list of them with distinct names",
    )


def _trial_space(
    hypermodel: HyperModel | None,
    hyperparameters: sa.HyperParameters | sa.Space | sa.TrialSpace | None,
    *,
    tune_new_entries: bool,
    allow_new_entries: bool,
) -> sa.TrialSpace:
    if isinstance(hyperparameters, sa.TrialSpace):
        return hyperparameters
    declared = hypermodel.space if hypermodel is not None else sa.Space()
    return sa.resolve(
        declared,
        hyperparameters,
        tune_new_entries=tune_new_entries,
        allow_new_entries=allow_new_entries,
    )


def _strategy(strategy: Any, operation: str) -> Any:
    """``distribution_strategy=`` as the tuner uses it: None, or a strategy with a scope.

    On a backend other than TensorFlow a strategy has no effect: one warning says so
    (KerasTuner's guides pass ``tf.distribute.MirroredStrategy()``), and None is kept.
    """
    if strategy is None:
        return None
    if not callable(getattr(strategy, "scope", None)):
        raise sa.errors.ArgumentTypeError(
            operation,
            "",
            "distribution_strategy",
            strategy,
            "None or a tf.distribute strategy (an object with scope())",
        )
    backend = keras.backend.backend()
    if backend != "tensorflow":
        warnings.warn(
            f"{operation}: distribution_strategy={type(strategy).__name__} is a TensorFlow "
            f"strategy and has no effect on the {backend} backend; each trial runs as "
            "without it (use keras.distribution on JAX)",
            UserWarning,
            stacklevel=4,
        )
        return None
    return strategy


def _check_arguments(
    operation: str, overwrite: object, directory: object, project_name: object, devices: object
) -> None:
    """Refuse arguments of the wrong type before anything is built or opened."""
    problems = [
        ("overwrite", overwrite, isinstance(overwrite, bool), "True or False"),
        (
            "directory",
            directory,
            directory is None or isinstance(directory, str | os.PathLike),
            "None or a str or os.PathLike path",
        ),
        (
            "project_name",
            project_name,
            project_name is None or (isinstance(project_name, str) and bool(project_name)),
            "None or a non-empty str",
        ),
        (
            "devices",
            devices,
            devices is None
            or (isinstance(devices, Iterable) and not isinstance(devices, str | bytes | Mapping)),
            "None or a list of device ids, such as ['0', '1']",
        ),
    ]
    for argument, value, valid, allowed in problems:
        if not valid:
            raise sa.errors.ArgumentTypeError(operation, "", argument, value, allowed)


class Tuner:
    """The base tuner; override :meth:`run_trial` for a custom training loop.

    Arguments follow KerasTuner's; ``oracle`` is a spacealg oracle or its name.
    KerasTuner arguments that have no meaning here (``max_model_size``,
    ``distribution_strategy``, ``logger``, ``tuner_id``) raise, naming the
    argument, rather than being ignored.

    Failed trials are handled as in KerasTuner: a trial that raises is run again,
    with fresh seeds, up to ``max_retries_per_trial`` times, then recorded FAILED
    with its traceback (shown, shortened, in the search log); raising
    :class:`spacealg_keras.errors.FailedTrialError` in ``build`` or ``fit`` fails
    the trial at once, and raising a :class:`spacealg_keras.errors.FatalError`
    stops the search and re-raises it from ``search()``. After
    ``max_consecutive_failed_trials`` failures in a row the search stops with
    :class:`spacealg.errors.TooManyFailedTrialsError` (a ``RuntimeError``).

    Trials run in parallel with ``n_workers=k`` (a :class:`spacealg.ProcessPool`
    of ``k`` spawned processes, each on its own GPU from ``devices``, by default
    the visible ones) or ``executor=`` (a ``concurrent.futures.Executor``, a
    ``dask.distributed.Client`` or a scheduler address): workers honour
    ``KERAS_BACKEND`` and write checkpoints to the project directory, which they
    must share. The tuner, its hypermodel and ``fit``'s arguments travel to the
    workers with cloudpickle.
    """

    def __init__(
        self,
        hypermodel: object = None,
        *,
        oracle: str | sa.Oracle | Oracle = "random",
        objective: str | sa.Objective | None = None,
        max_trials: int | None = 10,
        seed: int | None = None,
        hyperparameters: sa.HyperParameters | sa.Space | sa.TrialSpace | None = None,
        tune_new_entries: bool = True,
        allow_new_entries: bool = True,
        optimizer: Any = None,
        loss: Any = None,
        metrics: Any = None,
        executions_per_trial: int = 1,
        max_consecutive_failed_trials: int = 3,
        max_retries_per_trial: int = 0,
        distribution_strategy: Any = None,
        overwrite: bool = False,
        directory: str | Path | None = None,
        project_name: str | None = None,
        executor: Executor | str | Any = None,
        n_workers: int | None = None,
        devices: Sequence[str] | None = None,
        **kerastuner_only: Any,
    ) -> None:
        for name, value in kerastuner_only.items():
            if name not in _UNSUPPORTED:
                raise TypeError(f"{type(self).__name__}() got an unexpected argument {name!r}")
            neutral, why = _UNSUPPORTED[name]
            if value != neutral:
                raise sa.errors.InvalidArgumentError(
                    f"{type(self).__name__}()", "", name, value, f"{neutral!r} ({why})"
                )
        operation = f"{type(self).__name__}()"
        _check_arguments(operation, overwrite, directory, project_name, devices)
        if isinstance(oracle, Oracle):  # KerasTuner's oracle object: the settings are its
            given = {
                "objective": objective,
                "max_trials": max_trials,
                "seed": seed,
                "hyperparameters": hyperparameters,
                "tune_new_entries": tune_new_entries,
                "allow_new_entries": allow_new_entries,
                "max_retries_per_trial": max_retries_per_trial,
                "max_consecutive_failed_trials": max_consecutive_failed_trials,
            }
            for name, value in given.items():
                if value is not _ORACLE_SETTINGS[name] and value != _ORACLE_SETTINGS[name]:
                    raise sa.errors.InvalidArgumentError(
                        operation,
                        "",
                        name,
                        value,
                        f"{_ORACLE_SETTINGS[name]!r} with oracle= (give {name} to the oracle, "
                        "as in KerasTuner)",
                    )
            objective, max_trials, seed = oracle.objective, oracle.max_trials, oracle.seed
            hyperparameters = oracle.hyperparameters
            tune_new_entries = oracle.tune_new_entries
            allow_new_entries = oracle.allow_new_entries
            max_retries_per_trial = oracle.max_retries_per_trial
            max_consecutive_failed_trials = oracle.max_consecutive_failed_trials
            self.oracle = oracle
        else:
            self.oracle = Oracle(
                as_oracle(oracle, operation),
                objective=objective,
                max_trials=max_trials,
                seed=seed,
                hyperparameters=hyperparameters,
                allow_new_entries=allow_new_entries,
                tune_new_entries=tune_new_entries,
                max_retries_per_trial=max_retries_per_trial,
                max_consecutive_failed_trials=max_consecutive_failed_trials,
            )
        """KerasTuner's oracle object: ``get_best_trials``, ``get_trial``, ``trials``; the
        core oracle that proposes is ``oracle.search``."""
        self.oracle.bind(self)
        runs_in_parallel(executor, n_workers, operation=operation)  # fails here, not in search()
        self.distribution_strategy = _strategy(distribution_strategy, operation)
        """A ``tf.distribute`` strategy each trial builds, compiles and fits under (on
        TensorFlow; None on the other backends, which warn that it has no effect)."""
        self.executor = executor
        """Where trials run (``executor=``); not sent to the workers."""
        self.n_workers = n_workers
        self.devices = visible_devices() if devices is None else tuple(map(str, devices))
        self.hypermodel = None if hypermodel is None else as_hypermodel(hypermodel)
        self.objective, self.objectives = _objectives(objective)
        """The objective searched; with a list of objectives, ``multi_objective`` and
        the list (``objectives``), as KerasTuner scores them. Without one, ``val_loss``
        is minimised, or, when the trials train themselves (a custom ``fit`` or
        ``run_trial``), ``default_objective``: the float they return, as in KerasTuner."""
        if objective is None and self._trains_itself():
            self.objective = sa.Objective(DEFAULT_OBJECTIVE, "min")
        self.max_trials = max_trials
        self.seed = seed
        self.compile_overrides = CompileOverrides(optimizer, loss, metrics)
        self.executions_per_trial = executions_per_trial
        self.max_consecutive_failed_trials = max_consecutive_failed_trials
        self.max_retries_per_trial = max_retries_per_trial
        self.directory = Path(directory if directory is not None else ".")
        self.project_name = project_name if project_name is not None else "untitled_project"
        self._overwrite = overwrite
        self.trial_space = _trial_space(
            self.hypermodel,
            hyperparameters,
            tune_new_entries=tune_new_entries,
            allow_new_entries=allow_new_entries,
        )
        """The trial space; after a search (or on a stored project) with the entries that
        joined during trials."""
        if not overwrite:
            self.trial_space = self.study().current_trial_space()

    @property
    def declared_space(self) -> sa.Space:
        """The hypermodel's declared space, with the entries that joined during trials."""
        return self.trial_space.declared

    # -- searching ---------------------------------------------------------------

    @property
    def project_dir(self) -> Path:
        """``<directory>/<project_name>``."""
        return self.directory / self.project_name

    def study(self, *fit_args: Any, **fit_kwargs: Any) -> sa.Study:
        """The search loop this tuner runs, with ``fit``'s arguments."""
        return sa.Study(
            trial_space=self.trial_space,
            backend=KerasBackend(self, fit_args, fit_kwargs),
            objective=self.objective,
            oracle=self.oracle.search,
            directory=self.directory,
            project_name=self.project_name,
            seed=self.seed,
            executions_per_trial=self.executions_per_trial,
            max_consecutive_failed_trials=self.max_consecutive_failed_trials,
            max_retries_per_trial=self.max_retries_per_trial,
        )

    def search(self, *fit_args: Any, log: bool | None = None, **fit_kwargs: Any) -> None:
        """Run the search: each trial builds a model and calls ``fit(*fit_args, **fit_kwargs)``.

        ``verbose=0`` silences the search log and is passed on to ``fit``, as in
        KerasTuner. ``log`` (not passed to ``fit``) decides the search log alone:
        ``verbose=0, log=True`` keeps the trial log without Keras's progress bars.
        """
        # Without a hypermodel every name is the tailoring's own. fit() or a custom
        # run_trial() may declare names during trials: then warn about the tailoring
        # once the trials have shown what they declare.
        declares_later = self._trains_itself()
        if self.hypermodel is not None and not declares_later:
            warn_about_tailoring(self.trial_space, stacklevel=2)
        self._warn_about_dead_hyperparameters()
        fit_verbose = fit_kwargs.get("verbose", 1)
        fit_log = 1 if fit_verbose == "auto" else int(fit_verbose)  # Keras also takes "auto"
        verbose = fit_log if log is None else int(log)
        study = self.study(*fit_args, **fit_kwargs)
        try:
            with freezing_older_objects(), self._workers() as (executor, n_workers):
                study.run(
                    self.max_trials,
                    overwrite=self._overwrite,
                    verbose=verbose,
                    executor=executor,
                    n_workers=n_workers,
                )
        finally:
            self._overwrite = False  # a second search() continues the first
            self.trial_space = study.current_trial_space()
            self._write_experiments(fit_kwargs.get("callbacks") or ())
        if self.hypermodel is not None and declares_later:
            warn_about_tailoring(self.trial_space, stacklevel=2)

    def _write_experiments(self, callbacks: Iterable[Any]) -> None:
        """Write the HParams experiment into every TensorBoard callback's ``log_dir``."""
        log_dirs = tensorboard_log_dirs(callbacks)
        if not log_dirs or not (self.project_dir / "trials.db").exists():
            return
        metrics = {name for record in self.trials for name in record.metrics}
        for log_dir in log_dirs:
            write_experiment(log_dir, self.trial_space, metrics)

    @contextlib.contextmanager
    def _workers(self) -> Iterator[tuple[Any, int | None]]:
        """``executor=`` and ``n_workers=`` for the search loop: a pool on the devices if any."""
        if self.n_workers is None or self.n_workers == 1 or not self.devices:
            yield self.executor, self.n_workers
            return
        with sa.ProcessPool(self.n_workers, devices=self.devices) as pool:
            yield pool, None

    def __getstate__(self) -> dict[str, Any]:
        """The tuner as the workers receive it: without the executor (a pool, a client)."""
        state = dict(self.__dict__)
        state["executor"] = None
        return state

    def _warn_about_dead_hyperparameters(self) -> None:
        if self.compile_overrides.optimizer is None:
            return
        dead = [
            name
            for name in self.trial_space.tuned
            if "learning_rate" in name or name.split("/")[-1] in ("optimizer", "lr")
        ]
        if dead:
            warnings.warn(
                f"optimizer= replaces every model's optimizer: tuning {quoted(dead)} "
                "no longer changes training",
                TailoringWarning,
                stacklevel=3,
            )

    def handle_for(
        self, values: sa.Values, trial_space: sa.TrialSpace | None = None
    ) -> sa.HyperParameters:
        """The handle a trial builds with: it serves ``values`` and checks redeclarations.

        ``trial_space`` is the trial's (with the entries joined so far); the tuner's
        own by default.
        """
        space = self.trial_space if trial_space is None else trial_space
        return sa.HyperParameters(
            values,
            tailoring=space.tuned,
            declared=space.declared,
            allow_new_entries=space.allow_new_entries,
        )

    def run_trial(self, trial: KerasTrial, *fit_args: Any, **fit_kwargs: Any) -> Any:
        """Build, compile and fit one model; returns the History (override for a custom loop)."""
        if self.hypermodel is None:
            raise NotImplementedError(
                "a Tuner without a hypermodel must override run_trial(trial, *args, **kwargs)"
            )
        hp = trial.hyperparameters
        model = self._compiled(self.hypermodel.build(hp))
        # The user's callbacks are copied for every execution; the first one checkpoints.
        first = trial.execution == 0
        checkpoint = (
            [BestEpochCheckpoint(self.objective, trial.checkpoint, self.objectives)]
            if first
            else []
        )
        kwargs = with_callbacks(fit_kwargs, *checkpoint)
        # A TensorBoard callback logs into <log_dir>/<trial_id>/execution<k>, with HParams.
        kwargs["callbacks"], loggers = with_trial_logs(
            kwargs["callbacks"], trial.trial_id, trial.execution, hp.values
        )
        if EPOCHS in trial.meta:  # a budget (Hyperband): train from initial_epoch up to it
            kwargs["epochs"] = trial.meta[EPOCHS]
            kwargs["initial_epoch"] = trial.meta.get(INITIAL_EPOCH, 0)
            if CONTINUES in trial.meta:  # a promoted trial goes on from its best weights
                self._load_trial_weights(model, trial.meta[CONTINUES])
        try:
            return self.hypermodel.fit(hp, model, *fit_args, **kwargs)
        except BaseException:
            for logger in loggers:  # the dashboard shows the execution as failed
                logger.end(FAILURE)
            raise

    def strategy_scope(self) -> Any:
        """The distribution strategy's scope, or a scope that does nothing without one."""
        if self.distribution_strategy is None:
            return contextlib.nullcontext()
        return self.distribution_strategy.scope()

    def _trains_itself(self) -> bool:
        """Whether the hypermodel's ``fit`` or this tuner's ``run_trial`` is the user's own."""
        return type(self).run_trial is not Tuner.run_trial or (
            self.hypermodel is not None and type(self.hypermodel).fit is not HyperModel.fit
        )

    def _compiled(self, model: Any) -> Any:
        """``model`` with the compile overrides; a custom loop's model may stay uncompiled.

        A hypermodel whose ``fit`` (or a tuner whose ``run_trial``) trains the model
        itself may return it uncompiled (KerasTuner's custom-tuner guide): without
        overrides the tuner does not compile it, as KerasTuner.
        """
        return self.compile_overrides.apply(model, trains_itself=self._trains_itself())

    def _load_trial_weights(self, model: Any, trial_id: int) -> None:
        checkpoint = trial_directory(self.directory, self.project_name, trial_id) / CHECKPOINT
        if checkpoint.exists():
            load_checkpoint(model, checkpoint)

    # -- results -----------------------------------------------------------------

    @property
    def trials(self) -> tuple[sa.TrialRecord, ...]:
        """Every trial in the store, in trial order."""
        return self._result().trials

    def _result(self) -> sa.SearchResult:
        return sa.load(self.directory, self.project_name)

    def search_space_summary(self) -> None:
        """Print KerasTuner's search space summary of the trial space."""
        print(sa.summary(self.trial_space.tuned), end="")  # noqa: T201 - KerasTuner prints it

    def results_summary(self, num_trials: int = 10) -> None:
        """Print KerasTuner's results summary of the best ``num_trials`` trials."""
        text = self._result().results_summary(num_trials, location=str(self.project_dir))
        print(text, end="")  # noqa: T201 - KerasTuner prints it

    def explain(self) -> None:
        """Print where every hyperparameter of the trial space comes from."""
        print(sa.explain(self.trial_space), end="")  # noqa: T201 - printed like the summaries

    def _completed(self, operation: str) -> tuple[sa.TrialRecord, ...]:
        """The completed trials, best first.

        Raises:
            spacealg.errors.NoCompletedTrialError: none completed; the message counts
                the trials in each state and quotes the last failed trial's error.
        """
        result = self._result()
        completed = result.completed()
        if not completed:
            counts = {state.value: 0 for state in sa.TrialState}
            for trial in result.trials:
                counts[trial.state.value] += 1
            raise sa.errors.NoCompletedTrialError(
                f"{type(self).__name__}.{operation}", counts, result.last_error()
            )
        return completed

    def get_best_hyperparameters(self, num_trials: int = 1) -> list[sa.HyperParameters]:
        """Handles holding the best trials' full values, best first.

        Raises:
            spacealg.errors.NoCompletedTrialError: no trial completed (a ``LookupError``
                that counts the failed trials and quotes the last one's error).
        """
        best = self._completed("get_best_hyperparameters()")[:num_trials]
        return [self.handle_holding(t.values) for t in best]

    def handle_holding(self, values: sa.Values) -> sa.HyperParameters:
        """A handle holding a stored trial's full values, as KerasTuner's trials hold them."""
        space = sa.merge(self.declared_space, self.trial_space.tuned, on_conflict="left")
        return sa.HyperParameters.holding(space, values)

    def get_best_models(self, num_models: int = 1) -> list[Any]:
        """The best trials' models, rebuilt with their best epoch's weights, best first.

        A model a custom training loop trains uncompiled is returned uncompiled.

        Raises:
            spacealg.errors.NoCompletedTrialError: no trial completed (see
                :meth:`get_best_hyperparameters`).
        """
        if self.hypermodel is None:
            raise NotImplementedError("get_best_models() needs a hypermodel to rebuild from")
        models = []
        for record in self._completed("get_best_models()")[:num_models]:
            clear_session_keeping_settings()
            with self.strategy_scope():
                model = self._compiled(self.hypermodel.build(self.handle_for(record.values)))
            directory = trial_directory(self.directory, self.project_name, record.trial_id)
            checkpoint = directory / CHECKPOINT
            if checkpoint.exists():
                load_checkpoint(model, checkpoint)
            else:
                warnings.warn(
                    f"trial {record.trial_id} saved no checkpoint (a custom run_trial saves its "
                    "best weights to trial.checkpoint); its model is returned untrained",
                    UserWarning,
                    stacklevel=2,
                )
            models.append(model)
        return models


class RandomSearch(Tuner):
    """KerasTuner's ``RandomSearch``: random values, never a configuration twice."""

    def __init__(
        self,
        hypermodel: object = None,
        objective: str | sa.Objective | None = None,
        max_trials: int | None = 10,
        seed: int | None = None,
        hyperparameters: sa.HyperParameters | sa.Space | sa.TrialSpace | None = None,
        tune_new_entries: bool = True,
        allow_new_entries: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            hypermodel,
            oracle="random",
            objective=objective,
            max_trials=max_trials,
            seed=seed,
            hyperparameters=hyperparameters,
            tune_new_entries=tune_new_entries,
            allow_new_entries=allow_new_entries,
            **kwargs,
        )


class GridSearch(Tuner):
    """KerasTuner's ``GridSearch``: every configuration once, in grid order."""

    def __init__(
        self,
        hypermodel: object = None,
        objective: str | sa.Objective | None = None,
        max_trials: int | None = None,
        seed: int | None = None,
        hyperparameters: sa.HyperParameters | sa.Space | sa.TrialSpace | None = None,
        tune_new_entries: bool = True,
        allow_new_entries: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            hypermodel,
            oracle="grid",
            objective=objective,
            max_trials=max_trials,
            seed=seed,
            hyperparameters=hyperparameters,
            tune_new_entries=tune_new_entries,
            allow_new_entries=allow_new_entries,
            **kwargs,
        )
