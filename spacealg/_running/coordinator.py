"""The search loop's bookkeeping: claiming trials, recording how they ended, the trial log.

The process that runs ``Study.run`` is the search's only coordinator: it alone
proposes, claims and records in the store. A :class:`Coordinator` does that
for one run, whether its trials run in the same process
(:meth:`Coordinator.run_here`) or on an executor's workers
(:func:`spacealg._parallel.run_on`).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TextIO

from spacealg._algebra.resolve import TrialSpace
from spacealg._running.backend_protocol import Backend
from spacealg._running.execution import TrialOutcome, TrialTask, run_executions
from spacealg._running.joined_entries import joins, with_joined
from spacealg._search.objective import Objective
from spacealg._search.trials import SearchResult, TrialRecord, TrialState
from spacealg._space.values import Values
from spacealg._store.heartbeat import Heartbeat
from spacealg._store.rows import Owner
from spacealg._store.trial_store import TrialStore, artifacts_directory
from spacealg.errors import TooManyFailedTrialsError

_ENDINGS = {
    TrialState.COMPLETED: "Complete",
    TrialState.FAILED: "Failed",
    TrialState.INVALID: "Invalid",
    TrialState.RUNNING: "Running",
}

Propose = Callable[[list[Values]], tuple[Values, Values, Mapping[str, int]] | None]


class Progress:
    """A live progress line on a terminal: trials in the store, of how many, and the best score."""

    def __init__(self, stream: TextIO, total: int | None, width: int = 24) -> None:
        self._stream = stream
        self._total = total
        self._width = width

    def show(self, done: int, best: float | None, name: str) -> None:
        """Redraw the line."""
        if self._total:
            filled = min(self._width, self._width * done // self._total)
            bar = f"[{'#' * filled}{'.' * (self._width - filled)}] {done}/{self._total} trials"
        else:
            bar = f"{done} trials"
        self._stream.write(f"\r{bar} | best {name}: {best!r}")
        self._stream.flush()

    def clear(self) -> None:
        """Erase the line."""
        self._stream.write("\r\x1b[K")


def _clock(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 3600:02d}h {whole % 3600 // 60:02d}m {whole % 60:02d}s"


class Coordinator:
    """One run of a search: claims trials, records their outcomes, logs them.

    Args:
        store: the open store.
        trial_space: the study's trial space (entries joined in the store are added).
        proposer: given the current trial space, the function the store's claim
            calls to propose (see :meth:`TrialStore.claim`).
        objective: what the trial log reports.
        seed: the search's seed.
        executions: executions per trial.
        max_trials: how many trials the store may hold, or None.
        max_failures: failures in a row that stop the search.
        heartbeat_timeout: seconds after which a silent trial of another host is stale.
        say: prints a line of the trial log (or nothing when silent).
        verbose: whether to log trials at all.
        progress: the terminal's progress line, or None.
        directory: the project folder whose ``trials/<id>`` holds each trial's artifacts.
        retries: how many times a trial that raises is run again (``max_retries_per_trial``).
    """

    def __init__(
        self,
        store: TrialStore,
        trial_space: TrialSpace,
        proposer: Callable[[TrialSpace], Propose],
        objective: Objective,
        *,
        seed: int,
        executions: int,
        max_trials: int | None,
        max_failures: int,
        heartbeat_timeout: float,
        say: Callable[[str], None],
        verbose: int,
        progress: Progress | None,
        directory: Path,
        retries: int = 0,
    ) -> None:
        self.store = store
        self.owner = Owner.current()
        self.heartbeat = Heartbeat(store.path)
        self._trial_space = trial_space
        self._space = trial_space
        self._joined = -1
        self._proposer = proposer
        self._objective = objective
        self._seed = seed
        self._executions = executions
        self._max_trials = max_trials
        self._max_failures = max_failures
        self._heartbeat_timeout = heartbeat_timeout
        self.say = say
        self._verbose = verbose
        self._progress = progress
        self._directory = directory
        self._retries = retries
        self._started = time.monotonic()
        self._streak = 0
        self._last_error = ""

    def claim(self) -> TrialTask | None:
        """Claim the next trial (a stale one first) and say so; None when nothing is left."""
        store = self.store
        if store.joined_count() != self._joined:  # entries joined during trials, maybe elsewhere
            self._joined = store.joined_count()
            self._space = with_joined(self._trial_space, store)
        trial = store.claim(
            self._proposer(self._space),
            self.owner,
            max_trials=self._max_trials,
            heartbeat_timeout=self._heartbeat_timeout,
        )
        if trial is None:
            return None
        if self._verbose:
            best = self.store.best_trial(self._objective.direction)
            table = hyperparameter_table(trial.values, None if best is None else best.values)
            self.say(f"\nSearch: Running Trial #{trial.trial_id + 1}\n\n{table}\n")
        self.heartbeat.begin(trial.trial_id, self.owner)
        return TrialTask(
            trial,
            self._space,
            self._seed,
            self._executions,
            artifacts_directory(self._directory, trial.trial_id),
            self._retries,
        )

    def release(self, task: TrialTask) -> None:
        """Give a claimed trial back unrecorded (interrupted): the next run reruns it."""
        self.heartbeat.end(task.trial.trial_id)
        self.store.release(task.trial.trial_id, self.owner)

    def record(self, task: TrialTask, outcome: TrialOutcome, started: float) -> None:
        """Record how a trial ended, with what it declared, and log it.

        Raises:
            TooManyFailedTrialsError: ``max_failures`` trials failed in a row.
        """
        trial = task.trial
        self.heartbeat.end(trial.trial_id)
        state, score, error = outcome.state, outcome.score, outcome.error
        best_step = outcome.best_step
        declared = {hp.name: hp for hp in outcome.declared}
        joined, values = joins(self.store, task.space, trial, declared)
        if isinstance(values, str):  # the declarations do not make a valid space
            state, score, best_step, error = TrialState.FAILED, None, None, values
            values = None
        self.store.finish(
            trial.trial_id,
            self.owner,
            state=state,
            score=score,
            best_step=best_step,
            metrics=outcome.metrics,
            error=error,
            joined=joined,
            values=values,
            meta=outcome.meta,
        )
        if state is TrialState.COMPLETED:
            self._streak = 0
        elif state is TrialState.FAILED or (state is TrialState.INVALID and error is None):
            self._streak += 1
            self._last_error = error or f"trial {trial.trial_id}: the score is NaN"
        if self._verbose:  # the report reads every trial to find the best: skip it when silent
            self._report(trial, state, score, started, error)
        if self._streak >= self._max_failures:
            raise TooManyFailedTrialsError("Study.run()", self._max_failures, self._last_error)

    def run_here(self, backend: Backend) -> None:
        """Run every trial in this process, one after another."""
        while (task := self.claim()) is not None:
            started = time.monotonic()
            try:
                outcome = run_executions(backend, self._objective, task)
            except BaseException:
                self.release(task)
                raise
            self.record(task, outcome, started)

    def result(self) -> SearchResult:
        """The search's trials, as the store holds them now."""
        if self._progress is not None:
            self._progress.clear()
        study = self.store.study()
        return SearchResult(
            self.store.trials(),
            self._objective,
            self._seed,
            trial_space=with_joined(self._trial_space, self.store),
            oracle={} if study is None else json.loads(study.oracle),
        )

    def close(self) -> None:
        """Stop the heartbeat."""
        self.heartbeat.close()

    def _report(
        self,
        trial: TrialRecord,
        state: TrialState,
        score: float | None,
        started: float,
        error: str | None,
    ) -> None:
        say, name = self.say, self._objective.name
        say(f"Trial {trial.trial_id + 1} {_ENDINGS[state]} [{_clock(time.monotonic() - started)}]")
        if score is not None:  # as KerasTuner: no objective line without a score
            say(f"{name}: {score!r}")
        if state is TrialState.FAILED and error:
            say(short_error(error))
        say("")
        best = self.store.best_trial(self._objective.direction)  # one indexed query
        say(f"Best {name} So Far: {None if best is None else best.score!r}")
        say(f"Total elapsed time: {_clock(time.monotonic() - self._started)}")
        if self._progress is not None:
            best_score = None if best is None else best.score
            self._progress.show(self.store.count(), best_score, name)


TABLE_COLUMN = 18
"""The width of the trial log's value columns (KerasTuner's)."""


def _cell(value: object) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{value:.5g}"
    text = str(value)
    return text if len(text) <= TABLE_COLUMN else text[: TABLE_COLUMN - 3] + "..."


def hyperparameter_table(values: Mapping[str, object], best: Mapping[str, object] | None) -> str:
    """The trial log's table of a trial's values next to the best trial's, as KerasTuner's.

    Numbers show 5 significant digits, long texts are cut to the column; ``?``
    stands for every best value before a trial completed, ``None`` for a name the
    best trial did not have.

    Examples:
        >>> print(hyperparameter_table({"units": 64, "lr": 0.00123456}, None))
        Value             |Best Value So Far |Hyperparameter
        64                |?                 |units
        0.0012346         |?                 |lr
        >>> print(hyperparameter_table({"act": "relu", "extra": True}, {"act": "tanh"}))
        Value             |Best Value So Far |Hyperparameter
        relu              |tanh              |act
        True              |None              |extra
        >>> hyperparameter_table({}, None)
        'default configuration'
    """
    if not values:
        return "default configuration"
    rows = [("Value", "Best Value So Far", "Hyperparameter")]
    rows += [
        (_cell(value), "?" if best is None else _cell(best.get(name)), name)
        for name, value in values.items()
    ]
    return "\n".join(
        f"{shown:<{TABLE_COLUMN}}|{so_far:<{TABLE_COLUMN}}|{name}" for shown, so_far, name in rows
    )


SHORT_TRACEBACK = 6
"""How many of a failed trial's last traceback lines the trial log shows."""


def short_error(error: str) -> str:
    r"""A failed trial's error for the log: its first line and its traceback's last lines.

    Python's ``^^^^`` marker lines are left out; the store keeps the whole text
    (``TrialRecord.error``).

    Examples:
        >>> print(short_error("Traceback:\n  File 'x.py'\nValueError: no"))
        Traceback:
          File 'x.py'
        ValueError: no
    """
    lines = [line for line in error.rstrip("\n").splitlines() if line.strip(" ^~")]
    if len(lines) <= SHORT_TRACEBACK + 1:
        return "\n".join(lines)
    return "\n".join([lines[0], "  ...", *lines[-SHORT_TRACEBACK:]])


def printer(
    verbose: int, out: TextIO | None, max_trials: int | None
) -> tuple[Any, Progress | None]:
    """The trial log's ``say`` and the progress line (on a terminal) for ``out``."""
    stream = out if out is not None else sys.stdout
    progress = Progress(stream, max_trials) if verbose and stream.isatty() else None

    def say(line: str) -> None:
        if verbose:
            if progress is not None:
                progress.clear()
            print(line, file=stream, flush=True)

    return say, progress
