"""The search loop: a trial space, an oracle, a backend and a store.

``Study.run`` claims trials from the store (a stale RUNNING one first, else a
new proposal), runs each on the backend, and records how it ended. The store is
the only state: a search killed at any point resumes from it, reruns the
trials it left RUNNING, and proposes exactly what an uninterrupted one would.
"""

from __future__ import annotations

import json
import secrets
import sys
import time
import traceback
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO

import attrs

from ._heartbeat import Heartbeat
from ._metrics import average, merge_outcome, record_step
from ._objective import Objective
from ._oracles import GridSearchOracle, Oracle, RandomSearchOracle, uses_history
from ._proposals import Observation, trial_rng
from ._resolve import TrialSpace
from ._sampling import cardinality, grid
from ._serialization import to_dict
from ._store import ARTIFACTS, Owner, StudyRecord, TrialStore
from ._trials import SearchResult, TrialRecord, TrialState
from ._values import Values
from .backend import Backend, Trial
from .errors import InvalidArgumentError, TooManyFailedTrialsError

_ENDINGS = {
    TrialState.COMPLETED: "Complete",
    TrialState.FAILED: "Failed",
    TrialState.INVALID: "Invalid",
    TrialState.RUNNING: "Running",
}


class _Progress:
    """A live progress line on a terminal: trials in the store, of how many, and the best score."""

    def __init__(self, stream: TextIO, total: int | None, width: int = 24) -> None:
        self._stream = stream
        self._total = total
        self._width = width

    def show(self, done: int, best: float | None, name: str) -> None:
        if self._total:
            filled = min(self._width, self._width * done // self._total)
            bar = f"[{'#' * filled}{'.' * (self._width - filled)}] {done}/{self._total} trials"
        else:
            bar = f"{done} trials"
        self._stream.write(f"\r{bar} | best {name}: {best!r}")
        self._stream.flush()

    def clear(self) -> None:
        self._stream.write("\r\x1b[K")


class SkipTrial(Exception):  # noqa: N818 - KerasTuner-style control-flow name, not an error
    """Raise from an objective (or a build function) to skip an invalid combination.

    The trial is recorded INVALID and does not count toward the failure streak.
    """


def _clock(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 3600:02d}h {whole % 3600 // 60:02d}m {whole % 60:02d}s"


def _space_json(trial_space: TrialSpace) -> str:
    return json.dumps(
        {"tuned": to_dict(trial_space.tuned), "pinned": dict(trial_space.pinned)},
        sort_keys=True,
    )


def _space_change(stored: str, given: str) -> str | None:
    """One line saying how the stored trial space differs from the given one."""
    if stored == given:
        return None
    before = {hp["name"]: hp for hp in json.loads(stored)["tuned"]["hyperparameters"]}
    after = {hp["name"]: hp for hp in json.loads(given)["tuned"]["hyperparameters"]}
    parts = []
    if added := [name for name in after if name not in before]:
        parts.append("added " + ", ".join(added))
    if removed := [name for name in before if name not in after]:
        parts.append("removed " + ", ".join(removed))
    if changed := [name for name in after if name in before and after[name] != before[name]]:
        parts.append("changed " + ", ".join(changed))
    if not (added or removed) and list(before) != list(after):
        parts.append("reordered entries")
    if json.loads(stored)["pinned"] != json.loads(given)["pinned"]:
        parts.append("changed pinned values")
    return "The trial space differs from the stored study's: " + "; ".join(parts)


def _positive(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise InvalidArgumentError("Study()", "", attribute.name, value, "a positive int")


def _seed(instance: object, attribute: attrs.Attribute[int | None], value: int | None) -> None:
    # The store keeps the seed in an SQLite INTEGER; numpy wants it non-negative.
    if value is not None and (
        not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**63
    ):
        raise InvalidArgumentError(
            "Study()", "", "seed", value, "None or an int with 0 <= seed < 2**63"
        )


@attrs.frozen
class Study:
    """A search: what to tune, how to propose, what to optimise, where to record.

    Attributes:
        trial_space: the resolved trial space (see :func:`spacealg.resolve`).
        backend: runs one trial (see :mod:`spacealg.backend`).
        objective: the metric to optimise.
        oracle: proposes values (random search unless given).
        directory: where the project's folder lives.
        project_name: the project's folder; the store is ``trials.db`` in it.
        seed: the search's seed; None draws one (or reuses the stored one).
        executions_per_trial: how many times each trial runs; metrics are averaged.
        max_consecutive_failed_trials: failures in a row (this run) that stop the search.
        heartbeat_timeout: seconds after which a silent trial of another host is stale.
    """

    trial_space: TrialSpace
    backend: Backend
    objective: Objective
    oracle: Oracle = attrs.field(factory=RandomSearchOracle)
    directory: Path = attrs.field(default=Path("."), converter=Path)
    project_name: str = "untitled_project"
    seed: int | None = attrs.field(default=None, validator=_seed)
    executions_per_trial: int = attrs.field(default=1, validator=_positive)
    max_consecutive_failed_trials: int = attrs.field(default=3, validator=_positive)
    heartbeat_timeout: float = 60.0

    @property
    def store_path(self) -> Path:
        """``<directory>/<project_name>/trials.db``."""
        return TrialStore.location(self.directory, self.project_name)

    def run(
        self,
        max_trials: int | None,
        *,
        overwrite: bool = False,
        verbose: int = 1,
        out: TextIO | None = None,
    ) -> SearchResult:
        """Run trials until the store holds ``max_trials`` or the space is exhausted.

        ``max_trials`` counts every trial in the store, as in KerasTuner: resuming
        with the same value runs nothing new, a larger one runs the difference.

        Raises:
            InvalidArgumentError: ``max_trials`` is None on a continuous space.
            TooManyFailedTrialsError: ``max_consecutive_failed_trials`` failed in a row.
            StoreError: the store path holds something that is not a spacealg store.
        """
        if max_trials is not None and (
            not isinstance(max_trials, int) or isinstance(max_trials, bool) or max_trials < 1
        ):
            raise InvalidArgumentError(
                "Study.run()", "", "max_trials", max_trials, "a positive int, or None"
            )
        if isinstance(self.oracle, GridSearchOracle):
            grid(self.trial_space.tuned)  # a continuous space raises here, before the store opens
        if max_trials is None and cardinality(self.trial_space.tuned) is None:
            raise InvalidArgumentError(
                "Study.run()", "", "max_trials", None, "an int for a space with continuous entries"
            )
        stream = out if out is not None else sys.stdout
        progress = _Progress(stream, max_trials) if verbose and stream.isatty() else None

        def say(line: str) -> None:
            if verbose:
                if progress is not None:
                    progress.clear()
                print(line, file=stream, flush=True)

        store = TrialStore.open(self.store_path, overwrite=overwrite)
        heartbeat = Heartbeat(store.path)
        try:
            seed = self._begin(store, say)
            return self._loop(
                store,
                seed,
                max_trials,
                say,
                verbose=verbose,
                heartbeat=heartbeat,
                progress=progress,
            )
        finally:
            heartbeat.close()
            store.close()

    def _begin(self, store: TrialStore, say: Any) -> int:
        stored = store.study()
        seed = self.seed
        if seed is None:
            seed = stored.seed if stored is not None else secrets.randbelow(2**63)
        elif stored is not None and stored.seed != seed:
            say(f"Using seed {seed}; the stored study was started with seed {stored.seed}.")
        space = _space_json(self.trial_space)
        if stored is not None and (change := _space_change(stored.trial_space, space)):
            say(change)
        store.record_study(
            StudyRecord(
                trial_space=space,
                objective=json.dumps(attrs.asdict(self.objective)),
                oracle=json.dumps({"name": self.oracle.name, **self.oracle.settings()}),
                seed=seed,
            )
        )
        return seed

    def _propose(self, seed: int, store: TrialStore) -> Any:
        tuned = self.trial_space.tuned
        oracle: Any = self.oracle
        learns = uses_history(oracle)
        sign = 1.0 if self.objective.direction == "min" else -1.0

        def propose(tried: list[Values]) -> tuple[Values, Values] | None:
            if learns:  # scores oriented so that lower is better, for any direction
                history = tuple(
                    Observation(values, state, None if score is None else sign * score)
                    for values, (state, score) in zip(tried, store.outcomes(), strict=True)
                )
                values = oracle.propose(tuned, tried, seed=seed, index=len(tried), history=history)
            else:
                values = oracle.propose(tuned, tried, seed=seed, index=len(tried))
            return None if values is None else (values, self.trial_space.complete(values))

        return propose

    def _loop(
        self,
        store: TrialStore,
        seed: int,
        max_trials: int | None,
        say: Any,
        *,
        verbose: int,
        heartbeat: Heartbeat,
        progress: _Progress | None,
    ) -> SearchResult:
        owner = Owner.current()
        propose = self._propose(seed, store)
        started = time.monotonic()
        streak = 0
        last_error = ""
        while True:
            trial = store.claim(
                propose, owner, max_trials=max_trials, heartbeat_timeout=self.heartbeat_timeout
            )
            if trial is None:
                break
            if verbose:
                say(f"\nSearch: Running Trial #{trial.trial_id + 1}")
            trial_started = time.monotonic()
            try:
                state, score, best_step, metrics, error = self._run_trial(
                    heartbeat, owner, trial, seed
                )
            except BaseException:
                store.release(trial.trial_id, owner)
                raise
            store.finish(
                trial.trial_id,
                owner,
                state=state,
                score=score,
                best_step=best_step,
                metrics=metrics,
                error=error,
            )
            if state is TrialState.COMPLETED:
                streak = 0
            elif state is TrialState.FAILED or (state is TrialState.INVALID and error is None):
                streak += 1
                last_error = error or f"trial {trial.trial_id}: the score is NaN"
            if verbose:  # the report reads every trial to find the best: skip it when silent
                self._report(store, trial, state, score, trial_started, started, say, progress)
            if streak >= self.max_consecutive_failed_trials:
                raise TooManyFailedTrialsError(
                    "Study.run()", self.max_consecutive_failed_trials, last_error
                )
        if progress is not None:
            progress.clear()
        return SearchResult(store.trials(), self.objective, seed)

    def _run_trial(
        self, heartbeat: Heartbeat, owner: Owner, trial: TrialRecord, seed: int
    ) -> tuple[TrialState, float | None, int | None, dict[str, list[float]], str | None]:
        directory = self.store_path.parent / ARTIFACTS / str(trial.trial_id)
        seeds = trial_rng(seed, trial.trial_id).integers(2**31 - 1, size=self.executions_per_trial)
        runs: list[dict[str, list[float]]] = []
        heartbeat.begin(trial.trial_id, owner)
        try:
            for execution in range(self.executions_per_trial):
                steps: dict[str, list[float]] = {}

                def report(step: int, metrics: Mapping[str, float], steps: Any = steps) -> None:
                    record_step(steps, step, metrics)

                outcome = self.backend.run_trial(
                    Trial(
                        trial.trial_id,
                        trial.values,
                        execution,
                        int(seeds[execution]),
                        directory,
                        report,
                    )
                )
                merge_outcome(steps, outcome)
                runs.append(steps)
        except SkipTrial as skip:
            return (
                TrialState.INVALID,
                None,
                None,
                {},
                f"skipped: {skip}" if str(skip) else "skipped",
            )
        except Exception:  # any failure of the user's code is recorded
            return TrialState.FAILED, None, None, {}, traceback.format_exc()
        finally:
            heartbeat.end()
        metrics = average(runs)
        series = metrics.get(self.objective.name)
        if series is None:
            known = ", ".join(repr(name) for name in metrics) or "none"
            error = (
                f"the objective {self.objective.name!r} is not among the trial's metrics "
                f"({known}); pass objective= naming one of them"
            )
            return TrialState.FAILED, None, None, metrics, error
        best = self.objective.best_of(series)
        if best is None:
            return TrialState.INVALID, None, None, metrics, None
        return TrialState.COMPLETED, best[1], best[0], metrics, None

    def _report(
        self,
        store: TrialStore,
        trial: TrialRecord,
        state: TrialState,
        score: float | None,
        trial_started: float,
        started: float,
        say: Any,
        progress: _Progress | None,
    ) -> None:
        name = self.objective.name
        ended = _ENDINGS[state]
        say(f"Trial {trial.trial_id + 1} {ended} [{_clock(time.monotonic() - trial_started)}]")
        if score is not None:  # as KerasTuner: no objective line without a score
            say(f"{name}: {score!r}")
        say("")
        best = SearchResult(store.trials(), self.objective).best_trial
        say(f"Best {name} So Far: {None if best is None else best.score!r}")
        say(f"Total elapsed time: {_clock(time.monotonic() - started)}")
        if progress is not None:
            progress.show(len(store.trials()), None if best is None else best.score, name)
