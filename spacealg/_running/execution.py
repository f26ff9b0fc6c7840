"""Running one trial's executions: the part of the search loop a worker process does.

:func:`run_executions` runs a trial's executions on a backend and judges the
outcome against the objective; it touches no store, so it runs the same in the
search loop's process and on a worker of an executor. Everything it needs
travels in a :class:`TrialTask` and everything it finds comes back in a
:class:`TrialOutcome`: the per-step reports and the entries the trial declared
are collected where the trial runs and shipped back with the result. Both
values pickle; the backend travels separately, serialized once per search
(:mod:`spacealg._running.executors`).
"""

from __future__ import annotations

import pickle
import traceback
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from spacealg._algebra.resolve import TrialSpace
from spacealg._algebra.skip_trial import SkipTrial
from spacealg._running.backend_protocol import Backend, Trial
from spacealg._running.metrics import average, merge_outcome, record_step
from spacealg._search.objective import Objective
from spacealg._search.oracle_helpers import trial_rng
from spacealg._search.trials import TrialRecord, TrialState, metric_steps, trial_meta
from spacealg._space.frozen_mapping import FrozenMapping
from spacealg._space.kinds import Hyperparameter
from spacealg._space.space import Space
from spacealg.errors import FailedTrialError, FatalError


@attrs.frozen
class TrialTask:
    """What a worker needs to run one trial.

    Attributes:
        trial: the claimed trial (its id, values and metadata).
        space: the trial space with the entries joined so far.
        seed: the search's seed (each execution's seed derives from it and the trial id).
        executions: how many executions to run (``executions_per_trial``).
        directory: the trial's artifact folder, in the project's folder.
        retries: how many times a trial that raises is run again, each time with
            fresh seeds (``max_retries_per_trial``).
    """

    trial: TrialRecord
    space: TrialSpace
    seed: int
    executions: int
    directory: Path
    retries: int = 0


@attrs.frozen
class TrialOutcome:
    """How a trial ended, as the worker that ran it saw it.

    Attributes:
        state: COMPLETED, FAILED or INVALID.
        score: the objective's best value, or None.
        best_step: the step of that value, or None.
        metrics: each metric's per-step values, averaged over the executions.
        error: why the trial failed or was skipped, or None.
        declared: the entries the trial declared that its space lacked, in order.
        meta: what the run adds to the trial's metadata: ``retries`` (how many times
            it was run again after raising) and ``retry<k>/seed`` (the seed of retry
            ``k``'s first execution), empty when it ran once.
    """

    state: TrialState
    score: float | None
    best_step: int | None
    metrics: Mapping[str, tuple[float, ...]] = attrs.field(converter=metric_steps)
    error: str | None
    declared: tuple[Hyperparameter, ...] = ()
    meta: Mapping[str, int] = attrs.field(factory=FrozenMapping, converter=trial_meta)


RETRIES = "retries"
"""The metadata key of how many times a trial was run again after raising."""


def retry_seed_key(retry: int) -> str:
    """The metadata key of retry ``retry``'s seed (its first execution's)."""
    return f"retry{retry}/seed"


def execution_seeds(seed: int, trial_id: int, executions: int, retry: int) -> list[int]:
    """The seeds of a trial's executions: the first run's, or retry ``retry``'s fresh ones."""
    rng = (
        trial_rng(seed, trial_id) if retry == 0 else np.random.default_rng([seed, trial_id, retry])
    )
    return [int(s) for s in rng.integers(2**31 - 1, size=executions)]


def run_executions(backend: Backend, objective: Objective, task: TrialTask) -> TrialOutcome:
    """Run ``task``'s executions on ``backend``; every failure of the user's code is recorded.

    Examples:
        >>> from spacealg._running.function_backend import FunctionBackend
        >>> space = resolve(Space([Int("x", min_value=0, max_value=3)]))
        >>> record = TrialRecord(trial_id=0, values=Values({"x": 2}),
        ...                      state=TrialState.RUNNING)
        >>> task = TrialTask(record, space, seed=0, executions=1, directory=Path("."))
        >>> outcome = run_executions(FunctionBackend(lambda v: v["x"] ** 2),
        ...                          Objective("score", "min"), task)
        >>> outcome.state, outcome.score
        (<TrialState.COMPLETED: 'COMPLETED'>, 4.0)
    """
    trial = task.trial
    declared: dict[str, Hyperparameter] = {}

    def declare(found: Space) -> None:
        for hp in found.hyperparameters:
            if hp.name not in task.space.declared and hp.name not in declared:
                declared[hp.name] = hp

    meta: dict[str, int] = {}
    for retry in range(task.retries + 1):
        seeds = execution_seeds(task.seed, trial.trial_id, task.executions, retry)
        if retry:
            meta[RETRIES] = retry
            meta[retry_seed_key(retry)] = seeds[0]
        try:
            runs = _run_once(backend, task, seeds, declare)
        except SkipTrial as skip:
            text = f"skipped: {skip}" if str(skip) else "skipped"
            return TrialOutcome(
                TrialState.INVALID, None, None, {}, text, tuple(declared.values()), meta
            )
        except FatalError:  # the search stops; the caller gives the trial back
            raise
        except Exception as error:  # any other failure of the user's code is recorded
            text = traceback.format_exc()
            if retry < task.retries and not isinstance(error, FailedTrialError):
                continue
            if retry:
                text = (
                    f"failed {retry + 1} times (max_retries_per_trial={task.retries}); "
                    f"the last time:\n{text}"
                )
            return TrialOutcome(
                TrialState.FAILED, None, None, {}, text, tuple(declared.values()), meta
            )
        return attrs.evolve(_judged(objective, average(runs), tuple(declared.values())), meta=meta)
    raise AssertionError("unreachable: the last retry returns")  # pragma: no cover


def _run_once(
    backend: Backend, task: TrialTask, seeds: list[int], declare: Any
) -> list[dict[str, list[float]]]:
    """Run the trial's executions with ``seeds``; each execution's per-step metrics."""
    trial = task.trial
    runs: list[dict[str, list[float]]] = []
    for execution in range(task.executions):
        steps: dict[str, list[float]] = {}

        def report(step: int, metrics: Mapping[str, float], steps: Any = steps) -> None:
            record_step(steps, step, metrics)

        outcome = backend.run_trial(
            Trial(
                trial.trial_id,
                trial.values,
                execution,
                int(seeds[execution]),
                task.directory,
                report,
                space=task.space,
                declarer=declare,
                meta=trial.meta,
            )
        )
        merge_outcome(steps, outcome)
        runs.append(steps)
    return runs


def _judged(
    objective: Objective,
    metrics: dict[str, list[float]],
    declared: tuple[Hyperparameter, ...],
) -> TrialOutcome:
    series = metrics.get(objective.name)
    if series is None:
        known = ", ".join(repr(name) for name in metrics) or "none"
        error = (
            f"the objective {objective.name!r} is not among the trial's metrics "
            f"({known}); pass objective= naming one of them"
        )
        return TrialOutcome(TrialState.FAILED, None, None, metrics, error, declared)
    best = objective.best_of(series)
    if best is None:
        return TrialOutcome(TrialState.INVALID, None, None, metrics, None, declared)
    return TrialOutcome(TrialState.COMPLETED, best[1], best[0], metrics, None, declared)


def run_remote(payload: bytes, task: TrialTask) -> TrialOutcome:
    """A worker's entry point: unpickle the (backend, objective) ``payload`` and run ``task``.

    A payload that cannot be read on the worker (a module missing there, say)
    fails the trial with the traceback rather than the worker.
    """
    try:
        backend, objective = pickle.loads(payload)  # noqa: S301 - the search's own payload
    except Exception:  # the worker lacks something the objective needs
        error = "the worker cannot load the objective:\n" + traceback.format_exc()
        return TrialOutcome(TrialState.FAILED, None, None, {}, error)
    return run_executions(backend, objective, task)
