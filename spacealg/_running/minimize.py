"""``minimize`` and ``maximize``: search a plain Python function."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from concurrent.futures import Executor
from typing import Any, Literal

from spacealg._algebra.capture import HyperParameters
from spacealg._algebra.resolve import TrialSpace, resolve
from spacealg._running.executors import runs_in_parallel, serialized
from spacealg._running.function_backend import FunctionBackend, takes_budget
from spacealg._running.study import Study
from spacealg._running.tailoring_warnings import warn_about_tailoring
from spacealg._search.objective import Direction, Objective
from spacealg._search.oracle import Oracle
from spacealg._search.registry import as_oracle
from spacealg._search.trials import SearchResult
from spacealg._space.space import Space
from spacealg._space.values import Values
from spacealg.errors import ArgumentTypeError, InvalidArgumentError


def _trial_space(space: Space | TrialSpace | HyperParameters, operation: str) -> TrialSpace:
    if isinstance(space, TrialSpace):
        return space
    if isinstance(space, HyperParameters):
        return resolve(space.space)
    if isinstance(space, Space):
        return resolve(space)
    raise ArgumentTypeError(
        operation, "", "space", space, "a Space, a TrialSpace or a HyperParameters handle"
    )


def _objective(
    objective: str | Objective | None, direction: Direction, operation: str
) -> Objective:
    if objective is None:
        return Objective("score", direction)
    if isinstance(objective, str):
        return Objective(objective, direction)
    if isinstance(objective, Objective):
        if objective.direction != direction:
            other = "maximize" if direction == "min" else "minimize"
            raise InvalidArgumentError(
                operation,
                "",
                "objective",
                objective,
                f"an Objective with direction {direction!r} (or call {other}())",
            )
        return objective
    raise ArgumentTypeError(operation, "", "objective", objective, "a metric name or an Objective")


def _search(
    direction: Literal["min", "max"],
    fn: Callable[[Values], float | Mapping[str, float]],
    space: Space | TrialSpace | HyperParameters,
    *,
    max_trials: int | None,
    oracle: str | Oracle,
    seed: int | None,
    directory: str | os.PathLike[str],
    project_name: str,
    overwrite: bool,
    verbose: int,
    objective: str | Objective | None,
    executions_per_trial: int,
    max_consecutive_failed_trials: int,
    max_retries_per_trial: int,
    executor: Executor | str | Any,
    n_workers: int | None,
) -> SearchResult:
    operation = "minimize()" if direction == "min" else "maximize()"
    if not callable(fn):
        raise ArgumentTypeError(operation, "", "fn", fn, "a function of the trial's values")
    trial_space = _trial_space(space, operation)
    chosen = as_oracle(oracle, operation)
    if chosen.budgeted and not takes_budget(fn):
        raise ArgumentTypeError(
            operation,
            "",
            "fn",
            fn,
            f"a function of (values, budget) for the {chosen.name!r} oracle, which gives "
            "each trial a budget (its number of epochs) as budget=",
        )
    if runs_in_parallel(executor, n_workers, operation=operation):  # before any trial starts
        serialized(fn, operation, "fn", fn)
    warn_about_tailoring(trial_space, stacklevel=3)
    study = Study(
        trial_space=trial_space,
        backend=FunctionBackend(fn),
        objective=_objective(objective, direction, operation),
        oracle=chosen,
        directory=directory,
        project_name=project_name,
        seed=seed,
        executions_per_trial=executions_per_trial,
        max_consecutive_failed_trials=max_consecutive_failed_trials,
        max_retries_per_trial=max_retries_per_trial,
    )
    return study.run(
        max_trials, overwrite=overwrite, verbose=verbose, executor=executor, n_workers=n_workers
    )


def minimize(
    fn: Callable[[Values], float | Mapping[str, float]],
    space: Space | TrialSpace | HyperParameters,
    *,
    max_trials: int | None,
    oracle: str | Oracle = "random",
    seed: int | None = None,
    directory: str | os.PathLike[str] = ".",
    project_name: str = "untitled_project",
    overwrite: bool = False,
    verbose: int = 1,
    objective: str | Objective | None = None,
    executions_per_trial: int = 1,
    max_consecutive_failed_trials: int = 3,
    max_retries_per_trial: int = 0,
    executor: Executor | str | Any = None,
    n_workers: int | None = None,
) -> SearchResult:
    """Search for the values that minimise ``fn``, recording every trial in a store.

    ``fn`` receives the trial's :class:`Values` (tuned values plus active pinned
    defaults) and returns a float (the metric ``score``) or a dict of metrics
    (then ``objective=`` names the one to minimise). Under an oracle that
    gives trials a budget (``"hyperband"``) it is called as ``fn(values,
    budget=epochs)``. The store lives at
    ``<directory>/<project_name>/trials.db``; running again resumes the search.

    ``n_workers=k`` runs ``k`` trials at once in a local pool of spawned
    processes; ``executor=`` runs them on a ``concurrent.futures.Executor``, a
    ``dask.distributed.Client`` or a Dask scheduler's address (see
    :meth:`Study.run` and the "Going parallel" guide). ``fn`` then travels to the
    workers with cloudpickle (``spacealg[parallel]``), checked before any trial.

    A trial whose ``fn`` raises is run again, with fresh seeds, up to
    ``max_retries_per_trial`` times, then recorded FAILED with its traceback;
    raising :class:`~spacealg.errors.FailedTrialError` fails it at once, and
    raising a :class:`~spacealg.errors.FatalError` stops the search and
    re-raises it (as KerasTuner's errors do).

    Raises:
        TooManyFailedTrialsError: ``max_consecutive_failed_trials`` trials failed in a row.
        FatalError: ``fn`` raised one; that trial is left to rerun, the others are kept.
        InvalidArgumentError: an Objective that maximises, an unknown oracle name,
            ``max_trials=None`` on a continuous space (with an oracle that does not end),
            ``n_workers`` that is not a positive int or comes with ``executor``, or a
            resumed search whose stored trials another objective scored (see
            :meth:`Study.run`).
        ArgumentTypeError: ``fn`` takes no ``budget`` under an oracle that gives one, or
            ``executor`` is not an Executor, a Client or an address.
        NotSerializableError: ``fn`` cannot be sent to the workers.
        NoWorkersError: a Dask cluster had no worker within the client's timeout (see
            :meth:`Study.run`).
        StoreError: the store path holds a file that is not a spacealg store.

    Examples:
        >>> import tempfile
        >>> space = Space([Int("x", min_value=-3, max_value=3)])
        >>> with tempfile.TemporaryDirectory() as directory:
        ...     result = minimize(lambda v: (v["x"] - 1) ** 2, space, max_trials=None,
        ...                       oracle="grid", directory=directory, verbose=0)
        >>> result.best_values, result.best_score, len(result.trials)
        (Values({'x': 1}), 0.0, 7)
    """
    return _search(
        "min",
        fn,
        space,
        max_trials=max_trials,
        oracle=oracle,
        seed=seed,
        directory=directory,
        project_name=project_name,
        overwrite=overwrite,
        verbose=verbose,
        objective=objective,
        executions_per_trial=executions_per_trial,
        max_consecutive_failed_trials=max_consecutive_failed_trials,
        max_retries_per_trial=max_retries_per_trial,
        executor=executor,
        n_workers=n_workers,
    )


def maximize(
    fn: Callable[[Values], float | Mapping[str, float]],
    space: Space | TrialSpace | HyperParameters,
    *,
    max_trials: int | None,
    oracle: str | Oracle = "random",
    seed: int | None = None,
    directory: str | os.PathLike[str] = ".",
    project_name: str = "untitled_project",
    overwrite: bool = False,
    verbose: int = 1,
    objective: str | Objective | None = None,
    executions_per_trial: int = 1,
    max_consecutive_failed_trials: int = 3,
    max_retries_per_trial: int = 0,
    executor: Executor | str | Any = None,
    n_workers: int | None = None,
) -> SearchResult:
    """Search for the values that maximise ``fn``; otherwise as :func:`minimize`."""
    return _search(
        "max",
        fn,
        space,
        max_trials=max_trials,
        oracle=oracle,
        seed=seed,
        directory=directory,
        project_name=project_name,
        overwrite=overwrite,
        verbose=verbose,
        objective=objective,
        executions_per_trial=executions_per_trial,
        max_consecutive_failed_trials=max_consecutive_failed_trials,
        max_retries_per_trial=max_retries_per_trial,
        executor=executor,
        n_workers=n_workers,
    )
